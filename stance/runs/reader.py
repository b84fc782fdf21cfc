"""The one run reader: a run folder's results, failures and manifest, as typed objects.

Evals, exports and reports all read run folders. They differ only in what a
bad file means to them (evals refuse to score a run with one, a report lists
it, an export skips it), so the reader never raises for a bad file: it lists
it in ``invalid`` and each caller decides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stance.results import ArticleInfo, ArticleResult, FailureRecord


class RunFolderError(Exception):
    """The path is not a run folder at all (missing, or no ``results/`` nor ``failures/``)."""


@dataclass
class RunContents:
    """What a run folder holds; ``invalid`` lists each file that could not be read, and why."""

    path: Path
    results: list[ArticleResult] = field(default_factory=list)
    failures: list[FailureRecord] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    invalid: list[tuple[str, str]] = field(default_factory=list)


def short_error(exc: Exception) -> str:
    """One line (at most 300 characters) saying why a file could not be read."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    if isinstance(exc, OSError):
        return f"unreadable: {(exc.strerror or str(exc)).lower()}"
    text = str(exc).strip().splitlines()
    return " ".join(text[:3])[:300] if text else type(exc).__name__


def read_run(run_dir: str | Path) -> RunContents:
    """Read ``results/*.json`` (sorted by article id), ``failures/*.json`` and ``manifest.json``.

    Raises ``RunFolderError`` only when ``run_dir`` is not a run folder.
    """
    run = Path(run_dir)
    if not run.is_dir():
        raise RunFolderError(f"run folder not found: {run}")
    results_dir, failures_dir = run / "results", run / "failures"
    if not results_dir.is_dir() and not failures_dir.is_dir():
        raise RunFolderError(f"{run} is not a run folder: it has no results/ or failures/ (run `stance extract` first)")
    contents = RunContents(path=run)
    for path in sorted(results_dir.glob("*.json")) if results_dir.is_dir() else []:
        try:
            contents.results.append(ArticleResult.model_validate_json(path.read_bytes()))
        except (ValidationError, ValueError, OSError) as exc:
            contents.invalid.append((f"results/{path.name}", short_error(exc)))
    contents.results.sort(key=lambda r: r.article.id)
    for path in sorted(failures_dir.glob("*.json")) if failures_dir.is_dir() else []:
        try:
            contents.failures.append(FailureRecord.model_validate_json(path.read_bytes()))
        except (ValidationError, ValueError, OSError) as exc:
            contents.invalid.append((f"failures/{path.name}", short_error(exc)))
    manifest_file = run / "manifest.json"
    if manifest_file.is_file():
        try:
            loaded = json.loads(manifest_file.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            contents.invalid.append(("manifest.json", short_error(exc)))
        else:
            contents.manifest = loaded if isinstance(loaded, dict) else None
    return contents


def resolve_article_path(article: ArticleInfo, run_dir: str | Path) -> Path | None:
    """Where a result's article text lives: ``article.path`` as given (absolute, or from the current
    folder), else relative to the run folder's parent; None when neither exists.

    The report and the exchange formats both read the text again to show or export evidence.
    """
    given = Path(article.path)
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, Path(run_dir).resolve().parent / given]
    return next((p for p in candidates if p.is_file()), None)
