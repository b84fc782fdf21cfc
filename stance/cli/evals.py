"""``stance eval``: score a run against fixtures, extract and score, compare two runs, gate (stance.evals)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, Union

import typer
from rich.console import Console

from stance.cli.options import (
    AlsoOpenOpt,
    BaseUrlOpt,
    ClaimsInOpt,
    CodebookMethodOpt,
    CodebookOpt,
    ConfigOpt,
    LanguageOpt,
    ModelOpt,
    NoCacheOpt,
    PromptOpt,
    settings_from,
)

if TYPE_CHECKING:
    from stance.evals import Comparison, EvalReport, GateViolation, ScoreOptions

_eval_err = Console(stderr=True)
eval_app = typer.Typer(
    help="Score runs against hand-labelled fixtures, compare two runs, gate regressions (stance docs evals).",
    no_args_is_help=True,
)

EvalMarkdownOpt = Annotated[Optional[Path], typer.Option("--markdown", help="Also write the result as Markdown here.")]
EvalJsonOpt = Annotated[Optional[Path], typer.Option("--json", help="Also write the result as JSON here.")]
EvalMaxDropOpt = Annotated[
    Optional[float], typer.Option("--max-drop", help="Largest allowed drop of a gated metric (absolute) (default: 0.02).")
]


def _eval_options(**given: object) -> ScoreOptions:
    """ScoreOptions from the flags that were given; the rest keep the documented defaults."""
    from pydantic import ValidationError

    from stance.evals import ScoreOptions

    try:
        return ScoreOptions(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        _eval_err.print(f"[red]error:[/red] --{str(err['loc'][0]).replace('_', '-')}: {err['msg']}")
        raise typer.Exit(2) from None


EvalHtmlOpt = Annotated[Optional[Path], typer.Option("--html", help="Also write a self-contained HTML page.")]
EvalPlotOpt = Annotated[
    Optional[Path], typer.Option("--plot", help="Also plot metrics with intervals (.png/.svg/.pdf; needs the report extra).")
]
class EvalMode(StrEnum):
    """What the fixtures are scored as (``ScoreOptions.mode``)."""

    open = "open"
    codebook = "codebook"


EvalModeOpt = Annotated[Optional[EvalMode], typer.Option("--mode", help="What is scored (default: open).")]
EvalBaselineOpt = Annotated[Optional[Path], typer.Option("--baseline", help="metrics.json-shaped file to gate against.")]
EvalMinsOpt = Annotated[
    Optional[list[str]], typer.Option("--min", help="METRIC=VALUE minimum, e.g. pair_f1=0.4 (repeatable).")
]
FixturesOpt = Annotated[Path, typer.Option("--fixtures", "-f", help="Fixture folder: NAME.txt + NAME.gold.json.")]


def _exit_on_violations(violations: Sequence[GateViolation]) -> None:
    """Print the gate's verdict; a regression exits 1."""
    from stance.evals import violations_text

    if violations:
        _eval_err.print(f"[red]{violations_text(violations)}[/red]", highlight=False)
        raise typer.Exit(1)
    typer.echo(violations_text(violations))


def _write_eval_outputs(
    subject: Union[EvalReport, Comparison], as_markdown: Callable[..., str], as_json: Callable[..., str],
    write_html: Callable[..., Path], *, markdown: Optional[Path], json_out: Optional[Path], html: Optional[Path],
    plot: Optional[Path], fixtures: Optional[Path],
) -> None:
    """The optional files of an eval report or comparison: Markdown, JSON, HTML page, metric plot."""
    for path, text in ((markdown, as_markdown), (json_out, as_json)):
        if path is not None:
            path.write_text(text(subject), encoding="utf-8")
            typer.echo(f"wrote {path}")
    if html is not None:
        typer.echo(f"wrote {write_html(subject, html, fixtures_dir=fixtures)}")
    if plot is not None:
        from stance.report import plot_eval_metrics

        typer.echo(f"wrote {plot_eval_metrics(subject, plot)}")


def _finish_eval(
    report: EvalReport, *, run: Path, fixtures: Path, baseline: Optional[Path], max_drop: Optional[float],
    floors: dict[str, float], markdown: Optional[Path], json_out: Optional[Path], html: Optional[Path],
    plot: Optional[Path],
) -> None:
    """Print, write the requested files, then gate; exits 1 on a regression."""
    from stance.evals import DEFAULT_MAX_DROP, check_gate, print_report, report_json, report_markdown
    from stance.report import write_eval_html

    print_report(report, Console())
    typer.echo(f"wrote {run / 'metrics.json'}")
    _write_eval_outputs(report, report_markdown, report_json, write_eval_html, markdown=markdown, json_out=json_out,
                        html=html, plot=plot, fixtures=fixtures)
    if baseline is None and not floors:
        return
    _exit_on_violations(check_gate(report, baseline, max_drop=DEFAULT_MAX_DROP if max_drop is None else max_drop,
                                   mins=floors))


