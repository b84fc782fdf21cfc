"""Small output helpers shared by CLI commands: atomic JSON writes and run summaries."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

from stance.results import ArticleResult


def write_json(path: Path, data: Any) -> None:
    """Write atomically (temp file + rename) so a killed run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def grounded_fraction(result: ArticleResult) -> float | None:
    evidence = result.evidence()
    if not evidence:
        return None
    return sum(e.alignment in ("exact", "normalized") for e in evidence) / len(evidence)


def print_summary(console: Console, result: ArticleResult) -> None:
    grounded = grounded_fraction(result)
    p = result.provenance
    console.print(
        f"[bold]{result.article.id}[/bold]: {len(result.actors)} actors, {len(result.claims)} claims, "
        f"{result.stance_count()} stances, grounded {'-' if grounded is None else f'{grounded:.0%}'}, "
        f"{p.seconds:.1f} s, {p.usage.prompt_tokens}+{p.usage.completion_tokens} tokens"
        + (" (cached)" if p.cached else "")
    )
