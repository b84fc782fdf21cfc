"""Stance tables and actor networks from a run folder, for pandas, R, Excel and Gephi.

A run folder holds one ``ArticleResult`` per article. Analysts want the corpus
view: who stands where on which claim, across all articles, with the evidence
kept. This module builds that view (after cross-article canonicalisation, see
``stance.corpus.canonical``) as plain tables, lists of dicts a notebook can hand to
pandas or polars, and writes them as CSV, JSONL, Parquet, xlsx, Markdown or
GraphML. CSV, JSONL and Markdown need nothing beyond the standard library;
Parquet, xlsx, GraphML and DataFrames need the ``export`` extra.

    from stance.corpus.export import load_run, wide_table, to_pandas
    run = load_run("runs/iran")
    df = to_pandas(wide_table(run))
"""

from __future__ import annotations

import csv
import itertools
import json
import operator
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stance._gc import gc_paused
from stance.corpus.canonical import ACTORS_FILE, CLAIMS_FILE, Canon, CanonicalError, Method, canonicalize, write_mappings
from stance.results import ArticleResult, Claim, Stance

TABLES: tuple[str, ...] = ("long", "wide", "actors", "claims", "network")
FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet", "xlsx", "md", "graphml")
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
    ".md": "md",
    ".graphml": "graphml",
}
# format -> (module, what it is for); these come with the `export` extra.
_EXTRA_MODULES = {"parquet": "pyarrow", "xlsx": "openpyxl", "graphml": "networkx"}
STANCES = ("support", "oppose", "neutral")

LONG_COLUMNS = [
    "article_id", "article_title", "article_path",
    "actor", "actor_surface", "actor_type",
    "claim_id", "claim_text", "article_claim_id", "article_claim_text", "codebook_id",
    "stance",
    "evidence_quote", "evidence_start", "evidence_end", "evidence_alignment", "evidence_count", "other_evidence",
    "model", "prompt_name", "prompt_hash",
]  # fmt: skip
ACTORS_COLUMNS = ["actor", "type", "aliases", "articles", "claims", "stances", "support", "oppose", "neutral"]
CLAIMS_COLUMNS = [
    "claim_id", "text", "codebook_id", "paraphrases", "articles", "actors", "stances", "support", "oppose", "neutral",
]  # fmt: skip
NETWORK_COLUMNS = ["source", "target", "source_type", "target_type", "kind", "stance", "weight", "claims"]


class ExportError(Exception):
    """A problem the user can fix; the message says what and how, and the CLI prints only it."""


# ---------------------------------------------------------------------------
# Loading a run
# ---------------------------------------------------------------------------


@dataclass
class Run:
    """A run folder's results plus the cross-article canonicalisation the tables use."""

    path: Path
    results: list[ArticleResult]
    canon: Canon
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why) for unreadable results

    @cached_property
    def positions(self) -> dict[tuple[str, str], dict[str, set[str]]]:
        """(canonical actor, canonical claim) -> stance label -> ids of the articles that show it."""
        out: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: {s: set() for s in STANCES})
        for result, claim, stance in _stances(self):
            aid = result.article.id
            key = (self.canon.actor_of[(aid, stance.actor)], self.canon.claim_of[(aid, claim.id)])
            out[key][stance.stance].add(aid)
        return dict(out)


