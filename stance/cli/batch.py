"""``stance batch``: prepare, submit, status, collect (stance.runs.batch_files)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from stance.cli.options import (
    BaseUrlOpt,
    ClaimsInOpt,
    CodebookOpt,
    ConfigOpt,
    LanguageOpt,
    ModelOpt,
    NoCacheOpt,
    PromptOpt,
    err_console,
    settings_from,
)

if TYPE_CHECKING:
    from stance.runs.batch_files import BatchReport

batch_app = typer.Typer(
    help="""Extract through batch files: the OpenAI Batch API (half the price) or vllm run-batch.

The round trip:

  1. stance batch prepare INPUTS --out RUN --model M   writes every request into RUN/batch/round-1.jsonl
  2. stance batch submit RUN     uploads it and creates a batch (OpenAI; needs OPENAI_API_KEY)
     or run it yourself: vllm run-batch -i RUN/batch/round-1.jsonl -o out-1.jsonl --model M
  3. stance batch status RUN     where the batch is
  4. stance batch collect RUN [--output out-1.jsonl]   validates every answer and writes results exactly as
     stance extract would; answers that need another request (a re-ask after a validation error, a retry)
     go into round-2.jsonl: submit and collect again until nothing is left. collect says what comes next.
""",
    no_args_is_help=True,
)

RunArg = Annotated[Path, typer.Argument(help="The run folder given to stance batch prepare --out.", show_default=False)]


def _fail(exc: Exception) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {exc}", highlight=False)
    return typer.Exit(2)


def _report(report: BatchReport) -> None:
    c = report.summary.counts
    err_console.print(f"{c.done} done, {c.skipped} done before, {c.failed} failed, {report.waiting} waiting",
                      highlight=False)
    for line in report.next_steps:
        err_console.print(line, highlight=False, soft_wrap=True)


@batch_app.command("prepare")
def prepare_command(
    inputs: Annotated[list[Path], typer.Argument(help="Article files or folders, as for stance extract.",
                                                 show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Run folder (results/, failures/, batch/).")],
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Also ask again for articles that failed.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary table.")] = False,
    model: ModelOpt = None,
    prompt: PromptOpt = None,
    base_url: BaseUrlOpt = None,
    config: ConfigOpt = None,
    no_cache: NoCacheOpt = False,
    codebook: CodebookOpt = None,
    language: LanguageOpt = None,
    claims_in: ClaimsInOpt = None,
) -> None:
    """Write the requests of every article not done yet into RUN/batch/round-N.jsonl (50,000 lines, 200 MB a file)."""
    from stance.runs.batch_files import prepare
    from stance.runs.errors import BatchError

    settings = settings_from(config, model=model, prompt=prompt, base_url=base_url,
                             use_cache=False if no_cache else None, codebook=codebook, language=language,
                             claims_in=claims_in)
    try:
        report = prepare(inputs, out, settings, retry_failed=retry_failed, quiet=quiet, console=err_console)
    except BatchError as exc:
        raise _fail(exc) from None
    _report(report)


@batch_app.command("submit")
def submit_command(run: RunArg, base_url: BaseUrlOpt = None) -> None:
    """Upload the latest round's files and create their batches (OPENAI_API_KEY; --base-url for another provider)."""
    from stance.runs.batch_files import submit
    from stance.runs.errors import BatchError

    try:
        current = submit(run, base_url=base_url)
    except BatchError as exc:
        raise _fail(exc) from None
    for f in current.files:
        err_console.print(f"round {current.n}: {f.name} ({f.requests} requests) → batch {f.batch_id}", highlight=False)
    err_console.print(f"next: stance batch status {run}, then stance batch collect {run}", highlight=False)


@batch_app.command("status")
def status_command(run: RunArg, base_url: BaseUrlOpt = None) -> None:
    """Where the latest round's batches are."""
    from stance.runs.batch_files import status
    from stance.runs.errors import BatchError

    try:
        rows = status(run, base_url=base_url)
    except BatchError as exc:
        raise _fail(exc) from None
    if not rows:
        err_console.print(f"nothing prepared in {run}")
    for f, info in rows:
        if info is None:
            err_console.print(f"{f.name}: {f.requests} requests, not submitted", highlight=False)
        else:
            err_console.print(f"{f.name}: batch {f.batch_id} {info['status']}, {info['completed']} of {info['total']} "
                              f"done, {info['failed']} failed", highlight=False)


@batch_app.command("collect")
def collect_command(
    run: RunArg,
    output: Annotated[
        Optional[list[Path]],
        typer.Option("--output", help="A local output file (vllm run-batch -o, or one downloaded); repeatable. "
                                      "Default: download the submitted batches' output and error files."),
    ] = None,
    base_url: BaseUrlOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary table.")] = False,
) -> None:
    """Validate the answers, write results as stance extract would, and say what is left and what comes next."""
    from stance.runs.batch_files import collect
    from stance.runs.errors import BatchError

    try:
        report = collect(run, output=output or [], base_url=base_url, quiet=quiet, console=err_console)
    except BatchError as exc:
        raise _fail(exc) from None
    _report(report)
    raise typer.Exit(1 if report.summary.counts.failed else 0)
