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
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError
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
from rich.table import Table

from stance._version import __version__
from stance.config import Settings, load_settings
from stance.runs.inputs import Article, LoadFailure, LoadOptions, discover, iter_articles, safe_file_name
from stance.runs.manifest import Cost, RunCounts, RunManifest
from stance.extraction.prompts import Prompt, load_prompt
from stance.results import ArticleInfo, ArticleResult, FailureRecord, PromptInfo, Usage

if TYPE_CHECKING:  # the model client (and openai, ~1 s to import) loads only when an article needs it
    from stance.model.client import LLMClient

DEFAULT_REMOTE_WORKERS = 4
# Errors that would fail every article the same way: stop the run, record nothing.
FATAL_KINDS = frozenset({"auth", "config", "not_found"})
# Endpoint trouble, not the article's: retried on every rerun (no answer was paid for).
# Other failures (e.g. invalid_output, after re-asks that cost tokens) wait for --retry-failed.
TRANSIENT_KINDS = frozenset({"connection", "timeout", "rate_limited", "http_error", "garbled_response"})
EVENTS_FSYNC_S = 0.5
MANIFEST_EVERY_S = 1.0
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class BatchError(RuntimeError):
    """A problem with the run as a whole (inputs, run folder, prices file): exit status 2."""


# ---------------------------------------------------------------------------
# Prices
# ---------------------------------------------------------------------------


class ModelPrice(BaseModel):
    prompt_per_1k: float = Field(ge=0)
    completion_per_1k: float = Field(ge=0)


