"""Short names for recurring claims, written by the model: one request per group, never per statement.

A group's members are its claims as the articles phrase them ("There is no
agreement in the offing", "A deal with Tehran is near"); the name is the one
proposition they are for or against ("A U.S.-Iran agreement is close"). Only
groups with two or more distinct wordings are sent; a single wording is its
own name. Requests go through the one model client (``stance.model.client``),
so answers are validated, re-asked, retried and cached like extraction's. A
group whose request fails keeps the name of its most central member, and the
failure is counted, never fatal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from pydantic import BaseModel, Field, field_validator

from stance.corpus.claim_map import ClaimMap, RecurringClaim
from stance.model.client import LLMClient
from stance.model.errors import LLMError

MAX_NAME_CHARS = 200
MAX_SHOWN = 8  # wordings shown per group, most frequent first: enough to see the proposition, few tokens

SYSTEM = (
    "You name recurring claims in a corpus of news articles. You get the wordings, from different articles, "
    "of one proposition; a wording marked (negated) denies it. Write the proposition as one short declarative "
    "sentence of at most 15 words: self-contained (name the parties, no pronouns), neutral, in the polarity "
    "of the wordings not marked (negated). Answer with a JSON object: {\"name\": \"...\"}."
)


class ClaimName(BaseModel):
    """The model's answer for one group."""

    name: str = Field(min_length=3, max_length=MAX_NAME_CHARS, description="the proposition, one short sentence")

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())


def needs_name(group: RecurringClaim) -> bool:
    """Two or more distinct wordings: the model is asked. One wording names itself."""
    return len({m.text for m in group.members}) >= 2


def naming_messages(group: RecurringClaim) -> list[dict[str, str]]:
    """The request for one group: its distinct wordings, the group's own name first, then by frequency."""
    counts = Counter((m.text, m.flip) for m in group.members)
    wordings = sorted(counts, key=lambda tf: (tf[0] != group.name, -counts[tf], tf[0]))[:MAX_SHOWN]
    lines = [f"{i}. {'(negated) ' if flip else ''}{text}" for i, (text, flip) in enumerate(wordings, start=1)]
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "Wordings:\n" + "\n".join(lines)},
    ]


@dataclass
class NamingReport:
    """What naming did: requests (= groups sent), answers from the cache, failures (group index, message)."""

    requests: int = 0
    cache_hits: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)


def name_groups(
    claim_map: ClaimMap,
    llm: LLMClient,
    *,
    parallel: int = 2,
    progress: Callable[[int], None] | None = None,
) -> tuple[ClaimMap, NamingReport]:
    """A copy of the map whose groups of several wordings carry the model's name (``named_by="model"``)."""
    todo = [i for i, g in enumerate(claim_map.groups) if needs_name(g)]
    report = NamingReport(requests=len(todo))
    groups = list(claim_map.groups)

    def one(index: int) -> tuple[int, str | None, bool, str]:
        try:
            result = llm.complete_json(naming_messages(groups[index]), ClaimName)
        except LLMError as exc:
            return index, None, False, exc.message
        answer = result.answer
        assert isinstance(answer, ClaimName)
        return index, answer.name, result.cached, ""

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        for index, name, cached, error in pool.map(one, todo):
            if name is None:
                report.failures.append((index, error))
            else:
                groups[index] = groups[index].model_copy(update={"name": name, "named_by": "model"})
                report.cache_hits += cached
            if progress is not None:
                progress(1)
    named = claim_map.model_copy(
        update={"groups": groups, "naming_model": llm.model_name, "naming_requests": report.requests}
    )
    return named, report
