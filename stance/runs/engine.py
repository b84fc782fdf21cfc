"""How a run's articles get worked on: the ``Engine`` protocol, one article's ``Attempt``, the local thread pool.

The runner (``stance.runs.batch``) decides what to skip, and writes every
result, failure and event itself, in the calling process: an engine only turns
an article into an ``Attempt`` and hands it back through a future. That keeps
the run folder's invariants in one place whatever does the work: worker threads
here (``--engine local``), Ray actors on a cluster (``stance.runs.ray_engine``),
or answers read back from batch files (``stance.runs.batch_files``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from stance.config import Settings
from stance.extraction.article import Article, ExtractionError, Mode, extract_with
from stance.extraction.codebook import Codebook
from stance.results import ArticleResult

if TYPE_CHECKING:  # the model client (and openai, ~0.4 s to import) loads only when an article needs it
    from stance.model.client import LLMClient

ENGINES = ("local", "ray")


@dataclass
class Attempt:
    """What working on one article gave: a result, a failure (``kind``, ...), or requests it waits for."""

    result: ArticleResult | None = None
    kind: str = ""
    message: str = ""
    attempts: int = 0
    raw_output: str | None = None
    waiting: int = 0  # batch files: model requests this article still waits for (nothing is written)
    started: bool = True  # False: the run was stopping, the article was not touched


def attempt_article(mode: Mode, article: Article, llm: LLMClient, settings: Settings) -> Attempt:
    """Extract one article; never raises (a bug in one article's processing must not end the run)."""
    try:
        result = extract_with(mode, article.text, article.info, llm=llm, settings=settings)
    except ExtractionError as exc:
        return Attempt(kind=exc.kind, message=exc.message, attempts=exc.attempts, raw_output=exc.raw_output)
    except Exception as exc:
        return Attempt(kind="internal", message=f"{type(exc).__name__}: {exc}")
    return Attempt(result=result)


class Engine(Protocol):
    """Works on articles somewhere; the runner submits at most ``capacity`` at a time."""

    model: str  # the model name results carry
    endpoint: str  # the endpoint results record (never with credentials)
    capacity: int

    def submit(self, article: Article) -> Future[Attempt]:
        """Start on one article; the future never raises (failures are Attempts)."""
        ...

    def stats(self) -> tuple[int, int, int]:
        """Model requests, cache hits and transport retries so far, for the manifest."""
        ...

    def close(self, *, wait: bool) -> None:
        """Stop taking articles; ``wait=False``: do not wait for those still running (Ctrl-C twice)."""
        ...


@dataclass
class EngineSetup:
    """What every engine is built from: the run's settings and mode, its worker count, and its stop flag."""

    settings: Settings
    mode: Mode
    codebook: Codebook | None
    workers: int
    stop: threading.Event
    stack: contextlib.ExitStack  # closes what the engine opened (the model connection) when the run ends


EngineFactory = Callable[[EngineSetup], Engine]


class LocalEngine:
    """Today's engine: a pool of worker threads in this process sharing one ``LLMClient``."""

    def __init__(self, setup: EngineSetup, llm: LLMClient) -> None:
        self.llm, self.mode, self.settings, self.stop = llm, setup.mode, setup.settings, setup.stop
        self.model, self.endpoint = llm.model_name, llm.endpoint_label
        self.capacity = 2 * setup.workers  # a short queue keeps every worker busy
        self._start = (llm.stats.requests, llm.stats.cache_hits, llm.stats.retries)
        self._pool = ThreadPoolExecutor(max_workers=setup.workers, thread_name_prefix="stance-batch")

    def submit(self, article: Article) -> Future[Attempt]:
        return self._pool.submit(self._work, article)

    def _work(self, article: Article) -> Attempt:
        if self.stop.is_set():
            return Attempt(started=False)
        return attempt_article(self.mode, article, self.llm, self.settings)

    def stats(self) -> tuple[int, int, int]:
        s = self.llm.stats
        return (s.requests - self._start[0], s.cache_hits - self._start[1], s.retries - self._start[2])

    def close(self, *, wait: bool) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


def local_engine(llm: LLMClient | None = None) -> EngineFactory:
    """The local engine, on ``llm`` (kept open) or on a connection opened from the settings (closed at the end)."""

    def open_engine(setup: EngineSetup) -> Engine:
        from stance.model.client import connect  # openai (~0.4 s to import): only when an article needs it
        from stance.model.embedded import EmbeddedModelError
        from stance.model.errors import LLMError
        from stance.runs.errors import BatchError

        client = llm
        if client is None:
            try:
                client = setup.stack.enter_context(connect(setup.settings))
            except (LLMError, EmbeddedModelError) as exc:
                raise BatchError(str(exc)) from None
        return LocalEngine(setup, client)

    return open_engine
