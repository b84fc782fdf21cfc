"""Extract folders of articles into a run folder: concurrently, resumably, nothing lost.

A run folder (docs/result-format.md)::

    RUN/manifest.json        configuration (no secrets), model, endpoint, prompt, counts, tokens, cost
    RUN/results/<id>.json    one ArticleResult per article done
    RUN/failures/<id>.json   one FailureRecord per article that could not be loaded or extracted
    RUN/events.jsonl         append-only log: {"time", "event", "article_id", "details"} per line

Why it is safe to kill at any moment:

* every JSON file is written to a temp file and renamed over the target, so
  a reader sees the old file or the new one, never half of one;
* each event line is one ``write`` on an ``O_APPEND`` descriptor (a killed
  process never leaves part of an earlier line), fsynced at most every half
  second and at the end;
* each article ends in exactly one of ``results/`` or ``failures/`` (its
  latest outcome; the other file is removed after the new one is in place);
* a rerun skips an article whose result has the same text sha256, prompt hash
  and model, so nothing done is redone or paid twice; failures are kept
  unless ``retry_failed`` (they often fail again, at a cost), and load
  failures are re-checked every run because loading is free.

Articles are loaded in the calling thread and extracted by a pool of worker
threads sharing one ``LLMClient``; each worker writes its own result. The
model connection is opened only when the first article needs it, so a rerun
with nothing left to do never starts the embedded model.

About 500 lines on purpose: the runner's decisions (skip, retry, record,
interrupt) and the invariants above read best in one place; the folder,
events, prices and summary it uses live beside it in ``stance.runs``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from stance._version import __version__
from stance.config import Settings, load_settings
from stance.extraction.article import ExtractionError, Mode, extract_with
from stance.extraction.codebook import Codebook, CodebookError
from stance.extraction.modes import load_mode
from stance.extraction.prompts import PromptError
from stance.model.embedded import EmbeddedModelError, resolve_model
from stance.model.errors import LLMError
from stance.results import ArticleResult, FailureRecord, Usage
from stance.runs.errors import BatchError
from stance.runs.events import EventLog, SecretScrubber, utc_now
from stance.runs.folder import RunFolder
from stance.runs.inputs import Article, LoadFailure, LoadOptions, discover, iter_articles, safe_file_name
from stance.runs.manifest import RunCounts, RunManifest
from stance.runs.prices import ModelPrice, estimate_cost, load_prices
from stance.runs.summary import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, RunSummary, print_run_summary

if TYPE_CHECKING:  # the model client (and openai, ~0.4 s to import) loads only when an article needs it
    from stance.model.client import LLMClient

__all__ = [
    "EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "FATAL_KINDS", "TRANSIENT_KINDS", "BatchError",
    "RunSummary", "default_workers", "expected_model_name", "public_config", "run_batch",
]

DEFAULT_REMOTE_WORKERS = 4
# Errors that would fail every article the same way: stop the run, record nothing.
FATAL_KINDS = frozenset({"auth", "config", "not_found"})
# Endpoint trouble, not the article's: retried on every rerun (no answer was paid for).
# Other failures (e.g. invalid_output, after re-asks that cost tokens) wait for --retry-failed.
TRANSIENT_KINDS = frozenset({"connection", "timeout", "rate_limited", "http_error", "garbled_response"})
MANIFEST_EVERY_S = 1.0


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


@dataclass
class _Outcome:
    article: Article
    status: str  # done | failed | fatal | not_started
    result: ArticleResult | None = None
    failure: FailureRecord | None = None


def public_config(settings: Settings) -> dict[str, Any]:
    """Settings as written to the manifest: no API key, the endpoint without credentials."""
    data = settings.model_dump(mode="json", exclude={"api_key", "base_url"})
    data["endpoint"] = settings.public_endpoint
    return data


def expected_model_name(settings: Settings) -> str:
    """The model name results will carry, known without connecting (to decide what to skip)."""
    if not settings.is_embedded:
        if not settings.model:
            raise BatchError("a remote endpoint needs a model name: --model or STANCE_MODEL")
        return settings.model
    try:
        return resolve_model(settings.model, settings.cache_dir)[1]
    except EmbeddedModelError as exc:
        raise BatchError(str(exc)) from None


class _Batch:
    """State of one invocation; ``run_batch`` is the public entry point."""

    def __init__(
        self, inputs: list[Path], folder: RunFolder, settings: Settings, *, workers: int, retry_failed: bool,
        force: bool, load_options: LoadOptions, prices: dict[str, ModelPrice] | None, console: Console | None,
        llm: LLMClient | None, mode: Mode,
    ) -> None:
        self.inputs, self.folder, self.settings = inputs, folder, settings
        self.workers, self.retry_failed, self.force = workers, retry_failed, force
        self.load_options, self.prices, self.console = load_options, prices, console
        self.llm, self.mode = llm, mode
        self.prompt = mode.prompt_info  # what results record and resume compares
        self.model = llm.model_name if llm is not None else expected_model_name(settings)
        self.endpoint = llm.endpoint_label if llm is not None else settings.public_endpoint
        self.scrub = SecretScrubber(settings.api_key.get_secret_value() if settings.api_key else None)
        self.counts = RunCounts()
        self.usage, self.cached_usage = Usage(), Usage()
        self.failures: list[FailureRecord] = []
        self.stop, self.abandon = threading.Event(), threading.Event()
        self.reached = threading.Event()  # the endpoint has answered at least once in this run
        self.fatal: str | None = None
        self.started_at, self.started = time.monotonic(), utc_now()
        self.stats_start = (0, 0, 0)
        self.files = 0
        self.paths_seen: set[str] = set()
        self._last_manifest = 0.0

    # -- manifest ------------------------------------------------------------

    def manifest(self, status: str) -> RunManifest:
        counts = self.counts.model_copy()
        counts.pending = counts.total - counts.done - counts.skipped - counts.failed
        stats = self._stats_delta()
        kinds = Counter(f.kind for f in self.failures)
        return RunManifest(
            stance_version=__version__,
            status=status,
            interrupted=status == "interrupted",
            error=self.fatal,
            started=self.started,
            finished=None if status == "running" else utc_now(),
            seconds=round(time.monotonic() - self.started_at, 3),
            inputs=[str(p) for p in self.inputs],
            files=self.files,
            files_unread=max(0, self.files - len(self.paths_seen)) if status != "finished" else 0,
            model=self.model,
            endpoint=self.endpoint,
            prompt=self.prompt,
            workers=self.workers,
            options={
                "retry_failed": self.retry_failed, "force": self.force, "use_cache": self.settings.use_cache,
                "text_field": self.load_options.text_field, "id_field": self.load_options.id_field,
                "title_field": self.load_options.title_field, "max_bytes": self.load_options.max_bytes,
            },
            config=public_config(self.settings),
            counts=counts,
            failures_by_kind=dict(sorted(kinds.items())),
            usage=self.usage,
            cached_usage=self.cached_usage,
            requests=stats[0],
            cache_hits=stats[1],
            retries=stats[2],
            cost=estimate_cost(self.prices, self.model, self.usage, self.cached_usage) if self.prices else None,
        )

    def _stats_delta(self) -> tuple[int, int, int]:
        if self.llm is None:
            return (0, 0, 0)
        s = self.llm.stats
        return (s.requests - self.stats_start[0], s.cache_hits - self.stats_start[1], s.retries - self.stats_start[2])

    def write_manifest(self, status: str) -> RunManifest:
        manifest = self.manifest(status)
        self.folder.write_manifest(RunManifest.model_validate(self.scrub(manifest.model_dump(mode="json"))))
        self._last_manifest = time.monotonic()
        return manifest

    # -- deciding ------------------------------------------------------------

    def decide(self, article: Article, names: tuple[set[str], set[str]]) -> str:
        """'run', 'skip' (current result kept) or 'kept_failed' (earlier failure not retried)."""
        if self.force:
            return "run"
        name = safe_file_name(article.id)
        result_names, failure_names = names
        if name in result_names:
            result = self.folder.read_result(name)
            if (
                result is not None and result.article.id == article.id and result.article.sha256 == article.sha256
                and result.provenance.model == self.model and result.provenance.prompt.hash == self.prompt.hash
            ):
                if name in failure_names:  # killed between writing the result and removing the failure
                    (self.folder.failures / f"{name}.json").unlink(missing_ok=True)
                return "skip"
        if name in failure_names and not self.retry_failed:
            record = self.folder.read_failure(name)
            if (
                record is not None and record.stage == "extract" and record.kind not in TRANSIENT_KINDS
                and record.article_id == article.id
                and record.sha256 == article.sha256 and record.model == self.model
                and record.prompt_hash == self.prompt.hash
            ):
                self.failures.append(record)
                return "kept_failed"
        return "run"

    # -- working (worker threads) -------------------------------------------

    def extract(self, article: Article) -> _Outcome:
        """Extract one article and write its outcome; never raises."""
        if self.stop.is_set() or self.llm is None:
            return _Outcome(article, "not_started")
        name = safe_file_name(article.id)
        try:
            result = extract_with(self.mode, article.text, article.info, llm=self.llm, settings=self.settings)
        except ExtractionError as exc:
            kind, message, attempts, raw = exc.kind, exc.message, exc.attempts, exc.raw_output
        except Exception as exc:  # a bug in one article's processing must not end the run
            kind, message, attempts, raw = "internal", f"{type(exc).__name__}: {exc}", 0, None
        else:
            self.reached.set()
            self.folder.write_result(name, result)
            p = result.provenance
            self.events.write("article_done", article.id, seconds=p.seconds, cached=p.cached, attempts=p.attempts,
                              prompt_tokens=p.usage.prompt_tokens, completion_tokens=p.usage.completion_tokens,
                              claims=len(result.claims), stances=result.stance_count())
            return _Outcome(article, "done", result=result)
        if kind in FATAL_KINDS or (kind == "connection" and not self.reached.is_set()):
            # a wrong key, model or URL: every article would fail alike, so record none
            self.stop.set()
            return _Outcome(article, "fatal", failure=self._failure(article, kind, message, attempts, raw))
        if kind not in TRANSIENT_KINDS:
            self.reached.set()
        if self.abandon.is_set():  # the run gave up on us; the endpoint may be gone: record nothing
            return _Outcome(article, "not_started")
        record = self._failure(article, kind, message, attempts, raw)
        self._record_failure(name, record)
        return _Outcome(article, "failed", failure=record)

    def _failure(self, article: Article, kind: str, message: str, attempts: int, raw: str | None) -> FailureRecord:
        return FailureRecord.model_validate(self.scrub(dict(
            article_id=article.id, path=article.path, kind=kind, message=message, attempts=attempts,
            raw_output=raw, stage="extract", sha256=article.sha256, model=self.model,
            prompt_hash=self.prompt.hash, time=utc_now(),
        )))

    def _record_failure(self, name: str, record: FailureRecord) -> None:
        self.folder.write_failure(name, record)
        self.events.write("article_failed", record.article_id, stage=record.stage, kind=record.kind,
                          message=record.message, attempts=record.attempts)

    # -- the loop (calling thread) --------------------------------------------

    def run(self, connect_llm: Callable[[], LLMClient], progress: Progress | None, files: int) -> RunSummary:
        self.events = EventLog(self.folder.events, self.scrub)
        self.files = files
        names = self.folder.names()
        task = progress.add_task("extracting", total=self.files or None, done=0, failed=0, cached=0, skipped=0) \
            if progress is not None else None
        if self.llm is not None:
            self._start_stats()
        self.events.write("run_started", None, inputs=[str(p) for p in self.inputs], model=self.model,
                          endpoint=self.endpoint, prompt={"name": self.prompt.name, "hash": self.prompt.hash},
                          workers=self.workers, retry_failed=self.retry_failed, force=self.force,
                          use_cache=self.settings.use_cache)
        self.write_manifest("running")
        inflight: set[Future[_Outcome]] = set()
        loaded = False
        executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="stance-batch")

        def show() -> None:
            if progress is not None and task is not None:
                c = self.counts
                progress.update(task, completed=c.done + c.skipped + c.failed,
                                total=c.total if loaded else max(c.total, self.files),
                                done=c.done, failed=c.failed, cached=c.cached, skipped=c.skipped)

        def checkpoint() -> None:
            show()
            if time.monotonic() - self._last_manifest >= MANIFEST_EVERY_S:
                self.write_manifest("running")

        def drain(timeout: float) -> None:
            finished, _ = wait(inflight, timeout=timeout, return_when=FIRST_COMPLETED)
            for future in finished:
                inflight.discard(future)
                if not future.cancelled():
                    self._account(future.result())
            checkpoint()

        with _sigint_handler(self._on_sigint):
            try:
                for item in iter_articles(self.inputs, self.load_options):
                    if self.stop.is_set():
                        break
                    self.counts.total += 1
                    self.paths_seen.add(item.path)
                    if isinstance(item, LoadFailure):
                        self._load_failed(item)
                    else:
                        decision = self.decide(item, names)
                        if decision == "skip":
                            self.counts.skipped += 1
                        elif decision == "kept_failed":
                            self.counts.failed += 1
                            self.counts.kept_failed += 1
                        elif self._ensure_client(connect_llm):
                            inflight.add(executor.submit(self.extract, item))
                            while len(inflight) >= 2 * self.workers and not self.abandon.is_set():
                                drain(0.25)
                    checkpoint()
                else:
                    loaded = True
                if self.stop.is_set():
                    executor.shutdown(wait=False, cancel_futures=True)
                    # futures cancelled in the queue never count as done for wait(): drop them
                    inflight.difference_update([f for f in inflight if f.cancelled()])
                while inflight and not self.abandon.is_set():
                    drain(0.25)
            except KeyboardInterrupt:  # no handler (not the main thread), or a signal raced the handler
                self.stop.set()
                self.abandon.set()
            finally:
                abandoned = sum(1 for f in inflight if not f.done())
                executor.shutdown(wait=not self.abandon.is_set(), cancel_futures=True)
                for future in inflight:
                    if future.done() and not future.cancelled():
                        self._account(future.result())
                status = "aborted" if self.fatal else "interrupted" if self.stop.is_set() else "finished"
                loaded = True
                manifest = self.write_manifest(status)
                self.events.write("run_" + status, None, counts=manifest.counts.model_dump(),
                                  requests=manifest.requests, retries=manifest.retries,
                                  cache_hits=manifest.cache_hits, error=self.fatal)
                self.events.close()
                show()
        self.failures.sort(key=lambda f: f.article_id)
        notes = []
        if self.prices and manifest.cost is None:
            notes.append(f"no price for model {self.model!r} in the prices file: no cost estimate")
        return RunSummary(out_dir=self.folder.path, manifest=manifest, failures=self.failures,
                          abandoned=abandoned, notes=notes)

    def _ensure_client(self, connect_llm: Callable[[], LLMClient]) -> bool:
        """Open the model connection on first need; a connection that fails aborts the run."""
        if self.llm is not None:
            return True
        try:
            self.llm = connect_llm()
        except BatchError as exc:
            self.fatal = str(exc)
            self.stop.set()
            return False
        self._start_stats()
        return True

    def _start_stats(self) -> None:
        assert self.llm is not None
        s = self.llm.stats
        self.stats_start = (s.requests, s.cache_hits, s.retries)

    def _on_sigint(self) -> None:
        if not self.stop.is_set():
            self.stop.set()
            if self.console is not None:
                self.console.print("[yellow]stopping:[/yellow] letting running articles finish "
                                   "(Ctrl-C again to abandon them)")
        else:
            self.abandon.set()

    def _load_failed(self, item: LoadFailure) -> None:
        record = FailureRecord.model_validate(self.scrub(dict(
            article_id=item.id, path=item.path, kind=item.kind, message=item.message, attempts=0,
            raw_output=None, stage="load", time=utc_now(),
        )))
        self._record_failure(safe_file_name(item.id), record)
        self.failures.append(record)
        self.counts.failed += 1

    def _account(self, outcome: _Outcome) -> None:
        if outcome.status == "done" and outcome.result is not None:
            self.counts.done += 1
            p = outcome.result.provenance
            if p.cached:
                self.counts.cached += 1
                self.cached_usage = self.cached_usage + p.usage
            else:
                self.usage = self.usage + p.usage
        elif outcome.status == "failed" and outcome.failure is not None:
            self.counts.failed += 1
            self.failures.append(outcome.failure)
        elif outcome.status == "fatal" and outcome.failure is not None and self.fatal is None:
            self.fatal = f"{outcome.failure.kind}: {outcome.failure.message}"
            self.stop.set()  # every other article would fail the same way


@contextlib.contextmanager
def _sigint_handler(on_sigint: Callable[[], None]) -> Iterator[None]:
    """Route Ctrl-C to ``on_sigint`` while the run lasts (main thread only; elsewhere Python cannot)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: on_sigint())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def default_workers(settings: Settings) -> int:
    """The embedded server's parallel slots, or a polite default for remote endpoints."""
    return max(1, settings.parallel) if settings.is_embedded else DEFAULT_REMOTE_WORKERS


