"""``RUN/events.jsonl``: the append-only event log, and the scrubber that keeps the API key out of it.

Each event line is one ``write`` on an ``O_APPEND`` descriptor (a killed
process never leaves part of an earlier line), fsynced at most every half
second and at the end.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EVENTS_FSYNC_S = 0.5


def utc_now() -> str:
    """Now, as UTC ISO 8601 with milliseconds and a ``Z``: the times in events, failures and manifests."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SecretScrubber:
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
        record = {"time": utc_now(), "event": event, "article_id": article_id, "details": self._scrub(details)}
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
