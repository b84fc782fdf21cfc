"""``stance batch``: prepare → answers (a vllm run-batch output file, or the fake's Batch API) → collect.

The fake model answers some articles' first request with something that is
not JSON, so those articles need a re-ask: a second round. The same answers
must give the same results as an online run against the same fake.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from support.articles import answer_for, write_articles
from support.fake_openai import Action, FakeOpenAI, reply, reply_json, status
from support.runs import MARKER, assert_counts_add_up, comparable, events_of, failures_of, make_settings, results_of
from typer.testing import CliRunner

from stance.cli.app import app
from stance.runs.batch import run_batch
from stance.runs.batch_files import collect, load_state, prepare, submit
from stance.runs.batch_files import status as batch_status
from stance.runs.errors import BatchError


def flaky_model(body: dict[str, Any]) -> Action:
    """Deterministic: every third article's first answer is not JSON; the re-ask gets a valid one."""
    messages = body["messages"]
    reask = messages[-1]["content"].startswith("Your answer could not be used")
    article = re.search(r"Bridge plan (\d+)", json.dumps(messages))
    if not reask and article and int(article.group(1)) % 3 == 0:
        return reply("Sure! Here are the statements you asked for.", usage=(90, 12))
    return reply_json(answer_for(body), usage=(100, 20))


