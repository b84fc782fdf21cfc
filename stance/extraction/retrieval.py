"""Which codebook claim a statement bears on, and its stance on that claim, read without the model.

Codebook mode's default (``codebook_method="retrieve"``) lets the model do
only what open mode already does well (who says what, in which sentence) and
codes each statement against the codebook here: the codebook claim whose
words overlap the statement's most, if it overlaps enough. The model never
reads the codebook, so a 50-claim codebook costs what a 5-claim one does.

The statement's stance is on its own words ("support" for what a speaker
says); on the codebook claim it is reversed when exactly one of the two is
negated ("There is no agreement in the offing" supports "An agreement is not
close" and opposes "An agreement is close"), or when the statement is closest
to one of the claim's ``oppose`` examples.

Measured on the dev fixtures with each fixture's gold claims as its codebook,
over the cached open-mode statements of the embedded default
(evals/reports/codebook-retrieval.md): word overlap (pair F1 0.569) beat
all-MiniLM-L6-v2 sentence embeddings (0.528), so no embedding model is needed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from stance.extraction.codebook import Codebook
from stance.extraction.merging import REVERSED
from stance.text.claims import content_words as claim_words
from stance.text.claims import stems, word_stems
from stance.text.languages import DEFAULT, rules
from stance.text.polarity import clauses, negation_scopes, reversals

# Cosine of the two sets of content words (stems) at which a statement is about a claim.
# Dev fixtures, gold codebooks, best claim only: 0.15 → pair F1 0.559 (P 0.567), 0.20 → 0.561,
# 0.25 → 0.569 (P 0.622, R 0.524), 0.30 → 0.571 (P 0.660, R 0.503); held-out: 0.20 → 0.512, 0.25 → 0.531.
# 0.25: the precision gain above it costs as much recall, and it held out best.
MIN_OVERLAP = 0.25
# A statement about two claims almost equally is about neither. Best claim within this much of another claim's
# best: not coded (exact ties only, before). Dev: 0 → pair F1 0.645, 0.01 → 0.649, 0.02 → 0.655 (P 0.712 → 0.736,
# recall unchanged), 0.03 → 0.655, 0.04 → 0.644, 0.06 → 0.618; held-out 0.577 / 0.577 / 0.580 / 0.583 / 0.583 / 0.579.
MIN_MARGIN = 0.02
# ... unless, with each word weighted by how few claims use it, one of them leads by this much: the statement shares
# that claim's own words, the other's are the story's ("break international law" is in two claims of a corpus
# codebook; "backfire" only in one). Cached answers (evals/reports/sharing-thresholds-and-the-corpus-loop.md):
# 0.02 → dev codebook 0.721 → 0.722 but invented 0.712 → 0.709 and first-person dev 0.787 → 0.781; 0.05 → dev
# 0.722 (strict 0.676 → 0.681), real held-out 0.747 → 0.749 (strict 0.609 → 0.616), every other set unchanged,
# the internal-market-bill corpus coded against its 15 gold recurring claims 20 → 26 of 83 cells; 0.1 → none moved.
TIE_LEAD = 0.05
# A sentence can bear on several claims, each in one of its clauses ("... what still needs to be done: fixing a
# broken immigration system, protecting our kids from gun violence, equal pay for equal work"), and be closest
# to none of them as a whole. Each clause of two words or more is coded too, at this stricter overlap: a short
# text reaches a high cosine by chance. Dev (gold codebooks, cached answers): no clauses → pair F1 0.655, strict
# 0.541; clauses at 0.25 → 0.643 (precision 0.736 → 0.638), 0.4 → 0.657, 0.5 → 0.661 (strict 0.568), 0.6 → 0.653;
# invented held-out 0.583 → 0.589 / 0.592 / 0.592 / 0.598 (evals/reports/codebook-clauses.md).
CLAUSE_OVERLAP = 0.5
MIN_CLAUSE_WORDS = 2

_REPORTING = frozenset("said says say told according".split())  # how it was said, not what


def content_words(text: str) -> frozenset[str]:
    """Stems of the words that carry a proposition (``text.claims.content_words``: no function words, no
    negation, since polarity is read apart), without reporting verbs."""
    return stems(w for w in claim_words(text) if w not in _REPORTING)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine of two word sets: shared words over the geometric mean of their sizes (0..1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


@dataclass(frozen=True)
class _Entry:
    """One text that stands for a codebook claim: its text, its description, or one of its examples."""

    claim_id: str
    text: str
    words: frozenset[str]
    oppose_example: bool


@dataclass(frozen=True)
class Coded:
    """A statement coded against the codebook: which claim, the stance on it, and how close the words were."""

    claim_id: str
    stance: str
    score: float


class CodebookIndex:
    """The codebook's claims as word sets: each claim's text, description and examples are looked up alike."""

    def __init__(self, codebook: Codebook, min_overlap: float = MIN_OVERLAP, min_margin: float = MIN_MARGIN) -> None:
        self.min_overlap = min_overlap
        self.min_margin = min_margin
        self.entries: list[_Entry] = []
        for claim in codebook.claims:
            texts: list[tuple[str, bool]] = [(claim.text, False)]
            if claim.description:
                texts.append((claim.description, False))
            texts += [(e, False) for e in claim.examples.support] + [(e, True) for e in claim.examples.oppose]
            self.entries += [_Entry(claim.id, t, content_words(t), flip) for t, flip in texts]
        # how many claims use each word: a word most claims share ("bill", "law") tells them apart least
        claims_with: dict[str, set[str]] = {}
        for entry in self.entries:
            for word in entry.words:
                claims_with.setdefault(word, set()).add(entry.claim_id)
        n = len(codebook.claims)
        self.rarity = {w: math.log((1 + n) / (1 + len(ids))) + 1 for w, ids in claims_with.items()}
        self.unseen = math.log(1 + n) + 1  # a word no claim uses

    def code(self, claim: str, stance: str, also: Iterable[str] = (), lang: str = DEFAULT) -> Coded | None:
        """The codebook claim that the statement's ``claim`` (or ``also``: its evidence) bears on most, with the
        statement's ``stance`` (on its own claim) turned into the stance on it.

        None when no claim reaches ``min_overlap``. A claim less than
        ``MIN_MARGIN`` ahead of another is no answer either: the statement
        does not say which one it is about.
        """
        best: dict[str, tuple[float, _Entry, frozenset[str]]] = {}  # claim id → its closest text (and whose words)
        for text in (claim, *also):
            words = content_words(text)
            for entry in self.entries:
                score = overlap(words, entry.words)
                if entry.claim_id not in best or score > best[entry.claim_id][0]:
                    best[entry.claim_id] = (score, entry, words)
        ranked = sorted(best.values(), key=lambda hit: hit[0], reverse=True)
        if not ranked or ranked[0][0] < self.min_overlap:
            return None
        score, entry, _ = ranked[0]
        if len(ranked) > 1 and score - ranked[1][0] < self.min_margin:
            # as close to two claims: the one whose rarer words the statement shares, if one is clearly ahead so
            # ("This would break international law" against "The bill breaks international law" and "The threat to
            # break international law will backfire": "backfire" is the other claim's own word)
            close = sorted(((self._weighted(words, hit.words), s, hit) for s, hit, words in ranked if score - s < self.min_margin),
                           key=lambda found: found[0], reverse=True)
            if close[0][0] - close[1][0] < TIE_LEAD:
                return None
            _, score, entry = close[0]
        return Coded(claim_id=entry.claim_id,
                     stance=stance_on(stance, claim, entry.text, entry.oppose_example, lang),
                     score=round(score, 3))

    def _weighted(self, a: frozenset[str], b: frozenset[str]) -> float:
        """``overlap`` with each word weighted by its rarity among the codebook's claims (inverse claim frequency)."""
        squared = {w: self.rarity.get(w, self.unseen) ** 2 for w in a | b}
        norm = math.sqrt(sum(squared[w] for w in a) * sum(squared[w] for w in b))
        return sum(squared[w] for w in a & b) / norm if norm else 0.0

    def code_statement(self, claim: str, sentence: str, stance: str, lang: str = DEFAULT) -> list[Coded]:
        """Every claim a statement is coded to: the closest to its ``claim`` or ``sentence`` (``code``), and those
        the sentence's clauses bear on (``code_clauses``)."""
        hit = self.code(claim, stance, also=[sentence] if sentence != claim else [], lang=lang)
        hits = [hit] if hit is not None else []
        return hits + self.code_clauses(sentence, stance, skip={h.claim_id for h in hits}, lang=lang)

    def code_clauses(self, sentence: str, stance: str, skip: Iterable[str] = (), lang: str = DEFAULT) -> list[Coded]:
        """The claims that clauses of ``sentence`` bear on (``CLAUSE_OVERLAP``), one hit per claim, none in ``skip``
        (the claims the whole statement was already coded to). A clause's parts joined by "and" are clauses too
        ("we will end education programs that don't work and end direct payments to large agribusiness": two
        proposals; first-person dev speeches 0.762 → 0.787, strict 0.539 → 0.573, real held-out 0.724 → 0.735,
        blind 0.713 → 0.716, invented 0.691 → 0.688, dev unchanged; "but" as well changed nothing more)."""
        hits: dict[str, Coded] = {}
        for clause in (part for whole in clauses(sentence) for part in _conjuncts(whole, lang)):
            if len(clause.split()) < MIN_CLAUSE_WORDS:
                continue
            hit = self.code(clause, stance, lang=lang)
            if hit is None or hit.score < CLAUSE_OVERLAP or hit.claim_id in skip:
                continue
            if hit.claim_id not in hits or hit.score > hits[hit.claim_id].score:
                hits[hit.claim_id] = hit
        return list(hits.values())


