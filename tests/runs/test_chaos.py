"""Chaos: a batch under random endpoint faults, and a batch killed with SIGKILL five times, loses nothing.

Both runs go through the real batch runner, the real `openai` client and real
sockets to the fake server (tests/support/fake_openai.py). The fake "model" answers
deterministically from the numbered sentences it is sent (support.articles
``answer_for``), so a fault-free, uninterrupted run is the reference every
other run must reproduce exactly.

The figures each test prints (``pytest -s``) are the ones in docs/robustness.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from support.articles import article_message, article_text, clean_model, good_answer, write_articles
from support.fake_openai import (
    CHAT_PATH,
    Action,
    FakeOpenAI,
    delay,
    empty_choices,
    garbage_body,
    length,
    reply,
    reply_json,
    reset,
    status,
    truncated,
)
from support.runs import (
    assert_counts_add_up,
    cli_command,
    cli_env,
    events_of,
    failures_of,
    make_settings,
    results_of,
    uncached,
)

from stance.model.cache import cache_key
from stance.results import ArticleResult
from stance.runs.batch import TRANSIENT_KINDS, run_batch
from stance.runs.manifest import RunManifest

SEED = 20240607
FAULT_RATE = 0.30
CLIENT_TIMEOUT_S = 1.5  # generous: a normal answer must never time out, even on a loaded CI machine
SLOW_ANSWER_S = 2.0  # beyond the client's timeout: a read timeout
MAX_RETRIES, MAX_REASKS = 2, 2

# Transport faults are retried (tenacity); answer faults are re-asked with the error.
TRANSPORT_FAULTS = ("429 Retry-After", "429", "500", "503", "connection reset", "read timeout", "garbage HTTP body")
ANSWER_FAULTS = ("invalid JSON", "truncated JSON", "schema break (stance maybe)", "empty choices",
                 "finish_reason length")
FAULTS = TRANSPORT_FAULTS + ANSWER_FAULTS


def fault_action(kind: str, good: dict[str, Any], rng: random.Random) -> Action:
    text = json.dumps(good)
    broken = {"statements": [dict(s, stance="maybe") for s in good["statements"]]
              or [{"s": 1, "who": "Maria Lopez", "claim": "Something happened.", "stance": "maybe"}]}
    return {
        "429 Retry-After": lambda: status(429, headers={"Retry-After": str(rng.choice((0.05, 0.1, 0.2)))}),
        "429": lambda: status(429),
        "500": lambda: status(500),
        "503": lambda: status(503),
        "connection reset": reset,
        "read timeout": lambda: delay(SLOW_ANSWER_S, reply_json(good)),
        "garbage HTTP body": garbage_body,
        "invalid JSON": lambda: reply("Sure! Here are the statements you asked for: none."),
        "truncated JSON": lambda: truncated(text),
        "schema break (stance maybe)": lambda: reply_json(broken),
        "empty choices": empty_choices,
        "finish_reason length": lambda: length(text[: len(text) // 2]),
    }[kind]()


class ChaosModel:
    """A correct model behind an unreliable endpoint: a seeded 30% of requests get a fault.

    The dice depend on (seed, the article turn, how many times it was asked), not
    on arrival order, so the faults are the same whatever the thread timing.
    Articles whose text holds a ``POISON:<fault>`` line get that fault every time.
    """

    def __init__(self, seed: int = SEED, rate: float = FAULT_RATE) -> None:
        self.seed, self.rate = seed, rate
        self.lock = threading.Lock()
        self.asked: Counter[str] = Counter()  # per article turn (one request's part of an article)
        self.good: Counter[str] = Counter()  # valid answers sent, per article turn
        self.injected: Counter[str] = Counter()

    def __call__(self, body: dict[str, Any]) -> Action:
        message = article_message(body)
        key = hashlib.sha256(message.encode()).hexdigest()
        with self.lock:
            n = self.asked[key]
            self.asked[key] += 1
        rng = random.Random(f"{self.seed}|{key}|{n}")
        good = good_answer(message)
        poison = next((kind for kind in FAULTS if f"POISON:{kind}" in message), None)
        kind = poison or (rng.choice(FAULTS) if rng.random() < self.rate else None)
        with self.lock:
            if kind is None:
                self.good[key] += 1
            else:
                self.injected[kind] += 1
        return reply_json(good, usage=(100, 20)) if kind is None else fault_action(kind, good, rng)


def comparable_content(result: ArticleResult) -> dict[str, Any]:
    """What the article says (actors, claims, evidence), without provenance that faults change (attempts, usage)."""
    data = result.model_dump(mode="json")
    data.pop("provenance")
    return data


def article_of(body: dict[str, Any]) -> int:
    """Which of write_articles' articles a request (or one part of it) is about; -1 for others."""
    match = re.search(r"(?:bridge|plan|budget line) (\d+)\b", article_message(body))
    return int(match.group(1)) if match else -1


