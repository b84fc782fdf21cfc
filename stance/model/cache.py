"""On-disk response cache (SQLite), shared across runs.

Keyed by everything that decides an answer: model, messages, sampling
parameters and the answer schema. Only validated answers are stored, so an
error is never replayed. Never holds credentials: the key material is the
request body, which carries none. A damaged file (a disk-full write, a half-copied
home folder) is moved aside as ``responses.sqlite.corrupt-<time>`` with one warning,
and a fresh cache is started: a cache is never worth stopping a run for.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def cache_key(payload: dict[str, Any]) -> str:
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = self._open(path)
        except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            path.replace(aside)
            for suffix in ("-wal", "-shm"):  # they belong to the damaged file
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            log.warning("warning: the response cache %s was damaged (%s); moved it to %s and started a new one",
                        path, exc, aside.name)
            self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # No fsync per answer (FULL syncs the log on every commit, 0.1 ms of CPU each and the cache lock held
            # meanwhile): in WAL mode a killed process loses nothing committed and the file stays consistent; a
            # power cut may lose the last answers, which are then asked again.
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                "created REAL DEFAULT (unixepoch('subsec')))"
            )
            db.execute("SELECT COUNT(*) FROM (SELECT 1 FROM responses LIMIT 1)").fetchone()
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        blob = json.dumps(value, ensure_ascii=False)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO responses (key, value) VALUES (?, ?)", (key, blob))
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
