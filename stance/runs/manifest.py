"""The shape of ``RUN/manifest.json`` and of one failure record, written by the batch runner.

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