def article_of_id(article_id: str) -> int:
    return int(article_id[1:4]) if re.fullmatch(r"a\d{3}\.txt", article_id) else -1


def terminal_events(run: Path) -> Counter[str]:
    return Counter(e["article_id"] for e in events_of(run) if e["event"] in ("article_done", "article_failed"))


def test_chaos_run_loses_nothing(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", 200, long_every=10)  # 20 long articles: several requests each
    poisoned = {"poison-503.txt": "503", "poison-maybe.txt": "schema break (stance maybe)"}
    for name, kind in poisoned.items():
        (tmp_path / "in" / name).write_text(f"Poisoned article\nPOISON:{kind}\nMaria Lopez said the river is clean.\n",
                                            encoding="utf-8")
    ids += list(poisoned)
    settings = make_settings(fake_openai, tmp_path, chunk_tokens=200, timeout_s=CLIENT_TIMEOUT_S,
                             max_retries=MAX_RETRIES, max_reasks=MAX_REASKS)

    model = ChaosModel()
    fake_openai.responder = model
    started = time.monotonic()
    summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=8, quiet=True)
    seconds = time.monotonic() - started
    requests = fake_openai.count()

    fake_openai.responder = clean_model
    run_batch([tmp_path / "in"], tmp_path / "clean", settings.model_copy(update={"use_cache": False}), workers=8,
              quiet=True)
    reference = results_of(tmp_path / "clean")
    clean_asks = Counter(article_of(r.body) for r in fake_openai.requests[requests:] if r.body)

    # every article ends done or failed: none lost, none duplicated
    run = tmp_path / "run"
    results, failures = results_of(run), failures_of(run)  # each file parses and validates; ids unique
    lost = set(ids) - set(results) - set(failures)
    duplicated = (set(results) & set(failures)) | {a for a, n in terminal_events(run).items() if n != 1}
    assert not lost and not duplicated
    assert set(results) | set(failures) == set(ids) == set(terminal_events(run))

    # the manifest's counts add up and match the files; requests match what the server saw
    m = assert_counts_add_up(run)
    c = m.counts
    assert (m.status, c.total, c.done, c.failed, c.pending, c.skipped) == (
        "finished", len(ids), len(results), len(failures), 0, 0)
    assert m.failures_by_kind == dict(sorted(Counter(f.kind for f in failures.values()).items()))
    assert m.requests == requests == sum(model.asked.values())
    assert sum(model.injected.values()) + sum(model.good.values()) == requests
    assert all(n == 1 for n in model.good.values())  # no valid answer was requested twice
    transport = sum(model.injected[k] for k in TRANSPORT_FAULTS)
    assert 0 < m.retries <= transport  # every retry answers a transport fault
    assert summary.exit_code == 1

    # faults never change what a finished article says; bounded retries, then a failure record
    for article_id, result in results.items():
        assert comparable_content(result) == comparable_content(reference[article_id]), article_id
        assert 1 <= result.provenance.attempts <= 1 + MAX_REASKS
    for record in failures.values():
        assert record.message and "\n" not in record.message and record.stage == "extract"
        if record.kind in TRANSIENT_KINDS:
            assert record.attempts <= 1 + MAX_RETRIES
        else:
            assert record.kind == "invalid_output" and record.attempts == 1 + MAX_REASKS
    assert failures["poison-503.txt"].kind == "http_error" and failures["poison-503.txt"].attempts == 1 + MAX_RETRIES
    assert failures["poison-maybe.txt"].kind == "invalid_output"
    assert "stance" in failures["poison-maybe.txt"].message and "maybe" in (failures["poison-maybe.txt"].raw_output or "")
    assert model.injected.keys() == set(FAULTS)  # every kind of fault was met
    assert sum(v for k, v in model.injected.items()) / requests > 0.2

    # endpoint trouble is retried on the next run; what was done is not redone
    fake_openai.responder = ChaosModel(rate=0.0)  # the endpoint has recovered; poisoned articles stay poisoned
    before = fake_openai.count()
    again = run_batch([tmp_path / "in"], run, settings, workers=8, quiet=True)
    transient = {a for a, f in failures.items() if f.kind in TRANSIENT_KINDS and a not in poisoned}
    assert again.counts.skipped == len(results) and again.counts.done == len(transient)
    assert again.counts.kept_failed == sum(1 for f in failures.values() if f.kind not in TRANSIENT_KINDS)
    assert set(failures_of(run)) == set(failures) - transient
    assert set(results_of(run)) == set(results) | transient
    # at most the requests these articles need without faults, + poison-503 retried and failing again
    assert fake_openai.count() - before <= sum(clean_asks[article_of_id(a)] for a in transient) + 1 + MAX_RETRIES

    by_kind = Counter(f.kind for f in failures.values())
    reasks = sum(1 for b in fake_openai.requests[:requests] if b.body and "could not be used" in
                 b.body["messages"][-1]["content"])
    print(f"\nchaos run: {len(ids)} articles ({len(poisoned)} poisoned), {requests} requests in {seconds:.1f} s, "
          f"8 workers, seed {SEED}")
    print("| fault injected | requests |\n|---|---:|")
    for kind in FAULTS:
        print(f"| {kind} | {model.injected[kind]} |")
    print(f"| **all faults** | **{sum(model.injected.values())}** ({sum(model.injected.values()) / requests:.0%}"
          f" of {requests}) |")
    print("| figure | value |\n|---|---:|")
    for name, value in [
        ("articles", len(ids)), ("requests", requests), ("transport retries (manifest)", m.retries),
        ("re-asks after an invalid answer", reasks), ("done", c.done), ("failed", c.failed),
        ("failed by kind", ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items()))),
        ("lost", len(lost)), ("duplicated", len(duplicated)),
        ("transient failures done by a plain rerun", f"{again.counts.done} of {len(transient)}"),
    ]:
        print(f"| {name} | {value} |")


