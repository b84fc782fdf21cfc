"""``stance export``: stance tables and actor networks across a run (stance.corpus)."""

from __future__ import annotations

from pathlib import Path

import typer


def export_command(
    run: Path = typer.Argument(..., help="Run folder (with results/ inside)."),
    table: str = typer.Option("long", "--table", "-t", help="long | wide | actors | claims | network."),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="csv | jsonl | parquet | xlsx | md | graphml [default: from --out suffix, else csv; graphml for network]."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file [default: RUN/exports/TABLE.FORMAT]."),
    method: str = typer.Option("auto", "--method", help="Claim merging: auto (embeddings if installed) | lexical | embedding."),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Claim similarity needed to merge, in (0, 1] [default: lexical 0.85, embedding 0.87]."
    ),
    no_mappings: bool = typer.Option(False, "--no-mappings", help="Do not (re)write RUN/actors.csv and RUN/claims.csv."),
) -> None:
    """Export stance tables and actor networks across all articles of a run.

    Actors and claims are merged across articles; the mappings are written to
    RUN/actors.csv and RUN/claims.csv, where edits to the `canonical*` columns
    win on every later export.
    """
    from stance.corpus import ExportError, export

    try:
        report = export(
            run, table, fmt, out, method=method, threshold=threshold, write_mapping_files=not no_mappings  # type: ignore[arg-type]
        )
    except ExportError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for name, why in report.skipped:
        typer.echo(f"warning: skipped results/{name}: {why}", err=True)
    typer.echo(
        f"{report.table} table: {report.rows} rows -> {report.out} "
        f"({report.articles} articles, {report.actors} actors, {report.claims} claims; "
        f"claims merged by {report.method} similarity >= {report.threshold:g}"
        + (f"; {report.user_corrections} user corrections applied" if report.user_corrections else "")
        + ")"
    )
    if report.mapping_files:
        typer.echo(f"mappings: {report.mapping_files[0]}, {report.mapping_files[1]} (edit the canonical* columns to correct)")
