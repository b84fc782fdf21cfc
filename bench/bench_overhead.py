"""Where one article's CPU goes: each part of ``stance extract`` alone, single-threaded, best of 5.

    .venv/bin/python bench/bench_overhead.py [--json out.json]

The parts of the per-article path of bench/bench_scale.py (the same
three-sentence articles, the same fake server in its own process, keep-alive),
each timed on its own with ``time.process_time`` over a few hundred articles,
best of five runs (the best is the least disturbed by other work on the
machine). Single-threaded, so the thread hand-offs of a real run (a worker per
request, the calling thread writing every result) are not in them: the
difference between their sum and bench_scale's CPU per article is that cost.

- split + plan: sentences, candidate windows, messages;
- SDK params walk: what ``openai``'s ``maybe_transform`` costs on the request
  (the client sends messages as ``extra_body`` and skips most of it;
  stance/model/client.py ``_send``);
- model request: ``LLMClient.complete_json`` with no cache (the SDK, HTTP, parsing);
- merge + result: the answers to an ``ArticleResult``;
- cache: a response put and a lookup (SQLite, WAL);
- write result: the result as JSON, written atomically into ``results/``;
- events line, reading one JSONL record;
- the runner alone: ``run_batch`` with an engine that hands back a ready
  result at once (reading, resume check, writing, events, manifest, counts).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]  # this checkout; the fake server is a test helper

from bench_scale import _serve, article_text  # noqa: E402

from stance.config import Settings  # noqa: E402
from stance.extraction.article import Article, article_result, split_article  # noqa: E402
from stance.extraction.modes import load_mode  # noqa: E402
from stance.model.cache import ResponseCache  # noqa: E402
from stance.model.client import _schema_of, connect  # noqa: E402
from stance.results import ArticleResult, Provenance, Usage  # noqa: E402
from stance.runs.batch import run_batch  # noqa: E402
from stance.runs.engine import Attempt, EngineSetup  # noqa: E402
from stance.runs.events import EventLog, SecretScrubber  # noqa: E402
from stance.runs.folder import RunFolder  # noqa: E402
from stance.runs.inputs import LoadOptions, iter_articles  # noqa: E402

REPEATS = 5


def best_ms(fn: Callable[[int], Any], n: int = 300) -> float:
    """CPU ms per call of ``fn(i)`` for i in range(n), best of REPEATS."""
    runs = []
    for _ in range(REPEATS):
        started = time.process_time()
        for i in range(n):
            fn(i)
        runs.append((time.process_time() - started) / n * 1000)
    return round(min(runs), 3)


class _ReadyEngine:
    """An engine whose every article is done at once: what is left is the runner's own work."""

    capacity = 8

    def __init__(self, setup: EngineSetup) -> None:
        self.mode, self.model, self.endpoint = setup.mode, "fake-model", "http://fake/v1"

    def submit(self, article: Article) -> Future[Attempt]:
        provenance = Provenance(model=self.model, endpoint=self.endpoint, prompt=self.mode.prompt_info, params={},
                                usage=Usage(prompt_tokens=100, completion_tokens=20), attempts=1, seconds=0.001,
                                cached=False, stance_version="bench")
        future: Future[Attempt] = Future()
        future.set_result(Attempt(result=ArticleResult(article=article.info, actors=[], claims=[],
                                                       provenance=provenance)))
        return future

    def stats(self) -> tuple[int, int, int]:
        return (0, 0, 0)

    def close(self, *, wait: bool) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args()
    from openai._utils import maybe_transform  # the SDK's own params walk, to show what _send skips
    from openai.types.chat import completion_create_params

    tmp = Path(tempfile.mkdtemp(prefix="stance-bench-overhead-"))
    conn, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(child, True), daemon=True)
    server.start()
    try:
        settings = Settings(base_url=conn.recv(), model="fake-model", cache_dir=tmp / "cache", use_cache=False)
        mode = load_mode(settings)
        articles = [Article.from_text(article_text(i), f"a{i:06d}") for i in range(300)]
        plans = [mode.plan(split_article(a.text)) for a in articles]
        request = plans[0].requests[0]
        parts: dict[str, float] = {}
        parts["split + plan"] = best_ms(lambda i: mode.plan(split_article(articles[i].text)))
        with connect(settings) as llm:
            params = {**llm._request_kwargs(request.messages, _schema_of(request.answer_model)), "stream": False}
            walk = completion_create_params.CompletionCreateParamsNonStreaming
            parts["SDK params walk, whole request (skipped in part)"] = best_ms(lambda i: maybe_transform(params, walk))
            parts["SDK params walk, without messages (still done)"] = best_ms(
                lambda i: maybe_transform({**params, "messages": []}, walk))
            parts["model request (complete_json, no cache)"] = best_ms(
                lambda i: [llm.complete_json(r.messages, r.answer_model) for r in plans[i].requests])
            answers = [[llm.complete_json(r.messages, r.answer_model) for r in p.requests] for p in plans]
            results = [article_result(mode, plans[i], answers[i], articles[i].info, llm=llm, settings=settings,
                                      started=0.0) for i in range(len(plans))]
            parts["merge + result"] = best_ms(lambda i: article_result(
                mode, plans[i], answers[i], articles[i].info, llm=llm, settings=settings, started=0.0))
        cache = ResponseCache(tmp / "responses.sqlite")
        value = {"raw": answers[0][0].raw, "usage": {"prompt_tokens": 100, "completion_tokens": 20}, "attempts": 1}
        parts["cache put"] = best_ms(lambda i: cache.put(f"{time.monotonic_ns()}-{i}", value))
        parts["cache lookup"] = best_ms(lambda i: cache.get(f"missing-{i}"))
        cache.close()
        folder = RunFolder(tmp / "run")
        folder.open()
        parts["write result"] = best_ms(lambda i: folder.write_result(f"a{i:06d}", results[i]))
        events = EventLog(folder.events, SecretScrubber(None))
        parts["events line"] = best_ms(lambda i: events.write(
            "article_done", f"a{i:06d}", seconds=0.01, cached=False, attempts=1, prompt_tokens=100,
            completion_tokens=20, claims=2, stances=2))
        events.close()
        folder.close()
        source = tmp / "articles.jsonl"
        source.write_text("".join(json.dumps({"id": f"a{i:06d}", "text": article_text(i)}) + "\n"
                                  for i in range(5000)), encoding="utf-8")
        parts["read one JSONL record"] = round(best_ms(
            lambda i: sum(1 for _ in iter_articles([source], LoadOptions())), n=1) / 5000, 3)

        def runner(i: int) -> None:
            out = tmp / f"runner-{i}-{time.monotonic_ns()}"
            run_batch([source], out, settings, quiet=True, engine=_ReadyEngine)
            shutil.rmtree(out)

        parts["the runner alone (ready results)"] = round(best_ms(runner, n=1) / 5000, 3)
    finally:
        conn.send("stop")
        server.join(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    width = max(map(len, parts))
    for name, ms in parts.items():
        print(f"{name:<{width}}  {ms:6.3f} ms")
    if args.json:
        args.json.write_text(json.dumps(parts, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
