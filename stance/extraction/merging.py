"""The one stance merge: statements pointed at sentences become actors and claims with exact evidence.

Open mode, codebook mode and codebook-with-open all end here. What differs is
only how statements group into claims (``ClaimIndex``: by similar wording in
open mode, by codebook id in codebook mode); actor names, evidence and the
rule "no stance dropped, none duplicated" are the same for every mode.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from stance.results import Actor, Claim, Evidence, Stance
from stance.text.actors import canonicalise, guess_type
from stance.text.attribution import authors_own, cites_a_group, is_author, quotation_continuations
from stance.text.grounding import span_evidence
from stance.text.sentences import Sentence, quoted_spans

REVERSED = {"support": "oppose", "oppose": "support", "neutral": "neutral"}  # a stance taken the other way

QUOTE_RELEVANCE = 50.0  # partial similarity (0-100) a quotation needs to the claim to be its evidence
ATTRIBUTION_WORDS = 8  # words outside the quotations beyond which a sentence says more than who spoke


@dataclass(frozen=True)
class PointedStatement:
    """A model statement resolved to a sentence of the article (``codebook_id``: the codebook claim, if any)."""

    sentence: Sentence
    who: str
    claim: str
    stance: str
    codebook_id: str | None = None


class ClaimIndex(Protocol):
    """How a mode groups statements into claims."""

    def claim_for(self, statement: PointedStatement) -> Claim:
        """The claim ``statement`` is about, created on first use."""
        ...

    def claims(self) -> list[Claim]:
        """The claims in the order results list them."""
        ...


def norm_claim(claim: str) -> str:
    """A claim's wording without case and punctuation, for comparing claims."""
    return re.sub(r"[^\w\s]", "", claim.lower()).strip()


LISTED_GAP = 25  # characters between two quotations that make them one list ("« a », « b » et surtout « c »")


