"""Corpus metrics: does a run line claims up across articles the way the gold's corpus layer does?

A fixture folder may hold ``corpus.json`` (FORMAT.md, corpus layer): the claims
that recur across its articles; a gold claim names the one it is an instance of
(``corpus_id``) and says when it negates it (``corpus_flip``). The run's side is
its claim groups as ``stance.corpus.claim_groups`` gives them (the claim map of
``stance claims`` when the run has one, else export's merging; ``claims.csv``
corrections applied either way) and its actor x claim table (``Run.positions``,
the wide table's cells). Two numbers come out (docs/evals.md):

* claim-group B-cubed precision, recall and F1. The items are the matched pairs
  whose gold claim is a corpus claim; an item's gold class is that corpus id and
  its cluster the run group of its predicted claim. A cluster's members are all
  matched pairs in that run group, so lumping an unrelated claim into a group
  costs precision; recall counts only corpus items.
* the share of gold cells reproduced. A gold cell is (actor, corpus claim) with
  the actor's stances on the corpus claim (``corpus_flip`` reverses them) read as
  one label (support, oppose, mixed, neutral: ``stance.corpus.cell_label``). The
  run's column for a corpus claim is the run group holding most of its matched
  pairs (read reversed when most of those pairs say the group negates the corpus
  claim); the run's row for a gold actor is the run actor most of the actor's
  matched pairs were given. The cell is reproduced when the run's table holds the
  gold label there. So a run that leaves a recurring claim split over articles
  reproduces only the cells its biggest piece holds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from stance.corpus import ClaimMap, RecurringClaim, Run, cell_label, claim_groups
from stance.corpus.claim_map import MapMember

from ._fixtures import CORPUS_FILE, Fixture, GoldCorpus
from ._matching import MatchedPair

CorpusMetrics = dict[str, int | float | None]

# Corpus metric keys, in report order (docs/evals.md repeats this).
CORPUS_METRIC_DOCS: dict[str, str] = {
    "claim_bcubed_precision": "mean over matched pairs on corpus claims of: matched pairs in its run group with its corpus claim / matched pairs in its run group",
    "claim_bcubed_recall": "mean over matched pairs on corpus claims of: matched pairs of its corpus claim in its run group / matched pairs of its corpus claim",
    "claim_bcubed_f1": "harmonic mean of claim-group B-cubed precision and recall",
    "corpus_cell_share": "gold (actor, corpus claim) cells whose label the run's actor x claim table holds / gold cells",
    "corpus_cells": "gold (actor, corpus claim) cells",
    "corpus_cells_reproduced": "gold cells the run's table reproduces with the right label",
    "corpus_pairs": "matched pairs whose gold claim is a corpus claim (the B-cubed items)",
    "corpus_gold_pairs": "gold pairs whose claim is a corpus claim",
}
CORPUS_RATE_KEYS: tuple[str, ...] = ("claim_bcubed_precision", "claim_bcubed_recall", "claim_bcubed_f1", "corpus_cell_share")

_REVERSED = {"support": "oppose", "oppose": "support", "neutral": "neutral", "mixed": "mixed"}


class CorpusCell(BaseModel):
    """One gold (actor, corpus claim) cell and what the run's table holds there."""

    actor: str = Field(description="the gold actor")
    claim: str = Field(description="the corpus claim id")
    gold: str = Field(description="the gold label on the corpus claim: support, oppose, mixed or neutral")
    run_actor: str | None = Field(None, description="the run actor read as this gold actor (None: never matched)")
    run_claim: str | None = Field(None, description="the run's claim id read as this corpus claim (None: no matched pair)")
    run: str | None = Field(None, description="the run's label there, on the corpus claim (None: an empty cell)")
    reproduced: bool


class CorpusClaimScore(BaseModel):
    """How one recurring claim came out: where its matched pairs went and how many of its cells the run holds."""

    id: str
    text: str
    articles: int = Field(description="fixtures whose gold has the claim")
    gold_pairs: int = Field(description="gold pairs on the claim")
    matched: int = Field(description="of them matched to a predicted pair")
    run_groups: dict[str, int] = Field(default_factory=dict, description="run claim id -> matched pairs of this claim in it")
    column: str | None = Field(None, description="the run claim id read as this claim's column")
    column_flip: bool = Field(False, description="the column negates the corpus claim (its labels are read reversed)")
    cells: int = 0
    reproduced: int = 0


