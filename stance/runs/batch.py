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

Articles are loaded in the calling thread and handed to an engine
(``stance.runs.engine``: worker threads sharing one ``LLMClient``, Ray actors
on a cluster, or answers read back from batch files); the calling thread
writes every result, failure and event, so there is one writer per article
whatever does the work. The engine (and the model connection) is opened only
when the first article needs it, so a rerun with nothing left to do never
starts the embedded model.

About 550 lines on purpose: the runner's decisions (skip, retry, record,
interrupt) and the invariants above read best in one place; the engines,
folder, events, prices and summary it uses live beside it in ``stance.runs``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
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
from stance.extraction.article import Mode, with_author
from stance.extraction.codebook import Codebook, CodebookError
from stance.extraction.modes import load_mode
from stance.extraction.prompts import PromptError
from stance.model.embedded import EmbeddedModelError, resolve_model
from stance.results import ArticleResult, FailureRecord, Usage
from stance.runs.engine import ENGINES, Attempt, Engine, EngineFactory, EngineSetup, local_engine
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
TRANSIENT_KINDS = frozenset({"connection", "timeout", "rate_limited", "http_error", "garbled_response",
                             "worker_lost"})
MANIFEST_EVERY_S = 1.0


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


@dataclass
class _Outcome:
    article: Article
    status: str  # done | failed | fatal | waiting (batch files) | not_started
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
        llm: LLMClient | None, mode: Mode, open_engine: EngineFactory, codebook: Codebook | None,
    ) -> None:
        self.inputs, self.folder, self.settings = inputs, folder, settings
        self.workers, self.retry_failed, self.force = workers, retry_failed, force
        self.load_options, self.prices, self.console = load_options, prices, console
        self.mode, self.open_engine, self.codebook = mode, open_engine, codebook
        self.engine: Engine | None = None
        self.engine_name = "local"
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
                "engine": self.engine_name, "retry_failed": self.retry_failed, "force": self.force, "use_cache": self.settings.use_cache,
                "text_field": self.load_options.text_field, "id_field": self.load_options.id_field,
                "title_field": self.load_options.title_field, "max_bytes": self.load_options.max_bytes,
                "author_fields": list(self.load_options.author_fields),
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
        return (0, 0, 0) if self.engine is None else self.engine.stats()

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
                and result.article.author == with_author(article.info, self.settings).author
                and self.settings.language in (None, result.article.language)  # --language changed: redo
                and result.provenance.params.get("claims_in") == self.settings.claims_in
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

    # -- finishing (calling thread) --------------------------------------------

    def finish(self, article: Article, attempt: Attempt) -> _Outcome:
        """Write what the engine made of one article (result, failure or nothing) and say what it was."""
        if not attempt.started:
            return _Outcome(article, "not_started")
        name = safe_file_name(article.id)
        if attempt.result is not None:
            self.reached.set()
            result = attempt.result
            self.folder.write_result(name, result)
            p = result.provenance
            self.events.write("article_done", article.id, seconds=p.seconds, cached=p.cached, attempts=p.attempts,
                              prompt_tokens=p.usage.prompt_tokens, completion_tokens=p.usage.completion_tokens,
                              claims=len(result.claims), stances=result.stance_count())
            return _Outcome(article, "done", result=result)
        if attempt.waiting:  # batch files: its requests are in the next round's file; nothing to write yet
            self.events.write("article_waiting", article.id, requests=attempt.waiting)
            return _Outcome(article, "waiting")
        kind, message, attempts, raw = attempt.kind, attempt.message, attempt.attempts, attempt.raw_output
        if kind in FATAL_KINDS or (kind == "connection" and not self.reached.is_set()):
            # a wrong key, model or URL: every article would fail alike, so record none
            self.stop.set()
            return _Outcome(article, "fatal", failure=self._failure(article, kind, message, attempts, raw))
        if kind not in TRANSIENT_KINDS:
            self.reached.set()
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

    def run(self, progress: Progress | None, files: int, stack: contextlib.ExitStack) -> RunSummary:
        self.events = EventLog(self.folder.events, self.scrub)
        self.files = files
        names = self.folder.names()
        task = progress.add_task("extracting", total=self.files or None, done=0, failed=0, cached=0, skipped=0) \
            if progress is not None else None
        self.events.write("run_started", None, inputs=[str(p) for p in self.inputs], model=self.model,
                          endpoint=self.endpoint, prompt={"name": self.prompt.name, "hash": self.prompt.hash},
                          workers=self.workers, retry_failed=self.retry_failed, force=self.force,
                          use_cache=self.settings.use_cache)
        self.write_manifest("running")
        # finished futures come back through this queue, so the loop writes each outcome as soon as it can
        finished: queue.SimpleQueue[tuple[Article, Future[Attempt]]] = queue.SimpleQueue()
        inflight = 0
        loaded = False

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

        def drain(timeout: float | None) -> None:
            nonlocal inflight
            try:
                item = finished.get(timeout=timeout) if timeout else finished.get_nowait()
            except queue.Empty:
                item = None
            while item is not None:
                inflight -= 1
                self._take(*item)
                try:
                    item = finished.get_nowait()
                except queue.Empty:
                    item = None
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
                        elif (engine := self._ensure_engine(stack)) is not None:
                            engine.submit(item).add_done_callback(functools.partial(_hand_back, finished, item))
                            inflight += 1
                            while inflight >= engine.capacity and not self.abandon.is_set():
                                drain(0.25)
                    drain(None)
                else:
                    loaded = True
                if self.stop.is_set() and self.engine is not None:
                    self.engine.close(wait=False)  # drop what has not started; cancelled futures come back too
                while inflight and not self.abandon.is_set():
                    drain(0.25)
            except KeyboardInterrupt:  # no handler (not the main thread), or a signal raced the handler
                self.stop.set()
                self.abandon.set()
            finally:
                if self.engine is not None:
                    self.engine.close(wait=not self.abandon.is_set())
                while inflight and not self.abandon.is_set():  # closing waited for them: write what came back
                    drain(0.25)
                with contextlib.suppress(queue.Empty):  # abandoned: keep what had already finished
                    while True:
                        done = finished.get_nowait()
                        inflight -= 1
                        self._take(*done)
                abandoned = max(0, inflight)
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

    def _take(self, article: Article, future: Future[Attempt]) -> None:
        """Write and count one finished article (a cancelled one was never started)."""
        if future.cancelled():
            return
        try:
            attempt = future.result()
        except Exception as exc:  # an engine's own failure: the article's, not the run's
            attempt = Attempt(kind="internal", message=f"{type(exc).__name__}: {exc}")
        if self.abandon.is_set() and attempt.result is None:
            return  # the run gave up; the endpoint may be gone: record nothing
        self._account(self.finish(article, attempt))

    def _ensure_engine(self, stack: contextlib.ExitStack) -> Engine | None:
        """Open the engine (and the model connection) on first need; one that fails aborts the run."""
        if self.engine is not None:
            return self.engine
        setup = EngineSetup(settings=self.settings, mode=self.mode, codebook=self.codebook, workers=self.workers,
                            stop=self.stop, stack=stack)
        try:
            self.engine = self.open_engine(setup)
        except BatchError as exc:
            self.fatal = str(exc)
            self.stop.set()
            return None
        self.model, self.endpoint = self.engine.model, self.engine.endpoint
        return self.engine

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