def read_results(run_dir: str | Path) -> tuple[list[ArticleResult], list[tuple[str, str]]]:
    """Every valid ``results/*.json`` of a run, sorted by article id, and the files that were not."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ExportError(f"{run_dir}: no such run folder")
    results_dir = run_dir / "results"
    if not results_dir.is_dir():
        raise ExportError(f"{run_dir}: not a run folder (no results/ inside); run `stance extract` first")
    results: list[ArticleResult] = []
    skipped: list[tuple[str, str]] = []
    for path in sorted(results_dir.glob("*.json"), key=lambda p: p.name):
        try:
            results.append(ArticleResult.model_validate_json(path.read_bytes()))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            skipped.append((path.name, f"not a valid result: {where}: {first.get('msg')}"))
        except OSError as exc:
            skipped.append((path.name, f"unreadable: {exc.strerror}"))
    results.sort(key=lambda r: r.article.id)
    return results, skipped


def load_run(run_dir: str | Path, *, method: Method = "auto", threshold: float | None = None) -> Run:
    """Read a run folder and canonicalise its actors and claims (user corrections applied).

    ``method`` picks how paraphrased claims are found: ``lexical`` (rapidfuzz
    token-set similarity), ``embedding`` (needs the ``embed`` extra) or
    ``auto`` (embedding when installed). ``threshold`` is in (0, 1]. Nothing is
    written; ``export`` writes the mapping files.
    """
    run_dir = Path(run_dir)
    with gc_paused():
        results, skipped = read_results(run_dir)
        try:
            canon = canonicalize(results, run_dir, method=method, threshold=threshold)
        except CanonicalError as exc:
            raise ExportError(str(exc)) from exc
    return Run(path=run_dir, results=results, canon=canon, skipped=skipped)


def _as_run(run: Run | str | Path) -> Run:
    return run if isinstance(run, Run) else load_run(run)


def _stances(run: Run) -> Iterator[tuple[ArticleResult, Claim, Stance]]:
    for result in run.results:
        for claim in result.claims:
            for stance in claim.stances:
                yield result, claim, stance


# ---------------------------------------------------------------------------
# Tables (lists of dicts, same keys in every row)
# ---------------------------------------------------------------------------


def long_table(run: Run | str | Path) -> list[dict[str, Any]]:
    """One row per (article, actor, claim, stance), with its evidence and provenance.

    The first evidence quote fills ``evidence_*``; any further quotes are kept
    in ``other_evidence`` as a JSON list of [quote, start, end, alignment].
    """
    run = _as_run(run)
    canon = run.canon
    rows: list[dict[str, Any]] = []
    for result in run.results:
        art = result.article
        prov = result.provenance
        for claim in result.claims:
            cid = canon.claim_of[(art.id, claim.id)]
            for stance in claim.stances:
                actor = canon.actor_of[(art.id, stance.actor)]
                ev = stance.evidence
                first = ev[0] if ev else None
                rows.append(
                    {
                        "article_id": art.id,
                        "article_title": art.title,
                        "article_path": art.path,
                        "actor": actor,
                        "actor_surface": stance.actor,
                        "actor_type": canon.actor_type.get(actor, "other"),
                        "claim_id": cid,
                        "claim_text": canon.claim_text[cid],
                        "article_claim_id": claim.id,
                        "article_claim_text": claim.text,
                        "codebook_id": claim.codebook_id,
                        "stance": stance.stance,
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


def wide_table(run: Run | str | Path) -> list[dict[str, Any]]:
    """Actors x claims: per claim id a cell label and, across articles, support and oppose counts.

    Columns: ``actor``, then for every canonical claim ``<id>`` (support,
    oppose, mixed, neutral or empty), ``<id> support`` and ``<id> oppose``
    (numbers of articles). The claims table gives each id's text.
    """
    run = _as_run(run)
    positions = run.positions
    claim_ids = sorted({cid for _, cid in positions}, key=_claim_sort_key)
    per_actor: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(dict)
    for (actor, cid), by_label in positions.items():
        per_actor[actor][cid] = by_label
    rows = []
    for actor in sorted(per_actor, key=lambda a: (-len(per_actor[a]), a.casefold(), a)):
        row: dict[str, Any] = {"actor": actor}
        for cid in claim_ids:
            by_label = per_actor[actor].get(cid)
            s, o, n = (len(by_label[k]) for k in STANCES) if by_label else (0, 0, 0)
            row[cid] = cell_label(s, o, n)
            row[f"{cid} support"] = s
            row[f"{cid} oppose"] = o
        rows.append(row)
    return rows


def actors_table(run: Run | str | Path) -> list[dict[str, Any]]:
    """Canonical actors with their aliases (surface forms across articles) and counts."""
    run = _as_run(run)
    canon = run.canon
    articles: dict[str, set[str]] = defaultdict(set)
    for (aid, _surface), actor in canon.actor_of.items():
        articles[actor].add(aid)
    claims: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for (actor, _cid), by_label in run.positions.items():
        claims[actor] += 1
        for label, arts in by_label.items():
            counts[actor][label] += len(arts)
    rows = []
    for actor in sorted(articles, key=lambda a: (a.casefold(), a)):
        c = counts[actor]
        rows.append(
            {
                "actor": actor,
                "type": canon.actor_type.get(actor, "other"),
                "aliases": "; ".join(canon.actor_aliases.get(actor, [])),
                "articles": len(articles[actor]),
                "claims": claims[actor],
                "stances": sum(c.values()),
                "support": c["support"],
                "oppose": c["oppose"],
                "neutral": c["neutral"],
            }
        )
    return rows


def claims_table(run: Run | str | Path) -> list[dict[str, Any]]:
    """Canonical claims with their paraphrases across articles and counts."""
    run = _as_run(run)
    canon = run.canon
    articles: dict[str, set[str]] = defaultdict(set)
    for (aid, _claim_id), cid in canon.claim_of.items():
        articles[cid].add(aid)
    actors: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for (_actor, cid), by_label in run.positions.items():
        actors[cid] += 1
        for label, arts in by_label.items():
            counts[cid][label] += len(arts)
    rows = []
    for cid in sorted(articles, key=_claim_sort_key):
        c = counts[cid]
        rows.append(
            {
                "claim_id": cid,
                "text": canon.claim_text[cid],
                "codebook_id": canon.claim_codebook.get(cid),
                "paraphrases": " | ".join(canon.claim_paraphrases.get(cid, [])),
                "articles": len(articles[cid]),
                "actors": actors[cid],
                "stances": sum(c.values()),
                "support": c["support"],
                "oppose": c["oppose"],
                "neutral": c["neutral"],
            }
        )
    return rows


def network_edges(run: Run | str | Path) -> list[dict[str, Any]]:
    """Actor-actor congruence and conflict edges, then actor-claim stance edges.

    For each claim an actor's position is the set of polar stances it takes
    there across articles (support, oppose or both; neutral is no position).
    Congruence weight = number of claims on which two actors share a polar
    stance; conflict weight = number of claims on which one supports what the
    other opposes. An actor with both stances on a claim can count for both,
    as in the Discourse Network Analyzer. Stance edges join an actor to a claim,
    one per stance label, weighted by the number of articles showing it.
    """
    run = _as_run(run)
    polar: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"support": set(), "oppose": set()})
    for (actor, cid), by_label in run.positions.items():
        for label in ("support", "oppose"):
            if by_label[label]:
                polar[cid][label].add(actor)
    congruence: dict[tuple[str, str], list[str]] = defaultdict(list)
    conflict: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cid in sorted(polar, key=_claim_sort_key):
        sup, opp = sorted(polar[cid]["support"]), sorted(polar[cid]["oppose"])
        agree = itertools.chain(itertools.combinations(sup, 2), itertools.combinations(opp, 2))
        clash = ((a, b) if a < b else (b, a) for a in sup for b in opp if a != b)
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
    for (actor, cid), by_label in sorted(run.positions.items(), key=lambda kv: (kv[0][0], _claim_sort_key(kv[0][1]))):
        for label in STANCES:
            if by_label[label]:
                rows.append(
                    {
                        "source": actor, "target": cid, "source_type": "actor", "target_type": "claim",
                        "kind": "stance", "stance": label, "weight": len(by_label[label]), "claims": cid,
                    }
                )  # fmt: skip
    return rows


def network_graph(run: Run | str | Path) -> Any:
    """The network as a ``networkx.MultiGraph`` (needs the export extra).

    Nodes are ``actor:<name>`` and ``claim:<id>`` with attributes ``type``
    (actor or claim), ``name``, ``label`` (what Gephi shows) and, for actors,
    ``actor_type``. Edges carry ``kind`` (congruence, conflict, stance),
    ``stance``, ``weight`` and ``claims`` as in :func:`network_edges`.
    """
    nx = _require("networkx", "GraphML and network graphs")
    run = _as_run(run)
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


def table(run: Run | str | Path, name: str) -> list[dict[str, Any]]:
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
    pd = _require("pandas", "DataFrames")
    return pd.DataFrame.from_records(list(rows), columns=list(columns) if columns else None)


def _claim_sort_key(cid: str) -> tuple[int, str]:
    m = re.fullmatch(r"C(\d+)", cid)
    return (0, "%012d" % int(m.group(1))) if m else (1, cid)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def _require(module: str, purpose: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExportError(f"{purpose} need {module}, which is not installed: pip install 'stance[export]'") from None


def write_table(rows: Sequence[dict[str, Any]], path: str | Path, fmt: str, columns: Sequence[str]) -> None:
    """Write rows in a tabular format (csv, jsonl, parquet, xlsx, md), atomically."""
    writers = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet, "xlsx": _write_xlsx, "md": _write_md}
    if fmt not in writers:
        raise ExportError(f"{fmt} is not a table format; use one of {', '.join(writers)}")
    if fmt in _EXTRA_MODULES:
        _require(_EXTRA_MODULES[fmt], f"{fmt} files")
    _atomic(Path(path), lambda tmp: writers[fmt](rows, tmp, list(columns)))


def write_graphml(graph: Any, path: str | Path) -> None:
    """Write a network as GraphML (opens in Gephi and visone), atomically."""
    nx = _require("networkx", "GraphML files")
    _atomic(Path(path), lambda tmp: nx.write_graphml(graph, str(tmp)))


def _atomic(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _values(rows: Sequence[dict[str, Any]], columns: list[str]) -> Iterator[Sequence[Any]]:
    """Each row's values in column order (None for a missing key); itemgetter when all keys are there."""
    if not columns:
        yield from ([] for _ in rows)
        return
    get = operator.itemgetter(*columns)
    single = len(columns) == 1
    for row in rows:
        try:
            values = get(row)
        except KeyError:
            values = tuple(row.get(c) for c in columns)
            yield values
            continue
        yield (values,) if single else values


