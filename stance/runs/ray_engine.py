"""``--engine ray``: one actor per node of a Ray cluster, each with its own model client; the driver writes the run.

Each alive node with a CPU gets one threaded actor (``ArticleWorker``). It
opens a model client once, as a local run does: with no ``--base-url`` that
starts the node's own embedded server, so N machines give about N times the
articles per hour; with ``--base-url`` every node asks the same endpoint and
the driver keeps at most ``--workers`` articles in flight across the cluster.

Actors only compute: an article goes out as an argument and comes back as an
``Attempt`` (its result or failure). The driver, the process running
``stance extract``, writes every result, failure and event through the same
runner as a local run, so the run folder, resume, ``--retry-failed`` and
Ctrl-C behave as they do locally. A worker killed mid-article is restarted by
Ray and its articles are retried there (``max_task_retries``); since only the
driver writes, each article is written once whatever was retried. An article
whose worker keeps dying ends as a ``worker_lost`` failure, retried on a rerun.

The API key travels to the actors inside ``Settings`` (a ``SecretStr``, masked
in any repr or log); nothing here writes it anywhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from stance._version import __version__
from stance.config import Settings
from stance.extraction.article import Article
from stance.extraction.codebook import Codebook, load_codebook
from stance.extraction.modes import load_mode
from stance.runs.engine import Attempt, Engine, EngineFactory, EngineSetup, attempt_article
from stance.runs.errors import BatchError

if TYPE_CHECKING:
    from stance.model.client import LLMClient

RAY_MISSING = "--engine ray needs Ray on this machine and every node: pip install 'stance[ray]'"
ACTOR_PREFIX = "stance-worker"  # actors are named "<prefix>-<run>-<n>" (tests find them by this prefix)
MAX_RESTARTS = 4  # a worker process that dies is restarted this many times
MAX_TASK_RETRIES = 2  # an article whose worker died is retried this many times, then is a worker_lost failure
START_TIMEOUT_S = 600  # an embedded model may take minutes to assemble on a fresh node


def _control(method: Any) -> Any:
    """Run this actor method in its own thread, never queued behind busy ``work`` calls (what ``ray.method`` sets)."""
    method.__ray_concurrency_group__ = "control"
    return method


class ArticleWorker:
    """One per node: the mode and a model client, opened once; ``work`` extracts one article (Ray actor)."""

    def __init__(self, settings: Settings, codebook: Codebook | None) -> None:
        from stance.model.client import connect  # on the node, not in the driver

        self.settings, self.error = settings, ""
        self._stack = contextlib.ExitStack()
        self.llm: LLMClient | None = None
        try:
            self.mode = load_mode(settings, codebook=codebook)
            self.llm = self._stack.enter_context(connect(settings))
        except Exception as exc:  # reported by hello(), so the driver says why in one line
            self.error = str(exc) or type(exc).__name__

    @_control
    def hello(self) -> dict[str, Any]:
        """Who this worker is and what its results will carry (the driver checks they match its own)."""
        info: dict[str, Any] = {"pid": os.getpid(), "host": socket.gethostname(), "error": self.error,
                                "stance_version": __version__}
        if self.llm is not None:
            info.update(model=self.llm.model_name, endpoint=self.llm.endpoint_label,
                        prompt_hash=self.mode.prompt_info.hash)
        return info

    def work(self, article: Article) -> tuple[Attempt, int, tuple[int, int, int]]:
        """The article's attempt, this process's id, and its client's counters so far."""
        if self.llm is None:
            return Attempt(kind="config", message=self.error), os.getpid(), (0, 0, 0)
        attempt = attempt_article(self.mode, article, self.llm, self.settings)
        s = self.llm.stats
        return attempt, os.getpid(), (s.requests, s.cache_hits, s.retries)

    @_control
    def close(self) -> None:
        self._stack.close()