class CorpusScore(BaseModel):
    """The corpus layer's scores (``metrics.json`` -> ``corpus``); absent when the folder has no ``corpus.json``."""

    file: str = Field(description="the corpus file scored against")
    sha256: str = Field(description="sha256 of its bytes: tells whether two reports used the same corpus layer")
    topic: str = ""
    grouping: str = Field(description="how the run's claims were grouped across articles: map (...) for the run's "
                          "claim map, else export's merging method; claims.csv corrections noted")
    metrics: CorpusMetrics = Field(description="the keys of CORPUS_METRIC_DOCS")
    claims: list[CorpusClaimScore]
    cells: list[CorpusCell]


def bcubed(items: Sequence[tuple[str, str]], cluster_sizes: Mapping[str, int] | None = None) -> tuple[float, float] | None:
    """B-cubed (precision, recall) of items given as (gold class, predicted cluster); None without items.

    ``cluster_sizes`` may count more members per cluster than ``items`` holds
    (members of no gold class): they lower the precision of the items beside them.
    """
    if not items:
        return None
    both = Counter(items)
    classes = Counter(g for g, _ in items)
    clusters = Counter(c for _, c in items)
    sizes = {c: max(n, (cluster_sizes or {}).get(c, 0)) for c, n in clusters.items()}
    precision = sum(both[(g, c)] / sizes[c] for g, c in items) / len(items)
    recall = sum(both[(g, c)] / classes[g] for g, c in items) / len(items)
    return precision, recall


def _label(counts: Counter[str]) -> str | None:
    return cell_label(counts["support"], counts["oppose"], counts["neutral"])


def _vote(counter: Counter[str]) -> str:
    """The most frequent key; ties go to the alphabetically first (reports stay reproducible)."""
    return min(counter, key=lambda k: (-counter[k], k))


