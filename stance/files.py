"""The one atomic writer: every file stance writes goes through here.

A reader (another process, a rerun after ``kill -9``) must see the old file
or the new one, never half of one. So each write goes to a temp file beside
the target (same folder, so same file system) and is renamed over it. The
temp file is named ``.NAME.<pid>-<thread>.tmp``: unique per writer, hidden,
and matched by ``.NAME.*`` so a run folder can sweep what a kill left behind.
On any failure, the exception included, the temp file is removed.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def temp_path(path: Path) -> Path:
    """The temp file a write of ``path`` goes through (unique per process and thread)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")


@contextmanager
def atomic_path(path: str | Path, *, mkdir: bool = True) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``path``, on failure it is removed.

    For writers that want a file name (pyarrow, openpyxl, networkx, csv).
    """
    target = Path(path)
    if mkdir:
        target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:  # after a rename there is nothing to remove: one system call less per file
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes | str, *, mkdir: bool = True) -> Path:
    """Write ``data`` (text is UTF-8) so that ``path`` is either the old file or the new one."""
    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target, mkdir=mkdir) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    return target


def write_json(path: str | Path, data: Any) -> Path:
    """``data`` as indented UTF-8 JSON with a final newline, written atomically."""
    return write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
