"""One machine, many articles: ``stance extract`` over N small articles against the fake server, 0 ms latency.

    .venv/bin/python bench/bench_scale.py [--articles 100000] [--workers 4] [--json out.json]

Measures, through the CLI (``python -m stance extract in.jsonl --out RUN``, the
response cache on, as users run it):

1. peak RSS of the ``stance`` process over the run, sampled every second
   (flat means no per-article state is kept once an article is written);
2. the wall time and the CPU time (user + system, from ``wait4``) per article;
   the fake server runs in its own process and is not counted in the CPU time;
3. ``kill -9`` at about half way, then the same command again: how long from
   its start until it writes its first new result (the resume scan reads the
   results already there), and the RSS and time per article of the rest.

The articles are one JSONL file of N three-sentence "bridge plan" articles.
The fake server closes each connection after its answer (HTTP/1.0, the test
suite's setting: a TCP connection per request); ``--keep-alive`` keeps them
open (HTTP/1.1), as llama.cpp's server, vLLM and the hosted APIs do. Numbers
depend on the machine and on what else runs on it (the load average before
and after is recorded); docs/scaling.md gives the ones measured there.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the fake server is a test helper: tests/support/fake_openai.py

from support import fake_openai  # noqa: E402
from support.fake_openai import FakeOpenAI, reply_json  # noqa: E402


def article_text(i: int) -> str:
    return (
        f"Bridge plan {i} divides the council\n"
        f"Mayor Maria Lopez said the bridge {i} must be repaired this year. "
        f"Council member Tom Reed said the repair plan {i} is too expensive.\n"
        f"\"We cannot wait any longer,\" Lopez said on Monday.\n"
    )


def answer(body: dict[str, Any]) -> dict[str, Any]:
    last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    statements = []
    for number, sentence in re.findall(r"^\[(\d+)\] (.+)$", last, flags=re.M):
        if " said " in sentence:
            who = "Maria Lopez" if "Lopez" in sentence else "Tom Reed"
            claim = re.sub(r"[^\w ]", "", sentence.split(" said ", 1)[1])[:120]
            statements.append({"s": int(number), "who": who, "claim": claim,
                               "stance": "support" if who == "Maria Lopez" else "oppose"})
    return {"statements": statements}


class _Forgetful(FakeOpenAI):
    """The fake server without its request log: 100,000 recorded bodies would be the server's memory, not ours."""

    def _record(self, request: Any) -> None:
        pass


def _serve(conn: Any, keep_alive: bool = False) -> None:
    fake_openai._Server.request_queue_size = 128
    if keep_alive:  # one connection per worker for the whole run, as real servers allow
        fake_openai._Handler.protocol_version = "HTTP/1.1"
        fake_openai._Handler.disable_nagle_algorithm = True  # the headers and body go in two writes
    with _Forgetful(responder=lambda body: reply_json(answer(body), usage=(100, 20))) as fake:
        conn.send(fake.base_url)
        conn.recv()


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def count_done(events: Path, offset: int) -> tuple[int, int]:
    """``article_done`` lines written after byte ``offset`` of events.jsonl, and the new offset."""
    try:
        with events.open("rb") as fh:
            fh.seek(offset)
            data = fh.read()
    except OSError:
        return 0, offset
    end = data.rfind(b"\n") + 1
    return data[:end].count(b'"event": "article_done"'), offset + end


