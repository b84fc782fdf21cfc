"""``stance fixtures``: corrected runs back as gold fixtures (Label Studio exports, DNA databases) and gold drafts (stance.exchange)."""

from __future__ import annotations

from pathlib import Path

import typer

fixtures_app = typer.Typer(
    help="Turn corrections into gold fixtures (NAME.txt + NAME.gold.json): from Label Studio, DNA, or a draft to edit.",
    no_args_is_help=True,
)


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1) from None


@fixtures_app.command("import")
def import_command(
    export: Path = typer.Argument(..., metavar="EXPORT", help="A Label Studio JSON export of our tasks (.json), or a DNA database (.dna)."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="Folder for the fixture pairs (NAME.txt + NAME.gold.json)."),
    as_run: Path | None = typer.Option(
        None, "--as-run", metavar="RUN", help="Also write the corrections as a run folder that export, report and eval read."
    ),
) -> None:
    """Read corrections back as fixtures that pass shared/fixtures/validate.py.

    A DNA database gives every document as a fixture and its concepts as the
    corpus claims (DIR/corpus.json), so they can serve as the codebook.
    """
    from stance.exchange import ExchangeError, read_dna, read_label_studio, write_fixtures, write_run_folder

    try:
        if export.suffix.lower() == ".dna":
            items, concepts = read_dna(export)
            problems: list[tuple[str, str]] = []
            written = write_fixtures(items, out, corpus=concepts, corpus_topic=f"concepts of {export.name}")
        else:
            imported = read_label_studio(export)
            items, problems = imported.items, imported.problems
            written = write_fixtures(items, out)
        for name, why in problems:
            typer.echo(f"warning: {name}: {why}", err=True)
        pairs = sum(len(c.stances) for it in items for c in it.result.claims)
        typer.echo(f"fixtures: {len(written)} articles, {pairs} (actor, claim) pairs -> {out}")
        if as_run is not None:
            typer.echo(f"run: {write_run_folder(items, as_run)}")
    except (ExchangeError, OSError) as exc:
        _fail(exc)


@fixtures_app.command("draft")
def draft_command(
    run: Path = typer.Argument(..., metavar="RUN", help="Run folder (with results/ inside)."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="Folder for the draft fixture pairs."),
) -> None:
    """Gold-file drafts from a run, to correct in any editor (evidence already verbatim)."""
    from stance.exchange import ExchangeError, read_run_texts, write_fixtures

    try:
        sourced = read_run_texts(run)
        for name, why in sourced.skipped:
            typer.echo(f"warning: skipped {name}: {why}", err=True)
        written = write_fixtures(sourced.items, out)
        typer.echo(f"drafts: {len(written)} fixture pairs -> {out} (check them with shared/fixtures/validate.py)")
    except (ExchangeError, OSError) as exc:
        _fail(exc)
