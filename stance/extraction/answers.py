"""The model-facing answers: their JSON schema is what we send to the model.

Deliberately small and bounded: small models loop until ``max_tokens``
unless arrays and strings carry length limits, and every output token costs
~0.1 s on two CPU cores, so the model points at numbered sentences instead of
retyping evidence. (The result format is ``stance.results``.)
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from stance.results import StanceLabel

# Model-facing answer (JSON schema generated from these; keep it bounded)
MAX_STATEMENTS = 24
MAX_NAME_CHARS = 60
MAX_CLAIM_CHARS = 160


class ModelStatement(BaseModel):
    """One actor taking one stance on one claim, pointing at a numbered sentence."""

    model_config = ConfigDict(extra="forbid")

    s: int = Field(ge=1, le=9999, description="number of the sentence that carries the statement")
    who: str = Field(min_length=1, max_length=MAX_NAME_CHARS, description="the speaker, full name")
    claim: str | None = Field(
        default=None, min_length=3, max_length=MAX_CLAIM_CHARS,
        description="short self-contained proposition; None when the pipeline takes it from the sentence",
    )
    stance: StanceLabel


_SentenceNumber = Annotated[int, Field(ge=1, le=9999)]
_Speaker = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]

# What the model writes per statement: [sentence number, speaker, claim, stance]. A row
# costs about half the output tokens of an object with keys, and output tokens are
# most of the time on a CPU.
StatementRow = tuple[_SentenceNumber, _Speaker, Annotated[str, Field(min_length=3, max_length=MAX_CLAIM_CHARS)], StanceLabel]

# A pointer: [sentence number, speaker, stance]. The claim is the sentence's reported
# content (reported.reported_content), so the model does not write it: a quarter of
# the output tokens of a statement row.
PointerRow = tuple[_SentenceNumber, _Speaker, StanceLabel]


class _RowAnswer(BaseModel):
    """A model answer whose statements are rows; the row's fields are named by ``row_fields``."""

    model_config = ConfigDict(extra="forbid")
    row_fields: ClassVar[tuple[str, ...]]
    statements: list[Any]

    @field_validator("statements", mode="before")
    @classmethod
    def _rows_from_objects(cls, value: Any) -> Any:
        """Also take statements written as objects: schema-in-prompt endpoints often answer so."""
        if not isinstance(value, list):
            return value
        return [[item.get(k) for k in cls.row_fields] if isinstance(item, dict) else item for item in value]

    @classmethod
    def error_location(cls, loc: tuple[int | str, ...]) -> str:
        """``statements.0.3`` -> ``statements.0.stance``: re-asks and failure records name the field."""
        if len(loc) >= 3 and loc[0] == "statements" and isinstance(loc[2], int) and loc[2] < len(cls.row_fields):
            loc = (*loc[:2], cls.row_fields[loc[2]], *loc[3:])
        return ".".join(str(p) for p in loc)

    def items(self) -> list[ModelStatement]:
        return [ModelStatement(**dict(zip(self.row_fields, row, strict=False))) for row in self.statements]


class ModelAnswer(_RowAnswer):
    """Statements with the claim in the model's words."""

    row_fields: ClassVar[tuple[str, ...]] = ("s", "who", "claim", "stance")
    statements: list[StatementRow] = Field(default_factory=list, max_length=MAX_STATEMENTS)


class PointerAnswer(_RowAnswer):
    """Statements as pointers to sentences; the pipeline writes the claim from the sentence."""

    row_fields: ClassVar[tuple[str, ...]] = ("s", "who", "stance")
    statements: list[PointerRow] = Field(default_factory=list, max_length=MAX_STATEMENTS)


# A speaker pointer: [sentence number, speaker]. The rules settle the stance of a claim read off its sentence
# (polarity.settle_stance: "neutral" for declining to comment, "oppose" for a denial); ignoring the model's label
# changed nothing on English dev and raised stance accuracy on held-out and corpus, but lost the one right
# "oppose" in German and in Spanish, so only the opt-in prompt extract-speakers asks for these
# (evals/reports/speed-ratio.md, "Speaker rows").
SpeakerRow = tuple[_SentenceNumber, _Speaker]


class SpeakerAnswer(PointerAnswer):
    """Pointers without a stance: the rules read it off the sentence."""

    row_fields: ClassVar[tuple[str, ...]] = ("s", "who")
    statements: list[SpeakerRow] = Field(default_factory=list, max_length=MAX_STATEMENTS)  # type: ignore[assignment]

    def items(self) -> list[ModelStatement]:
        return [ModelStatement(s=s, who=who, stance="support") for s, who in self.statements]


AnswerShape = type[ModelAnswer] | type[PointerAnswer]


def answer_shape_of(answer: Any) -> AnswerShape:
    """The answer model a prompt's example answer is written in: rows of four are claims, rows of three
    pointers, rows of two speaker pointers."""
    rows = answer.get("statements") if isinstance(answer, dict) else None
    if rows and all(isinstance(r, list) and len(r) == 2 for r in rows):
        return SpeakerAnswer
    if rows and all(isinstance(r, list) and len(r) == 3 for r in rows):
        return PointerAnswer
    return ModelAnswer


def is_pointer(shape: AnswerShape) -> bool:
    """Answers whose claims the pipeline reads off the sentences (with or without the model's stance)."""
    return issubclass(shape, PointerAnswer)


@functools.cache
def model_answer_for(max_items: int, shape: AnswerShape = ModelAnswer) -> AnswerShape:
    """The answer model with a tighter bound on items: a few candidate sentences never need 24 statements."""
    rows: Any = shape.model_fields["statements"].annotation
    return create_model(
        f"{shape.__name__}{max_items}",
        __base__=shape,
        statements=(rows, Field(default_factory=list, max_length=max_items)),
    )


def model_answer_schema() -> dict[str, Any]:
    """The JSON schema sent to the model, generated from ``ModelAnswer``."""
    return ModelAnswer.model_json_schema()
