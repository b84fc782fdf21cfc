"""Where the repository and the shared dev fixtures are, for tests at any depth under ``tests/``."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEV = REPO.parent / "shared" / "fixtures" / "dev"  # the hand-labelled dev fixtures, beside the checkout
