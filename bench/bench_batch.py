"""Benchmark batch runs against the local fake OpenAI server (not the model): speed-up and overhead.

    .venv/bin/python bench/bench_batch.py [--articles 200] [--write docs/benchmarks.md]

Measures, for ``--articles`` short articles:

1. 200 ms latency per request, workers 1, 4, 16: wall time and speed-up over 1
   (target: >= 12x at 16 workers);
2. 0 ms latency: the tool's own time per article (target: < 5 ms), as the
   batch's wall time per article minus a bare HTTP round trip of the same
   request to the same server, split by layer (openai client, LLMClient,
   pipeline, batch); each the best of five runs;
3. a rerun of a finished run (everything skipped) and a ``force`` rerun
   answered from the response cache (zero requests), in-process and through
   the CLI (``python -m stance.cli.app``, interpreter start-up included) (target: < 2 s).

The fake server runs in its own process, so its work does not compete with
the tool for the GIL; each measurement uses a fresh run folder and, except
for the cached reruns, no response cache.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REPEATS = 5  # zero-latency timings: best of five
sys.path.insert(0, str(REPO / "tests"))  # the fake server is a test helper: tests/support/fake_openai.py

from support import fake_openai  # noqa: E402
from support.fake_openai import FakeOpenAI, delay, reply_json  # noqa: E402

from stance.config import Settings  # noqa: E402
from stance.extraction.answers import ModelAnswer  # noqa: E402
from stance.extraction.api import extract_text  # noqa: E402
from stance.extraction.article import article_info  # noqa: E402
from stance.extraction.prompts import load_prompt  # noqa: E402
from stance.model.client import connect  # noqa: E402
from stance.runs.batch import run_batch  # noqa: E402
from stance.text.sentences import number_sentences, split_sentences  # noqa: E402


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


def _serve(latency: float, conn: Any) -> None:
    """Child process: a fake server answering after ``latency`` seconds, until told to stop."""
    fake_openai._Server.request_queue_size = 128  # default backlog 5 drops bursts of 16 connections
    responder = (lambda body: delay(latency, reply_json(answer(body), usage=(100, 20)))) if latency else \
        (lambda body: reply_json(answer(body), usage=(100, 20)))
    with FakeOpenAI(responder=responder) as fake:
        conn.send(fake.base_url)
        conn.recv()  # any message: stop
        conn.send(fake.count())


class Server:
    def __init__(self, latency: float) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._proc = multiprocessing.Process(target=_serve, args=(latency, child), daemon=True)
        self._proc.start()
        self.base_url: str = self._conn.recv()
        self.port = int(self.base_url.split(":")[2].split("/")[0])
        self.requests = 0

    def close(self) -> None:
        self._conn.send("stop")
        self.requests = self._conn.recv()
        self._proc.join(timeout=10)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def settings_for(server: Server, cache_dir: Path, use_cache: bool) -> Settings:
    return Settings(base_url=server.base_url, model="fake-model", cache_dir=cache_dir, use_cache=use_cache)


def timed_run(inputs: Path, out: Path, settings: Settings, workers: int, keep: bool = False,
              **kw: Any) -> tuple[float, Any]:
    """Wall time of one in-process batch run (a fresh run folder unless ``keep``)."""
    if not keep:
        shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    summary = run_batch([inputs], out, settings, workers=workers, quiet=True, **kw)
    wall = time.perf_counter() - started
    assert summary.exit_code == 0, summary.manifest.model_dump()
    return wall, summary


def zero_latency_costs(server: Server, settings: Settings, inputs: Path, tmp: Path, n: int) -> dict[str, float]:
    """ms per article of the batch (1 and 16 workers) and of each layer under it, at zero latency.

    Layers, each including the one before: bare HTTP (http.client POST of the
    same body), an openai client call, LLMClient.complete_json (schema,
    parsing, validation), extract_text (sentences, prompt, grounding,
    merging). Measured in interleaved rounds, best of ``REPEATS`` each, so that
    other work on a shared machine disturbs them alike.
    """
    prompt = load_prompt(settings.prompt_name, settings.prompts_dir)
    texts = [article_text(i) for i in range(n)]
    messages = [prompt.messages(number_sentences(split_sentences(t))) for t in texts]
    with connect(settings) as llm:
        schema = ModelAnswer.model_json_schema()
        bodies = [json.dumps(llm._request_kwargs(m, schema)) for m in messages]

        def raw() -> None:
            for body in bodies:
                conn = http.client.HTTPConnection("127.0.0.1", server.port)
                conn.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
                conn.getresponse().read()
                conn.close()

        def client() -> None:
            for m in messages:
                llm._client.chat.completions.create(**llm._request_kwargs(m, schema))

        def complete_json() -> None:
            for m in messages:
                llm.complete_json(m, ModelAnswer)

        def pipeline() -> None:
            for i, t in enumerate(texts):
                extract_text(t, article_info(t, f"a{i}", "x"), llm=llm, prompt=prompt, settings=settings)

        steps = {
            "http": raw, "client": client, "complete_json": complete_json, "extract_text": pipeline,
            "batch_1": lambda: timed_run(inputs, tmp / "zero-w1", settings, 1),
            "batch_16": lambda: timed_run(inputs, tmp / "zero-w16", settings, 16),
        }
        best = {name: float("inf") for name in steps}
        for _ in range(REPEATS):
            for name, fn in steps.items():
                started = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - started)
    return {name: seconds / n * 1000 for name, seconds in best.items()}


def cli_rerun(inputs: Path, out: Path, server: Server, cache_dir: Path, force: bool) -> float:
    command = [sys.executable, "-m", "stance", "extract", str(inputs), "--out", str(out), "--base-url",
               server.base_url, "--model", "fake-model", "--workers", "16", "--quiet"] + (["--force"] if force else [])
    env = {**os.environ, "STANCE_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per request (default 0.2)")
    parser.add_argument("--write", type=Path, help="write the Markdown report here (e.g. docs/benchmarks.md)")
    args = parser.parse_args()
    n = args.articles
    load_before = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="stance-bench-"))
    inputs = tmp / "articles"
    inputs.mkdir()
    for i in range(n):
        (inputs / f"a{i:04d}.txt").write_text(article_text(i), encoding="utf-8")
    rows: list[str] = []
    try:
        # 1. speed-up at a realistic latency
        speed: dict[int, float] = {}
        with Server(args.latency) as server:
            for workers in (1, 4, 16):
                wall, summary = timed_run(inputs, tmp / f"lat-w{workers}", settings_for(server, tmp / "nocache", False),
                                          workers)
                assert summary.counts.done == n and summary.manifest.requests == n
                speed[workers] = wall
                print(f"latency {args.latency * 1000:.0f} ms, workers {workers:2d}: {wall:6.2f} s "
                      f"({speed[1] / wall:.1f}x)", flush=True)

        # 2. the tool's own time per article at zero latency
        with Server(0.0) as server:
            settings = settings_for(server, tmp / "nocache", False)
            layers = zero_latency_costs(server, settings, inputs, tmp, n)
            zero = {1: layers["batch_1"], 16: layers["batch_16"]}
            overhead = zero[1] - layers["http"]
            print("latency 0, ms per article: " + ", ".join(f"{k} {v:.2f}" for k, v in layers.items())
                  + f" -> tool overhead {overhead:.2f} ms", flush=True)

            # 3. reruns: everything skipped, and everything from the response cache
            cached_settings = settings_for(server, tmp / "cache", True)
            timed_run(inputs, tmp / "cached", cached_settings, 16)  # fills the run folder and the cache
            skip_wall, skip = timed_run(inputs, tmp / "cached", cached_settings, 16, keep=True)
            assert skip.counts.skipped == n and skip.manifest.requests == 0
            cache_wall, hit = timed_run(inputs, tmp / "cached", cached_settings, 16, keep=True, force=True)
            assert hit.counts.cached == n and hit.manifest.requests == 0
            cli_skip = cli_rerun(inputs, tmp / "cached", server, tmp / "cache", force=False)
            cli_cache = cli_rerun(inputs, tmp / "cached", server, tmp / "cache", force=True)
            print(f"rerun, all skipped: {skip_wall:.2f} s (CLI {cli_skip:.2f} s); force rerun from the cache: "
                  f"{cache_wall:.2f} s (CLI {cli_cache:.2f} s)", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load_after = os.getloadavg()

    def ok(good: bool) -> str:
        return "yes" if good else "**no**"

    rows = [
        "| measurement | result | target | met |",
        "|---|---|---|---|",
        *(f"| {n} articles, {args.latency * 1000:.0f} ms latency, {w} worker{'s' if w > 1 else ''} | "
          f"{speed[w]:.2f} s ({speed[1] / speed[w]:.1f}x) | {'>= 12x' if w == 16 else ''} | "
          f"{ok(speed[1] / speed[16] >= 12) if w == 16 else ''} |" for w in (1, 4, 16)),
        f"| 0 ms latency, wall time per article, 1 worker | {zero[1]:.2f} ms | | |",
        f"| 0 ms latency, wall time per article, 16 workers | {zero[16]:.2f} ms | | |",
        f"| **tool overhead per article** (1 worker minus a bare HTTP round trip of {layers['http']:.2f} ms) | "
        f"{overhead:.2f} ms | < 5 ms | {ok(overhead < 5)} |",
        f"| … of which the openai client (its call minus the bare round trip) | "
        f"{layers['client'] - layers['http']:.2f} ms | | |",
        f"| … of which LLMClient.complete_json around it (schema, parse, validate) | "
        f"{layers['complete_json'] - layers['client']:.2f} ms | | |",
        f"| … of which extract_text around that (sentences, prompt, grounding) | "
        f"{layers['extract_text'] - layers['complete_json']:.2f} ms | | |",
        f"| … of which the batch around that (loading, resume check, atomic writes, events) | "
        f"{zero[1] - layers['extract_text']:.2f} ms | | |",
        f"| rerun of a finished run ({n} skipped), in-process | {skip_wall:.2f} s | < 2 s | {ok(skip_wall < 2)} |",
        f"| same through the CLI (interpreter start-up included) | {cli_skip:.2f} s | < 2 s | {ok(cli_skip < 2)} |",
        f"| --force rerun from the response cache ({n} hits, 0 requests), in-process | {cache_wall:.2f} s | < 2 s | "
        f"{ok(cache_wall < 2)} |",
        f"| same through the CLI | {cli_cache:.2f} s | < 2 s | {ok(cli_cache < 2)} |",
    ]
    machine = (f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
               f"load average {load_before[0]:.1f} before / {load_after[0]:.1f} after")
    table = "\n".join(rows)
    print()
    print(table)
    print(f"\n{machine}")
    if args.write:
        write_report(args.write, table, machine, n, args.latency)
        print(f"wrote {args.write}")


def write_report(path: Path, table: str, machine: str, n: int, latency: float) -> None:
    text = f"""# Benchmarks