def _conjuncts(clause: str, lang: str) -> list[str]:
    """A clause cut at the language's "and" (``attribution.and_word``; whole where the language has none)."""
    word = rules(lang).attribution.and_word
    return re.split(rf"\s+(?:{word})\s+", clause) if word else [clause]


def polarity_words(text: str, lang: str = DEFAULT) -> frozenset[str]:
    """The words whose negation ``stance_on`` compares: ``content_words`` with Snowball stems, not 5-letter cuts,
    so that "We will not do this by raising taxes" negates what "Taxes should not be raised" does (first-person
    dev codebook stance accuracy 0.839 → 0.857, every other set unchanged; coding itself keeps the cuts its
    thresholds were measured with)."""
    return word_stems((w for w in claim_words(text) if w not in _REPORTING), lang)


def negates_any(text: str, words: frozenset[str], lang: str = DEFAULT) -> bool:
    """Whether a negation in ``text`` governs one of ``words`` (``polarity_words``): "Iran is **not** willing"
    negates "will", "The master plan is not a suggestion" does not negate "plan"."""
    return any(polarity_words(scope, lang) & words for scope in negation_scopes(text, lang, denials=True))


def _taken(text: str, words: frozenset[str], lang: str) -> bool:
    """Whether a verb of ``text`` takes ``words`` away (``polarity.reversals``: "stop **paying for** unused
    weapons"). A reversing verb among ``words`` (both texts use it: "we will not abandon X", "X should be
    abandoned") is compared as a word instead."""
    return any(polarity_words(scope, lang) & words for verb, scope in reversals(text, lang)
               if not polarity_words(verb, lang) & words)