def load_prices(path: str | Path) -> dict[str, ModelPrice]:
    """A prices table ``{model: {prompt_per_1k, completion_per_1k}}`` from TOML or JSON.

    TOML may also nest the models under ``[prices]``. A ``"*"`` entry prices
    any model not listed.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise BatchError(f"cannot read prices file {file}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        if file.suffix.lower() == ".toml":
            data: Any = tomllib.loads(raw.decode("utf-8"))
            data = data.get("prices", data)
        else:
            data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BatchError(f"prices file {file} does not parse: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise BatchError(f"prices file {file}: expected {{model: {{prompt_per_1k, completion_per_1k}}}}")
    prices: dict[str, ModelPrice] = {}
    for model, entry in data.items():
        try:
            prices[str(model)] = ModelPrice.model_validate(entry)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "entry"
            raise BatchError(f"prices file {file}: model {model!r}: {where}: {err['msg']}") from None
    return prices


def estimate_cost(prices: dict[str, ModelPrice], model: str, usage: Usage, cached: Usage) -> Cost | None:
    """The cost of ``usage`` for ``model`` (None if the table has no price for it)."""
    price = prices.get(model) or prices.get("*")
    if price is None:
        return None

    def of(u: Usage) -> tuple[float, float]:
        return u.prompt_tokens / 1000 * price.prompt_per_1k, u.completion_tokens / 1000 * price.completion_per_1k

    prompt_cost, completion_cost = of(usage)
    return Cost(
        model=model, prompt_per_1k=price.prompt_per_1k, completion_per_1k=price.completion_per_1k,
        prompt=round(prompt_cost, 6), completion=round(completion_cost, 6),
        total=round(prompt_cost + completion_cost, 6), saved_by_cache=round(sum(of(cached)), 6),
    )


# ---------------------------------------------------------------------------
# Run folder
# ---------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Scrubber:
    """Removes the API key from anything written, as a second line of defence."""

    def __init__(self, secret: str | None) -> None:
        self.secret = secret if secret and len(secret) >= 6 else None

    def __call__(self, value: Any) -> Any:
        if self.secret is None:
            return value
        if isinstance(value, str):
            return value.replace(self.secret, "***")
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


class EventLog:
    """``events.jsonl``: one JSON object per line, appended with a single write each."""

    def __init__(self, path: Path, scrub: Callable[[Any], Any]) -> None:
        self._scrub = scrub
        self._lock = threading.Lock()
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._last_sync = time.monotonic()
        size = os.fstat(self._fd).st_size
        if size:  # a power cut may have left half a line: start ours on a fresh one
            with open(path, "rb") as fh:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":
                    os.write(self._fd, b"\n")

    def write(self, event: str, article_id: str | None = None, **details: Any) -> None:
        record = {"time": _now(), "event": event, "article_id": article_id, "details": self._scrub(details)}
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            if self._fd < 0:
                return  # closed: an abandoned worker finishing late
            os.write(self._fd, data)  # O_APPEND: one write, one whole line
            if time.monotonic() - self._last_sync >= EVENTS_FSYNC_S:
                os.fsync(self._fd)
                self._last_sync = time.monotonic()

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.fsync(self._fd)
                os.close(self._fd)
                self._fd = -1


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path`` and rename it over ``path``.

    Like ``cli_output.write_json`` (same ``.NAME.*`` temp names, removed by the
    next run if a kill leaves one) but for bytes pydantic has already
    serialised, which is several times faster than ``json.dump`` with indent.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _json_bytes(model: BaseModel) -> bytes:
    return model.model_dump_json(indent=2).encode("utf-8") + b"\n"


class RunFolder:
    """Reads and writes one run folder; every write is atomic."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.results = path / "results"
        self.failures = path / "failures"
        self.manifest = path / "manifest.json"
        self.events = path / "events.jsonl"
        self._lock_fd: int | None = None

    def open(self) -> None:
        """Create the folder, take the run lock and remove temp files a killed run left behind."""
        if self.path.exists() and not self.path.is_dir():
            raise BatchError(f"--out {self.path} exists and is not a folder")
        try:
            self.results.mkdir(parents=True, exist_ok=True)
            self.failures.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BatchError(f"cannot create run folder {self.path}: {(exc.strerror or str(exc)).lower()}") from None
        self._take_lock()
        for folder in (self.path, self.results, self.failures):
            for leftover in folder.glob(".*.json.*"):  # temp files of write_atomic / write_json
                leftover.unlink(missing_ok=True)

    def _take_lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock
            return
        fd = os.open(self.path / ".lock", os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise BatchError(f"another stance run is using {self.path}; wait for it or choose another --out") from None
        self._lock_fd = fd  # released by close() or when the process dies, kill -9 included

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def names(self) -> tuple[set[str], set[str]]:
        """File stems present in results/ and failures/."""
        return ({p.stem for p in self.results.glob("*.json")}, {p.stem for p in self.failures.glob("*.json")})

    def read_result(self, name: str) -> ArticleResult | None:
        try:
            return ArticleResult.model_validate_json((self.results / f"{name}.json").read_bytes())
        except (OSError, ValueError):  # unreadable or corrupt: treat as not done
            return None

    def read_failure(self, name: str) -> FailureRecord | None:
        try:
            return FailureRecord.model_validate_json((self.failures / f"{name}.json").read_bytes())
        except (OSError, ValueError):
            return None

    def write_result(self, name: str, result: ArticleResult) -> None:
        write_atomic(self.results / f"{name}.json", _json_bytes(result))
        (self.failures / f"{name}.json").unlink(missing_ok=True)

    def write_failure(self, name: str, record: FailureRecord) -> None:
        write_atomic(self.failures / f"{name}.json", _json_bytes(record))
        (self.results / f"{name}.json").unlink(missing_ok=True)

    def write_manifest(self, manifest: RunManifest) -> None:
        write_atomic(self.manifest, _json_bytes(manifest))


# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------


@dataclass
class RunSummary:
    """What one invocation did; ``manifest`` is what was written to ``manifest.json``."""

    out_dir: Path
    manifest: RunManifest
    failures: list[FailureRecord] = field(default_factory=list)  # sorted by article id, kept ones included
    abandoned: int = 0  # articles still running when a second Ctrl-C gave up on them
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> RunCounts:
        return self.manifest.counts

    @property
    def interrupted(self) -> bool:
        return self.manifest.interrupted

    @property
    def exit_code(self) -> int:
        """0 all done; 1 some articles failed; 2 aborted (configuration); 130 interrupted."""
        if self.manifest.status == "aborted":
            return EXIT_USAGE
        if self.manifest.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.counts.failed else EXIT_OK


def print_summary(summary: RunSummary, console: Console, max_failures: int = 10) -> None:
    """The end-of-run table: counts, failures by kind, requests, tokens, cost, time."""
    m, c = summary.manifest, summary.counts
    table = Table(title=f"stance extract → {summary.out_dir}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("articles", str(c.total))
    table.add_row("done", f"{c.done}" + (f" ({c.cached} from cache)" if c.cached else ""))
    table.add_row("skipped (done earlier)", str(c.skipped))
    failed = f"{c.failed}" + (f" ({c.kept_failed} kept from an earlier run)" if c.kept_failed else "")
    table.add_row("failed", f"[red]{failed}[/red]" if c.failed else failed)
    if c.pending or m.files_unread:
        unread = f" (+ {m.files_unread} files not read yet)" if m.files_unread else ""
        table.add_row("not finished", f"[yellow]{c.pending}{unread}[/yellow]")
    if m.failures_by_kind:
        table.add_row("failures by kind", ", ".join(f"{k} {n}" for k, n in m.failures_by_kind.items()))
    table.add_row("requests", f"{m.requests} ({m.retries} retries, {m.cache_hits} cache hits)")
    table.add_row("tokens", f"{m.usage.prompt_tokens:,} prompt + {m.usage.completion_tokens:,} completion")
    if m.cost is not None:
        table.add_row("cost (estimate)", f"{m.cost.total:.4f}" + (f" (saved {m.cost.saved_by_cache:.4f} by cache)"
                                                                   if m.cost.saved_by_cache else ""))
    rate = f", {c.done / m.seconds:.1f} articles/s" if m.seconds > 0 and c.done else ""
    table.add_row("time", f"{m.seconds:.1f} s{rate}")
    console.print(table)
    for record in summary.failures[:max_failures]:
        console.print(f"[red]failed[/red] {record.article_id}: {record.kind}: {record.message}", highlight=False)
    if len(summary.failures) > max_failures:
        console.print(f"… and {len(summary.failures) - max_failures} more in {summary.out_dir / 'failures'}")
    for note in summary.notes:
        console.print(note, highlight=False)
    if m.status == "aborted":
        console.print(f"[red]stopped:[/red] {m.error}", highlight=False)
    elif m.interrupted:
        console.print("[yellow]interrupted[/yellow]: run the same command again to resume.")
    elif c.kept_failed:
        console.print("rerun with --retry-failed to try the failed articles again.")


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
    from stance.model.embedded import EmbeddedModelError, resolve_model

    try:
        return resolve_model(settings.model, settings.cache_dir)[1]
    except EmbeddedModelError as exc:
        raise BatchError(str(exc)) from None


class _Batch:
    """State of one invocation; ``run_batch`` is the public entry point."""

    def __init__(
        self, inputs: list[Path], folder: RunFolder, settings: Settings, *, workers: int, retry_failed: bool,
        force: bool, load_options: LoadOptions, prices: dict[str, ModelPrice] | None, console: Console | None,
        llm: LLMClient | None, prompt: Prompt,
    ) -> None:
        self.inputs, self.folder, self.settings = inputs, folder, settings
        self.workers, self.retry_failed, self.force = workers, retry_failed, force
        self.load_options, self.prices, self.console = load_options, prices, console
        self.llm, self.prompt = llm, prompt
        self.model = llm.model_name if llm is not None else expected_model_name(settings)
        self.endpoint = llm.endpoint_label if llm is not None else settings.public_endpoint
        self.scrub = _Scrubber(settings.api_key.get_secret_value() if settings.api_key else None)
        self.counts = RunCounts()
        self.usage, self.cached_usage = Usage(), Usage()
        self.failures: list[FailureRecord] = []
        self.stop, self.abandon = threading.Event(), threading.Event()
        self.reached = threading.Event()  # the endpoint has answered at least once in this run
        self.fatal: str | None = None
        self.started_at, self.started = time.monotonic(), _now()
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
            status=status,  # type: ignore[arg-type]
            interrupted=status == "interrupted",
            error=self.fatal,
            started=self.started,
            finished=None if status == "running" else _now(),
            seconds=round(time.monotonic() - self.started_at, 3),
            inputs=[str(p) for p in self.inputs],
            files=self.files,
            files_unread=max(0, self.files - len(self.paths_seen)) if status != "finished" else 0,
            model=self.model,
            endpoint=self.endpoint,
            prompt=PromptInfo(name=self.prompt.name, hash=self.prompt.hash),
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
        from stance.extraction.pipeline import ExtractionError, extract_text

        if self.stop.is_set() or self.llm is None:
            return _Outcome(article, "not_started")
        name = safe_file_name(article.id)
        info = ArticleInfo(id=article.id, path=article.path, sha256=article.sha256, title=article.title)
        try:
            result = extract_text(article.text, info, llm=self.llm, prompt=self.prompt, settings=self.settings)
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
            prompt_hash=self.prompt.hash, time=_now(),
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
            raw_output=None, stage="load", time=_now(),
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
    prompt: Prompt | None = None,
) -> RunSummary:
    """Extract every article under ``inputs`` into the run folder ``out_dir``; resumable.

    ``llm``: an already-open client to reuse (its model and endpoint are used;
    it is not closed); otherwise one is opened from ``settings`` when the
    first article needs it. ``quiet`` turns off the progress bar and the
    summary table (printed to ``console``, default stderr). Raises
    ``BatchError`` for problems with the run as a whole; article problems end
    in failure records. ``summary.exit_code`` is the CLI's exit status.
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
    if prompt is None:  # the prompt the results will record: the codebook prompt in codebook mode
        from stance.extraction.codebook import CodebookError, batch_prompt
        from stance.extraction.prompts import PromptError

        try:
            prompt = batch_prompt(settings) or load_prompt(settings.prompt_name, settings.prompts_dir)
        except (CodebookError, PromptError) as exc:
            raise BatchError(str(exc)) from None
    folder = RunFolder(Path(out_dir))
    shown = None if quiet else (console or Console(stderr=True))
    batch = _Batch(  # may raise BatchError (the model name): before the folder is locked
        paths, folder, settings, workers=workers or default_workers(settings), retry_failed=retry_failed,
        force=force, load_options=load_options or LoadOptions(), prices=price_table, console=shown, llm=llm,
        prompt=prompt,
    )
    folder.open()
    with contextlib.ExitStack() as stack:
        stack.callback(folder.close)

        def open_client() -> LLMClient:
            from stance.model.embedded import EmbeddedModelError
            from stance.model.client import LLMError, connect

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
        print_summary(summary, shown)
    return summary
