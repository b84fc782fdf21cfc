"""The result format: one ``ArticleResult`` per article, written as JSON and read by evals, exports and reports.

These Pydantic models are the single source of truth for that shape
(docs/result-format.md); the model-facing answers live in
``stance.extraction.answers``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

StanceLabel = Literal["support", "oppose", "neutral"]
ActorType = Literal["person", "organization", "government", "country", "group", "other"]
Alignment = Literal["exact", "normalized", "fuzzy", "none"]

STANCE_LABELS: tuple[str, ...] = ("support", "oppose", "neutral")
ACTOR_TYPES: tuple[str, ...] = ("person", "organization", "government", "country", "group", "other")



class Actor(BaseModel):
    name: str
    type: ActorType = "other"
    role: str | None = None
    aliases: list[str] = Field(default_factory=list)


class Evidence(BaseModel):
    """A quote located in the article: ``text[start:end] == quote`` when alignment is exact."""

    quote: str
    start: int | None = None
    end: int | None = None
    alignment: Alignment = "none"


class Stance(BaseModel):
    actor: str
    stance: StanceLabel
    evidence: list[Evidence] = Field(default_factory=list)


class Claim(BaseModel):
    id: str
    text: str
    stances: list[Stance] = Field(default_factory=list)
    codebook_id: str | None = None


class ArticleInfo(BaseModel):
    id: str
    path: str
    sha256: str
    title: str


class PromptInfo(BaseModel):
    name: str
    hash: str


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Provenance(BaseModel):
    model: str
    endpoint: str
    prompt: PromptInfo
    params: dict[str, Any] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    attempts: int = 1
    seconds: float = 0.0
    cached: bool = False
    stance_version: str = ""


class ArticleResult(BaseModel):
    article: ArticleInfo
    actors: list[Actor] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    provenance: Provenance

    def stance_count(self) -> int:
        return sum(len(c.stances) for c in self.claims)

    def evidence(self) -> list[Evidence]:
        return [e for c in self.claims for s in c.stances for e in s.evidence]


class FailureRecord(BaseModel):
    """``RUN/failures/<safe id>.json``: an article that could not be loaded or extracted, and why.

    The one failure record: the batch runner writes it, the single-article API
    returns it, evals and reports read it. ``sha256``, ``model`` and
    ``prompt_hash`` say what was tried, so a rerun retries an article whose
    text (or the prompt, or the model) has changed.
    """

    article_id: str = Field(description="the article's id (file name, or file#record for JSON lines)")
    path: str = Field("", description="the input file, as given")
    kind: str = Field("", description="short machine-readable cause, e.g. invalid_output, timeout, bad_json")
    message: str = Field("", description="one line a person can act on")
    attempts: int = Field(0, description="model requests made for this article (0 when it never reached the model)")
    raw_output: str | None = Field(None, description="the model's last answer, when it was invalid")
    stage: Literal["load", "extract"] = Field("extract", description="whether reading the file or extracting failed")
    sha256: str | None = Field(None, description="SHA-256 of the article text that was tried")
    model: str | None = Field(None, description="the model that was asked")
    prompt_hash: str | None = Field(None, description="hash of the prompt (and codebook) that was used")
    time: str | None = Field(None, description="when it failed (UTC, ISO 8601)")
