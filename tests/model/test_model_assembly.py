"""The embedded model assembled from wheel parts: the kernel copy and the hashing thread give the same file,
a wrong checksum leaves nothing behind, and without copy_file_range the buffered copy still does (issue 20)."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from stance.model import embedded
from stance.model.embedded import EmbeddedModelError, PackagedModel, assemble_model


def _parts(root: Path, prefix: str, chunks: list[list[bytes]]) -> None:
    for i, files in enumerate(chunks, start=1):
        data = root / f"{prefix}{i}" / "data"
        data.mkdir(parents=True)
        (data.parent / "__init__.py").write_text("")
        for j, blob in enumerate(files):
            (data / f"part{j:02d}.bin").write_bytes(blob)


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[PackagedModel, bytes]:
    prefix = f"stance_test_part_{os.getpid()}_"
    chunks = [[os.urandom(70_000), os.urandom(5)], [b""], [os.urandom(1 << 20)]]
    _parts(tmp_path / "site", prefix, chunks)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    whole = b"".join(b for files in chunks for b in files)
    model = PackagedModel(key="tiny", label="tiny", package_prefix=prefix, parts=3,
                          sha256=hashlib.sha256(whole).hexdigest(), size=len(whole))
    yield model, whole
    for name in [m for m in sys.modules if m.startswith(prefix)]:
        del sys.modules[name]


def test_the_assembled_file_is_the_parts_in_order(tmp_path: Path, packaged):
    model, whole = packaged
    target = assemble_model(model, tmp_path / "cache")
    assert target.read_bytes() == whole
    assert [p.name for p in target.parent.iterdir()] == ["tiny.gguf"]  # no temp file left


def test_without_copy_file_range_the_buffered_copy_gives_the_same_file(tmp_path: Path, packaged, monkeypatch):
    model, whole = packaged

    def unsupported(*args: object) -> int:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(embedded.os, "copy_file_range", unsupported)
    assert assemble_model(model, tmp_path / "cache").read_bytes() == whole


def test_a_wrong_checksum_fails_and_leaves_nothing(tmp_path: Path, packaged):
    model, _ = packaged
    bad = PackagedModel(key=model.key, label=model.label, package_prefix=model.package_prefix, parts=model.parts,
                        sha256="0" * 64, size=model.size)
    with pytest.raises(EmbeddedModelError, match="SHA-256"):
        assemble_model(bad, tmp_path / "cache")
    assert list((tmp_path / "cache" / "models").iterdir()) == []
