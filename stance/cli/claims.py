"""``stance claims``: one claim map across a run: recurring claims, their negations, an induced codebook (stance.corpus)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from stance.cli.options import BaseUrlOpt, ConfigOpt, ModelOpt, NoCacheOpt, settings_from


class MapMethod(StrEnum):
    """How claim similarity is measured (``stance.corpus.claim_grouping``)."""

    auto = "auto"
    embedding = "embedding"
    lexical = "lexical"


class Naming(StrEnum):
    """Who writes the names of recurring claims."""

    auto = "auto"
    model = "model"
    central = "central"


def claims_command(
    run: Path = typer.Argument(..., metavar="RUN", help="Run folder (with results/ inside)."),
    method: MapMethod = typer.Option(
        MapMethod.auto, "--method", help="Claim similarity: embedding (the embed extra; auto when installed) or lexical."
    ),
    threshold: float | None = typer.Option(
        None, "--threshold", metavar="X", help="Similarity a claim needs to join a group, in (0, 1] (default: embedding 0.65, lexical 0.4)."
    ),
    names: Naming = typer.Option(
        Naming.auto, "--names",
        help="Who names each recurring claim: model (one request per group), central (its most central wording), "
        "auto (model when an endpoint is configured, else central).",
    ),  # fmt: skip
    codebook: Path | None = typer.Option(
        None, "--codebook", metavar="FILE", help="Where to write the induced codebook (default: RUN/codebook.yaml)."
    ),
    min_articles: int = typer.Option(2, "--min-articles", min=1, help="Articles a claim must recur in to be shown and coded."),
    show: int = typer.Option(10, "--show", min=0, help="Recurring claims to print, busiest first."),
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    config: ConfigOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Group the claims of a whole run into recurring claims, negations included.

    Writes RUN/claim_map.json (exports, reports and evals then group claims by it),
    rewrites RUN/claims.csv (edit canonical_id, canonical_text or flip to correct: your
    edits keep winning) and writes the recurring claims as a codebook for
    `stance extract --codebook`.
    """
    from stance.corpus import ExportError, map_claims, recurring_claims

    settings = settings_from(config, model=model, base_url=base_url, use_cache=False if no_cache else None)
    naming = names.value
    if naming == "auto":
        naming = "model" if settings.base_url else "central"
    try:
        report = map_claims(
            run, method=method.value, threshold=threshold, naming=naming,  # type: ignore[arg-type]
            settings=settings, codebook_out=codebook, min_articles=min_articles,
        )  # fmt: skip
    except ExportError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for name, why in report.run.skipped:
        typer.echo(f"warning: skipped results/{name}: {why}", err=True)
    typer.echo(
        f"claim map: {report.articles} articles, {report.claims} claims -> {report.groups} claims, "
        f"{report.recurring} of them in {min_articles}+ articles "
        f"({report.method} similarity >= {report.threshold:g}, {report.grouping_seconds:.1f} s)"
    )
    if report.naming == "model":
        failed = f", {len(report.naming_failures)} failed (named by their central wording)" if report.naming_failures else ""
        typer.echo(
            f"names: {report.naming_requests} requests to {report.naming_model} "
            f"({report.naming_cache_hits} from the cache{failed}, {report.naming_seconds:.1f} s)"
        )
    typer.echo(f"wrote {report.map_file}, {report.mapping_files[1]} (edit canonical_id, canonical_text or flip to correct)")
    if report.codebook_file is not None:
        typer.echo(f"codebook: {report.codebook_file} (stance extract ARTICLES --out RUN --codebook {report.codebook_file})")
    rows = recurring_claims(report.run, min_articles=min_articles)
    for row in rows[:show]:
        typer.echo("")
        wording = _plural(row["wordings"], "wording") + (f", {row['negated']} negating it" if row["negated"] else "")
        typer.echo(f"{row['claim_id']}  {row['text']}  ({_plural(row['articles'], 'article')}; {wording})")
        for label, side in (("for", "support"), ("against", "oppose"), ("neutral", "neutral")):
            if row[side]:
                actors = ", ".join(a if n == 1 else f"{a} ({n})" for a, n in row[side].items())
                typer.echo(f"    {label + ':':<9}{actors}")
    if len(rows) > show:
        typer.echo(f"\n... {len(rows) - show} more: stance export {run} --table claims")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