@eval_app.command("score")
def eval_score(
    run: Annotated[Path, typer.Argument(help="Run folder (results/*.json, failures/*.json, manifest.json).")],
    fixtures: FixturesOpt,
    mode: EvalModeOpt = None,
    min_overlap_chars: Annotated[Optional[int], typer.Option(help="Evidence overlap that matches (default: 8).")] = None,
    paraphrase_threshold: Annotated[
        Optional[float], typer.Option(help="Claim token-set similarity that matches, 0-1 (default: 0.85).")
    ] = None,
    resamples: Annotated[Optional[int], typer.Option(help="Bootstrap resamples (default: 1000).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Bootstrap seed (default: 0).")] = None,
    baseline: EvalBaselineOpt = None,
    max_drop: EvalMaxDropOpt = None,
    mins: EvalMinsOpt = None,
    markdown: EvalMarkdownOpt = None,
    json_out: EvalJsonOpt = None,
    html: EvalHtmlOpt = None,
    plot: EvalPlotOpt = None,
) -> None:
    """Score a run against fixtures (no model calls) and write RUN/metrics.json.

    Exits 1 when --baseline/--min is given and the gate fails, 2 on bad input.
    """
    from stance.evals import EvalError, parse_mins, score_run
    from stance.report import ReportError

    opts = _eval_options(mode=mode.value if mode else None, min_overlap_chars=min_overlap_chars, paraphrase_threshold=paraphrase_threshold,
                         bootstrap_resamples=resamples, seed=seed)
    try:
        if max_drop is not None and baseline is None:
            raise EvalError("--max-drop needs --baseline FILE")
        floors = parse_mins(mins or [])
        report = score_run(run, fixtures, opts)
        _finish_eval(report, run=run, fixtures=fixtures, baseline=baseline, max_drop=max_drop, floors=floors,
                     markdown=markdown, json_out=json_out, html=html, plot=plot)
    except (EvalError, ReportError, OSError) as exc:
        _eval_err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@eval_app.command("run")
def eval_run(
    fixtures: FixturesOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="Run folder for the extractions and metrics.json.")],
    model: ModelOpt = None,
    prompt: PromptOpt = None,
    base_url: BaseUrlOpt = None,
    config: ConfigOpt = None,
    no_cache: NoCacheOpt = False,
    codebook: CodebookOpt = None,
    also_open: AlsoOpenOpt = False,
    codebook_method: CodebookMethodOpt = None,
    language: LanguageOpt = None,
    claims_in: ClaimsInOpt = None,
    workers: Annotated[Optional[int], typer.Option("--workers", help="Articles in flight at once.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo every article, even those already done.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or run summary.")] = False,
    mode: EvalModeOpt = None,
    baseline: EvalBaselineOpt = None,
    max_drop: EvalMaxDropOpt = None,
    mins: EvalMinsOpt = None,
    markdown: EvalMarkdownOpt = None,
    json_out: EvalJsonOpt = None,
    html: EvalHtmlOpt = None,
    plot: EvalPlotOpt = None,
) -> None:
    """Extract every fixture article with a prompt and model (resumable, cached), then score it.

    Exits 1 when the gate fails (--baseline/--min), 2 on bad input or a failed run.
    """
    from stance.evals import EvalError, extract_and_score, parse_mins
    from stance.report import ReportError
    from stance.runs.batch import BatchError

    settings = settings_from(config, model=model, prompt=prompt, base_url=base_url,
                             use_cache=False if no_cache else None, codebook=codebook, also_open=also_open or None,
                             codebook_method=codebook_method.value if codebook_method else None,
                             language=language, claims_in=claims_in)
    opts = _eval_options(mode=mode.value if mode else None)
    try:
        if max_drop is not None and baseline is None:
            raise EvalError("--max-drop needs --baseline FILE")
        floors = parse_mins(mins or [])
        report, _ = extract_and_score(fixtures, out, settings, opts, workers=workers, force=force, quiet=quiet)
        _finish_eval(report, run=out, fixtures=fixtures, baseline=baseline, max_drop=max_drop, floors=floors,
                     markdown=markdown, json_out=json_out, html=html, plot=plot)
    except (EvalError, ReportError, BatchError, OSError) as exc:
        _eval_err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


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
    html: EvalHtmlOpt = None,
    plot: EvalPlotOpt = None,
) -> None:
    """Compare two runs: each metric for A and B, B - A with its paired-bootstrap interval, per-fixture wins."""
    from stance.evals import (
        DEFAULT_MAX_DROP,
        EvalError,
        compare_runs,
        comparison_json,
        comparison_markdown,
        comparison_regressions,
        print_comparison,
    )
    from stance.report import ReportError, write_compare_html

    try:
        cmp = compare_runs(run_a, run_b, fixtures_dir=fixtures)
        print_comparison(cmp, Console(), max_examples=examples)
        _write_eval_outputs(cmp, comparison_markdown, comparison_json, write_compare_html, markdown=markdown,
                            json_out=json_out, html=html, plot=plot, fixtures=fixtures)
    except (EvalError, ReportError, OSError) as exc:
        _eval_err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if fail_on_regression:
        _exit_on_violations(comparison_regressions(cmp, max_drop=DEFAULT_MAX_DROP if max_drop is None else max_drop))