def run_phase(command: list[str], env: dict[str, str], events: Path, *, kill_at: int | None,
              already: int) -> dict[str, Any]:
    """Run the CLI; sample RSS each second; kill -9 once ``kill_at`` articles are done in this phase."""
    offset = events.stat().st_size if events.exists() else 0
    started = time.monotonic()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done, first_new, samples, next_sample = 0, None, [], started
    rusage = None
    while True:
        new, offset = count_done(events, offset)
        done += new
        now = time.monotonic()
        if done and first_new is None:
            first_new = now - started
        if now >= next_sample:
            rss = rss_mb(proc.pid)
            if rss is not None:
                samples.append({"t": round(now - started, 1), "done": already + done, "rss_mb": round(rss, 1)})
            next_sample += 1.0
        if kill_at is not None and done >= kill_at:
            os.kill(proc.pid, signal.SIGKILL)
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.02)
    wall = time.monotonic() - started
    new, offset = count_done(events, offset)
    done += new
    cpu = rusage.ru_utime + rusage.ru_stime
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"exit": proc.returncode, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "done": done,
            "first_new_result_s": None if first_new is None else round(first_new, 2),
            "peak_rss_mb": round(rusage.ru_maxrss / 1024, 1), "samples": samples, "stderr_tail": stderr[-500:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--keep-alive", action="store_true",
                        help="the fake server keeps connections open (HTTP/1.1), as real servers do")
    args = parser.parse_args()
    n = args.articles

    tmp = Path(tempfile.mkdtemp(prefix="stance-bench-scale-"))
    conn, child = multiprocessing.Pipe()
    load_before = os.getloadavg()
    server = multiprocessing.Process(target=_serve, args=(child, args.keep_alive), daemon=True)
    server.start()
    base_url = conn.recv()
    try:
        inputs = tmp / "articles.jsonl"
        with inputs.open("w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(json.dumps({"id": f"a{i:06d}", "text": article_text(i)}) + "\n")
        run = tmp / "run"
        command = [sys.executable, "-m", "stance", "extract", str(inputs), "--out", str(run), "--base-url", base_url,
                   "--model", "fake-model", "--workers", str(args.workers), "--quiet"]
        env = {**os.environ, "STANCE_CACHE_DIR": str(tmp / "cache"), "PYTHONPATH": str(REPO)}
        events = run / "events.jsonl"

        first = run_phase(command, env, events, kill_at=n // 2, already=0)
        print(f"phase 1: killed after {first['done']} articles, {first['wall_s']} s wall, "
              f"{first['cpu_s']} s CPU, peak RSS {first['peak_rss_mb']} MB", flush=True)
        second = run_phase(command, env, events, kill_at=None, already=first["done"])
        print(f"phase 2 (resume): first new result after {second['first_new_result_s']} s; "
              f"{second['done']} articles, {second['wall_s']} s wall, {second['cpu_s']} s CPU, "
              f"peak RSS {second['peak_rss_mb']} MB, exit {second['exit']}", flush=True)
        results = sum(1 for _ in os.scandir(run / "results"))
        per_article = {
            "phase1_wall_ms": round(1000 * first["wall_s"] / max(1, first["done"]), 2),
            "phase1_cpu_ms": round(1000 * first["cpu_s"] / max(1, first["done"]), 2),
            "phase2_wall_ms": round(1000 * second["wall_s"] / max(1, second["done"]), 2),
            "phase2_cpu_ms": round(1000 * second["cpu_s"] / max(1, second["done"]), 2),
        }
        report = {"articles": n, "workers": args.workers, "cpus": os.cpu_count(), "results": results,
                  "keep_alive": args.keep_alive,
                  "load_average_before": [round(x, 2) for x in load_before],
                  "load_average_after": [round(x, 2) for x in os.getloadavg()],
                  "per_article": per_article, "phase1": first, "phase2": second}
        print(json.dumps({k: v for k, v in report.items() if k not in ("phase1", "phase2")}, indent=2))
        for name, phase in (("phase 1", first), ("phase 2", second)):
            s = phase["samples"]
            picks = [s[int(len(s) * f)] for f in (0.1, 0.25, 0.5, 0.75)] + [s[-1]] if s else []
            print(f"{name} RSS samples (t s, done, MB):", [(p["t"], p["done"], p["rss_mb"]) for p in picks])
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    finally:
        conn.send("stop")
        server.join(timeout=10)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