# ---------------------------------------------------------------------------
# kill -9 at five random points, resume each time
# ---------------------------------------------------------------------------


KILLS = 5
KILL_ARTICLES = 60
KILL_WORKERS = 4


def request_cache_key(body: dict[str, Any]) -> str:
    """The response-cache key the client computed for this request (stance.model.client.LLMClient.complete_json)."""
    params = {"temperature": body["temperature"], "seed": body["seed"], "max_tokens": body["max_tokens"]}
    schema = body["response_format"]["json_schema"]["schema"]
    return cache_key({"model": body["model"], "messages": body["messages"], "params": params, "schema": schema})


def cached_keys(cache_file: Path) -> set[str]:
    if not cache_file.exists():
        return set()
    db = sqlite3.connect(f"file:{cache_file}?mode=ro", uri=True)
    try:
        return {row[0] for row in db.execute("SELECT key FROM responses")}
    finally:
        db.close()


def assert_nothing_corrupt(run: Path) -> tuple[int, int]:
    """Every JSON file a reader would see parses and validates; every event line parses."""
    results = results_of(run)
    failures = failures_of(run)
    if (run / "manifest.json").exists():
        RunManifest.model_validate_json((run / "manifest.json").read_bytes())
    if (run / "events.jsonl").exists():
        events_of(run)
    for path in run.rglob("*.json"):
        if not path.name.startswith("."):  # .NAME.json.PID-TID: a killed writer's temp file, removed on resume
            json.loads(path.read_bytes())
    return len(results), len(failures)


