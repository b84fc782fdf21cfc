"""Batch runs over article folders (stance.runs.batch, `stance extract --out`), offline against the fake server.

The fake server answers deterministically from the numbered sentences it is
sent, so a result depends only on the article: that is what lets these tests
compare runs with different worker counts, and runs killed and resumed.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from support import fake_openai
from support.articles import answer_for, article_text, write_articles
from support.fake_openai import FakeOpenAI, delay, reply, reply_json, status
from support.paths import REPO
from support.runs import (
    MARKER,
    assert_counts_add_up,
    cli_command,
    cli_env,
    comparable,
    events_of,
    failures_of,
    make_settings,
    manifest_of,
    results_of,
    uncached,
)
from typer.testing import CliRunner

from stance.cli.app import app
from stance.config import Settings, load_settings
from stance.files import temp_path
from stance.model.client import connect
from stance.results import ArticleResult
from stance.runs.batch import BatchError, run_batch
from stance.runs.folder import RunFolder
from stance.runs.inputs import LoadOptions
from stance.runs.prices import ModelPrice, load_prices

# ---------------------------------------------------------------------------
# Helpers: a deterministic responder (support.articles), a fake server that takes 16 clients
# ---------------------------------------------------------------------------


def responder(body: dict[str, Any]) -> Any:
    return reply_json(answer_for(body), usage=(100, 20))


def last_user(body: dict[str, Any]) -> str:
    return [m["content"] for m in body["messages"] if m["role"] == "user"][-1]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    # socketserver's default listen backlog (5) drops connections under 16 concurrent
    # clients, which then wait ~1 s for a SYN retransmit; see the report on fake_openai.
    monkeypatch.setattr(fake_openai._Server, "request_queue_size", 128)
    server = FakeOpenAI(responder=responder)
    try:
        yield server
    finally:
        server.close()
    assert not server.errors, server.errors



# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------


def test_200_articles_with_16_workers(fake: FakeOpenAI, tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", 200)
    summary = run_batch([tmp_path / "in"], tmp_path / "run", make_settings(fake, tmp_path), workers=16, quiet=True)

    assert summary.exit_code == 0
    results = results_of(tmp_path / "run")
    assert sorted(results) == ids
    for result in results.values():
        assert result.stance_count() == 3  # Lopez, Reed, and Lopez again (quoted)
        assert all(e.alignment == "exact" for e in result.evidence())
    m = assert_counts_add_up(tmp_path / "run")
    assert (m.status, m.counts.total, m.counts.done, m.counts.failed) == ("finished", 200, 200, 0)
    assert m.requests == fake.count() == 200
    assert (m.usage.prompt_tokens, m.usage.completion_tokens) == (200 * 100, 200 * 20)
    assert (m.model, m.endpoint, m.prompt.name, m.workers) == ("fake-model", fake.base_url, "extract", 16)
    done = [e["article_id"] for e in events_of(tmp_path / "run") if e["event"] == "article_done"]
    assert sorted(done) == ids
    assert not list((tmp_path / "run" / "failures").iterdir())


def test_rerun_skips_done_and_cached_run_makes_no_requests(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 30)
    settings = make_settings(fake, tmp_path)
    run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=4, quiet=True)
    first = {k: uncached(v) for k, v in results_of(tmp_path / "run").items()}
    assert fake.count() == 30

    again = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=4, quiet=True)
    assert fake.count() == 30  # nothing redone
    assert (again.counts.skipped, again.counts.done, again.manifest.requests) == (30, 0, 0)

    cached = run_batch([tmp_path / "in"], tmp_path / "run2", settings, workers=4, quiet=True)
    assert fake.count() == 30  # a new run folder, answered from the shared response cache
    assert (cached.counts.done, cached.counts.cached, cached.manifest.cache_hits) == (30, 30, 30)
    assert cached.manifest.usage.prompt_tokens == 0 and cached.manifest.cached_usage.prompt_tokens == 30 * 100
    assert {k: uncached(v) for k, v in results_of(tmp_path / "run2").items()} == first

    forced = run_batch([tmp_path / "in"], tmp_path / "run2", settings.model_copy(update={"use_cache": False}),
                       workers=4, force=True, quiet=True)
    assert fake.count() == 60 and forced.counts.done == 30 and forced.counts.cached == 0
    assert_counts_add_up(tmp_path / "run2")


def test_results_do_not_depend_on_workers(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 24, long_every=5)
    settings = make_settings(fake, tmp_path, use_cache=False, window_candidates=2)
    run_batch([tmp_path / "in"], tmp_path / "w1", settings, workers=1, quiet=True)
    run_batch([tmp_path / "in"], tmp_path / "w8", settings, workers=8, quiet=True)
    one, eight = results_of(tmp_path / "w1"), results_of(tmp_path / "w8")
    assert len(one) == 24
    assert max(r.provenance.params["windows"] for r in one.values()) > 1  # some articles took several requests
    assert {k: comparable(v) for k, v in one.items()} == {k: comparable(v) for k, v in eight.items()}
    m1, m8 = manifest_of(tmp_path / "w1"), manifest_of(tmp_path / "w8")
    assert m1.counts == m8.counts and m1.usage == m8.usage


def test_changed_article_is_redone_and_unchanged_skipped(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 5)
    settings = make_settings(fake, tmp_path)
    run_batch([tmp_path / "in"], tmp_path / "run", settings, quiet=True)
    (tmp_path / "in" / "a002.txt").write_text(article_text(99), encoding="utf-8")
    summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, quiet=True)
    assert (summary.counts.done, summary.counts.skipped) == (1, 4)
    assert "bridge 99" in results_of(tmp_path / "run")["a002.txt"].claims[0].stances[0].evidence[0].quote


def test_new_prompt_or_model_redoes_the_articles(fake: FakeOpenAI, tmp_path: Path) -> None:
    import shutil

    write_articles(tmp_path / "in", 4)
    settings = make_settings(fake, tmp_path)
    run_batch([tmp_path / "in"], tmp_path / "run", settings, quiet=True)
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts" / "extract", prompts / "extract")
    with (prompts / "extract" / "system.j2").open("a", encoding="utf-8") as fh:
        fh.write("\n- Be brief.\n")
    changed = run_batch([tmp_path / "in"], tmp_path / "run", settings.model_copy(update={"prompts_dir": prompts}),
                        quiet=True)
    assert (changed.counts.done, changed.counts.skipped) == (4, 0)
    other = run_batch([tmp_path / "in"], tmp_path / "run", settings.model_copy(update={"model": "other-model"}),
                      quiet=True)
    assert (other.counts.done, other.counts.skipped) == (4, 0)
    assert {r.provenance.model for r in results_of(tmp_path / "run").values()} == {"other-model"}
    assert fake.count() == 12


def test_bad_inputs_each_get_a_failure_record_while_the_rest_succeed(fake: FakeOpenAI, tmp_path: Path) -> None:
    src = tmp_path / "in"
    write_articles(src, 3)
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.md").write_text(" \n\t\n", encoding="utf-8")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (src / "mixed.txt").write_bytes("Caf\u00e9 cr\u00e8me said the mayor. ".encode() + "na\u00efve fa\u00e7ade".encode("cp1252"))
    (src / "big.txt").write_text("Word " * 2000, encoding="utf-8")
    (src / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    records = [{"id": "r1", "text": article_text(50)}, {"id": "r2", "body": "no text field"}]
    (src / "feed.jsonl").write_text(json.dumps(records[0]) + "\n{broken\n" + json.dumps(records[1]) + "\n",
                                    encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "a000.txt").write_text(article_text(7), encoding="utf-8")  # same relative path as in/a000.txt
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    os.mkfifo(tmp_path / "pipe.txt")

    inputs = [src, other, tmp_path / "notes.pdf", tmp_path / "pipe.txt"]
    summary = run_batch(inputs, tmp_path / "run", make_settings(fake, tmp_path), workers=4, quiet=True,
                        load_options=LoadOptions(max_bytes=5000))

    failures = failures_of(tmp_path / "run")
    kinds = {r.kind for r in failures.values()}
    expected = {"empty", "whitespace", "binary", "encoding", "too_large", "no_text", "bad_json", "missing_field",
                "duplicate_id", "unsupported", "unreadable"}
    assert kinds == expected
    for record in failures.values():
        assert record.stage == "load" and record.message and "\n" not in record.message
    assert failures["feed.jsonl#line-2"].kind == "bad_json"
    assert failures["feed.jsonl#r2"].kind == "missing_field"
    assert set(results_of(tmp_path / "run")) == {"a000.txt", "a001.txt", "a002.txt", "feed.jsonl#r1"}
    assert summary.exit_code == 1
    m = assert_counts_add_up(tmp_path / "run")
    assert (m.counts.done, m.counts.failed) == (4, len(expected) + 0)
    assert m.failures_by_kind == {k: 1 for k in sorted(expected)}


def test_model_failures_retry_failed_and_force(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 6)
    broken = {"bridge 1 ": "invalid", "bridge 2 ": "unavailable"}

    def flaky(body: dict[str, Any]) -> Any:
        text = " ".join(m["content"] for m in body["messages"])  # re-asks too
        if broken.get("bridge 1 ") and "bridge 1 " in text:
            return reply('{"statements": [{"s": 1, "who": "X", "claim": "maybe", "stance": "maybe"}]}')
        if broken.get("bridge 2 ") and "bridge 2 " in text:
            return status(503)
        return responder(body)

    fake.responder = flaky
    settings = make_settings(fake, tmp_path)
    first = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=3, quiet=True)
    failures = failures_of(tmp_path / "run")
    assert first.exit_code == 1 and set(failures) == {"a001.txt", "a002.txt"}
    invalid, unavailable = failures["a001.txt"], failures["a002.txt"]
    assert invalid.kind == "invalid_output" and invalid.attempts == 3 and "maybe" in (invalid.raw_output or "")
    assert unavailable.kind == "http_error" and unavailable.attempts == 2
    assert first.manifest.retries == 1  # the 503 was retried once (max_retries=1), then recorded
    requests = fake.count()

    # A plain rerun keeps the invalid answer's failure (it cost tokens) but retries endpoint trouble.
    broken.clear()
    second = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=3, quiet=True)
    assert (second.counts.skipped, second.counts.done, second.counts.kept_failed) == (4, 1, 1)
    assert fake.count() == requests + 1 and second.exit_code == 1
    assert set(failures_of(tmp_path / "run")) == {"a001.txt"}
    assert_counts_add_up(tmp_path / "run")

    third = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=3, retry_failed=True, quiet=True)
    assert (third.counts.skipped, third.counts.done, third.exit_code) == (5, 1, 0)
    assert fake.count() == requests + 2
    assert not failures_of(tmp_path / "run") and len(results_of(tmp_path / "run")) == 6

    forced = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=3, force=True, quiet=True)
    assert (forced.counts.done, forced.counts.cached, forced.counts.skipped) == (6, 6, 0)
    assert fake.count() == requests + 2  # all redone, all from the response cache


def test_wrong_key_aborts_the_run_without_failure_records(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 10)
    fake.responder = lambda body: status(401)
    summary = run_batch([tmp_path / "in"], tmp_path / "run", make_settings(fake, tmp_path), workers=2, quiet=True)
    assert summary.exit_code == 2
    m = assert_counts_add_up(tmp_path / "run")
    assert m.status == "aborted" and m.error and "401" in m.error
    assert m.counts.done == m.counts.failed == 0 and m.counts.pending == m.counts.total >= 1
    assert not list((tmp_path / "run" / "failures").iterdir())
    assert fake.count() <= 4  # stopped after the first answers instead of trying all ten


def test_unreachable_endpoint_aborts(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 10)
    settings = Settings(base_url="http://127.0.0.1:9/v1", model="m", cache_dir=tmp_path / "cache", max_retries=0)
    summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=2, quiet=True)
    assert summary.exit_code == 2 and summary.manifest.status == "aborted"
    assert "could not reach the endpoint" in (summary.manifest.error or "")
    assert not list((tmp_path / "run" / "failures").iterdir())


def test_api_key_is_never_written(fake: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_articles(tmp_path / "in", 4)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    monkeypatch.setenv("OPENAI_API_KEY", MARKER)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    # an endpoint that echoes the key back in an error, as some proxies do
    fake.responder = lambda body: (status(500, {"error": {"message": f"bad key {MARKER}"}})
                                   if "bridge 3 " in last_user(body) else responder(body))
    settings = load_settings(None, base_url=fake.base_url, model="fake-model", max_retries=0)
    assert settings.api_key is not None and settings.api_key.get_secret_value() == MARKER
    console = Console(file=io.StringIO(), width=200)
    summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, console=console,
                        prices={"*": load_prices_dict()})
    assert summary.counts.done == 3 and summary.counts.failed == 2
    assert all(r.headers.get("authorization") == f"Bearer {MARKER}" for r in fake.requests)  # it was used
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent != tmp_path / "in"]
    assert any(p.name == "responses.sqlite" for p in written) and len(written) >= 8
    for path in written:
        assert MARKER.encode() not in path.read_bytes(), path
    assert MARKER not in console.file.getvalue()  # type: ignore[attr-defined]
    assert "bad key ***" in failures_of(tmp_path / "run")["a003.txt"].message


def load_prices_dict() -> Any:

    return ModelPrice(prompt_per_1k=0.5, completion_per_1k=1.5)


def test_prices_give_a_cost_estimate(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 10)
    (tmp_path / "prices.toml").write_text('[prices."fake-model"]\nprompt_per_1k = 0.5\ncompletion_per_1k = 2.0\n')
    (tmp_path / "prices.json").write_text(json.dumps({"fake-model": {"prompt_per_1k": 0.5, "completion_per_1k": 2}}))
    settings = make_settings(fake, tmp_path)
    summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, quiet=True, prices=tmp_path / "prices.toml")
    cost = manifest_of(tmp_path / "run").cost
    assert cost is not None and summary.manifest.cost == cost
    assert cost.total == pytest.approx(10 * 100 / 1000 * 0.5 + 10 * 20 / 1000 * 2.0)
    again = run_batch([tmp_path / "in"], tmp_path / "run2", settings, quiet=True, prices=tmp_path / "prices.json")
    assert again.manifest.cost is not None
    assert again.manifest.cost.total == 0 and again.manifest.cost.saved_by_cache == pytest.approx(cost.total)

    assert load_prices(tmp_path / "prices.json")["fake-model"].completion_per_1k == 2.0
    (tmp_path / "bad.json").write_text(json.dumps({"fake-model": {"prompt_per_1k": -1, "completion_per_1k": 1}}))
    with pytest.raises(BatchError, match="fake-model"):
        load_prices(tmp_path / "bad.json")
    (tmp_path / "broken.toml").write_text("[prices\n")
    with pytest.raises(BatchError, match="does not parse"):
        load_prices(tmp_path / "broken.toml")


def test_run_with_an_open_client_and_progress_output(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 8)
    settings = make_settings(fake, tmp_path, use_cache=False)
    console = Console(file=io.StringIO(), width=160)
    with connect(settings) as llm:
        a = run_batch([tmp_path / "in"], tmp_path / "a", settings, llm=llm, workers=2, console=console)
        b = run_batch([tmp_path / "in"], tmp_path / "b", settings, llm=llm, workers=2, quiet=True)
        assert llm.stats.requests == 16
    assert a.manifest.requests == b.manifest.requests == 8
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "stance extract" in out and "articles" in out and "8 (0 retries, 0 cache hits)" in out


def test_leftover_temp_files_are_removed_and_the_folder_is_locked(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 3)
    leftover = temp_path(tmp_path / "run" / "results" / "a000.txt.json")  # what a killed write_atomic leaves
    other = tmp_path / "run" / ".manifest.json.99999-12345.tmp"  # another (killed) process's
    leftover.parent.mkdir(parents=True)
    leftover.write_text('{"half": ')
    other.write_text('{"half": ')
    settings = make_settings(fake, tmp_path)
    run_batch([tmp_path / "in"], tmp_path / "run", settings, quiet=True)
    assert not leftover.exists() and not other.exists() and len(results_of(tmp_path / "run")) == 3

    holder = RunFolder(tmp_path / "run")
    holder.open()
    try:
        with pytest.raises(BatchError, match="another stance run"):
            run_batch([tmp_path / "in"], tmp_path / "run", settings, quiet=True)
    finally:
        holder.close()
    # a corrupt result (e.g. after a power cut) is redone, not trusted
    (tmp_path / "run" / "results" / "a001.txt.json").write_text('{"article": ')
    summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, quiet=True)
    assert (summary.counts.done, summary.counts.skipped) == (1, 2)
    assert len(results_of(tmp_path / "run")) == 3


def test_usage_errors(tmp_path: Path) -> None:
    settings = Settings(base_url="http://127.0.0.1:9/v1", model="m", cache_dir=tmp_path / "cache")
    with pytest.raises(BatchError, match="not found"):
        run_batch([tmp_path / "nope"], tmp_path / "run", settings)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BatchError, match="no article files"):
        run_batch([tmp_path / "empty"], tmp_path / "run", settings)
    write_articles(tmp_path / "in", 1)
    with pytest.raises(BatchError, match="needs a model name"):
        run_batch([tmp_path / "in"], tmp_path / "run", settings.model_copy(update={"model": None}))
    with pytest.raises(BatchError, match="prompt"):
        run_batch([tmp_path / "in"], tmp_path / "run", settings.model_copy(update={"prompt": "no-such-prompt"}))


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    common = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
    cases = [
        [str(tmp_path / "in"), *common],  # a folder needs --out
        [str(tmp_path / "missing.txt"), "--out", str(tmp_path / "run"), *common],
        [str(tmp_path / "in"), "--out", str(tmp_path / "run"), "--prices", str(tmp_path / "none.toml"), *common],
        [str(tmp_path / "in"), "--out", str(tmp_path / "run"), "--workers", "0", *common],
    ]
    for args in cases:
        result = CliRunner().invoke(app, ["extract", *args])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and "error" in result.output.lower()


def test_cli_single_file_to_stdout_and_folder_with_failures(fake: FakeOpenAI, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write_articles(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    common = ["--base-url", fake.base_url, "--model", "fake-model"]
    one = CliRunner().invoke(app, ["extract", str(tmp_path / "in" / "a001.txt"), *common])
    assert one.exit_code == 0, one.output
    data = json.loads(one.stdout)
    assert ArticleResult.model_validate(data).article.id == "a001.txt"

    run = CliRunner().invoke(app, ["extract", str(tmp_path / "in"), "--out", str(tmp_path / "run"), "-q", *common])
    assert run.exit_code == 1, run.output  # one article failed
    assert len(results_of(tmp_path / "run")) == 3 and set(failures_of(tmp_path / "run")) == {"empty.txt"}


def wait_for_results(run: Path, at_least: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        folder = run / "results"
        if folder.is_dir() and len(list(folder.glob("*.json"))) >= at_least:
            return
        assert proc.poll() is None, "the run ended before it could be stopped"
        time.sleep(0.02)
    raise AssertionError("the run made no progress")


def test_killed_run_resumes_with_exactly_one_result_per_article(fake: FakeOpenAI, tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", 80)
    fake.responder = lambda body: delay(0.05, responder(body))
    proc = subprocess.Popen(cli_command(tmp_path / "in", tmp_path / "run", fake, 4), env=cli_env(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_results(tmp_path / "run", 10, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    before = len(results_of(tmp_path / "run"))
    assert 10 <= before < 80
    requests_before = fake.count()

    fake.responder = responder
    summary = run_batch([tmp_path / "in"], tmp_path / "run", make_settings(fake, tmp_path), workers=8, quiet=True)
    assert summary.exit_code == 0
    assert sorted(results_of(tmp_path / "run")) == ids  # each parses, ids unique, none missing
    assert summary.counts.skipped == before and summary.counts.done == 80 - before
    # answers received before the kill come from the cache: at most the in-flight ones are asked again
    assert fake.count() - requests_before <= 80 - before
    assert fake.count() <= 80 + 4
    assert not list((tmp_path / "run").rglob(".*.json.*")) and not failures_of(tmp_path / "run")
    assert manifest_of(tmp_path / "run").status == "finished"
    events = events_of(tmp_path / "run")  # every line parses, the killed run's included
    assert [e["event"] for e in events].count("run_started") == 2
    run_batch([tmp_path / "in"], tmp_path / "clean", make_settings(fake, tmp_path, use_cache=False), workers=8,
              quiet=True)
    resumed = {k: uncached(v) for k, v in results_of(tmp_path / "run").items()}
    assert resumed == {k: uncached(v) for k, v in results_of(tmp_path / "clean").items()}  # = an uninterrupted run


def test_ctrl_c_stops_cleanly_and_the_rerun_resumes(fake: FakeOpenAI, tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", 60)
    fake.responder = lambda body: delay(0.1, responder(body))
    proc = subprocess.Popen(cli_command(tmp_path / "in", tmp_path / "run", fake, 2), env=cli_env(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_results(tmp_path / "run", 4, proc)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130, stderr.decode()
    m = assert_counts_add_up(tmp_path / "run")
    assert m.status == "interrupted" and m.interrupted and m.finished
    assert m.counts.done == len(results_of(tmp_path / "run")) < 60
    assert m.files == 60 and m.counts.total + m.files_unread == 60 and m.files_unread > 0  # loading stopped too
    assert events_of(tmp_path / "run")[-1]["event"] == "run_interrupted"

    fake.responder = responder
    summary = run_batch([tmp_path / "in"], tmp_path / "run", make_settings(fake, tmp_path, api_key=MARKER),
                        workers=8, quiet=True)
    assert summary.exit_code == 0 and summary.counts.skipped == m.counts.done
    assert sorted(results_of(tmp_path / "run")) == ids


def test_second_ctrl_c_abandons_running_articles(fake: FakeOpenAI, tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 20)
    fake.responder = lambda body: delay(0.05 if "bridge 0 " in last_user(body) else 3.0, responder(body))
    proc = subprocess.Popen(cli_command(tmp_path / "in", tmp_path / "run", fake, 2), env=cli_env(tmp_path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_results(tmp_path / "run", 1, proc)
    time.sleep(0.2)  # both workers now wait on 3 s answers
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130, stderr.decode()
    assert time.monotonic() - started < 2.0  # did not wait for the running answers
    m = assert_counts_add_up(tmp_path / "run")
    assert m.status == "interrupted" and m.counts.done == 1 and m.counts.pending >= 2
    assert not list((tmp_path / "run" / "failures").iterdir())  # abandoned articles are not failures