def run_batch(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    settings: Settings | None = None,
    *,
    workers: int | None = None,
    retry_failed: bool = False,
    force: bool = False,
    quiet: bool = False,
    load_options: LoadOptions | None = None,
    prices: dict[str, ModelPrice] | str | Path | None = None,
    console: Console | None = None,
    llm: LLMClient | None = None,
    codebook: Codebook | None = None,
) -> RunSummary:
    """Extract every article under ``inputs`` into the run folder ``out_dir``; resumable.

    ``llm``: an already-open client to reuse (its model and endpoint are used;
    it is not closed); otherwise one is opened from ``settings`` when the
    first article needs it. ``quiet`` turns off the progress bar and the
    summary table (printed to ``console``, default stderr). Raises
    ``BatchError`` for problems with the run as a whole; article problems end
    in failure records. ``summary.exit_code`` is the CLI's exit status.

    The mode comes from ``settings`` (``settings.codebook``: codebook mode),
    or ``codebook``, a codebook built in memory, which wins over the file.
    """
    settings = settings or load_settings()
    paths = [Path(p) for p in inputs]
    if not paths:
        raise BatchError("no inputs: give article files or folders")
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise BatchError(f"not found: {', '.join(missing)}")
    if workers is not None and workers < 1:
        raise BatchError(f"--workers must be at least 1, got {workers}")
    files = len(discover(paths))
    if not files:
        raise BatchError(f"no article files (.txt, .md, .html, .json, .jsonl) found in {', '.join(map(str, paths))}")
    price_table = load_prices(prices) if isinstance(prices, (str, Path)) else prices
    try:  # the mode, and so the prompt identity results record and resume compares, comes from here only
        mode = load_mode(settings, codebook=codebook)
    except (CodebookError, PromptError) as exc:
        raise BatchError(str(exc)) from None
    folder = RunFolder(Path(out_dir))
    shown = None if quiet else (console or Console(stderr=True))
    batch = _Batch(  # may raise BatchError (the model name): before the folder is locked
        paths, folder, settings, workers=workers or default_workers(settings), retry_failed=retry_failed,
        force=force, load_options=load_options or LoadOptions(), prices=price_table, console=shown, llm=llm,
        mode=mode,
    )
    folder.open()
    with contextlib.ExitStack() as stack:
        stack.callback(folder.close)

        def open_client() -> LLMClient:
            from stance.model.client import connect  # openai (~0.4 s to import): only when an article needs it

            try:
                return stack.enter_context(connect(settings))
            except (LLMError, EmbeddedModelError) as exc:
                raise BatchError(str(exc)) from None

        progress = None
        if shown is not None:
            progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("done {task.fields[done]} · cached {task.fields[cached]} · skipped "
                           "{task.fields[skipped]} · [red]failed {task.fields[failed]}[/red]"),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=shown, transient=False,
            )
            stack.enter_context(progress)
        summary = batch.run(open_client, progress, files)
    if shown is not None:
        print_run_summary(summary, shown)
    return summary

