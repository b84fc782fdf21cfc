"""The API key never reaches a file or the console, across the whole toolchain.

With OPENAI_API_KEY set to a marker, and an endpoint that echoes the key back
in an error (as some proxies do), we run extract (batch, and a single file to
stdout), eval run, eval score, eval compare, export (every table in every
format whose library is installed) and report, then read every file written
(results, failures, manifests, event logs, the SQLite response cache with its
WAL, metrics, exports, reports, plots) and all console output. The marker
must appear nowhere — while the requests show the key was really used.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from support.articles import article_message, article_text, clean_model
from support.fake_openai import FakeOpenAI, status
from support.runs import cli_env, failures_of, results_of
from typer.testing import CliRunner

from stance.cli.app import app
from stance.corpus import TABLES

MARKER = "sk-proj-SECRET-MARKER-4d9e1b7c2a"
ECHOED = "bridge 1 "  # the article whose requests the endpoint answers with an error quoting the key


def write_fixtures(folder: Path, n: int) -> list[Path]:
    """n hand-labelled fixtures (FORMAT.md) over support.articles' articles."""
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        text = article_text(i)
        (folder / f"f{i}.txt").write_text(text, encoding="utf-8")
        gold = {
            "article": f"f{i}.txt", "source": "test", "topic": "a bridge",
            "actors": [{"name": "Maria Lopez", "type": "person", "role": "mayor", "aliases": ["Lopez"]},
                       {"name": "Tom Reed", "type": "person", "role": "council member", "aliases": []}],
            "claims": [
                {"id": "c1", "text": f"Bridge {i} must be repaired this year.", "stances": [
                    {"actor": "Maria Lopez", "stance": "support", "evidence": [f"the bridge {i} must be repaired this year"]},
                    {"actor": "Tom Reed", "stance": "oppose", "evidence": [f"the repair plan {i} is too expensive"]}]},
            ],
        }
        (folder / f"f{i}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
        paths.append(folder / f"f{i}.txt")
    return paths


def echoing(body: dict[str, Any]) -> Any:
    if ECHOED in article_message(body):
        return status(500, {"error": {"message": f"Incorrect API key provided: {MARKER}", "type": "server_error"}})
    return clean_model(body)


def readable(path: Path) -> bytes:
    """A file's content as bytes a grep can search: containers are opened (xlsx zips, parquet tables)."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return b"".join(z.read(name) for name in z.namelist())
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return json.dumps(pq.read_table(path).to_pylist(), default=str).encode()
    return path.read_bytes()


def export_formats() -> list[str]:
    """Formats that need no extra, plus those whose library is installed here."""
    extras = {"parquet": "pyarrow", "xlsx": "openpyxl"}
    return ["csv", "jsonl", "md"] + [f for f, module in extras.items() if importlib.util.find_spec(module)]


def test_the_key_never_appears_in_any_file_or_console_output(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    articles = write_fixtures(fixtures, 4)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "stance.toml").write_text("[stance]\nmax_retries = 1\nretry_initial_wait = 0.01\n")
    fake_openai.responder = echoing
    env = {**cli_env(tmp_path), "OPENAI_API_KEY": MARKER, "OPENAI_BASE_URL": fake_openai.base_url,
           "STANCE_MODEL": "fake-model", "COLUMNS": "200"}
    config = ["--config", str(tmp_path / "stance.toml")]
    console: list[str] = []
    out = tmp_path / "out"
    out.mkdir()

    # extract, as a user runs it: a batch into a run folder, and single files to stdout
    run = tmp_path / "run"
    batch = subprocess.run([sys.executable, "-m", "stance", "extract", *map(str, articles),
                            str(tmp_path / "empty.txt"), "--out", str(run), *config],
                           env=env, capture_output=True, text=True, timeout=60)
    console += [batch.stdout, batch.stderr]
    assert batch.returncode == 1, batch.stderr  # the echoing article and the empty file failed
    assert set(results_of(run)) == {"f0.txt", "f2.txt", "f3.txt"}
    assert "***" in failures_of(run)["f1.txt"].message  # the endpoint did echo the key; it was scrubbed

    runner = CliRunner()

    def cli(*args: str, code: int = 0) -> None:
        result = runner.invoke(app, list(args), env=env)
        console.append(result.output)  # stdout and stderr, as the user sees them
        assert result.exit_code == code, (args, result.output)

    cli("extract", str(articles[0]), *config)
    cli("extract", str(articles[1]), *config, code=1)  # the echoed error, printed for the user

    # evals: extract-and-score, score, compare, with every output they can write
    cli("eval", "run", "-f", str(fixtures), "--out", str(tmp_path / "eval-run"), *config, "--workers", "2",
        "--markdown", str(out / "run.md"), "--json", str(out / "run.json"), "--html", str(out / "run.html"))
    cli("eval", "score", str(run), "-f", str(fixtures), "--resamples", "50", "--markdown", str(out / "score.md"),
        "--json", str(out / "score.json"), "--html", str(out / "score.html"), "--plot", str(out / "score.svg"))
    cli("eval", "compare", str(run), str(tmp_path / "eval-run"), "-f", str(fixtures),
        "--markdown", str(out / "compare.md"), "--json", str(out / "compare.json"), "--html", str(out / "compare.html"),
        "--plot", str(out / "compare.svg"))

    # exports: every table in every format available; the network as GraphML too
    for table in TABLES:
        for fmt in export_formats():
            cli("export", str(run), "--table", table, "--format", fmt, "--out", str(out / f"{table}.{fmt}"))
    if importlib.util.find_spec("networkx"):
        cli("export", str(run), "--table", "network", "--format", "graphml")

    # reports
    cli("report", str(run), "--plot", str(out / "stances.svg"))
    cli("report", str(tmp_path / "eval-run"), "--out", str(out / "eval-run.html"))

    # the key was used on every request ...
    assert fake_openai.count() > 0
    assert all(r.headers.get("authorization") == f"Bearer {MARKER}" for r in fake_openai.requests)
    # ... and appears in nothing written or shown
    written = [p for p in tmp_path.rglob("*") if p.is_file() and fixtures not in p.parents
               and p.name not in ("empty.txt", "stance.toml")]
    names = {p.name for p in written}
    for expected in ("manifest.json", "events.jsonl", "responses.sqlite", "metrics.json", "report.html",
                     "f1.txt.json", "empty.txt.json", "actors.csv", "network.graphml", "stances.svg", "score.svg"):
        assert expected in names, expected
    assert {f"{t}.{f}" for t in TABLES for f in export_formats()} <= names
    for path in written:
        assert MARKER.encode() not in readable(path), path
    shown = "\n".join(console)
    assert "f1.txt" in shown and "***" in shown  # the failure was reported, scrubbed
    assert MARKER not in shown
