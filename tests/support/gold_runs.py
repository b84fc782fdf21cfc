"""A "gold run": the dev fixtures' gold labels written as a run folder in a temp dir (texts copied there, never into the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stance.evals import Fixture, gold_as_result, load_fixtures
from stance.exchange import SourcedResult
from support.paths import DEV


def dev_fixtures() -> list[Fixture]:
    if not DEV.is_dir():
        pytest.skip(f"dev fixtures not found at {DEV}")
    return load_fixtures(DEV)


def write_gold_run(root: Path, fixtures: list[Fixture]) -> Path:
    """``root/gold-run`` with one result per fixture; the texts go to ``root/articles/`` (the results' paths)."""
    run = root / "gold-run"
    (run / "results").mkdir(parents=True)
    (root / "articles").mkdir(exist_ok=True)
    for f in fixtures:
        shutil.copyfile(DEV / f.gold.article, root / "articles" / f.gold.article)
        result = gold_as_result(f)
        result.article.path = f"articles/{f.gold.article}"
        (run / "results" / f"{f.name}.json").write_text(result.model_dump_json(), encoding="utf-8")
    return run


def sourced(fixtures: list[Fixture]) -> list[SourcedResult]:
    return [SourcedResult(gold_as_result(f), f.text, source=f.gold.source, topic=f.gold.topic) for f in fixtures]


def gold_pairs(gold_dir: Path) -> set[tuple[str, str, str, str, tuple[str, ...]]]:
    """(article, claim text, actor, stance, sorted evidence) of every gold stance in a fixture folder."""
    return {
        (f.gold.article, c.text, s.actor, s.stance, tuple(sorted(s.evidence)))
        for f in load_fixtures(gold_dir) for c in f.gold.claims for s in c.stances
    }


def validate(folder: Path) -> str:
    """shared/fixtures/validate.py's verdict on a folder ('' when it passes)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(DEV.parent / "validate.py"), str(folder)], capture_output=True, text=True)
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr
