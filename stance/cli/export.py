"""``stance export``: stance tables and actor networks across a run (stance.corpus).

The choices are Enums so that ``--help`` lists them. Adding a format is one ``ExportFormat``
member here plus one writer in ``stance.corpus.writers`` (``tests/cli/test_help.py`` checks
that the two agree); the corpus is imported only when the command runs, to keep ``--help`` fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer


class Table(StrEnum):
    """The tables of ``stance.corpus.tables.TABLES``."""

    long = "long"
    wide = "wide"
    actors = "actors"
    claims = "claims"
    network = "network"


class ExportFormat(StrEnum):
    """The formats of ``stance.corpus.writers.FORMATS``."""

    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    xlsx = "xlsx"
    md = "md"
    graphml = "graphml"
    # Formats for other tools to correct a run in (stance.exchange, docs/corrections.md); --out names the target.
    label_studio = "label-studio"
    dna = "dna"


EXCHANGE_FORMATS = (ExportFormat.label_studio, ExportFormat.dna)


class Period(StrEnum):
    """``stance.corpus.writers.PERIODS``: one export file per period."""

    month = "month"
    year = "year"
    day = "day"


class MergeMethod(StrEnum):
    """How claims are merged across articles (``stance.corpus.canon.METHODS``)."""

    auto = "auto"
    map = "map"
    lexical = "lexical"
    embedding = "embedding"


def export_command(
    run: Path = typer.Argument(..., metavar="RUN", help="Run folder (with results/ inside)."),
    table: Table = typer.Option(
        Table.long, "--table", "-t", help="Which table; wide also writes its claim texts next to it (TABLE.claims.FORMAT)."
    ),
    fmt: ExportFormat | None = typer.Option(
        None,
        "--format",
        "-f",
        help="File format (default: from the --out suffix, else csv, or graphml for the network).",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", metavar="FILE", help="Output file (default: RUN/exports/TABLE.FORMAT, e.g. RUN/exports/long.csv)."
    ),
    method: MergeMethod = typer.Option(
        MergeMethod.auto, "--method",
        help="Claim merging; auto: the run's claim map (stance claims) when it has one, else embeddings when the "
        "embed extra is installed, else lexical.",
    ),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        metavar="X",
        help="Claim similarity needed to merge, in (0, 1] (default: lexical 0.85, embedding 0.87).",
    ),
    no_mappings: bool = typer.Option(False, "--no-mappings", help="Do not (re)write RUN/actors.csv and RUN/claims.csv."),
    since: str | None = typer.Option(None, "--since", metavar="DATE", help="Only articles published from DATE (2020, 2020-09 or 2020-09-08)."),
    until: str | None = typer.Option(None, "--until", metavar="DATE", help="Only articles published up to DATE, included (2020-09: all September)."),
    per: Period | None = typer.Option(None, "--per", help="One file per period: TABLE-2020-09.FORMAT beside --out (undated articles left out)."),
) -> None:
    """Export stance tables and actor networks across all articles of a run.

    Actors and claims are merged across articles; the mappings are written to
    RUN/actors.csv and RUN/claims.csv, where edits to the `canonical*` columns
    win on every later export. With no options: RUN/exports/long.csv.
    """
    if fmt in EXCHANGE_FORMATS:
        _export_exchange(run, fmt, out)
        return
    from stance.corpus import ExportError, export

    try:
        report = export(
            run,
            table.value,
            fmt.value if fmt is not None else None,
            out,
            method=method.value,
            threshold=threshold,
            write_mapping_files=not no_mappings,
            since=since,
            until=until,
            per=per.value if per is not None else None,
        )
    except ExportError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for name, why in report.skipped:
        typer.echo(f"warning: skipped results/{name}: {why}", err=True)
    typer.echo(
        f"{report.table} table: {report.rows} rows -> "
        + (f"{len(report.periods)} files, one per {per.value if per else ''} " if report.periods is not None else f"{report.out} ")
        + f"({report.articles} articles, {report.actors} actors, {report.claims} claims; "
        + (f"claims grouped by the claim map, {report.method[5:-1]} similarity >= {report.threshold:g}"
           if report.method.startswith("map") else f"claims merged by {report.method} similarity >= {report.threshold:g}")
        + (f"; {report.user_corrections} user corrections applied" if report.user_corrections else "")
        + ")"
    )
    if report.periods is not None:
        for period, path, rows in report.periods:
            typer.echo(f"  {period}: {rows} rows -> {path}")
    if report.undated:
        typer.echo(f"note: {report.undated} articles have no date and are left out (dates come from the input's metadata)")
    if report.sidecar is not None:
        typer.echo(f"claim texts: {report.sidecar}")
    if report.mapping_files:
        typer.echo(f"mappings: {report.mapping_files[0]}, {report.mapping_files[1]} (edit the canonical* columns to correct)")


def _export_exchange(run: Path, fmt: ExportFormat, out: Path | None) -> None:
    """Label Studio tasks (--out DIR) or a DNA database (--out FILE.dna), from stance.exchange."""
    from stance.exchange import ExchangeError, read_run_texts, write_dna, write_label_studio

    if out is None:
        typer.echo(f"error: --format {fmt.value} needs --out ({'DIR' if fmt is ExportFormat.label_studio else 'FILE.dna'})", err=True)
        raise typer.Exit(1)
    try:
        sourced = read_run_texts(run)
        for name, why in sourced.skipped:
            typer.echo(f"warning: skipped {name}: {why}", err=True)
        if fmt is ExportFormat.label_studio:
            ls = write_label_studio(sourced.items, out)
            typer.echo(f"label-studio: {ls.n_tasks} tasks, {ls.n_spans} pre-annotated spans -> {ls.tasks}; labeling config -> {ls.config}")
        else:
            dna = write_dna(sourced.items, out)
            for name, why in dna.skipped:
                typer.echo(f"warning: {name}: {why}", err=True)
            typer.echo(f"dna: {dna.documents} documents, {dna.statements} statements -> {dna.out} (DNA coder Admin, password admin)")
    except (ExchangeError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
