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

from pathlib import Path  # noqa: E402  (typer resolves the annotations below from module globals)
from typing import Annotated, Optional  # noqa: E402

from rich.console import Console  # noqa: E402

_eval_err = Console(stderr=True)
eval_app = typer.Typer(
    help="Score runs against hand-labelled fixtures, compare two runs, gate regressions (docs/evals.md).",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

EvalMarkdownOpt = Annotated[Optional[Path], typer.Option("--markdown", help="Also write the result as Markdown here.")]
EvalJsonOpt = Annotated[Optional[Path], typer.Option("--json", help="Also write the result as JSON here.")]
EvalMaxDropOpt = Annotated[
    Optional[float], typer.Option("--max-drop", help="Largest allowed drop of a gated metric (absolute) (default: 0.02).")
]


def _eval_options(**given: object):
    """ScoreOptions from the flags that were given; the rest keep the documented defaults."""
    from pydantic import ValidationError

    from stance.evals import ScoreOptions

    try:
        return ScoreOptions(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        _eval_err.print(f"[red]error:[/red] --{str(err['loc'][0]).replace('_', '-')}: {err['msg']}")
        raise typer.Exit(2) from None


@eval_app.command("score")
def eval_score(
    run: Annotated[Path, typer.Argument(help="Run folder (results/*.json, failures/*.json, manifest.json).")],
    fixtures: Annotated[Path, typer.Option("--fixtures", "-f", help="Fixture folder: NAME.txt + NAME.gold.json.")],
    mode: Annotated[Optional[str], typer.Option("--mode", help="open | codebook (default: open).")] = None,
    min_overlap_chars: Annotated[Optional[int], typer.Option(help="Evidence overlap that matches (default: 8).")] = None,
    paraphrase_threshold: Annotated[
        Optional[float], typer.Option(help="Claim token-set similarity that matches, 0-1 (default: 0.85).")
    ] = None,
    resamples: Annotated[Optional[int], typer.Option(help="Bootstrap resamples (default: 1000).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Bootstrap seed (default: 0).")] = None,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help="metrics.json-shaped file to gate against.")] = None,
    max_drop: EvalMaxDropOpt = None,
    mins: Annotated[Optional[list[str]], typer.Option("--min", help="METRIC=VALUE minimum, e.g. pair_f1=0.4 (repeatable).")] = None,
    markdown: EvalMarkdownOpt = None,
    json_out: EvalJsonOpt = None,
) -> None:
    """Score a run against fixtures (no model calls) and write RUN/metrics.json.

    Exits 1 when --baseline/--min is given and the gate fails, 2 on bad input.
    """
    from stance.evals import (
        DEFAULT_MAX_DROP, EvalError, check_gate, parse_mins, print_report, report_json, report_markdown,
        score_run, violations_text,
    )

    opts = _eval_options(mode=mode, min_overlap_chars=min_overlap_chars, paraphrase_threshold=paraphrase_threshold,
                         bootstrap_resamples=resamples, seed=seed)
    try:
        if max_drop is not None and baseline is None:
            raise EvalError("--max-drop needs --baseline FILE")
        floors = parse_mins(mins or [])
        report = score_run(run, fixtures, opts)
        print_report(report, Console())
        typer.echo(f"wrote {run / 'metrics.json'}")
        for path, text in ((markdown, report_markdown), (json_out, report_json)):
            if path is not None:
                path.write_text(text(report), encoding="utf-8")
                typer.echo(f"wrote {path}")
        if baseline is None and not floors:
            return
        violations = check_gate(report, baseline, max_drop=DEFAULT_MAX_DROP if max_drop is None else max_drop, mins=floors)
    except (EvalError, OSError) as exc:
        _eval_err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if violations:
        _eval_err.print(f"[red]{violations_text(violations)}[/red]", highlight=False)
        raise typer.Exit(1)
    typer.echo(violations_text(violations))


@eval_app.command("compare")
def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="Run A (the reference), scored (metrics.json) or not (then --fixtures).")],
    run_b: Annotated[Path, typer.Argument(help="Run B (the candidate).")],
    fixtures: Annotated[
        Optional[Path], typer.Option("--fixtures", "-f", help="Rescore both runs against this fixture folder first.")
    ] = None,
    markdown: EvalMarkdownOpt = None,
    json_out: EvalJsonOpt = None,
    fail_on_regression: Annotated[
        bool, typer.Option("--fail-on-regression", help="Exit 1 when B is worse than A by more than --max-drop.")
    ] = False,
    max_drop: EvalMaxDropOpt = None,
    examples: Annotated[int, typer.Option("--examples", min=0, help="Pairs gained/lost shown in the terminal.")] = 5,
) -> None:
    """Compare two runs: each metric for A and B, B - A with its paired-bootstrap interval, per-fixture wins."""
    from stance.evals import (
        DEFAULT_MAX_DROP, EvalError, compare_runs, comparison_json, comparison_markdown, comparison_regressions,
        print_comparison, violations_text,
    )

    try:
        cmp = compare_runs(run_a, run_b, fixtures_dir=fixtures)
        print_comparison(cmp, Console(), max_examples=examples)
        for path, text in ((markdown, comparison_markdown), (json_out, comparison_json)):
            if path is not None:
                path.write_text(text(cmp), encoding="utf-8")
                typer.echo(f"wrote {path}")
    except (EvalError, OSError) as exc:
        _eval_err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if fail_on_regression:
        violations = comparison_regressions(cmp, max_drop=DEFAULT_MAX_DROP if max_drop is None else max_drop)
        if violations:
            _eval_err.print(f"[red]{violations_text(violations)}[/red]", highlight=False)
            raise typer.Exit(1)
        typer.echo(violations_text(violations))


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
        None, "--threshold", help="Claim similarity needed to merge, in (0, 1] [default: lexical 0.85, embedding 0.87]."
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