class RayEngine:
    """Articles spread over the actors, each to the one with the fewest in flight."""

    def __init__(self, setup: EngineSetup, ray: Any, run_name: str) -> None:
        self.ray = ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        nodes = [n for n in ray.nodes() if n.get("Alive") and n.get("Resources", {}).get("CPU", 0) >= 1]
        if not nodes:
            raise BatchError("the Ray cluster has no alive node with a CPU")
        # the codebook travels read, so its file need not exist on the nodes (a --prompt folder must)
        codebook = setup.codebook or (load_codebook(setup.settings.codebook) if setup.settings.codebook else None)
        remote = ray.remote(concurrency_groups={"control": 1})(ArticleWorker)
        self.actors = [
            remote.options(
                name=f"{ACTOR_PREFIX}-{run_name}-{i}", num_cpus=1, max_concurrency=setup.workers,
                max_restarts=MAX_RESTARTS, max_task_retries=MAX_TASK_RETRIES,
                scheduling_strategy=NodeAffinitySchedulingStrategy(node_id=node["NodeID"], soft=False),
            ).remote(setup.settings, codebook)
            for i, node in enumerate(nodes)
        ]
        try:
            hellos = ray.get([a.hello.remote() for a in self.actors], timeout=START_TIMEOUT_S)
        except Exception as exc:
            self.shutdown()
            raise BatchError(f"the Ray workers did not start: {type(exc).__name__}: {str(exc).splitlines()[0]}") \
                from None
        expected = load_mode(setup.settings, codebook=codebook).prompt_info.hash
        for hello in hellos:
            problem = hello["error"] or (
                f"stance {hello['stance_version']} (this machine has {__version__})"
                if hello["stance_version"] != __version__ else
                "another prompt (a --prompt folder that differs or is missing there)"
                if hello["prompt_hash"] != expected else "")
            if problem:
                self.shutdown()
                raise BatchError(f"Ray worker on {hello['host']}: {problem}")
        self.model, self.endpoint = hellos[0]["model"], hellos[0]["endpoint"]
        self.nodes = len(self.actors)
        # embedded: every node serves its own slots; an endpoint: --workers across the whole cluster
        self.capacity = setup.workers * (self.nodes if setup.settings.is_embedded else 1)
        self._lock = threading.Lock()
        self._load = [0] * self.nodes
        self._refs: dict[Any, int] = {}
        self._stats: dict[tuple[int, int], tuple[int, int, int]] = {}

    def submit(self, article: Article) -> Future[Attempt]:
        outer: Future[Attempt] = Future()
        with self._lock:
            n = min(range(self.nodes), key=self._load.__getitem__)
            self._load[n] += 1
            ref = self.actors[n].work.remote(article)
            self._refs[ref] = n
        ref.future().add_done_callback(lambda inner: self._done(ref, n, inner, outer))
        return outer

    def _done(self, ref: Any, n: int, inner: Future[Any], outer: Future[Attempt]) -> None:
        with self._lock:
            self._load[n] -= 1
            self._refs.pop(ref, None)
        try:
            attempt, pid, stats = inner.result()
        except Exception as exc:
            if isinstance(exc, self.ray.exceptions.TaskCancelledError):
                attempt = Attempt(started=False)
            else:  # the worker died more often than Ray retries: the endpoint or the node, not the article
                attempt = Attempt(kind="worker_lost", message=f"the Ray worker was lost: {type(exc).__name__}")
        else:
            with self._lock:
                self._stats[(n, pid)] = stats
        outer.set_result(attempt)

    def stats(self) -> tuple[int, int, int]:
        with self._lock:
            values = list(self._stats.values())
        return (sum(v[0] for v in values), sum(v[1] for v in values), sum(v[2] for v in values))

    def close(self, *, wait: bool) -> None:
        with self._lock:
            refs = list(self._refs)
        if not wait:
            for ref in refs:  # queued articles are dropped; running ones finish on their own
                with contextlib.suppress(Exception):
                    self.ray.cancel(ref)
            return
        with contextlib.suppress(Exception):
            if refs:
                self.ray.wait(refs, num_returns=len(refs), timeout=None)
            self.ray.get([a.close.remote() for a in self.actors], timeout=60)  # stops embedded servers cleanly
        self.shutdown()

    def shutdown(self) -> None:
        """Remove the actors (and so their embedded servers) from the cluster; idempotent."""
        for actor in self.actors:
            with contextlib.suppress(Exception):
                self.ray.kill(actor, no_restart=True)


def ray_engine(address: str | None = None) -> EngineFactory:
    """The Ray engine on the cluster at ``address`` (None: the one Ray finds, or a new local one)."""

    def open_engine(setup: EngineSetup) -> Engine:
        try:
            import ray
        except ImportError:
            raise BatchError(RAY_MISSING) from None
        if not ray.is_initialized():
            try:
                ray.init(address=address, include_dashboard=False, log_to_driver=False,
                         logging_level=logging.WARNING, configure_logging=True)
            except Exception as exc:
                raise BatchError(f"cannot start or reach Ray{f' at {address}' if address else ''}: "
                                 f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
            setup.stack.callback(ray.shutdown)
        engine = RayEngine(setup, ray, run_name=f"{os.getpid()}-{id(setup):x}")
        setup.stack.callback(engine.shutdown)  # however the run ends, the actors go
        return engine

    return open_engine