def test_kill_minus_9_at_five_points_then_resume(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", KILL_ARTICLES, long_every=6)  # 10 long articles: several requests each
    (tmp_path / "stance.toml").write_text("[stance]\nchunk_tokens = 200\nretry_initial_wait = 0.01\n")
    settings = make_settings(fake_openai, tmp_path, chunk_tokens=200)
    command = [*cli_command(tmp_path / "in", tmp_path / "run", fake_openai, KILL_WORKERS),
               "--config", str(tmp_path / "stance.toml")]
    cache_file = tmp_path / "cache" / "responses.sqlite"
    fake_openai.responder = lambda body: delay(0.04, clean_model(body))

    rng = random.Random(SEED)
    span = (KILL_ARTICLES - 12) / KILLS  # one random point in each fifth of the run
    targets = [rng.randint(int(k * span), int((k + 1) * span) - 1) for k in range(KILLS)]
    kills: list[dict[str, Any]] = []
    for target in targets:
        proc = subprocess.Popen(command, env=cli_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while len(list((tmp_path / "run" / "results").glob("*.json"))) < target:
                assert proc.poll() is None, f"the run ended before kill point {target}: {proc.stderr.read()!r}"
                assert time.monotonic() < deadline, "no progress"
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.04))
            assert proc.poll() is None, "the run finished before it could be killed"
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == -signal.SIGKILL
        done, failed = assert_nothing_corrupt(tmp_path / "run")
        assert failed == 0
        started = [e["event"] for e in events_of(tmp_path / "run")].count("run_started") \
            if (tmp_path / "run" / "events.jsonl").exists() else 0
        kills.append({"target": target, "results": done, "requests": fake_openai.count(),
                      "cached": cached_keys(cache_file), "runs_started": started})

    fake_openai.responder = clean_model
    summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=KILL_WORKERS, quiet=True)
    assert summary.exit_code == 0 and summary.counts.skipped == kills[-1]["results"]
    assert not list((tmp_path / "run").rglob(".*.json.*"))  # temp files of killed writers are gone
    assert_nothing_corrupt(tmp_path / "run")
    m = assert_counts_add_up(tmp_path / "run")
    assert m.status == "finished" and m.counts.failed == 0
    # a kill during start-up may come before the run wrote anything: then it left no trace to resume from
    assert [e["event"] for e in events_of(tmp_path / "run")].count("run_started") == kills[-1]["runs_started"] + 1

    # the final set of results equals an uninterrupted run's
    total_requests = fake_openai.count()
    run_batch([tmp_path / "in"], tmp_path / "clean", settings.model_copy(update={"use_cache": False}),
              workers=KILL_WORKERS, quiet=True)
    clean_requests = fake_openai.count() - total_requests
    resumed = {k: uncached(v) for k, v in results_of(tmp_path / "run").items()}
    assert sorted(resumed) == ids
    assert resumed == {k: uncached(v) for k, v in results_of(tmp_path / "clean").items()}

    # no answer that was complete (in the cache) at a kill was ever requested again
    chat = [r for r in fake_openai.requests if r.path == CHAT_PATH]  # not the GET /models of connect()
    bodies = [r.body for r in chat[:total_requests]]
    # a request the kill cut off while it was being sent arrives without a (JSON) body: it was never answered
    cut_off = sum(b is None for b in bodies)
    keys = [request_cache_key(b) if b is not None else None for b in bodies]
    assert set(keys) - {None} <= cached_keys(cache_file)  # the keys computed here are the cache's own
    for kill in kills:
        again = [k for k in keys[kill["requests"]:] if k in kill["cached"]]
        assert not again, f"{len(again)} cached answers requested again after the kill at {kill['target']}"
    answered = [k for k in keys if k is not None]
    asked_twice = Counter(answered) - Counter(set(answered))
    extra = total_requests - clean_requests
    in_flight = KILL_WORKERS * settings.parallel  # each worker's article may have `parallel` requests out
    assert extra == sum(asked_twice.values()) + cut_off <= KILLS * in_flight  # only answers in flight at a kill
    per_article = Counter(article_of(b) for b in bodies if b is not None)
    per_article_clean = Counter(article_of(r.body) for r in chat[total_requests:])
    assert sorted(per_article_clean) == list(range(KILL_ARTICLES))
    assert (per_article - per_article_clean).total() == extra - cut_off

    print(f"\nkill -9 and resume: {KILL_ARTICLES} articles ({clean_requests} requests uninterrupted), "
          f"{KILL_WORKERS} workers, seed {SEED}")
    print("| kill | killed after results | results on disk | requests so far | runs started |\n|---|---:|---:|---:|---:|")
    for n, kill in enumerate(kills, 1):
        print(f"| {n} | {kill['target']} | {kill['results']} | {kill['requests']} | {kill['runs_started']} |")
    print(f"| resume | | {len(resumed)} | {total_requests} |")
    print(f"requests: {total_requests} with kills vs {clean_requests} uninterrupted: {extra} asked again "
          f"(in flight at a kill), 0 of them already answered; articles asked more than an uninterrupted run does: "
          f"{len(per_article - per_article_clean)}; final results identical to the uninterrupted run")