def replay(fake: FakeOpenAI, round_file: Path, out: Path) -> int:
    """What ``vllm run-batch -i round_file -o out`` does: each line's body POSTed, the answers in its format."""
    lines = []
    for n, line in enumerate(round_file.read_text(encoding="utf-8").splitlines()):
        request = json.loads(line)
        assert (request["method"], request["url"]) == ("POST", "/v1/chat/completions")
        http = urllib.request.Request(fake.base_url.removesuffix("/v1") + request["url"],
                                      data=json.dumps(request["body"]).encode(), method="POST",
                                      headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(http, timeout=10) as response:
            body = json.loads(response.read())
        lines.append({"id": f"vllm-{n}", "custom_id": request["custom_id"],
                      "response": {"status_code": 200, "request_id": f"vllm-batch-{n}", "body": body}, "error": None})
    out.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return len(lines)


def test_batch_round_trip_gives_the_online_results(tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", 12)
    with FakeOpenAI(responder=flaky_model) as fake:
        online = run_batch([tmp_path / "in"], tmp_path / "online", make_settings(fake, tmp_path, cache_dir=tmp_path / "c1"),
                           workers=2, quiet=True)
        online_bodies = fake.chat_requests
        settings = make_settings(fake, tmp_path, cache_dir=tmp_path / "c2")

        first = prepare([tmp_path / "in"], tmp_path / "run", settings, quiet=True)
        round_1 = tmp_path / "run" / "batch" / "round-1.jsonl"
        lines = [json.loads(x) for x in round_1.read_text(encoding="utf-8").splitlines()]
        assert first.waiting == 12 and first.round is not None and len(lines) == 12
        # the exact bodies the online client sent for first answers (so the cache key matches too)
        first_asks = [b for b in online_bodies if not b["messages"][-1]["content"].startswith("Your answer")]
        assert sorted(json.dumps(x["body"], sort_keys=True) for x in lines) == \
            sorted(json.dumps(b, sort_keys=True) for b in first_asks)
        assert not list((tmp_path / "run" / "results").iterdir())
        assert "vllm run-batch -i" in "\n".join(first.next_steps)

        replay(fake, round_1, tmp_path / "out-1.jsonl")
        second = collect(tmp_path / "run", output=[tmp_path / "out-1.jsonl"], quiet=True)
        assert second.round is not None and second.round.n == 2 and second.waiting == 4  # articles 0, 3, 6, 9
        assert second.summary.counts.done == 8
        round_2 = tmp_path / "run" / "batch" / "round-2.jsonl"
        reasks = [json.loads(x) for x in round_2.read_text(encoding="utf-8").splitlines()]
        assert all(x["body"]["messages"][-1]["content"].startswith("Your answer could not be used: not valid JSON")
                   for x in reasks)
        assert all(x["body"]["messages"][-2] == {"role": "assistant", "content":
                   "Sure! Here are the statements you asked for."} for x in reasks)

        replay(fake, round_2, tmp_path / "out-2.jsonl")
        third = collect(tmp_path / "run", output=[tmp_path / "out-2.jsonl"], quiet=True)
        assert third.round is None and third.waiting == 0
        assert (third.summary.counts.done, third.summary.counts.skipped) == (4, 8)
        assert "nothing left to ask" in third.next_steps[0]

    assert online.exit_code == 0 and third.summary.exit_code == 0
    batch_results = results_of(tmp_path / "run")
    assert sorted(batch_results) == ids
    assert {k: comparable(v) for k, v in batch_results.items()} == \
        {k: comparable(v) for k, v in results_of(tmp_path / "online").items()}
    assert {r.provenance.attempts for r in batch_results.values()} == {1, 2}
    m = assert_counts_add_up(tmp_path / "run")
    assert (m.status, m.counts.done, m.counts.skipped, m.options["engine"]) == ("finished", 4, 8, "batch")
    done = [e["article_id"] for e in events_of(tmp_path / "run") if e["event"] == "article_done"]
    assert sorted(done) == ids  # each article finished once, across the rounds
    for path in (tmp_path / "run").rglob("*"):
        if path.is_file():
            assert MARKER not in path.read_text(encoding="utf-8", errors="replace")
    with pytest.raises(BatchError, match="collected already"):
        collect(tmp_path / "run", output=[tmp_path / "out-2.jsonl"], quiet=True)


def test_submit_status_collect_through_the_batch_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = write_articles(tmp_path / "in", 6)
    with FakeOpenAI(responder=flaky_model) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", MARKER)
        monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
        prepare([tmp_path / "in"], tmp_path / "run", make_settings(fake, tmp_path), quiet=True)
        assert "base_url" not in load_state(tmp_path / "run").settings

        fake.batch_polls_in_progress = 2  # status and the first collect see it running
        submitted = submit(tmp_path / "run")
        assert submitted.files[0].batch_id and submitted.files[0].file_id
        ((_, info),) = batch_status(tmp_path / "run")
        assert info is not None and info["status"] == "in_progress"
        with pytest.raises(BatchError, match="in_progress"):
            collect(tmp_path / "run", quiet=True)
        report = collect(tmp_path / "run", quiet=True)  # completed now: downloaded, validated, written
        assert report.waiting == 2 and report.round is not None  # articles 0 and 3 are re-asked

        fake.batch_polls_in_progress = 0
        submit(tmp_path / "run")
        last = collect(tmp_path / "run", quiet=True)
        assert last.waiting == 0 and last.round is None
        uploads = [r for r in fake.requests if r.path == "/v1/files"]
        assert len(uploads) == 2 and all(r.headers["authorization"] == f"Bearer {MARKER}" for r in uploads)

    assert sorted(results_of(tmp_path / "run")) == ids and not failures_of(tmp_path / "run")


def test_round_files_split_at_the_line_limit_and_failed_answers_are_failures(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 9)
    with FakeOpenAI(responder=lambda body: reply("never JSON")) as fake:
        report = prepare([tmp_path / "in"], tmp_path / "run", make_settings(fake, tmp_path, max_reasks=1),
                         quiet=True, max_lines=4)
        assert report.round is not None
        names = [f.name for f in report.round.files]
        assert names == ["round-1.jsonl", "round-1-part2.jsonl", "round-1-part3.jsonl"]
        assert [f.requests for f in report.round.files] == [4, 4, 1]
        out = tmp_path / "out.jsonl"
        outputs = []
        for name in names:
            replay(fake, tmp_path / "run" / "batch" / name, out)
            outputs.append(out.read_text(encoding="utf-8"))
        out.write_text("".join(outputs), encoding="utf-8")
        again = collect(tmp_path / "run", output=[out], quiet=True, max_lines=4)
        assert again.waiting == 9 and again.round is not None and again.round.n == 2
        replay(fake, tmp_path / "run" / "batch" / "round-2.jsonl", tmp_path / "o2a.jsonl")
        replay(fake, tmp_path / "run" / "batch" / "round-2-part2.jsonl", tmp_path / "o2b.jsonl")
        replay(fake, tmp_path / "run" / "batch" / "round-2-part3.jsonl", tmp_path / "o2c.jsonl")
        last = collect(tmp_path / "run", output=[tmp_path / f"o2{x}.jsonl" for x in "abc"], quiet=True)
    assert last.round is None and last.summary.counts.failed == 9 and last.summary.exit_code == 1
    failure = next(iter(failures_of(tmp_path / "run").values()))
    assert failure.kind == "invalid_output" and failure.attempts == 2
    assert failure.message.startswith("no valid answer after 2 attempts: not valid JSON")


def test_cli_batch_help_explains_the_round_trip_and_prepare_collect_work(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["batch", "--help"], terminal_width=200)
    assert shown.exit_code == 0
    for step in ("prepare", "submit", "status", "collect", "vllm run-batch", "round-2.jsonl"):
        assert step in shown.output
    write_articles(tmp_path / "in", 3)
    with FakeOpenAI(responder=flaky_model) as fake:
        env = {"STANCE_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": MARKER}
        made = runner.invoke(app, ["batch", "prepare", str(tmp_path / "in"), "--out", str(tmp_path / "run"),
                                   "--base-url", fake.base_url, "--model", "fake-model", "--quiet"], env=env)
        assert made.exit_code == 0, made.output
        assert "stance batch submit" in made.output and "0 done" in made.output
        replay(fake, tmp_path / "run" / "batch" / "round-1.jsonl", tmp_path / "o1.jsonl")
        got = runner.invoke(app, ["batch", "collect", str(tmp_path / "run"), "--output", str(tmp_path / "o1.jsonl"),
                                  "--quiet"], env=env)
        assert got.exit_code == 0, got.output
        assert "2 done" in got.output and "1 waiting" in got.output and "round-2.jsonl" in got.output


def test_an_error_line_is_sent_again_in_the_next_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = write_articles(tmp_path / "in", 4)
    with FakeOpenAI(responder=lambda body: reply_json(answer_for(body), usage=(100, 20))) as fake:
        monkeypatch.setenv("OPENAI_API_KEY", MARKER)
        prepare([tmp_path / "in"], tmp_path / "run", make_settings(fake, tmp_path), quiet=True)
        fake.push(status(503))  # the batch's first line fails
        submit(tmp_path / "run")
        first = collect(tmp_path / "run", quiet=True)
        assert first.waiting == 1 and first.round is not None
        round_1 = [json.loads(x)["custom_id"] for x in
                   (tmp_path / "run" / "batch" / "round-1.jsonl").read_text(encoding="utf-8").splitlines()]
        round_2 = [json.loads(x)["custom_id"] for x in
                   (tmp_path / "run" / "batch" / "round-2.jsonl").read_text(encoding="utf-8").splitlines()]
        assert round_2 == round_1[:1]  # the same request, sent again
        submit(tmp_path / "run")
        last = collect(tmp_path / "run", quiet=True)
    assert last.waiting == 0 and last.round is None
    assert sorted(results_of(tmp_path / "run")) == ids
