"""One meaning per exit code, in both modes of ``stance extract`` (single file to stdout, and --out RUN).

| code | meaning |
|---|---|
| 0 | every article done |
| 1 | some articles failed (each recorded; RUN/failures/ with --out); the rest are done |
| 2 | usage or configuration error, nothing extracted: bad option, missing input, endpoint unreachable or rejecting the key |
| 130 | interrupted (run again to resume) |

README.md carries the same table; ``test_readme_has_the_table`` keeps them together.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
from support.articles import clean_model, write_articles
from support.fake_openai import FakeOpenAI, reply, status
from support.paths import REPO
from typer.testing import CliRunner

from stance.cli.app import app
from stance.runs.summary import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE


def _dead_url() -> str:
    """A local port with nothing listening (bound, then closed), credentials in the URL to check they are hidden."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://user:s3cret@127.0.0.1:{port}/v1"


def _extract(args: list[str], base_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, float]:
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["extract", *args, "--base-url", base_url, "--model", "fake-model"])
    return result.exit_code, result.output, time.perf_counter() - start


@pytest.mark.parametrize("mode", ["single", "out"])
def test_refused_connection_fails_fast_with_exit_2(mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_articles(tmp_path / "in", 3)
    url = _dead_url()
    args = [str(tmp_path / "in" / "a000.txt")] if mode == "single" else [str(tmp_path / "in"), "--out", str(tmp_path / "run")]
    code, output, seconds = _extract(args, url, tmp_path, monkeypatch)
    assert code == EXIT_USAGE, output
    # retrying took 18.6 s; failing at once takes ~1.5 s: the bound tells the two apart, with room for a loaded machine
    assert seconds < 8.0, f"took {seconds:.1f} s: retried instead of failing at once"
    flat = " ".join(output.split())
    assert re.sub(r"user:s3cret@", "", url) in flat and "s3cret" not in flat
    assert "is the server running" in flat and "Traceback" not in output
    if mode == "out":
        assert not list((tmp_path / "run" / "failures").glob("*.json"))
        assert not list((tmp_path / "run" / "results").glob("*.json"))


@pytest.mark.parametrize("mode", ["single", "out"])
def test_exit_codes_against_the_fake_server(mode: str, fake_openai: FakeOpenAI, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_articles(tmp_path / "in", 1)
    args = [str(tmp_path / "in" / "a000.txt")] if mode == "single" else [str(tmp_path / "in"), "--out", str(tmp_path / "r")]
    fake_openai.responder = clean_model
    assert _extract(args, fake_openai.base_url, tmp_path, monkeypatch)[0] == EXIT_OK
    # an answer that never validates: that article failed (recorded), exit 1
    fake_openai.responder = lambda body: reply("not json")
    code, output, _ = _extract([*args, "--force", "--no-cache"] if mode == "out" else [*args, "--no-cache"],
                               fake_openai.base_url, tmp_path, monkeypatch)
    assert code == EXIT_FAILED, output
    # the endpoint rejects the key: a configuration error in both modes, exit 2
    fake_openai.responder = lambda body: status(401, {"error": {"message": "bad key"}})
    code, output, _ = _extract([*args, "--force", "--no-cache"] if mode == "out" else [*args, "--no-cache"],
                               fake_openai.base_url, tmp_path, monkeypatch)
    assert code == EXIT_USAGE, output


def test_readme_has_the_table() -> None:
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    for code in (EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED):
        assert f"| {code} |" in readme
    assert "endpoint unreachable" in readme