## Batch runs (`stance extract --out`)

Measured with `bench/bench_batch.py` against the local fake OpenAI server
(tests/support/fake_openai.py, in its own process), not a model: {n} short articles, one
request each, a fresh run folder per row and no response cache except in the
rerun rows. {latency * 1000:.0f} ms latency stands in for a remote endpoint; 0 ms
shows what the tool itself costs per article.

{table}

Machine: {machine}. The machine is shared, so absolute times vary from run to run;
rerun the script to compare like with like.

How to read it:

- Speed-up comes from `--workers` threads sharing one `LLMClient`; with a
  remote endpoint the wall time is about `articles x latency / workers`, until
  the tool's own CPU time per article (below) times the article count, spread
  over the free cores, catches up with it.
- "Tool overhead" is what one article costs besides the HTTP round trip. The
  rows under it split it by layer, each measured on its own and subtracted
  from the layer above. On the run above most of it is the `openai` client
  building and sending the request (it walks every message and the JSON schema
  of `response_format` through its type-driven transform, then httpx); then
  the pipeline (sentences, candidate windows, prompt rendering, grounding) and
  the batch (loading, resume check, atomic write, event line);
  `LLMClient.complete_json` is the smallest part since the answer schema is
  generated once per answer model.
- A rerun of a finished run reads each result's text hash, prompt hash and
  model and skips it: no model connection is opened and `openai` is not even
  imported. A `--force` rerun redoes every article, each answer from the
  SQLite response cache; through the CLI it also pays Python start-up and
  importing `openai`. The `openai` client object is built only when a request
  is really sent.

Reproduce: `.venv/bin/python bench/bench_batch.py --write docs/benchmarks.md`.
"""
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
