"""Typer command-line interface: parses options and calls the Python API. Nothing else."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from stance._version import __version__

app = typer.Typer(
    name="stance",
    help="Extract who claims what, and who takes which side, from news articles.",
    no_args_is_help=True,
    add_completion=False,
)

err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stance {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Extract who claims what, and who takes which side, from news articles.

    With no endpoint configured the embedded model runs locally (no network, no key).
    Set OPENAI_BASE_URL, OPENAI_API_KEY and --model (or STANCE_MODEL) to use any
    OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, llama.cpp server.
    """


# --- extract ---------------------------------------------------------------

ModelOpt = Annotated[
    Optional[str],
    typer.Option("--model", "-m", help="Remote model name, or embedded model (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, a .gguf path)."),
]
PromptOpt = Annotated[Optional[str], typer.Option("--prompt", help="Prompt folder name under prompts/ (default: extract-pointers for the embedded model, extract for an endpoint).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="A stance.toml file (default: ./stance.toml if present).")]
BaseUrlOpt = Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL; none = embedded).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the response cache.")]
CodebookOpt = Annotated[
    Optional[Path],
    typer.Option("--codebook", help="Codebook mode: stances on these claims only (.yaml, .json or .txt; docs/codebook.md)."),
]
AlsoOpenOpt = Annotated[bool, typer.Option("--also-open", help="With --codebook: also run open extraction, return both.")]


def _codebook_prompt(settings):
    """The codebook prompt for a batch run (None in open mode); a bad codebook exits 2 with one line."""
    from stance.extraction.codebook import CodebookError, batch_prompt
    from stance.extraction.prompts import PromptError

    try:
        return batch_prompt(settings)
    except (CodebookError, PromptError) as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def _settings(config: Optional[Path], **overrides: object):
    from stance.config import load_settings

    try:
        return load_settings(config, **overrides)
    except (FileNotFoundError, ValueError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def extract(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Article files or folders (.txt, .md, .html, .json, .jsonl; folders recursively).",
                       show_default=False),
    ],
    out: Annotated[
        Optional[Path],
        typer.Option("--out", "-o", help="Run folder: manifest.json, results/, failures/, events.jsonl. "
                                         "Needed unless the input is a single file."),
    ] = None,
    workers: Annotated[
        Optional[int],
        typer.Option("--workers", "-w", min=1, help="Articles extracted at once (default: the embedded server's "
                                                    "parallel slots; 4 for a remote endpoint)."),
    ] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Also redo articles that failed before.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Redo every article, even those already done.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary table.")] = False,
    prices: Annotated[
        Optional[Path],
        typer.Option("--prices", help="TOML/JSON prices {model: {prompt_per_1k, completion_per_1k}} for a cost estimate."),
    ] = None,
    text_field: Annotated[Optional[str], typer.Option("--text-field", help="JSON/JSONL field with the text (default: text).")] = None,
    id_field: Annotated[Optional[str], typer.Option("--id-field", help="JSON/JSONL field with the record id (default: id).")] = None,
    title_field: Annotated[Optional[str], typer.Option("--title-field", help="JSON/JSONL field with the title (default: title).")] = None,
    max_bytes: Annotated[
        Optional[int], typer.Option("--max-bytes", min=1, help="Largest file (or JSONL line) read (default: 10000000).")
    ] = None,
    model: ModelOpt = None,
    prompt: PromptOpt = None,
    base_url: BaseUrlOpt = None,
    config: ConfigOpt = None,
    no_cache: NoCacheOpt = False,
    codebook: CodebookOpt = None,
    also_open: AlsoOpenOpt = False,
) -> None:
    """Extract actors, claims and stances from articles, each grounded in the text.

    With --out, every article under INPUTS goes into a resumable run folder: run the
    same command again to pick up where it stopped (articles done with the same text,
    prompt and model are skipped). With one file and no --out, the JSON result goes
    to stdout and a summary to stderr.

    Exit status: 0 all articles done; 1 some articles failed (see RUN/failures/);
    2 usage or configuration error; 130 interrupted (run again to resume).
    """
    import os

    from stance.runs.batch import BatchError, run_batch
    from stance.runs.inputs import LoadOptions

    settings = _settings(config, model=model, prompt=prompt, base_url=base_url, use_cache=False if no_cache else None,
                         codebook=codebook, also_open=also_open or None)
    run_prompt = _codebook_prompt(settings)
    missing = [str(p) for p in inputs if not os.path.lexists(p)]
    if missing:
        err_console.print(f"[red]error:[/red] not found: {', '.join(missing)}", highlight=False)
        raise typer.Exit(2)
    defaults = LoadOptions()
    load_options = LoadOptions(
        text_field=text_field or defaults.text_field, id_field=id_field or defaults.id_field,
        title_field=title_field or defaults.title_field, max_bytes=max_bytes or defaults.max_bytes,
    )
    if out is None:
        if len(inputs) != 1 or not inputs[0].is_file():
            err_console.print("[red]error:[/red] give --out RUN_FOLDER to extract a folder or several files")
            raise typer.Exit(2)
        raise typer.Exit(_extract_single(inputs[0], settings, load_options))
    try:
        summary = run_batch(
            inputs, out, settings, workers=workers, retry_failed=retry_failed, force=force, quiet=quiet,
            load_options=load_options, prices=prices, console=err_console, prompt=run_prompt,
        )
    except BatchError as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if quiet and summary.manifest.status == "aborted":
        err_console.print(f"[red]error:[/red] {summary.manifest.error}", highlight=False)
    if summary.abandoned:  # worker threads still waiting on the model: do not wait for them
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(summary.exit_code)
    raise typer.Exit(summary.exit_code)