def side_on_proposal(side: str, thing: str, proposal: str, lang: str = DEFAULT) -> str:
    """A side taken on ``thing`` as the side on a claim that proposes to take it away: campaigning against
    fluoridation is for "Ashford County should stop adding fluoride" (``polarity.reversals``); else ``side``."""
    shared = polarity_words(thing, lang) & polarity_words(proposal, lang)
    if not shared or _taken(thing, shared, lang) or not _taken(proposal, shared, lang):
        return side
    return REVERSED.get(side, side)


def stance_on(stance: str, statement: str, claim: str, oppose_example: bool = False, lang: str = DEFAULT) -> str:
    """A statement's stance turned into the stance on ``claim``: reversed when a negation governs the words they
    share in exactly one of them, and again when ``claim`` is an example of opposing; "neutral" stays neutral.

    A negation elsewhere in either text says nothing about the other: "The master plan is not a suggestion" does
    not deny "The board failed to follow its master plan" (dev stance accuracy 0.853 → 0.917 against any
    negation anywhere; ``polarity.NEGATION_SCOPE_WORDS``).

    Where either text negates the shared words, a verb that takes them away counts as one more negation
    (``_taken``): first-person dev speeches accuracy 0.864 → 0.915, strict 0.573 → 0.607; French 0.641 → 0.649;
    every other set unchanged. Counted without a negation too, dev accuracy fell 0.977 → 0.969 and the held-out
    speeches' pair F1 0.793 → 0.786; with verbs of decrease (cut, reduce: "Tax cuts stimulate growth", "five
    years cut from his sentence"), blind accuracy 0.936 → 0.923 even under a negation (evals/reports/reversing-verbs.md).
    """
    if stance == "neutral":
        return stance
    shared = polarity_words(statement, lang) & polarity_words(claim, lang)
    negated = negates_any(statement, shared, lang), negates_any(claim, shared, lang)
    if any(negated):  # "We will not jeopardize the deduction" keeps what "... should be preserved" says
        negated = negated[0] != _taken(statement, shared, lang), negated[1] != _taken(claim, shared, lang)
    flip = (negated[0] != negated[1]) != oppose_example
    return REVERSED[stance] if flip else stance

