"""Stance tables across a run, as lists of dicts (same keys in every row) a notebook can hand to pandas.

Every table reads only a run's results and its canonicalisation (``Canon``),
so the export and the report show the same actors, the same claim ids
(``C0001``, ...) and the same cell labels. "mixed" is defined here, once:
an actor that supports and opposes one claim (across articles); support plus
neutral is support, not mixed.
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from stance.corpus.canon import Canon, ExportError
from stance.results import ArticleResult, Claim, Stance

TABLES: tuple[str, ...] = ("long", "wide", "actors", "claims", "network")
STANCES = ("support", "oppose", "neutral")

LONG_COLUMNS = [
    "article_id", "article_title", "article_path", "article_date",
    "actor", "actor_surface", "actor_type",
    "claim_id", "claim_text", "article_claim_id", "article_claim_text", "codebook_id",
    "stance", "article_stance", "flipped",
    "evidence_quote", "evidence_start", "evidence_end", "evidence_alignment", "evidence_count", "other_evidence",
    "model", "prompt_name", "prompt_hash",
]  # fmt: skip
ACTORS_COLUMNS = ["actor", "type", "aliases", "articles", "claims", "stances", "support", "oppose", "neutral"]
CLAIMS_COLUMNS = [
    "claim_id", "text", "codebook_id", "paraphrases", "articles", "actors", "stances", "support", "oppose", "neutral",
]  # fmt: skip
NETWORK_COLUMNS = ["source", "target", "source_type", "target_type", "kind", "stance", "weight", "claims"]

Positions = dict[tuple[str, str], dict[str, set[str]]]


class CanonicalRun(Protocol):
    """What the tables read: the results, their canonicalisation and the positions (see ``positions``)."""

    @property
    def results(self) -> list[ArticleResult]: ...

    @property
    def canon(self) -> Canon: ...

    @property
    def positions(self) -> Positions: ...


_REVERSED = {"support": "oppose", "oppose": "support", "neutral": "neutral"}


def stance_on_claim(label: str, flipped: bool) -> str:
    """A stance on an article's claim as a stance on its canonical claim: reversed when the claim negates it."""
    return _REVERSED[label] if flipped else label


def stance_positions(results: Sequence[ArticleResult], canon: Canon) -> Positions:
    """(canonical actor, canonical claim) -> stance label on the canonical claim -> ids of the articles that show it."""
    out: Positions = defaultdict(lambda: {s: set() for s in STANCES})
    for result, claim, stance in _stances(results):
        aid = result.article.id
        key = (canon.actor_of[(aid, stance.actor)], canon.claim_of[(aid, claim.id)])
        out[key][stance_on_claim(stance.stance, canon.claim_flip.get((aid, claim.id), False))].add(aid)
    return dict(out)


def _stances(results: Sequence[ArticleResult]) -> Iterator[tuple[ArticleResult, Claim, Stance]]:
    for result in results:
        for claim in result.claims:
            for stance in claim.stances:
                yield result, claim, stance


def long_table(run: CanonicalRun) -> list[dict[str, Any]]:
    """One row per (article, actor, claim, stance), with its evidence and provenance.

    ``stance`` is on the canonical claim (``claim_text``); ``article_stance`` on the
    article's own claim, the two differ when ``flipped`` (the article's claim negates
    the canonical one, claim map). The first evidence quote fills ``evidence_*``; any
    further quotes are kept in ``other_evidence`` as a JSON list of [quote, start, end, alignment].
    """
    canon = run.canon
    rows: list[dict[str, Any]] = []
    for result in run.results:
        art = result.article
        prov = result.provenance
        for claim in result.claims:
            cid = canon.claim_of[(art.id, claim.id)]
            flipped = canon.claim_flip.get((art.id, claim.id), False)
            for stance in claim.stances:
                actor = canon.actor_of[(art.id, stance.actor)]
                ev = stance.evidence
                first = ev[0] if ev else None
                rows.append(
                    {
                        "article_id": art.id,
                        "article_title": art.title,
                        "article_path": art.path,
                        "article_date": art.date,
                        "actor": actor,
                        "actor_surface": stance.actor,
                        "actor_type": canon.actor_type.get(actor, "other"),
                        "claim_id": cid,
                        "claim_text": canon.claim_text[cid],
                        "article_claim_id": claim.id,
                        "article_claim_text": claim.text,
                        "codebook_id": claim.codebook_id,
                        "stance": stance_on_claim(stance.stance, flipped),
                        "article_stance": stance.stance,
                        "flipped": flipped,
                        "evidence_quote": first.quote if first else None,
                        "evidence_start": first.start if first else None,
                        "evidence_end": first.end if first else None,
                        "evidence_alignment": first.alignment if first else None,
                        "evidence_count": len(ev),
                        "other_evidence": (
                            json.dumps([[e.quote, e.start, e.end, e.alignment] for e in ev[1:]], ensure_ascii=False)
                            if len(ev) > 1
                            else None
                        ),
                        "model": prov.model,
                        "prompt_name": prov.prompt.name,
                        "prompt_hash": prov.prompt.hash,
                    }
                )
    return rows


