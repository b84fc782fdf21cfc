"""Match predicted (actor, claim) pairs to gold pairs, one to one.

The unit is a pair: one ``Stance`` inside one ``Claim``. Rules (docs/evals.md):

* **Actors** match by canonical name, by alias (gold aliases and the predicted
  actor's aliases), by surname for persons, or by token containment; names are
  compared case-, accent- and punctuation-insensitively, without a leading
  "the" or title ("Mr.", "Sen.", "President"...).
* **Claims** (open mode) match when a predicted evidence span overlaps a gold
  evidence span (every occurrence of each gold evidence string in the text)
  by ``min_overlap_chars``, or when the claim texts are close paraphrases
  (rapidfuzz token_set_ratio >= ``paraphrase_threshold``). In codebook mode the
  predicted claim's ``codebook_id`` must equal the gold claim id.
* **One to one**: maximum bipartite matching (augmenting paths), trying the
  best-scoring candidates first, so the number of matches is maximal and ties
  go to the closest pair. Stance labels never influence matching, so a wrong
  label costs stance accuracy, not pair F1.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from stance.results import ArticleResult, StanceLabel

from ._fixtures import Fixture, find_all
from ._options import ScoreOptions

# Leading words dropped from names before comparing ("the", honorifics and titles).
TITLES = frozenset(
    "the mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sen senator rep "
    "representative congressman congresswoman gov governor lt gen general col colonel maj major capt captain "
    "adm admiral sgt president vice secretary minister chancellor mayor judge justice king queen prince "
    "princess sheikh st".split()
)
# Words ignored by the token-containment rule.
STOP = frozenset("the a an of and for to in on at by with de del la le von van".split())
SUFFIXES = frozenset("jr sr ii iii iv".split())

ActorRule = Literal["name", "alias", "surname", "tokens"]
ClaimRule = Literal["evidence", "paraphrase", "codebook"]
_ACTOR_SCORE: dict[str, float] = {"name": 1.0, "alias": 0.9, "surname": 0.8, "tokens": 0.7}


# The scorer's own name normaliser, on purpose: it shares no code with what it scores
# (stance.text.names), so a change to the extractor's name rules cannot also move the
# yardstick it is measured with.
_POSSESSIVE = re.compile(r"['’]s\b")
_DROP = re.compile(r"['’.]")
_WORD = re.compile(r"[^\W_]+")


# Claim texts compared as words (the scorer's own list, for the same reason as its name rules):
# function words and the attribution verbs every copied sentence carries do not make two claims alike.
CLAIM_STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as into about than then that this these those it its "
    "is are was were be been being am do does did has have had will would shall should can could may might must "
    "not no nor so such there their they them he she his her him we our us i my me you your who whom which what "
    "when where while said says say told tells according also just very more most some any all".split()
)
TEXT_MATCH_F1 = 0.5  # claim-text token F1 at which the text alone counts as the gold claim (text_pair_f1)


def claim_words(text: str) -> list[str]:
    """Lower-cased words of a claim, stopwords dropped (possessive 's folded away)."""
    return [w for w in _WORD.findall(_POSSESSIVE.sub("", text.casefold())) if w not in CLAIM_STOPWORDS]


def claim_token_f1(predicted: str, gold: str) -> float:
    """Token F1 (multiset overlap) between two claim texts, stopwords dropped; 0 when either has no content word."""
    p, g = Counter(claim_words(predicted)), Counter(claim_words(gold))
    overlap = sum((p & g).values())
    return 2 * overlap / (sum(p.values()) + sum(g.values())) if overlap else 0.0


def name_tokens(name: str) -> tuple[str, ...]:
    """Lower-case, accent-free word tokens of a name, without a leading "the" or title."""
    s = name.lower()
    if not s.isascii():
        s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    if "'" in s or "’" in s or "." in s:
        s = _DROP.sub("", _POSSESSIVE.sub("", s))  # Iran's -> iran, O'Neill -> oneill, U.S. -> us
    toks = _WORD.findall(s)
    while len(toks) > 1 and toks[0] in TITLES:
        toks.pop(0)
    return tuple(toks)


def _surname(tokens: tuple[str, ...]) -> str | None:
    toks = [t for t in tokens if t not in SUFFIXES]
    return toks[-1] if len(toks) >= 2 else None


@dataclass(slots=True)
class ActorForms:
    """Every surface form of one actor, tokenised once, with what each rule needs precomputed."""

    name: str
    forms: tuple[tuple[str, ...], ...]  # canonical name first (possibly empty), then aliases
    person: bool
    form_set: frozenset[tuple[str, ...]] = frozenset()
    singles: frozenset[str] = frozenset()  # one-word forms
    surnames: frozenset[str] = frozenset()  # last words of multi-word forms
    contents: tuple[frozenset[str], ...] = ()  # each form's words without STOP words

    @classmethod
    def of(cls, name: str, aliases: list[str], person: bool) -> ActorForms:
        forms = tuple(dict.fromkeys([name_tokens(name)] + [t for a in aliases if (t := name_tokens(a))]))
        real = [f for f in forms if f]
        return cls(
            name=name,
            forms=forms,
            person=person,
            form_set=frozenset(real),
            singles=frozenset(f[0] for f in real if len(f) == 1),
            surnames=frozenset(sn for f in real if (sn := _surname(f))),
            contents=tuple(c for f in real if (c := frozenset(f) - STOP)),
        )


def actor_match(pred: ActorForms, gold: ActorForms) -> ActorRule | None:
    """The strongest rule under which two actors are the same, or None."""
    if pred.forms[0] and pred.forms[0] == gold.forms[0]:
        return "name"
    if not pred.form_set.isdisjoint(gold.form_set):
        return "alias"
    if (gold.person and not pred.singles.isdisjoint(gold.surnames)) or (
        pred.person and not gold.singles.isdisjoint(pred.surnames)
    ):
        return "surname"
    for a in pred.contents:
        for b in gold.contents:
            if a <= b or b <= a:
                return "tokens"
    return None


class PairRef(BaseModel):
    """One (actor, claim) pair as reported: enough to show it to a person."""

    claim_id: str
    claim: str
    actor: str
    stance: StanceLabel
    evidence: list[str] = Field(default_factory=list)
    codebook_id: str | None = None


class MatchedPair(BaseModel):
    gold: PairRef
    pred: PairRef
    actor_rule: ActorRule
    claim_rule: ClaimRule
    overlap_chars: int = 0
    similarity: float = 0.0


class FixtureMatch(BaseModel):
    """The outcome of matching one article's predictions against its gold."""

    matched: list[MatchedPair] = Field(default_factory=list)
    missed: list[PairRef] = Field(default_factory=list, description="gold pairs with no match")
    spurious: list[PairRef] = Field(default_factory=list, description="predicted pairs with no match")
    gold_actors: int = 0
    pred_actors: int = 0
    matched_actors: int = 0
    offset_mismatches: int = Field(
        0, description="predicted 'exact' evidence whose offsets do not hold the quote in the fixture text"
    )


@dataclass(slots=True)
class _Pair:
    ref: PairRef
    actor: ActorForms
    spans: list[tuple[int, int]]
    claim_norm: str
    claim_tokens: int
    edges: list[tuple[float, int, ActorRule, ClaimRule, int, float]] = field(default_factory=list)


def _max_overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> tuple[int, int]:
    """Largest overlap between any span of ``a`` and any of ``b``, and the shorter span's length there."""
    best, short = 0, 0
    for s1, e1 in a:
        for s2, e2 in b:
            ov = min(e1, e2) - max(s1, s2)
            if ov > best:
                best, short = ov, min(e1 - s1, e2 - s2)
    return best, short


def max_bipartite_matching(edges: list[list[int]], order: list[int] | None = None) -> dict[int, int]:
    """Maximum-cardinality matching, left -> right (Kuhn's augmenting paths).

    ``edges[u]`` lists u's right-hand candidates, best first: each left vertex
    takes its preferred free candidate, and only when none is free does an
    augmenting path move an earlier choice, so the result is maximal in size
    and otherwise the greedy best-first one.
    """
    match_right: dict[int, int] = {}

    def augment(u: int, seen: set[int]) -> bool:
        for v in edges[u]:  # a free candidate first, in order of preference...
            if v not in match_right:
                match_right[v] = u
                return True
        for v in edges[u]:  # ...else move an earlier choice along an augmenting path
            if v in seen:
                continue
            seen.add(v)
            if augment(match_right[v], seen):
                match_right[v] = u
                return True
        return False

    for u in order if order is not None else range(len(edges)):
        augment(u, set())
    return {u: v for v, u in match_right.items()}


def _gold_pairs(fixture: Fixture, forms: dict[str, ActorForms]) -> list[_Pair]:
    out = []
    text = fixture.text
    for c in fixture.gold.claims:
        norm = default_process(c.text)
        for s in c.stances:
            spans = [sp for q in s.evidence for sp in find_all(text, q)]
            ref = PairRef(
                claim_id=c.id, claim=c.text, actor=s.actor, stance=s.stance, evidence=list(s.evidence), codebook_id=None
            )
            out.append(_Pair(ref, forms[s.actor], spans, norm, len(norm.split())))
    return out


def _pred_pairs(result: ArticleResult, text: str) -> tuple[list[_Pair], int]:
    listed = {a.name: a for a in result.actors}
    forms: dict[str, ActorForms] = {}
    out, mismatches = [], 0
    for c in result.claims:
        norm = default_process(c.text)
        for s in c.stances:
            if s.actor not in forms:
                a = listed.get(s.actor)
                forms[s.actor] = ActorForms.of(
                    s.actor, list(a.aliases) if a else [], person=(a is None or a.type == "person")
                )
            spans = []
            for e in s.evidence:
                if e.start is None or e.end is None:
                    continue
                start, end = e.start, e.end
                if e.alignment == "exact" and text[start:end] != e.quote:
                    mismatches += 1
                    found = find_all(text, e.quote)
                    if found:  # offsets into another reading of the text: use the nearest true occurrence
                        start, end = min(found, key=lambda sp: abs(sp[0] - e.start))  # type: ignore[operator]
                if end > start:
                    spans.append((start, end))
            ref = PairRef(
                claim_id=c.id,
                claim=c.text,
                actor=s.actor,
                stance=s.stance,
                evidence=[e.quote for e in s.evidence],
                codebook_id=c.codebook_id,
            )
            out.append(_Pair(ref, forms[s.actor], spans, norm, len(norm.split())))
    return out, mismatches


def match_fixture(fixture: Fixture, result: ArticleResult | None, options: ScoreOptions | None = None) -> FixtureMatch:
    """Match one article's predicted pairs to its gold pairs (``result=None``: nothing predicted)."""
    opts = options or ScoreOptions()
    gold_forms = {
        a.name: ActorForms.of(a.name, list(a.aliases), person=(a.type == "person")) for a in fixture.gold.actors
    }
    gold = _gold_pairs(fixture, gold_forms)
    pred, mismatches = _pred_pairs(result, fixture.text) if result is not None else ([], 0)

    # Actor rules once per (predicted actor, gold actor), then only same-actor gold pairs are compared.
    g_actors = list(dict.fromkeys(g.ref.actor for g in gold))
    gold_by_actor: dict[str, list[int]] = {}
    for j, g in enumerate(gold):
        gold_by_actor.setdefault(g.ref.actor, []).append(j)
    p_forms = list({p.actor.name: p.actor for p in pred}.values())
    # Every actor rule needs a shared word, so only gold actors sharing one with a prediction are tried.
    by_word: dict[str, set[str]] = {}
    for ga in g_actors:
        for f in gold_forms[ga].forms:
            for w in f:
                by_word.setdefault(w, set()).add(ga)
    rules = {}
    for pf in p_forms:
        near = set().union(*(by_word.get(w, ()) for f in pf.forms for w in f))
        rules[pf.name] = [(ga, r) for ga in g_actors if ga in near and (r := actor_match(pf, gold_forms[ga]))]

    thr = opts.paraphrase_threshold * 100.0
    min_ov, min_tok = opts.min_overlap_chars, opts.min_paraphrase_tokens
    codebook = opts.mode == "codebook"
    similarity = fuzz.token_set_ratio
    for p in pred:
        p_spans, p_norm, p_tok, p_cb, edges = p.spans, p.claim_norm, p.claim_tokens, p.ref.codebook_id, p.edges
        for ga, arule in rules[p.actor.name]:
            a_score = _ACTOR_SCORE[arule]
            for j in gold_by_actor[ga]:
                g = gold[j]
                ov, short = _max_overlap(p_spans, g.spans) if p_spans and g.spans else (0, 0)
                sim = similarity(p_norm, g.claim_norm, processor=None)
                if codebook:
                    if p_cb is None or p_cb != g.ref.claim_id:
                        continue
                    crule: ClaimRule = "codebook"
                elif ov > 0 and ov >= min(min_ov, short):
                    crule = "evidence"
                elif sim >= thr and p_tok >= min_tok and g.claim_tokens >= min_tok:
                    crule = "paraphrase"
                else:
                    continue
                edges.append((a_score + (ov / short if short else 0.0) + sim / 100.0, j, arule, crule, ov, sim / 100.0))
    for p in pred:
        p.edges.sort(key=lambda e: (-e[0], e[1]))
    order = sorted(range(len(pred)), key=lambda i: (-(pred[i].edges[0][0] if pred[i].edges else 0.0), i))
    pairing = max_bipartite_matching([[e[1] for e in p.edges] for p in pred], order)

    matched: list[MatchedPair] = []
    spurious: list[PairRef] = []
    for i, p in enumerate(pred):
        got = pairing.get(i)
        if got is None:
            spurious.append(p.ref)
            continue
        e = next(e for e in p.edges if e[1] == got)  # its edge to the gold pair it got
        matched.append(MatchedPair(
            gold=gold[got].ref, pred=p.ref, actor_rule=e[2], claim_rule=e[3], overlap_chars=e[4], similarity=round(e[5], 4)))
    taken = set(pairing.values())
    matched.sort(key=lambda m: (m.gold.claim_id, m.gold.actor))

    # Actor precision/recall: distinct stance-taking actors, matched one to one by the name rules.
    index = {ga: k for k, ga in enumerate(g_actors)}
    a_edges = [[index[ga] for ga, _ in sorted(rules[pf.name], key=lambda c: -_ACTOR_SCORE[c[1]])] for pf in p_forms]
    out = FixtureMatch(
        matched=matched,
        missed=[g.ref for j, g in enumerate(gold) if j not in taken],
        spurious=spurious,
        gold_actors=len(g_actors),
        pred_actors=len(p_forms),
        matched_actors=len(max_bipartite_matching(a_edges)),
        offset_mismatches=mismatches,
    )
    return out