# ---------------------------------------------------------------------------
# Bad input: each a one-line reason in its failure record while the run goes on
# ---------------------------------------------------------------------------



def without_permission_override() -> tuple[list[str], Any]:
    """(command prefix, preexec_fn) so a child run by root meets real permission errors.

    Root reads chmod-000 files through CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH; the
    child drops both from its capability bounding set before exec (util-linux
    setpriv, or prctl directly), and is otherwise root: it can still reach the
    interpreter and pytest's root-only tmp_path. Non-root: nothing to drop.
    """
    if os.geteuid() != 0:
        return [], None
    if shutil.which("setpriv"):
        return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"], None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2

    def drop() -> None:
        for cap in (cap_dac_override, cap_dac_read_search):
            if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

    return [], drop
ACCENTED = "Mayor Maria Lopez, née à Montréal, said"
UMLAUT = "Council member Tom Reed, from Zürich, said"


def bad_inputs(folder: Path) -> dict[str, tuple[str, str]]:
    """Write one file per kind of bad (or awkward) input; return {article id: (what it is, expected outcome)}."""
    folder.mkdir(parents=True)
    write_articles(folder, 3)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "whitespace.txt").write_text(" \n\t\n   \n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes(
        article_text(101).replace("Mayor Maria Lopez said", ACCENTED).encode("latin-1"))
    (folder / "utf16.txt").write_bytes(
        article_text(102).replace("Council member Tom Reed said", UMLAUT).encode("utf-16"))  # with BOM
    with open(folder / "big.txt", "wb") as fh:  # 50 MB, sparse: no disk used, nothing to read
        fh.truncate(50_000_000)
    (folder / "nav.html").write_text("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
                                     "<footer>© 2024</footer></body></html>", encoding="utf-8")
    (folder / "feed.jsonl").write_text(json.dumps({"id": "r1", "text": article_text(105)}) + "\n"
                                       + '{"id": "r2", "text": "unterminated\n'
                                       + json.dumps({"id": "r3", "text": article_text(106)}) + "\n", encoding="utf-8")
    (folder / "record.json").write_text(json.dumps({"id": "r9", "body": article_text(107)}), encoding="utf-8")
    (folder / "locked.txt").write_text(article_text(108), encoding="utf-8")
    (folder / "locked.txt").chmod(0o000)
    (folder / "zz-deleted.txt").write_text(article_text(109), encoding="utf-8")
    (folder / "name with spaces.txt").write_text(article_text(103), encoding="utf-8")
    (folder / "Ünïcödé 記事.txt").write_text(article_text(104), encoding="utf-8")
    return {
        "empty.txt": ("empty file", "empty"),
        "whitespace.txt": ("whitespace only", "whitespace"),
        "binary.txt": ("binary", "binary"),
        "latin1.txt": ("Latin-1 text", "done"),
        "utf16.txt": ("UTF-16 with BOM", "done"),
        "big.txt": ("50 MB file (sparse)", "too_large"),
        "nav.html": ("HTML with no article text", "no_text"),
        "feed.jsonl#r1": ("JSONL line 1 (good)", "done"),
        "feed.jsonl#line-2": ("JSONL line 2 (broken)", "bad_json"),
        "feed.jsonl#r3": ("JSONL line 3 (good)", "done"),
        "record.json#r9": ("JSON record without the text field", "missing_field"),
        "locked.txt": ("unreadable file (chmod 000)", "unreadable"),
        "zz-deleted.txt": ("file deleted during the run", "missing"),
        "name with spaces.txt": ("name with spaces", "done"),
        "Ünïcödé 記事.txt": ("non-ASCII name", "done"),
        **{f"a{i:03d}.txt": ("ordinary article", "done") for i in range(3)},
    }


