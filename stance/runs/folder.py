"""A run folder on disk: results, failures and the manifest, read and written atomically, under a lock.

Every JSON file goes through ``stance.files.write_atomic`` (a temp file beside
the target, renamed over it), so a reader sees the old file or the new one.
Each article ends in exactly one of ``results/`` or ``failures/``: the other
file is removed after the new one is in place. Opening the folder sweeps the
temp files a killed writer left behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel

from stance.files import write_atomic
from stance.results import ArticleResult, FailureRecord
from stance.runs.errors import BatchError
from stance.runs.manifest import RunManifest

# What stance.files.temp_path names the temp file of a JSON write: ".NAME.json.<pid>-<thread>.tmp".
LEFTOVER_TEMP_FILES = ".*.json.*.tmp"


def _json_bytes(model: BaseModel) -> bytes:
    """Pydantic's own serialisation: several times faster than ``json.dump`` with indent."""
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
            for leftover in folder.glob(LEFTOVER_TEMP_FILES):
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

    def result_path(self, name: str) -> Path:
        return self.results / f"{name}.json"

    def failure_path(self, name: str) -> Path:
        return self.failures / f"{name}.json"

    def read_result(self, name: str) -> ArticleResult | None:
        try:
            return ArticleResult.model_validate_json(self.result_path(name).read_bytes())
        except (OSError, ValueError):  # unreadable or corrupt: treat as not done
            return None

    def read_failure(self, name: str) -> FailureRecord | None:
        try:
            return FailureRecord.model_validate_json(self.failure_path(name).read_bytes())
        except (OSError, ValueError):
            return None

    def write_result(self, name: str, result: ArticleResult) -> None:
        write_atomic(self.result_path(name), _json_bytes(result), mkdir=False)
        self.failure_path(name).unlink(missing_ok=True)

    def write_failure(self, name: str, record: FailureRecord) -> None:
        write_atomic(self.failure_path(name), _json_bytes(record), mkdir=False)
        self.result_path(name).unlink(missing_ok=True)

    def write_manifest(self, manifest: RunManifest) -> None:
        write_atomic(self.manifest, _json_bytes(manifest), mkdir=False)

