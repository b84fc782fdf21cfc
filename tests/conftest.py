"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_openai import FakeOpenAI  # tests/ is on sys.path (rootdir conftest, no __init__.py)

# --- fake OpenAI-compatible server (tests/fake_openai.py) -------------------


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
