"""Shared pytest fixtures.

How tests import their helpers: ``pythonpath = ["tests"]`` in pyproject's
``[tool.pytest.ini_options]`` puts this folder on ``sys.path``, so shared
helpers are imported as ``from support.<module> import ...`` (``tests/support/``
is a package). The test folders mirror the package rooms and have no
``__init__.py``: pytest imports each test file by its basename, so basenames
stay unique across folders. A test file never imports another test file;
what two of them share goes in ``support/`` (plain helpers) or here (fixtures).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.eval_runs import scored_runs, write_fixtures
from support.fake_openai import FakeOpenAI

# --- fake OpenAI-compatible server (tests/support/fake_openai.py) -----------


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started FakeOpenAI, closed after the test.

    Fails the test at teardown if the fake itself went wrong (e.g. a
    responder raised), so such a bug is never hidden behind client retries.
    """
    fake = FakeOpenAI()
    try:
        yield fake
    finally:
        fake.close()
    assert not fake.errors, f"fake OpenAI server errors: {fake.errors}"


# --- hand-built eval runs (tests/support/eval_runs.py): evals/ and cli/ tests --


@pytest.fixture
def fixtures_dir(tmp_path: Path) -> Path:
    """Three tiny fixtures, each with two gold pairs."""
    return write_fixtures(tmp_path / "fx")


@pytest.fixture
def runs(tmp_path: Path, fixtures_dir: Path) -> tuple[Path, Path]:
    """Runs A and B, scored against ``fixtures_dir``."""
    return scored_runs(tmp_path, fixtures_dir)
