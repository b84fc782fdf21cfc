"""``stance extract``: one file to stdout, or many into a resumable run folder (stance.runs.run_batch)."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

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
    err_console,
    settings_from,
)

if TYPE_CHECKING:
    from stance.config import Settings
    from stance.results import ArticleResult
    from stance.runs.inputs import LoadOptions


class EngineChoice(StrEnum):
    """Where articles are worked on (stance.runs.engine); the run folder is the same either way."""

    local = "local"
    ray = "ray"


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
        typer.Option("--prices", help="TOML/JSON file of per-model prices (prompt_per_1k, completion_per_1k) for a cost estimate."),
    ] = None,
    text_field: Annotated[Optional[str], typer.Option("--text-field", help="JSON/JSONL field with the text (default: text).")] = None,
    id_field: Annotated[Optional[str], typer.Option("--id-field", help="JSON/JSONL field with the record id (default: id).")] = None,
    title_field: Annotated[Optional[str], typer.Option("--title-field", help="JSON/JSONL field with the title (default: title).")] = None,
    max_bytes: Annotated[
        Optional[int], typer.Option("--max-bytes", min=1, help="Largest file (or JSONL line) read (default: 10000000).")
    ] = None,
    speaker: Annotated[
        Optional[str],
        typer.Option("--speaker", help="Who every document speaks for (a witness, an op-ed's writer, an organisation): "
                                       "its \"I\"/\"we\" statements are theirs. A document's own speaker/author "
                                       "metadata wins."),
    ] = None,
    author_field: Annotated[
        Optional[str],
        typer.Option("--author-field", help="JSON/JSONL (and front matter) field naming who a document speaks for "
                                            "(default: speaker, else author; '' reads none, e.g. when 'author' is a "
                                            "journalist's byline)."),
    ] = None,
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
    engine: Annotated[
        EngineChoice,
        typer.Option("--engine", help="local: worker threads here. ray: an actor per node of a Ray cluster, "
                                      "each with its own model client (pip install 'stance[ray]'; docs/scaling.md)."),
    ] = EngineChoice.local,
    ray_address: Annotated[
        Optional[str],
        typer.Option("--ray-address", help="With --engine ray: the cluster to join, e.g. ray://head:10001 or "
                                           "auto (default: $RAY_ADDRESS, else a new local Ray)."),
    ] = None,
) -> None:
    """Extract actors, claims and stances from articles, each grounded in the text.

    With --out, every article under INPUTS goes into a resumable run folder: run the
    same command again to pick up where it stopped (articles done with the same text,
    prompt and model are skipped). With one file and no --out, the JSON result goes
    to stdout and a summary to stderr.

    Exit status: 0 all articles done; 1 some articles failed (see RUN/failures/);
    2 usage or configuration error; 130 interrupted (run again to resume).
    """
    from stance.runs.batch import BatchError, run_batch
    from stance.runs.inputs import LoadOptions

    settings = settings_from(config, model=model, prompt=prompt, base_url=base_url,
                             use_cache=False if no_cache else None, codebook=codebook, also_open=also_open or None,
                             codebook_method=codebook_method.value if codebook_method else None,
                             speaker=(speaker.strip() or None) if speaker is not None else None,
                             language=language, claims_in=claims_in)
    _check_mode(settings)
    missing = [str(p) for p in inputs if not os.path.lexists(p)]
    if missing:
        err_console.print(f"[red]error:[/red] not found: {', '.join(missing)}", highlight=False)
        raise typer.Exit(2)
    if ray_address and engine is not EngineChoice.ray:
        err_console.print("[red]error:[/red] --ray-address needs --engine ray")
        raise typer.Exit(2)
    defaults = LoadOptions()
    load_options = LoadOptions(
        text_field=text_field or defaults.text_field, id_field=id_field or defaults.id_field,
        title_field=title_field or defaults.title_field, max_bytes=max_bytes or defaults.max_bytes,
        author_fields=defaults.author_fields if author_field is None else tuple(f for f in [author_field.strip()] if f),
    )
    if out is None:
        if len(inputs) != 1 or not inputs[0].is_file():
            err_console.print("[red]error:[/red] give --out RUN_FOLDER to extract a folder or several files")
            raise typer.Exit(2)
        raise typer.Exit(_extract_single(inputs[0], settings, load_options))
    try:
        summary = run_batch(
            inputs, out, settings, workers=workers, retry_failed=retry_failed, force=force, quiet=quiet,
            load_options=load_options, prices=prices, console=err_console, engine=engine.value,
            ray_address=ray_address,
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


def _check_mode(settings: Settings) -> None:
    """Load the mode (codebook, prompt) the run will use; a bad codebook or prompt exits 2 with one line."""
    from stance.extraction.codebook import CodebookError
    from stance.extraction.modes import load_mode
    from stance.extraction.prompts import PromptError

    try:
        load_mode(settings)
    except (CodebookError, PromptError) as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def _extract_single(path: Path, settings: Settings, load_options: LoadOptions) -> int:
    """One file, no run folder: the result as JSON on stdout, a summary on stderr; the exit status."""
    from stance.extraction.api import extract_texts
    from stance.extraction.prompts import PromptError
    from stance.model.client import LLMError
    from stance.model.embedded import EmbeddedModelError
    from stance.results import FailureRecord
    from stance.runs.batch import FATAL_KINDS
    from stance.runs.inputs import LoadFailure, iter_articles

    items = list(iter_articles([path], load_options))
    if len(items) != 1:
        err_console.print(f"[red]error:[/red] {path} holds {len(items)} articles: give --out RUN_FOLDER")
        return 2
    (item,) = items
    if isinstance(item, LoadFailure):
        err_console.print(f"[red]failed[/red] {item.path}: {item.kind}: {item.message}", highlight=False)
        return 1
    try:
        (outcome,) = extract_texts([item], settings)
    except (LLMError, EmbeddedModelError, PromptError) as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    if isinstance(outcome, FailureRecord):
        if outcome.kind in FATAL_KINDS:  # the same failure aborts a run folder with exit 2: one meaning per code
            err_console.print(f"[red]error:[/red] {outcome.kind}: {outcome.message}", highlight=False)
            return 2
        err_console.print(f"[red]failed[/red] {outcome.path}: {outcome.kind}: {outcome.message}", highlight=False)
        return 1
    sys.stdout.write(outcome.model_dump_json(indent=2) + "\n")
    print_article_summary(outcome, err_console)
    return 0


def grounded_fraction(result: ArticleResult) -> float | None:
    """Share of evidence quotes found exactly or after normalising; None when there is no evidence."""
    evidence = result.evidence()
    if not evidence:
        return None
    return sum(e.alignment in ("exact", "normalized") for e in evidence) / len(evidence)


def print_article_summary(result: ArticleResult, console: Console) -> None:
    """One line per extracted article: counts, grounding, time, tokens (a run's summary is runs.batch's)."""
    grounded = grounded_fraction(result)
    p = result.provenance
    console.print(
        f"[bold]{result.article.id}[/bold]: {len(result.actors)} actors, {len(result.claims)} claims, "
        f"{result.stance_count()} stances, grounded {'-' if grounded is None else f'{grounded:.0%}'}, "
        f"{p.seconds:.1f} s, {p.usage.prompt_tokens}+{p.usage.completion_tokens} tokens"
        + (" (cached)" if p.cached else "")
    )