def cell_label(support: int, oppose: int, neutral: int) -> str | None:
    """support / oppose / mixed (both seen) / neutral (only neutral seen) / None (no stance)."""
    if support and oppose:
        return "mixed"
    if support:
        return "support"
    if oppose:
        return "oppose"
    return "neutral" if neutral else None


def wide_table(run: CanonicalRun) -> list[dict[str, Any]]:
    """Actors x claims: per claim id a cell label and, across articles, support and oppose counts.

    Columns: ``actor``, then for every canonical claim ``<id>`` (support,
    oppose, mixed, neutral or empty), ``<id> support`` and ``<id> oppose``
    (numbers of articles). The claims table gives each id's text.
    """
    positions = run.positions
    claim_ids = sorted({cid for _, cid in positions}, key=claim_sort_key)
    per_actor: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(dict)
    for (actor, cid), by_label in positions.items():
        per_actor[actor][cid] = by_label
    rows = []
    for actor in sorted(per_actor, key=lambda a: (-len(per_actor[a]), a.casefold(), a)):
        row: dict[str, Any] = {"actor": actor}
        for cid in claim_ids:
            found = per_actor[actor].get(cid)
            s, o, n = (len(found[k]) for k in STANCES) if found else (0, 0, 0)
            row[cid] = cell_label(s, o, n)
            row[f"{cid} support"] = s
            row[f"{cid} oppose"] = o
        rows.append(row)
    return rows


def _tally(run: CanonicalRun, by_actor: bool) -> tuple[dict[str, set[str]], Counter[str], dict[str, Counter[str]]]:
    """Per actor (or per claim): the articles it is in, how many claims (or actors) it meets, and its stance counts."""
    canon = run.canon
    in_run = {r.article.id for r in run.results}  # a run cut by date (Run.between) holds fewer than canon knows
    articles: dict[str, set[str]] = defaultdict(set)
    for (aid, _), key in (canon.actor_of if by_actor else canon.claim_of).items():
        if aid in in_run:
            articles[key].add(aid)
    partners: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for (actor, cid), by_label in run.positions.items():
        key = actor if by_actor else cid
        partners[key] += 1
        for label, arts in by_label.items():
            counts[key][label] += len(arts)
    return articles, partners, counts


def _stance_counts(c: Counter[str]) -> dict[str, int]:
    return {"stances": sum(c.values()), "support": c["support"], "oppose": c["oppose"], "neutral": c["neutral"]}


def actors_table(run: CanonicalRun) -> list[dict[str, Any]]:
    """Canonical actors with their aliases (surface forms across articles) and counts."""
    canon = run.canon
    articles, claims, counts = _tally(run, by_actor=True)
    return [
        {
            "actor": actor,
            "type": canon.actor_type.get(actor, "other"),
            "aliases": "; ".join(canon.actor_aliases.get(actor, [])),
            "articles": len(articles[actor]),
            "claims": claims[actor],
            **_stance_counts(counts[actor]),
        }
        for actor in sorted(articles, key=lambda a: (a.casefold(), a))
    ]


def claims_table(run: CanonicalRun) -> list[dict[str, Any]]:
    """Canonical claims with their paraphrases across articles and counts."""
    canon = run.canon
    articles, actors, counts = _tally(run, by_actor=False)
    return [
        {
            "claim_id": cid,
            "text": canon.claim_text[cid],
            "codebook_id": canon.claim_codebook.get(cid),
            "paraphrases": " | ".join(canon.claim_paraphrases.get(cid, [])),
            "articles": len(articles[cid]),
            "actors": actors[cid],
            **_stance_counts(counts[cid]),
        }
        for cid in sorted(articles, key=claim_sort_key)
    ]


