"""The shape of ``RUN/manifest.json``, written by the batch runner, and how several batches' manifests combine.

The manifest says how a run folder came to be (configuration without secrets,
model, endpoint, prompt name and hash), how far it got (counts that add up)
and what it cost (tokens, requests, an optional cost estimate). Evals and
reports read ``model``, ``endpoint`` and ``prompt`` from it.

Counts describe one invocation of ``stance extract`` over its inputs::

    total == done + skipped + failed + pending

``cached`` is a part of ``done`` and ``kept_failed`` a part of ``failed``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from stance.results import PromptInfo, Usage

RunStatus = Literal["running", "finished", "interrupted", "aborted"]


class RunCounts(BaseModel):
    total: int = Field(0, description="articles (and inputs that failed to load) seen by this invocation")
    done: int = Field(0, description="extracted by this invocation, cached answers included")
    cached: int = Field(0, description="of done: answered entirely from the response cache")
    skipped: int = Field(0, description="already done by an earlier run with the same text, prompt and model")
    failed: int = Field(0, description="ending in a failure record, kept_failed included")
    kept_failed: int = Field(0, description="of failed: failed in an earlier run and not retried (--retry-failed)")
    pending: int = Field(0, description="not finished: the run was interrupted or aborted first")


class Cost(BaseModel):
    """An estimate from a user-supplied prices table, in that table's currency."""

    model: str
    prompt_per_1k: float
    completion_per_1k: float
    prompt: float = 0.0
    completion: float = 0.0
    total: float = 0.0
    saved_by_cache: float = Field(0.0, description="what the cached answers would have cost")


class RunManifest(BaseModel):
    stance_version: str
    status: RunStatus = "running"
    interrupted: bool = False
    error: str | None = None  # why an aborted run stopped (a configuration problem, e.g. a rejected key)
    started: str
    finished: str | None = None
    seconds: float = 0.0
    inputs: list[str] = Field(default_factory=list)
    files: int = Field(0, description="input files found (a JSON/JSONL file may hold many articles)")
    files_unread: int = Field(0, description="of files: not read before the run stopped (not in counts.total)")
    model: str
    endpoint: str
    prompt: PromptInfo
    workers: int
    options: dict[str, Any] = Field(default_factory=dict, description="batch options: retry_failed, force, loading")
    config: dict[str, Any] = Field(default_factory=dict, description="settings, without secrets")
    counts: RunCounts = Field(default_factory=RunCounts)
    failures_by_kind: dict[str, int] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage, description="tokens of answers requested by this invocation")
    cached_usage: Usage = Field(default_factory=Usage, description="tokens of answers served from the cache (not paid)")
    requests: int = 0
    retries: int = 0
    cache_hits: int = 0
    cost: Cost | None = None


def combine_manifests(manifests: list[RunManifest], prompt: PromptInfo, options: dict[str, Any]) -> RunManifest:
    """One manifest for several batches written into one run folder: counts, tokens and time summed.

    ``prompt`` and ``options`` (added to the last batch's) describe the whole.
    """
    first, last = manifests[0], manifests[-1]
    counts = RunCounts()
    kinds: dict[str, int] = {}
    for m in manifests:
        for name in RunCounts.model_fields:
            setattr(counts, name, getattr(counts, name) + getattr(m.counts, name))
        for kind, n in m.failures_by_kind.items():
            kinds[kind] = kinds.get(kind, 0) + n
    status = next((s for s in ("aborted", "interrupted") if any(m.status == s for m in manifests)), "finished")
    return RunManifest(
        stance_version=first.stance_version, status=status, interrupted=status == "interrupted",
        error=next((m.error for m in manifests if m.error), None), started=first.started, finished=last.finished,
        seconds=round(sum(m.seconds for m in manifests), 3), inputs=[i for m in manifests for i in m.inputs],
        files=sum(m.files for m in manifests), files_unread=sum(m.files_unread for m in manifests),
        model=last.model, endpoint=last.endpoint, prompt=prompt, workers=last.workers,
        options={**last.options, **options}, config=last.config,
        counts=counts, failures_by_kind=dict(sorted(kinds.items())),
        usage=sum((m.usage for m in manifests), Usage()), cached_usage=sum((m.cached_usage for m in manifests), Usage()),
        requests=sum(m.requests for m in manifests), retries=sum(m.retries for m in manifests),
        cache_hits=sum(m.cache_hits for m in manifests),
    )

