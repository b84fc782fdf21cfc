"""Typer command-line interface: parses options and calls the Python API. Nothing else."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="stance",
    help="Extract who claims what, and who takes which side, from news articles.",
    no_args_is_help=True,
    add_completion=False,
)

# --- extract ---------------------------------------------------------------

# --- eval ------------------------------------------------------------------

# --- export ----------------------------------------------------------------


from pathlib import Path  # noqa: E402  (typer resolves the annotations below from module globals)


@app.command("export")
def export_command(
    run: Path = typer.Argument(..., help="Run folder (with results/ inside)."),
    table: str = typer.Option("long", "--table", "-t", help="long | wide | actors | claims | network."),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="csv | jsonl | parquet | xlsx | md | graphml [default: from --out suffix, else csv; graphml for network]."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file [default: RUN/exports/TABLE.FORMAT]."),
    method: str = typer.Option("auto", "--method", help="Claim merging: auto (embeddings if installed) | lexical | embedding."),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Claim similarity needed to merge, in (0, 1] [default: lexical 0.82, embedding 0.80]."
    ),
    no_mappings: bool = typer.Option(False, "--no-mappings", help="Do not (re)write RUN/actors.csv and RUN/claims.csv."),
) -> None:
    """Export stance tables and actor networks across all articles of a run.

    Actors and claims are merged across articles; the mappings are written to
    RUN/actors.csv and RUN/claims.csv, where edits to the `canonical*` columns
    win on every later export.
    """
    from stance.export import ExportError, export

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


# --- report ----------------------------------------------------------------

from pathlib import Path  # noqa: E402  (typer resolves the annotations below from module globals)


@app.command("report")
def report_command(
    run: Path = typer.Argument(..., help="Run folder (with results/*.json)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="HTML file to write [default: RUN/report.html]."),
    plot: Path | None = typer.Option(None, "--plot", help="Also write the stance table as an image (.png/.svg/.pdf)."),
    title: str | None = typer.Option(None, "--title", help="Page title."),
    max_actors: int = typer.Option(40, "--max-actors", min=1, help="Rows of the stance table (busiest actors)."),
    max_claims: int = typer.Option(30, "--max-claims", min=1, help="Columns of the stance table (busiest claims)."),
) -> None:
    """Write a self-contained HTML report of a run: highlighted evidence, stance table, provenance."""
    from stance.report import ReportError, load_run, plot_stance_table, render_run_html, write_html

    try:
        data = load_run(run)
        target = write_html(render_run_html(data, title=title, max_actors=max_actors, max_claims=max_claims),
                            out if out is not None else run / "report.html")
        typer.echo(f"wrote {target} ({len(data.results)} articles, {target.stat().st_size / 1024:.0f} KiB)")
        if plot is not None:
            typer.echo(f"wrote {plot_stance_table(data, plot)}")
    except ReportError as exc:
        typer.echo(f"stance report: {exc}", err=True)
        raise typer.Exit(1) from None


if __name__ == "__main__":  # pragma: no cover
    app()
