"""One extra request per article, opt-in (``Settings.rewrite_claims``): short claims and shared propositions.

The rules (``text.claims``, ``extraction.sharing``) shorten what they can and
share only claims that repeat each other's words; on the dev fixtures they
reach text_pair_f1 0.29 and a multi-actor share of 0.03, against the issue's
0.45 and 0.08 (evals/reports/issue-15-summary.md). Most shared propositions
are worded differently ("rejected the request" against "the transition team
asked for names"), which only reading can tell. This step asks the model once
per article, after extraction, with every claim of the article numbered:

* rewrite the claims the rules left long or without a named subject (only
  those are marked, so the model writes few tokens), and
* name which claims state the same proposition as an earlier one, or its
  opposite.

The answer changes claim texts and moves stances between claims (an
"opposite" claim's stances are reversed); no stance is dropped, every
evidence span stays where it was, so grounding stays exact. An answer that
points at numbers it was not shown is ignored row by row. Off by default: the
lead measures it on the embedded model (docs in evals/reports/issue-15-summary.md).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, Field

from stance.extraction.merging import add_stance, used_actors
from stance.results import ArticleResult, Claim

if TYPE_CHECKING:
    from stance.model.client import LLMClient

REWRITE_WORDS = 15  # a claim over this many words, or opening with a pronoun, is marked for rewriting
MAX_CLAIMS = 60  # claims shown in one request (an article with more: the first ones)
_PRONOUN_START = re.compile(r"^[“\"‘']?(?:I|we|he|she|they|it|this|that|these|those|our|my|their|his|her)\b",
                            re.IGNORECASE)
_REVERSED = {"support": "oppose", "oppose": "support", "neutral": "neutral"}

SYSTEM = (
    "You edit the claims extracted from one news article. Each line is a claim: its number, who takes a side on it, "
    "and the claim. For every line marked REWRITE, write the claim as one short declarative sentence of at most 15 "
    "words that names its subject (no I, we, he, she, they, it), without who said it, hedges or filler, keeping its "
    "meaning and its direction. Then list pairs [earlier, later, relation] where the later claim states the same "
    "proposition as the earlier one (relation \"same\") or its negation or rejection (relation \"opposite\"). "
    "Only pair claims that are really about one proposition. Answer with JSON only."
)

Relation = Literal["same", "opposite"]


class RewriteAnswer(BaseModel):
    """What the model answers: new texts for marked claims, and pairs of claims that are one proposition."""

    rewrites: list[tuple[int, Annotated[str, Field(min_length=3, max_length=200)]]] = Field(
        default_factory=list, max_length=MAX_CLAIMS, description="[claim number, short claim]")
    pairs: list[tuple[int, int, Relation]] = Field(
        default_factory=list, max_length=MAX_CLAIMS, description="[earlier claim number, later claim number, relation]")


def needs_rewrite(text: str) -> bool:
    """A claim the rules could not make short and self-contained: too long, or opening with a pronoun."""
    return len(text.split()) > REWRITE_WORDS or bool(_PRONOUN_START.match(text))


def rewrite_messages(result: ArticleResult) -> list[dict[str, str]] | None:
    """The one request for an article, or None when there is nothing to ask (no marked claim, one actor)."""
    claims = result.claims[:MAX_CLAIMS]
    marked = [needs_rewrite(c.text) for c in claims]
    actors = {s.actor for c in claims for s in c.stances}
    if not any(marked) and (len(claims) < 2 or len(actors) < 2):
        return None
    lines = []
    for n, (claim, mark) in enumerate(zip(claims, marked, strict=True), 1):
        who = ", ".join(dict.fromkeys(s.actor for s in claim.stances))
        lines.append(f"[{n}]{' REWRITE' if mark else ''} {who}: {claim.text}")
    title = result.article.title
    user = f"Article: {title}\n\n" + "\n".join(lines) + '\n\nAnswer as {"rewrites": [[n, "claim"], ...], "pairs": [[a, b, "same"], ...]}'
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def apply_rewrite(result: ArticleResult, answer: RewriteAnswer) -> ArticleResult:
    """The result with the answer's texts and shared claims; rows naming claims it was not shown are ignored."""
    claims = [c.model_copy(deep=True) for c in result.claims]
    shown = min(len(claims), MAX_CLAIMS)
    marked = {n for n in range(1, shown + 1) if needs_rewrite(claims[n - 1].text)}
    for n, text in answer.rewrites:
        if n in marked and text.strip():
            claims[n - 1].text = text.strip()
    # each later claim joins one earlier claim; follow chains to the first one (a later claim never absorbs an earlier)
    parent: dict[int, tuple[int, bool]] = {}
    for a, b, relation in answer.pairs:
        if 1 <= a < b <= shown and b not in parent:
            parent[b] = (a, relation == "opposite")

    def root(n: int) -> tuple[int, bool]:
        flipped = False
        while n in parent:
            n, flip = parent[n]
            flipped ^= flip
        return n, flipped

    kept: list[Claim] = []
    for n, claim in enumerate(claims, 1):
        r, flipped = root(n) if n <= shown else (n, False)
        if r == n:
            kept.append(claim)
            continue
        target = claims[r - 1]
        for st in claim.stances:
            add_stance(target.stances, st.actor, _REVERSED[st.stance] if flipped else st.stance, st.evidence)
    return result.model_copy(update={"claims": kept, "actors": used_actors(result.actors, kept)})


def rewrite_claims(result: ArticleResult, *, llm: LLMClient) -> ArticleResult:
    """Ask once and apply the answer, adding its tokens to the result's usage; open-mode claims only (a codebook's
    claims keep the codebook's words). The result unchanged when there is nothing to ask."""
    if any(c.codebook_id for c in result.claims):
        return result
    messages = rewrite_messages(result)
    if messages is None:
        return result
    chat = llm.complete_json(messages, RewriteAnswer)
    answer = RewriteAnswer.model_validate(chat.answer.model_dump())
    rewritten = apply_rewrite(result, answer)
    provenance = result.provenance.model_copy(update={
        "usage": result.provenance.usage + chat.usage,
        "cached": result.provenance.cached and chat.cached,
        "attempts": max(result.provenance.attempts, chat.attempts),
        "params": {**result.provenance.params, "rewrite_claims": True},
    })
    return rewritten.model_copy(update={"provenance": provenance})