def test_bad_inputs_each_get_a_one_line_reason_while_the_run_goes_on(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    expected = bad_inputs(tmp_path / "in")
    deleted = tmp_path / "in" / "zz-deleted.txt"

    def delete_then_answer(body: dict[str, Any]) -> Action:
        deleted.unlink(missing_ok=True)  # the first request comes after discovery, before this file is read
        return clean_model(body)

    fake_openai.responder = delete_then_answer
    prefix, preexec = without_permission_override()
    command = [*prefix, sys.executable, "-m", "stance", "extract", str(tmp_path / "in"), "--out",
               str(tmp_path / "run"), "--base-url", fake_openai.base_url, "--model", "fake-model", "--workers", "1"]
    proc = subprocess.run(command, env={**cli_env(tmp_path), "COLUMNS": "400"}, capture_output=True, text=True,
                          timeout=60, preexec_fn=preexec)
    console = proc.stdout + proc.stderr
    assert proc.returncode == 1, console  # some articles failed; the run finished
    assert "Traceback" not in console
    run = tmp_path / "run"
    results, failures = results_of(run), failures_of(run)
    outcome = {**{a: "done" for a in results}, **{a: f.kind for a, f in failures.items()}}
    assert outcome == {a: kind for a, (_, kind) in expected.items()}
    m = assert_counts_add_up(run)
    assert m.status == "finished" and m.counts.done == len(results) and m.counts.failed == len(failures)
    for record in failures.values():
        assert record.stage == "load" and record.message and "\n" not in record.message
        assert record.message in console  # shown in the end-of-run summary too
    reasons = {a: f.message for a, f in failures.items()}
    assert reasons["empty.txt"] == "file is empty (0 bytes)"
    assert reasons["big.txt"].startswith("file is 50.0 MB, over the 10 MB limit")
    assert reasons["locked.txt"] == "cannot read file: permission denied"
    assert reasons["zz-deleted.txt"].startswith("file not found")
    assert reasons["feed.jsonl#line-2"].startswith("line 2 is not valid JSON")
    assert "no 'text' field" in reasons["record.json#r9"] and "--text-field" in reasons["record.json#r9"]
    # decoded, not failed: the evidence carries the accents, offsets index the decoded text
    assert any(ACCENTED in e.quote for e in results["latin1.txt"].evidence())
    assert any(UMLAUT in e.quote for e in results["utf16.txt"].evidence())
    assert results["Ünïcödé 記事.txt"].article.path.endswith("Ünïcödé 記事.txt")
    assert all(p.name.isascii() and " " not in p.name for p in (run / "results").iterdir())

    print("\n| input | outcome | failure kind | message |\n|---|---|---|---|")
    for article_id, (what, kind) in expected.items():
        if not article_id.startswith("a0"):
            message = reasons.get(article_id, "")
            print(f"| {what} (`{article_id}`) | {'done' if kind == 'done' else 'failed'} | "
                  f"{'' if kind == 'done' else kind} | {message} |")