def _extract_single(path: Path, settings, load_options) -> int:
    """One file, no run folder: the result as JSON on stdout, a summary on stderr; the exit status."""
    from stance.cli.output import print_summary
    from stance.model.embedded import EmbeddedModelError
    from stance.extraction.api import ArticleText, Failure, extract_texts
    from stance.model.client import LLMError
    from stance.runs.inputs import LoadFailure, iter_articles
    from stance.extraction.pipeline import article_info
    from stance.extraction.prompts import PromptError

    items = list(iter_articles([path], load_options))
    if len(items) != 1:
        err_console.print(f"[red]error:[/red] {path} holds {len(items)} articles: give --out RUN_FOLDER")
        return 2
    (item,) = items
    if isinstance(item, LoadFailure):
        err_console.print(f"[red]failed[/red] {item.path}: {item.kind}: {item.message}", highlight=False)
        return 1
    try:
        (outcome,) = extract_texts([ArticleText(info=article_info(item.text, item.id, item.path, item.title),
                                                text=item.text)], settings)
    except (LLMError, EmbeddedModelError, PromptError) as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    if isinstance(outcome, Failure):
        err_console.print(f"[red]failed[/red] {outcome.path}: {outcome.kind}: {outcome.message}", highlight=False)
        return 1
    sys.stdout.write(outcome.model_dump_json(indent=2) + "\n")
    print_summary(err_console, outcome)
    return 0


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


EvalHtmlOpt = Annotated[Optional[Path], typer.Option("--html", help="Also write a self-contained HTML page.")]
EvalPlotOpt = Annotated[
    Optional[Path], typer.Option("--plot", help="Also plot metrics with intervals (.png/.svg/.pdf; needs stance[report]).")
]
EvalModeOpt = Annotated[Optional[str], typer.Option("--mode", help="open | codebook (default: open).")]
EvalBaselineOpt = Annotated[Optional[Path], typer.Option("--baseline", help="metrics.json-shaped file to gate against.")]
EvalMinsOpt = Annotated[
    Optional[list[str]], typer.Option("--min", help="METRIC=VALUE minimum, e.g. pair_f1=0.4 (repeatable).")
]
FixturesOpt = Annotated[Path, typer.Option("--fixtures", "-f", help="Fixture folder: NAME.txt + NAME.gold.json.")]


def _exit_on_violations(violations: list) -> None:
    """Print the gate's verdict; a regression exits 1."""
    from stance.evals import violations_text

    if violations:
        _eval_err.print(f"[red]{violations_text(violations)}[/red]", highlight=False)
        raise typer.Exit(1)
    typer.echo(violations_text(violations))


def _write_eval_outputs(subject, as_markdown, as_json, write_html, *, markdown, json_out, html, plot, fixtures) -> None:
    """The optional files of an eval report or comparison: Markdown, JSON, HTML page, metric plot."""
    for path, text in ((markdown, as_markdown), (json_out, as_json)):
        if path is not None:
            path.write_text(text(subject), encoding="utf-8")
            typer.echo(f"wrote {path}")
    if html is not None:
        typer.echo(f"wrote {write_html(subject, html, fixtures_dir=fixtures)}")
    if plot is not None:
        from stance.report.render import plot_eval_metrics

        typer.echo(f"wrote {plot_eval_metrics(subject, plot)}")


def _finish_eval(report, *, run: Path, fixtures: Path, baseline, max_drop, floors, markdown, json_out, html, plot) -> None:
    """Print, write the requested files, then gate; exits 1 on a regression."""
    from stance.evals import DEFAULT_MAX_DROP, check_gate, print_report, report_json, report_markdown

    from stance.report.render import write_eval_html

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
    from stance.report.render import ReportError

    opts = _eval_options(mode=mode, min_overlap_chars=min_overlap_chars, paraphrase_threshold=paraphrase_threshold,
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
    from stance.runs.batch import BatchError
    from stance.evals import EvalError, extract_and_score, parse_mins
    from stance.report.render import ReportError

    settings = _settings(config, model=model, prompt=prompt, base_url=base_url, use_cache=False if no_cache else None,
                         codebook=codebook, also_open=also_open or None)
    opts = _eval_options(mode=mode)
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
        DEFAULT_MAX_DROP, EvalError, compare_runs, comparison_json, comparison_markdown, comparison_regressions,
        print_comparison,
    )

    from stance.report.render import ReportError, write_compare_html

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
    from stance.corpus.export import ExportError, export

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
    from stance.report.render import ReportError, load_run, plot_stance_table, render_run_html, write_html

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