def _joined_quotations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quotations that follow each other with only a few words between them (``LISTED_GAP``: "« aucune raison de
    s'inquiéter », « aucune raison de manifester » et surtout « aucune raison de bloquer ... »") as one span from
    the first to the last: a list of quoted phrases says one thing."""
    joined: list[tuple[int, int]] = []
    for a, b in spans:
        if joined and a - joined[-1][1] <= LISTED_GAP and not re.search(r"[.!?]", text[joined[-1][1]:a]):
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return joined


def evidence_for(text: str, sentence: Sentence, claim: str) -> Evidence:
    """The quotation that carries the claim, else the whole sentence.

    A quotation that does not resemble the claim is still the evidence when the
    rest of the sentence is only the attribution ("..., he said."), but not when
    the sentence makes its point outside the quotation and quotes something else.
    """
    spans = _joined_quotations(text, quoted_spans(sentence))
    if not spans:
        return span_evidence(text, sentence.start, sentence.end)
    relevance, start, end = max((fuzz.partial_ratio(claim.lower(), text[a:b].lower()), a, b) for a, b in spans)
    outside = text[sentence.start:sentence.end]
    for a, b in sorted(spans, reverse=True):
        outside = outside[: a - sentence.start] + outside[b - sentence.start:]
    if relevance < QUOTE_RELEVANCE and len(outside.split()) > ATTRIBUTION_WORDS:
        return span_evidence(text, sentence.start, sentence.end)
    return span_evidence(text, start, end)


def add_stance(stances: list[Stance], actor: str, label: str, evidence: Iterable[Evidence]) -> None:
    """One stance per (actor, label): a repeat only adds evidence whose span is not there yet."""
    existing = next((s for s in stances if s.actor == actor and s.stance == label), None)
    if existing is None:
        stances.append(Stance(actor=actor, stance=label, evidence=list(evidence)))
        return
    for item in evidence:
        if all((e.start, e.end) != (item.start, item.end) for e in existing.evidence):
            existing.evidence.append(item)


def used_actors(actors: list[Actor], claims: Sequence[Claim]) -> list[Actor]:
    """The actors some stance names, in their order."""
    used = {s.actor for c in claims for s in c.stances}
    return [a for a in actors if a.name in used]


def merge_stances(text: str, statements: Sequence[PointedStatement], index: ClaimIndex) -> tuple[list[Actor], list[Claim]]:
    """Canonical actors (named in the order given), then stances added in sentence order, grouped by ``index``."""
    language = statements[0].sentence.lang if statements else "en"  # the article's: whose titles are stripped
    mapping, actors = canonicalise([s.who for s in statements], text, language)
    for st in sorted(statements, key=lambda s: s.sentence.n):
        actor = mapping.get(st.who.strip(), st.who.strip())
        claim = index.claim_for(st)
        add_stance(claim.stances, actor, st.stance, [evidence_for(text, st.sentence, st.claim)])
    claims = index.claims()
    return used_actors(actors, claims), claims


def _unique_id(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate.casefold() in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    taken.add(candidate.casefold())
    return candidate


def combine_with_open(
    text: str, merged: tuple[list[Actor], list[Claim]], opened: tuple[list[Actor], list[Claim]]
) -> tuple[list[Actor], list[Claim]]:
    """Codebook claims first, then the open ones (ids ``open-c1``, ...), with actor names made consistent."""
    actors, claims = merged
    open_actors, open_claims = opened
    names = [a.name for a in actors] + [a.name for a in open_actors]
    names += [alias for a in [*actors, *open_actors] for alias in a.aliases]
    mapping, all_actors = canonicalise(names, text)
    taken = {c.id.casefold() for c in claims}
    renamed = [c.model_copy(update={"id": _unique_id(f"open-{c.id}", taken)}, deep=True) for c in open_claims]
    combined: list[Claim] = []
    for claim in [*(c.model_copy(deep=True) for c in claims), *renamed]:
        stances: list[Stance] = []
        for st in claim.stances:
            add_stance(stances, mapping.get(st.actor, st.actor), st.stance, st.evidence)
        combined.append(claim.model_copy(update={"stances": stances}))
    return used_actors(all_actors, combined), combined


def attribute_to_author(
    sentences: Sequence[Sentence], actors: list[Actor], claims: list[Claim], author: str, *, headline: bool
) -> tuple[list[Actor], list[Claim]]:
    """In a document that speaks for ``author`` (a testimony, an op-ed, a press release), give the author what is
    theirs, whatever the mode and the model said.

    A stance the model gave to "I", "we", "the author" or a form of the author's name is the author's. So is
    evidence in a sentence that is the author's own statement (``attribution.authors_own``: first person, no
    one else credited with speech), whoever the model named ("We urge Congress to ..." is not Congress's),
    except a quotation in that sentence credited to an actor the sentence names. Every stance and every piece
    of evidence is kept; only who holds it changes, and one thing about it: what the author holds in a sentence
    that cites an unnamed group ("Some say my tax plan is too big.") the author argues against, so its stance is
    reversed (``attribution.cites_a_group``).
    """
    starts = [s.start for s in sentences]
    continued = quotation_continuations(list(sentences), headline=headline)
    own = {s.n for s in sentences if not (headline and s.n == 1) and authors_own(s, continued=s.n in continued)}
    cited = {s.n for s in sentences if cites_a_group(s)}

    def sentence_at(offset: int) -> Sentence | None:
        i = bisect.bisect_right(starts, offset) - 1
        return sentences[i] if i >= 0 and offset < sentences[i].end else None

    def holder(actor: str, evidence: Evidence | None, sentence: Sentence | None) -> str:
        """Who holds one piece of evidence of ``actor``'s stance (``sentence``: the one the evidence is in)."""
        if is_author(actor, author):
            return author
        if evidence is None or evidence.start is None or evidence.end is None:
            return actor
        if sentence is None or sentence.n not in own:
            return actor
        quotation = (evidence.start, evidence.end) != (sentence.start, sentence.end)
        if quotation and any(w.lower() in sentence.text.lower() for w in actor.split() if len(w) > 2):
            return actor  # "We agree with Mayor Ortiz, who called it “a disaster”": the quotation is hers
        return author

    aliases = [a.name for a in actors if a.name != author and is_author(a.name, author)]
    aliases += [alias for a in actors if a.name == author or a.name in aliases for alias in a.aliases]
    moved: list[Claim] = []
    for claim in claims:
        stances: list[Stance] = []
        for st in claim.stances:
            if not st.evidence:
                add_stance(stances, holder(st.actor, None, None), st.stance, [])
            for evidence in st.evidence:
                sentence = sentence_at(evidence.start) if evidence.start is not None else None
                who = holder(st.actor, evidence, sentence)
                cites = who == author and sentence is not None and sentence.n in cited
                stance = REVERSED[st.stance] if cites else st.stance
                add_stance(stances, who, stance, [evidence])
        moved.append(claim.model_copy(update={"stances": stances}))
    known = next((a for a in actors if a.name == author), None)
    author_actor = Actor(name=author, type=known.type if known else guess_type(author), role=known.role if known else None,
                         aliases=list(dict.fromkeys(x for x in aliases if x != author)))
    others = [a for a in actors if a.name != author and a.name not in aliases]
    return used_actors([author_actor, *others], moved), moved