def _hand_back(finished: queue.SimpleQueue[tuple[Article, Future[Attempt]]], article: Article,
               future: Future[Attempt]) -> None:
    finished.put((article, future))


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


def _engine_factory(engine: str | EngineFactory, llm: LLMClient | None, ray_address: str | None) -> EngineFactory:
    if not isinstance(engine, str):
        return engine
    if engine == "ray":
        from stance.runs.ray_engine import ray_engine  # Ray (an optional extra) loads only when asked for

        return ray_engine(ray_address)
    return local_engine(llm)


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
    engine: str | EngineFactory = "local",
    ray_address: str | None = None,
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

    ``engine``: ``"local"`` (worker threads in this process), ``"ray"`` (an
    actor per node of the Ray cluster at ``ray_address``, or a local one;
    ``pip install 'stance[ray]'``; docs/scaling.md), or an ``EngineFactory``.
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
    if isinstance(engine, str):
        if engine not in ENGINES:
            raise BatchError(f"unknown engine {engine!r}: choose {' or '.join(ENGINES)}")
        if engine == "ray" and llm is not None:
            raise BatchError("the Ray engine opens a model client on every node: it cannot reuse llm=")
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
        mode=mode, open_engine=_engine_factory(engine, llm, ray_address), codebook=codebook,
    )
    batch.engine_name = engine if isinstance(engine, str) else getattr(engine, "name", "custom")
    folder.open()
    with contextlib.ExitStack() as stack:
        stack.callback(folder.close)

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
        summary = batch.run(progress, files, stack)
    if shown is not None:
        print_run_summary(summary, shown)
    return summary