def score_corpus(
    fixtures: Sequence[Fixture],
    corpus: GoldCorpus,
    matched: Mapping[str, Sequence[MatchedPair]],
    article_ids: Mapping[str, str],
    run: Run,
    *,
    corpus_file: str = CORPUS_FILE,
) -> CorpusScore:
    """The corpus metrics of one scored run.

    ``matched`` holds each fixture's matched pairs (by fixture name),
    ``article_ids`` maps a fixture name to the article id of the result scored
    for it, and ``run`` is the run as ``stance.corpus.load_run`` reads it.
    """
    groups = claim_groups(run)
    canon = run.canon
    gold_claims = {(f.name, c.id): c for f in fixtures for c in f.gold.claims}

    # Every matched pair: its fixture, gold claim, run claim id and whether that negates the gold claim's corpus claim.
    items: list[tuple[str, str]] = []  # (corpus id, run claim id) of pairs on corpus claims
    members: Counter[str] = Counter()  # run claim id -> matched pairs in it, corpus or not
    on_claim: dict[str, Counter[str]] = defaultdict(Counter)  # corpus id -> run claim id -> matched pairs
    negates: dict[tuple[str, str], Counter[bool]] = defaultdict(Counter)  # (corpus id, run claim id) -> flip votes
    run_actor_votes: dict[str, Counter[str]] = defaultdict(Counter)  # gold actor -> run actor -> matched pairs
    for name, pairs in matched.items():
        aid = article_ids.get(name)
        if aid is None:
            continue
        for m in pairs:
            key = (aid, m.pred.claim_id)
            run_claim, flip = groups.get(key, (f"{aid}#{m.pred.claim_id}", False))
            members[run_claim] += 1
            run_actor = canon.actor_of.get((aid, m.pred.actor))
            if run_actor is not None:
                run_actor_votes[m.gold.actor][run_actor] += 1
            gold_claim = gold_claims[(name, m.gold.claim_id)]
            if gold_claim.corpus_id is None:
                continue
            cid = gold_claim.corpus_id
            items.append((cid, run_claim))
            on_claim[cid][run_claim] += 1
            negates[(cid, run_claim)][flip != bool(gold_claim.corpus_flip)] += 1

    # Gold cells: the gold stances on each corpus claim, corpus_flip applied, per gold actor.
    gold_cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    gold_pairs: Counter[str] = Counter()
    articles: dict[str, set[str]] = defaultdict(set)
    for f in fixtures:
        for c in f.gold.claims:
            if c.corpus_id is None:
                continue
            articles[c.corpus_id].add(f.name)
            for st in c.stances:
                gold_pairs[c.corpus_id] += 1
                gold_cells[(st.actor, c.corpus_id)][_REVERSED[st.stance] if c.corpus_flip else st.stance] += 1

    columns: dict[str, tuple[str | None, bool]] = {}
    for cid, by_group in on_claim.items():
        best = _vote(by_group)
        votes = negates[(cid, best)]
        columns[cid] = (best, votes[True] > votes[False])
    row_of = {actor: _vote(votes) for actor, votes in run_actor_votes.items()}
    positions = run.positions

    cells: list[CorpusCell] = []
    for (actor, cid), counts in sorted(gold_cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        gold = _label(counts) or "neutral"
        run_actor = row_of.get(actor)
        col, col_flip = columns.get(cid, (None, False))
        label: str | None = None
        if run_actor is not None and col is not None and (run_actor, col) in positions:
            by_label = positions[(run_actor, col)]
            label = _label(Counter({k: len(v) for k, v in by_label.items()}))
            if label is not None and col_flip:
                label = _REVERSED[label]
        cells.append(CorpusCell(actor=actor, claim=cid, gold=gold, run_actor=run_actor, run_claim=col, run=label,
                                reproduced=label == gold))

    claim_scores = []
    for cc in corpus.claims:
        mine = [x for x in cells if x.claim == cc.id]
        col, col_flip = columns.get(cc.id, (None, False))
        by_group = on_claim.get(cc.id, Counter())
        claim_scores.append(CorpusClaimScore(
            id=cc.id, text=cc.text, articles=len(articles.get(cc.id, ())), gold_pairs=gold_pairs[cc.id],
            matched=sum(by_group.values()), run_groups=dict(by_group.most_common()), column=col,
            column_flip=col_flip, cells=len(mine), reproduced=sum(x.reproduced for x in mine)))

    pr = bcubed(items, members)
    reproduced = sum(x.reproduced for x in cells)
    metrics: CorpusMetrics = {
        "claim_bcubed_precision": pr[0] if pr else None,
        "claim_bcubed_recall": pr[1] if pr else None,
        "claim_bcubed_f1": (2 * pr[0] * pr[1] / (pr[0] + pr[1]) if pr[0] + pr[1] else 0.0) if pr else None,
        "corpus_cell_share": reproduced / len(cells) if cells else None,
        "corpus_cells": len(cells),
        "corpus_cells_reproduced": reproduced,
        "corpus_pairs": len(items),
        "corpus_gold_pairs": sum(gold_pairs.values()),
    }
    grouping = canon.method  # "map (...)" when the run's claim map grouped its claims
    if canon.user_claim_rows:
        grouping += f", {canon.user_claim_rows} claims.csv corrections"
    return CorpusScore(file=corpus_file, sha256=corpus.sha256, topic=corpus.topic, grouping=grouping, metrics=metrics,
                       claims=claim_scores, cells=cells)


def gold_claim_map(fixtures: Sequence[Fixture], corpus: GoldCorpus, *, created: str = "") -> ClaimMap:
    """The gold's own claim groups as a claim map (``RUN/claim_map.json``) for a run made from the gold.

    Each corpus claim's instances form one group (``corpus_flip`` as the
    member's flip); every other claim is a group of its own. A gold run with this
    map scores 1.0 on both corpus metrics: the check that they measure what they say.
    Article ids are the gold ``article`` file names (as ``gold_as_result`` writes them).
    """
    by_corpus: dict[str, list[MapMember]] = {c.id: [] for c in corpus.claims}
    alone: list[RecurringClaim] = []
    for f in fixtures:
        for c in f.gold.claims:
            member = MapMember(article_id=f.gold.article, claim_id=c.id, text=c.text, flip=bool(c.corpus_flip))
            if c.corpus_id is not None:
                by_corpus[c.corpus_id].append(member)
            else:
                alone.append(RecurringClaim(name=c.text, members=[member]))
    groups = [RecurringClaim(name=corpus.text(cid), members=m) for cid, m in by_corpus.items() if m]
    return ClaimMap(method="gold", threshold=1.0, created=created, groups=groups + alone)
