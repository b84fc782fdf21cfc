"""The response cache: a damaged file is moved aside with one warning, and the run goes on with a fresh cache."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.articles import clean_model, write_articles
from support.fake_openai import FakeOpenAI
from typer.testing import CliRunner

from stance.cli.app import app
from stance.model.cache import ResponseCache


def test_garbage_cache_is_moved_aside_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "responses.sqlite"
    path.write_bytes(b"this is not a database, as a disk-full write can leave it " * 100)
    with caplog.at_level(logging.WARNING, logger="stance.model.cache"):
        cache = ResponseCache(path)
        cache.put("k", {"a": 1})
        assert cache.get("k") == {"a": 1}
        cache.close()
        ResponseCache(path).close()  # the fresh file opens quietly
    (aside,) = tmp_path.glob("responses.sqlite.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not a database")
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and aside.name in warnings[0] and str(path) in warnings[0]


def test_a_run_completes_with_a_garbage_cache(fake_openai: FakeOpenAI, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "responses.sqlite").write_bytes(b"\\x00garbage" * 500)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(cache_dir))
    fake_openai.responder = clean_model
    write_articles(tmp_path / "in", 2)
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "in"), "--out", str(tmp_path / "run"), "-q",
                                      "--base-url", fake_openai.base_url, "--model", "fake-model"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "run" / "results").glob("*.json"))) == 2
    assert len(list(cache_dir.glob("responses.sqlite.corrupt-*"))) == 1
    assert len(ResponseCache(cache_dir / "responses.sqlite")) >= 2


def test_an_answer_put_survives_kill_9(tmp_path: Path) -> None:
    """synchronous=NORMAL drops the fsync per answer, not the answer: a killed process's commits are in the file."""
    path = tmp_path / "responses.sqlite"
    code = ("import os, sys; from stance.model.cache import ResponseCache; c = ResponseCache(__import__('pathlib')"
            f".Path({str(path)!r})); c.put('k', {{'raw': 'answer'}}); os.kill(os.getpid(), 9)")
    killed = subprocess.run([sys.executable, "-c", code], check=False)
    assert killed.returncode == -signal.SIGKILL
    cache = ResponseCache(path)
    assert cache.get("k") == {"raw": "answer"}
    assert cache._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    cache.close()