def _write_csv(rows: Sequence[dict[str, Any]], path: Path, columns: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(_values(rows, columns))


def _write_jsonl(rows: Sequence[dict[str, Any]], path: Path, columns: list[str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False))
            fh.write("\n")


def _write_parquet(rows: Sequence[dict[str, Any]], path: Path, columns: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns_data: list[list[Any]] = [[] for _ in columns]
    for values in _values(rows, columns):
        for column, value in zip(columns_data, values):
            column.append(value)
    pq.write_table(pa.table(dict(zip(columns, columns_data))), str(path))


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767


def _write_xlsx(rows: Sequence[dict[str, Any]], path: Path, columns: list[str]) -> None:
    from openpyxl import Workbook

    if len(rows) + 1 > XLSX_MAX_ROWS:
        raise ExportError(f"{len(rows)} rows do not fit in one Excel sheet (1,048,575 at most); use csv or parquet")

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return _XLSX_ILLEGAL.sub("", value)[:XLSX_MAX_CELL]
        return value

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("stance")
    ws.append(columns)
    for row in rows:
        ws.append([clean(row.get(c)) for c in columns])
    wb.save(str(path))


def _md_cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _write_md(rows: Sequence[dict[str, Any]], path: Path, columns: list[str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("| " + " | ".join(_md_cell(c) for c in columns) + " |\n")
        fh.write("|" + "|".join("---" for _ in columns) + "|\n")
        for values in _values(rows, columns):
            fh.write("| " + " | ".join(map(_md_cell, values)) + " |\n")


# ---------------------------------------------------------------------------
# One export, as the CLI runs it
# ---------------------------------------------------------------------------


@dataclass
class ExportReport:
    """What an export did, for the CLI to print."""

    out: Path
    table: str
    format: str
    rows: int
    articles: int
    actors: int
    claims: int
    method: str
    threshold: float
    skipped: list[tuple[str, str]]
    mapping_files: tuple[Path, Path] | None
    user_corrections: int


def resolve_format(table_name: str, fmt: str | None, out: Path | None) -> str:
    """The output format: --format if given, else the file suffix, else graphml (network) or csv."""
    if table_name not in TABLES:
        raise ExportError(f"unknown table {table_name!r}; use one of {', '.join(TABLES)}")
    if fmt is not None and fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    from_suffix = SUFFIX_FORMATS.get(out.suffix.lower()) if out is not None else None
    if fmt and from_suffix and fmt != from_suffix:
        raise ExportError(f"--format {fmt} does not match the file name {out.name}; change one of them")
    if fmt is None and out is not None and from_suffix is None:
        raise ExportError(f"cannot tell the format from {out.name}; pass --format ({', '.join(FORMATS)})")
    fmt = fmt or from_suffix or ("graphml" if table_name == "network" else "csv")
    if fmt == "graphml" and table_name != "network":
        raise ExportError("graphml holds networks only; use --table network, or another format")
    return fmt


def export(
    run_dir: str | Path,
    table_name: str = "long",
    fmt: str | None = None,
    out: str | Path | None = None,
    *,
    method: Method = "auto",
    threshold: float | None = None,
    write_mapping_files: bool = True,
) -> ExportReport:
    """Export one table of a run; also (re)writes the run's ``actors.csv`` and ``claims.csv``.

    Default output: ``RUN/exports/<table>.<format>``.
    """
    run_dir = Path(run_dir)
    out_path = Path(out) if out is not None else None
    fmt = resolve_format(table_name, fmt, out_path)
    if fmt in _EXTRA_MODULES:  # fail before the (possibly slow) loading, not after
        _require(_EXTRA_MODULES[fmt], f"{fmt} files")
    run = load_run(run_dir, method=method, threshold=threshold)
    if not run.results:
        detail = f" ({len(run.skipped)} unreadable: {run.skipped[0][0]}: {run.skipped[0][1]})" if run.skipped else ""
        raise ExportError(f"{run_dir}: no results to export{detail}")
    if out_path is None:
        out_path = run_dir / "exports" / f"{table_name}.{fmt}"
    if write_mapping_files and out_path.resolve() in {(run_dir / f).resolve() for f in (ACTORS_FILE, CLAIMS_FILE)}:
        raise ExportError(f"{out_path} is the run's mapping file; write the table somewhere else")
    with gc_paused():
        mapping_files = write_mappings(run_dir, run.canon) if write_mapping_files else None
        if fmt == "graphml":
            graph = network_graph(run)
            write_graphml(graph, out_path)
            n_rows = graph.number_of_edges()
        else:
            rows = table(run, table_name)
            write_table(rows, out_path, fmt, columns_of(table_name, rows))
            n_rows = len(rows)
    return ExportReport(
        out=out_path,
        table=table_name,
        format=fmt,
        rows=n_rows,
        articles=len(run.results),
        actors=len(set(run.canon.actor_of.values())),
        claims=len(set(run.canon.claim_of.values())),
        method=run.canon.method,
        threshold=run.canon.threshold,
        skipped=run.skipped,
        mapping_files=mapping_files,
        user_corrections=run.canon.user_actor_rows + run.canon.user_claim_rows,
    )
