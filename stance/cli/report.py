"""``stance report``: a run as one self-contained HTML page (stance.report)."""

from __future__ import annotations

from pathlib import Path

import typer


def report_command(
    run: Path = typer.Argument(..., metavar="RUN", help="Run folder (with results/*.json)."),
    out: Path | None = typer.Option(None, "--out", "-o", metavar="FILE", help="HTML file to write (default: RUN/report.html)."),
    plot: Path | None = typer.Option(None, "--plot", help="Also write the stance table as an image (.png/.svg/.pdf)."),
    title: str | None = typer.Option(None, "--title", help="Page title."),
    max_actors: int = typer.Option(40, "--max-actors", min=1, help="Rows of the stance table (busiest actors)."),
    max_claims: int = typer.Option(30, "--max-claims", min=1, help="Columns of the stance table (busiest claims)."),
) -> None:
    """Write a self-contained HTML report of a run: highlighted evidence, stance table, provenance."""
    from stance.report import ReportError, open_run, plot_stance_table, render_run_html, write_html

    try:
        data = open_run(run)
        target = write_html(render_run_html(data, title=title, max_actors=max_actors, max_claims=max_claims),
                            out if out is not None else run / "report.html")
        typer.echo(f"wrote {target} ({len(data.results)} articles, {target.stat().st_size / 1024:.0f} KiB)")
        if plot is not None:
            typer.echo(f"wrote {plot_stance_table(data, plot)}")
    except ReportError as exc:
        typer.echo(f"stance report: {exc}", err=True)
        raise typer.Exit(1) from None