def network_edges(run: CanonicalRun) -> list[dict[str, Any]]:
    """Actor-actor congruence and conflict edges, then actor-claim stance edges.

    For each claim an actor's position is the set of polar stances it takes
    there across articles (support, oppose or both; neutral is no position).
    Congruence weight = number of claims on which two actors share a polar
    stance; conflict weight = number of claims on which one supports what the
    other opposes. An actor with both stances on a claim can count for both,
    as in the Discourse Network Analyzer. Stance edges join an actor to a claim,
    one per stance label, weighted by the number of articles showing it.
    """
    polar: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"support": set(), "oppose": set()})
    for (actor, cid), by_label in run.positions.items():
        for label in ("support", "oppose"):
            if by_label[label]:
                polar[cid][label].add(actor)
    congruence: dict[tuple[str, str], list[str]] = defaultdict(list)
    conflict: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cid in sorted(polar, key=claim_sort_key):
        sup, opp = sorted(polar[cid]["support"]), sorted(polar[cid]["oppose"])
        agree: Iterable[tuple[str, str]] = itertools.chain(itertools.combinations(sup, 2), itertools.combinations(opp, 2))
        clash: Iterable[tuple[str, str]] = ((a, b) if a < b else (b, a) for a in sup for b in opp if a != b)
        if not polar[cid]["support"].isdisjoint(polar[cid]["oppose"]):
            # Someone holds both sides here: a pair may turn up twice but counts once per claim.
            agree, clash = set(agree), set(clash)
        for pair in agree:
            congruence[pair].append(cid)
        for pair in clash:
            conflict[pair].append(cid)
    rows: list[dict[str, Any]] = []
    for kind, pairs in (("congruence", congruence), ("conflict", conflict)):
        for (a, b), cids in sorted(pairs.items()):
            rows.append(
                {
                    "source": a, "target": b, "source_type": "actor", "target_type": "actor",
                    "kind": kind, "stance": "", "weight": len(cids), "claims": "; ".join(cids),
                }
            )  # fmt: skip
    for (actor, cid), by_label in sorted(run.positions.items(), key=lambda kv: (kv[0][0], claim_sort_key(kv[0][1]))):
        for label in STANCES:
            if by_label[label]:
                rows.append(
                    {
                        "source": actor, "target": cid, "source_type": "actor", "target_type": "claim",
                        "kind": "stance", "stance": label, "weight": len(by_label[label]), "claims": cid,
                    }
                )  # fmt: skip
    return rows


def network_graph(run: CanonicalRun) -> Any:
    """The network as a ``networkx.MultiGraph`` (needs the export extra).

    Nodes are ``actor:<name>`` and ``claim:<id>`` with attributes ``type``
    (actor or claim), ``name``, ``label`` (what Gephi shows) and, for actors,
    ``actor_type``. Edges carry ``kind`` (congruence, conflict, stance),
    ``stance``, ``weight`` and ``claims`` as in :func:`network_edges`.
    """
    nx = require_module("networkx", "GraphML and network graphs")
    graph = nx.MultiGraph()
    for row in actors_table(run):
        graph.add_node(
            "actor:" + row["actor"], type="actor", name=row["actor"], label=row["actor"], actor_type=row["type"]
        )
    for row in claims_table(run):
        cid = row["claim_id"]
        graph.add_node("claim:" + cid, type="claim", name=row["text"], label=cid, actor_type="")
    for edge in network_edges(run):
        graph.add_edge(
            f"{edge['source_type']}:{edge['source']}",
            f"{edge['target_type']}:{edge['target']}",
            kind=edge["kind"],
            stance=edge["stance"],
            weight=edge["weight"],
            claims=edge["claims"],
        )
    return graph


def table_rows(run: CanonicalRun, name: str) -> list[dict[str, Any]]:
    """The named table: long, wide, actors, claims or network (the edge list)."""
    builders = {
        "long": long_table,
        "wide": wide_table,
        "actors": actors_table,
        "claims": claims_table,
        "network": network_edges,
    }
    if name not in builders:
        raise ExportError(f"unknown table {name!r}; use one of {', '.join(TABLES)}")
    return builders[name](run)


def columns_of(name: str, rows: Sequence[dict[str, Any]]) -> list[str]:
    """Column names of a table, also when it has no rows (so empty files still get a header)."""
    if rows:
        return list(rows[0].keys())
    return {
        "long": LONG_COLUMNS,
        "wide": ["actor"],
        "actors": ACTORS_COLUMNS,
        "claims": CLAIMS_COLUMNS,
        "network": NETWORK_COLUMNS,
    }[name]


def to_pandas(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> Any:
    """A pandas DataFrame of a table (needs pandas; polars users can pass the rows to ``pl.DataFrame``)."""
    pd = require_module("pandas", "DataFrames")
    return pd.DataFrame.from_records(list(rows), columns=list(columns) if columns else None)


def claim_sort_key(cid: str) -> tuple[int, str]:
    """C0002 before C0010 (numerically), then codebook ids A-Z."""
    m = re.fullmatch(r"C(\d+)", cid)
    return (0, f"{int(m.group(1)):012d}") if m else (1, cid)


def require_module(module: str, purpose: str) -> Any:
    """Import an optional module of the ``export`` extra, or say how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExportError(f"{purpose} need {module}, which is not installed: pip install 'stance[export]'") from None
