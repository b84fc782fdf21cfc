"""Writing a run's tables: CSV, JSONL, Parquet, xlsx, Markdown or GraphML, and ``export`` as the CLI runs it.

CSV, JSONL and Markdown need nothing beyond the standard library; Parquet,
xlsx and GraphML need the ``export`` extra. Every file is written through
``stance.files.atomic_path``: a reader sees the old file or the new one.
"""

from __future__ import annotations

import csv
import json
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance._gc import gc_paused
from stance.corpus.canon import ACTORS_FILE, CLAIMS_FILE, ExportError, Method
from stance.corpus.mappings import write_mappings
from stance.corpus.run import Run, load_run
from stance.corpus.tables import TABLES, columns_of, network_graph, require_module, table_rows
from stance.files import atomic_path

FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet", "xlsx", "md", "graphml")
PERIODS: tuple[str, ...] = ("month", "year", "day")  # export(per=...): one file per period
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


def write_table(rows: Sequence[dict[str, Any]], path: str | Path, fmt: str, columns: Sequence[str]) -> None:
    """Write rows in a tabular format (csv, jsonl, parquet, xlsx, md), atomically."""
    writers = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet, "xlsx": _write_xlsx, "md": _write_md}
    if fmt not in writers:
        raise ExportError(f"{fmt} is not a table format; use one of {', '.join(writers)}")
    if fmt in _EXTRA_MODULES:
        require_module(_EXTRA_MODULES[fmt], f"{fmt} files")
    with atomic_path(path) as tmp:
        writers[fmt](rows, tmp, list(columns))


def write_graphml(graph: Any, path: str | Path) -> None:
    """Write a network as GraphML (opens in Gephi and visone), atomically."""
    nx = require_module("networkx", "GraphML files")
    with atomic_path(path) as tmp:
        nx.write_graphml(graph, str(tmp))


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
        for column, value in zip(columns_data, values, strict=True):
            column.append(value)
    pq.write_table(pa.table(dict(zip(columns, columns_data, strict=True))), str(path))


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
    sidecar: Path | None = None  # the wide table's claim texts (wide.claims.csv next to wide.csv)
    window: tuple[str | None, str | None] | None = None  # --since/--until, when given
    periods: list[tuple[str, Path, int]] | None = None  # --per: (period, file, rows) for each
    undated: int = 0  # articles without a date, left out of a cut by date


def wide_sidecar_path(out: Path) -> Path:
    """Where the wide table's claim texts go: ``wide.csv`` -> ``wide.claims.csv`` (same folder, same format).

    A sidecar rather than texts in the header: ``wide.csv`` stays one header row of
    short ids that pandas, R and Excel read as is, and the claims join on ``claim_id``.
    """
    return out.with_name(f"{out.stem}.claims{out.suffix}")


def resolve_format(table_name: str, fmt: str | None, out: Path | None) -> str:
    """The output format: --format if given, else the file suffix, else graphml (network) or csv."""
    if table_name not in TABLES:
        raise ExportError(f"unknown table {table_name!r}; use one of {', '.join(TABLES)}")
    if fmt is not None and fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    from_suffix = SUFFIX_FORMATS.get(out.suffix.lower()) if out is not None else None
    if fmt and from_suffix and out is not None and fmt != from_suffix:
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
    since: str | None = None,
    until: str | None = None,
    per: str | None = None,
) -> ExportReport:
    """Export one table of a run; also (re)writes the run's ``actors.csv`` and ``claims.csv``.

    Default output: ``RUN/exports/<table>.<format>``. ``since``/``until`` (ISO dates, both
    included) cut the run to the articles published then; ``per`` ("month", "year", "day")
    writes one file per period instead, ``<table>-2020-09.<format>`` beside the given name, as
    discourse network analysis looks at a debate month by month. Claim ids stay the run's.
    """
    run_dir = Path(run_dir)
    out_path = Path(out) if out is not None else None
    fmt = resolve_format(table_name, fmt, out_path)
    for flag, bound in (("--since", since), ("--until", until)):
        if bound is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", bound):
            raise ExportError(f"{flag} {bound!r} is not a date; write 2020, 2020-09 or 2020-09-08")
    if per is not None and per not in PERIODS:
        raise ExportError(f"unknown period {per!r}; use one of {', '.join(PERIODS)}")
    if fmt in _EXTRA_MODULES:  # fail before the (possibly slow) loading, not after
        require_module(_EXTRA_MODULES[fmt], f"{fmt} files")
    run = load_run(run_dir, method=method, threshold=threshold)
    if not run.results:
        detail = f" ({len(run.skipped)} unreadable: {run.skipped[0][0]}: {run.skipped[0][1]})" if run.skipped else ""
        raise ExportError(f"{run_dir}: no results to export{detail}")
    if out_path is None:
        out_path = run_dir / "exports" / f"{table_name}.{fmt}"
    if write_mapping_files and out_path.resolve() in {(run_dir / f).resolve() for f in (ACTORS_FILE, CLAIMS_FILE)}:
        raise ExportError(f"{out_path} is the run's mapping file; write the table somewhere else")
    dated = run.between(since, until) if since or until or per else run
    undated = sum(1 for r in run.results if not r.article.date) if dated is not run else 0
    periods: list[tuple[str, Path, int]] | None = None
    with gc_paused():
        mapping_files = write_mappings(run_dir, run.canon) if write_mapping_files else None
        if per is None:
            n_rows, sidecar = _write_one(dated, table_name, fmt, out_path)
        else:
            periods = []
            for period in dated.periods(per):
                target = out_path.with_name(f"{out_path.stem}-{period}{out_path.suffix}")
                rows_written, sidecar = _write_one(dated.between(period, period), table_name, fmt, target)
                periods.append((period, target, rows_written))
            n_rows = sum(n for _, _, n in periods)
    return ExportReport(
        out=out_path,
        table=table_name,
        format=fmt,
        rows=n_rows,
        articles=len(dated.results),
        actors=len(set(run.canon.actor_of.values())),
        claims=len(set(run.canon.claim_of.values())),
        method=run.canon.method,
        threshold=run.canon.threshold,
        skipped=run.skipped,
        mapping_files=mapping_files,
        sidecar=sidecar if per is None else None,
        user_corrections=run.canon.user_actor_rows + run.canon.user_claim_rows,
        window=(since, until) if since or until else None,
        periods=periods,
        undated=undated,
    )


def _write_one(run: Run, table_name: str, fmt: str, out_path: Path) -> tuple[int, Path | None]:
    """Write one table (and the wide table's claim texts beside it); returns its rows (edges) and the sidecar."""
    if fmt == "graphml":
        graph = network_graph(run)
        write_graphml(graph, out_path)
        return graph.number_of_edges(), None
    rows = table_rows(run, table_name)
    write_table(rows, out_path, fmt, columns_of(table_name, rows))
    if table_name != "wide":
        return len(rows), None
    sidecar = wide_sidecar_path(out_path)  # its columns are claim ids: their texts go next to it
    claims = table_rows(run, "claims")
    write_table(claims, sidecar, fmt, columns_of("claims", claims))
    return len(rows), sidecar
