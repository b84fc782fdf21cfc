"""``stance doctor`` (what a bug report needs) and ``stance docs`` (the documentation that ships in the package).

Both work from an installed wheel, offline: the docs pages are package data
(``docs/`` is mapped to ``stance/docs`` in pyproject, like ``prompts/``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import os
import platform
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from stance.cli.options import BaseUrlOpt, ConfigOpt, ModelOpt, settings_from

BROWSER_PATHS = (Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver"))  # what tests/report/test_report_browser.py drives


def docs_dir() -> Path:
    """The packaged docs (a wheel's ``stance/docs``), else ``docs/`` beside the package in a source checkout."""
    packaged = Path(str(importlib.resources.files("stance") / "docs"))
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "docs"


def docs_command(
    topic: Annotated[Optional[str], typer.Argument(metavar="TOPIC", help="A page, e.g. export or evals (none: list them).")] = None,
) -> None:
    """Print a documentation page (Markdown), also where only the package is installed."""
    pages = {p.stem: p for p in sorted(docs_dir().glob("*.md"))}
    if topic is None:
        for name, path in pages.items():
            first = next((line.lstrip("# ").strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()), "")
            typer.echo(f"{name:<14} {first}")
        return
    page = pages.get(topic.removesuffix(".md"))
    if page is None:
        typer.echo(f"error: no page {topic!r}; pages: {', '.join(pages)}", err=True)
        raise typer.Exit(2)
    typer.echo(page.read_text(encoding="utf-8"), nl=False)


def _extras() -> dict[str, str]:
    """Each extra of the stance distribution: installed, or which of its packages are missing."""
    try:
        requires = importlib.metadata.requires("stance") or []
    except importlib.metadata.PackageNotFoundError:
        return {}
    needs: dict[str, list[str]] = {}
    for req in requires:
        m = re.search(r"""extra\s*==\s*["']([^"']+)["']""", req)
        if m:
            needs.setdefault(m.group(1), []).append(re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0])
    out = {}
    for extra, names in needs.items():
        missing = []
        for name in names:
            try:
                importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                missing.append(name)
        out[extra] = "installed" if not missing else f"missing {', '.join(missing[:3])}" + (" ..." if len(missing) > 3 else "")
    return out


def _model_state(cache_dir: Path, model: str | None, verify: bool) -> str:
    """The embedded model file in the cache and what is known of its checksum."""
    from stance.model.embedded import DEFAULT_MODEL, PACKAGED_MODELS

    key = model or DEFAULT_MODEL
    if key not in PACKAGED_MODELS:
        path = Path(key).expanduser()
        return f"{path} ({'found' if path.is_file() else 'NOT FOUND'}; your own file, no checksum known)"
    packaged = PACKAGED_MODELS[key]
    target = cache_dir / "models" / f"{key}.gguf"
    if not target.is_file():
        return f"{target}: not assembled yet (the first run builds it from the installed wheel parts)"
    size = target.stat().st_size
    if size != packaged.size:
        return f"{target}: {size} bytes, expected {packaged.size}: damaged, delete it to rebuild"
    if not verify:
        return f"{target}: size right; SHA-256 checked when it was assembled (--verify checks it again)"
    digest = hashlib.sha256()
    with target.open("rb") as fh:
        while chunk := fh.read(16 << 20):
            digest.update(chunk)
    ok = digest.hexdigest() == packaged.sha256
    return f"{target}: SHA-256 {'matches' if ok else 'DOES NOT MATCH (delete it to rebuild)'}"


def doctor_command(
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    config: ConfigOpt = None,
    verify: Annotated[bool, typer.Option("--verify", help="Also recompute the embedded model's SHA-256 (a few seconds).")] = False,
) -> None:
    """Print what a bug report needs: versions, paths in use, model, endpoint (no secrets), extras, browser."""
    from stance._version import __version__

    settings = settings_from(config, model=model, base_url=base_url)
    config_file = config or (Path("stance.toml") if Path("stance.toml").is_file() else None)
    env_cache = "STANCE_CACHE_DIR" if os.environ.get("STANCE_CACHE_DIR") else (
        "XDG_CACHE_HOME" if os.environ.get("XDG_CACHE_HOME") else "default ~/.cache/stance")
    rows = [
        ("stance", f"{__version__} ({Path(__file__).resolve().parents[1]})"),
        ("python", f"{platform.python_version()} ({sys.executable}) on {platform.platform()}"),
        ("cache folder", f"{settings.cache_dir} (from {env_cache})"),
        ("response cache", f"{settings.cache_dir / 'responses.sqlite'}" + ("" if settings.use_cache else " (off)")),
        ("config file", str(config_file.resolve()) if config_file else "none (./stance.toml not found)"),
        ("endpoint", settings.public_endpoint),
        ("model", settings.model or "default (the embedded qwen2.5-coder-1.5b)"),
        ("prompt", settings.prompt_name),
    ]
    if settings.is_embedded:
        rows.append(("embedded model", _model_state(settings.cache_dir, settings.model, verify)))
    rows.append(("api key", "set" if settings.api_key else "not set"))
    rows += [(f"extra [{name}]", state) for name, state in _extras().items()]
    found = [str(p) for p in BROWSER_PATHS if p.is_file()]
    rows.append(("report browser", "found: " + ", ".join(found) if len(found) == len(BROWSER_PATHS)
                 else "not found (the browser test skips): apt-get install chromium chromium-driver"))
    rows.append(("docs", str(docs_dir())))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        typer.echo(f"{key:<{width}}  {value}")
