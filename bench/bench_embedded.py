"""Time the embedded model on real articles, without the response cache.

    python bench/bench_embedded.py seeds/blinken-iran-no-agreement.txt --parallel 1 2 4

Each setting starts a fresh embedded server and extracts every file once; the
table gives wall seconds (server start included and excluded), seconds per
1,000 words and tokens. With temperature 0 the statements should not depend
on the speed settings: the "same" column compares each setting's statements
with the first setting's. Run it alone: other jobs on the 2 cores skew it.

The ratio (issue 20) holds on any machine because both of its terms are
measured in the same run, on the same server: the **floor** is the wall time
for the server to read an article's text once (one request, the text as the
only message, ``max_tokens`` = 1, ``cache_prompt`` off so nothing is reused;
the fastest of ``--floor-repeats`` reads),
and the **ratio** is the article's extraction wall time over its floor. The floors
are measured first (a floor request leaves its text in a slot), then the
extractions; the set's ratio is total extraction time over total floor. ``--per-article`` prints each
article's row, ``--fill-cache`` stores the answers in the response cache (never
reading it), so ``stance eval run`` scores the same answers afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import time
from pathlib import Path

from stance.config import Settings, load_settings
from stance.extraction.api import extract_many, read_text_file
from stance.extraction.article import Article
from stance.extraction.open_mode import OpenMode
from stance.extraction.prompts import load_prompt
from stance.model.cache import ResponseCache
from stance.model.client import LLMClient, connect
from stance.results import FailureRecord


def statements_digest(results: list) -> str:
    rows = []
    for result in results:
        if isinstance(result, FailureRecord):
            rows.append(["failed", result.article_id, result.kind])
            continue
        for claim in result.claims:
            for stance in claim.stances:
                rows.append([result.article.id, stance.actor, claim.text, stance.stance])
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:12]


SERVER_TIMINGS: list[dict] = []


def record_timings(create):
    """Keep llama.cpp's per-request timings (prompt tokens really processed, ms per phase)."""

    def wrapped(self, conversation, schema):
        response = create(self, conversation, schema)
        timings = (getattr(response, "model_extra", None) or {}).get("timings")
        if timings:
            SERVER_TIMINGS.append(timings)
        return response

    return wrapped


class WriteOnlyCache(ResponseCache):
    """The response cache, written and never read: every request is timed, and eval runs can score the answers."""

    def get(self, key: str) -> dict | None:
        return None


def floor_seconds(llm: LLMClient, article: Article, repeats: int) -> tuple[float, dict]:
    """Wall seconds for the server to read the article's text once: one request, max_tokens 1, no prompt reuse.

    The fastest of ``repeats`` reads: one burst of prompt processing is what other jobs skew most (the same
    configuration measured 9.7 and 1.9 with one read each while other helpers' jobs came and went).
    """
    times: list[float] = []
    timings: dict = {}
    for _ in range(repeats):
        started = time.monotonic()
        response = llm._client.chat.completions.create(
            model=llm.model_name, messages=[{"role": "user", "content": article.text}], max_tokens=1, temperature=0,
            extra_body={"cache_prompt": False},
        )
        times.append(time.monotonic() - started)
        timings = (getattr(response, "model_extra", None) or {}).get("timings") or {}
    return min(times), {"floor_reads_s": [round(t, 2) for t in times],
                        "floor_prompt_tokens": response.usage.prompt_tokens if response.usage else 0,
                        "floor_prompt_processed": timings.get("prompt_n", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--parallel", type=int, nargs="+", default=[2])
    parser.add_argument("--window", type=int, nargs="+", default=[Settings().window_candidates],
                        help="candidate sentences per request (Settings.window_candidates)")
    parser.add_argument("--prompt", default=None, help="prompt folder (default: the embedded model's default)")
    parser.add_argument("--no-pin", action="store_true",
                        help="an article_once prompt's requests spread over the slots instead of one")
    parser.add_argument("--floor-repeats", type=int, default=3, help="reads per floor; the fastest counts")
    parser.add_argument("--per-article", action="store_true", help="also print a row per article")
    parser.add_argument("--fill-cache", action="store_true",
                        help="store the answers in the response cache (never read), for stance eval run")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()

    LLMClient._create = record_timings(LLMClient._create)  # type: ignore[method-assign]
    articles = [read_text_file(path) for path in args.files]
    words = sum(len(a.text.split()) for a in articles)
    rows = []
    first_digest = None
    for parallel, window in itertools.product(args.parallel, args.window):
        overrides = {"prompt": args.prompt} if args.prompt else {}
        settings = load_settings(use_cache=args.fill_cache, parallel=parallel, window_candidates=window, **overrides)
        prompt = load_prompt(settings.prompt_name, settings.prompts_dir)
        mode = OpenMode(prompt, settings.window_candidates)
        mode.pin_slot = not args.no_pin
        cache = WriteOnlyCache(settings.cache_dir / "responses.sqlite") if args.fill_cache else None
        SERVER_TIMINGS.clear()
        started = time.monotonic()
        results = []
        floor_total = extract_total = 0.0
        with connect(settings, cache=cache) as llm:
            ready = time.monotonic()
            # all floors first: a floor request leaves its text in a slot, which extraction must not inherit
            floors = [floor_seconds(llm, article, args.floor_repeats) for article in articles]
            for article, (floor, floor_tokens) in zip(articles, floors, strict=True):
                before = len(SERVER_TIMINGS)
                article_started = time.monotonic()
                (result,) = extract_many([article], llm, mode, settings)
                extract_s = time.monotonic() - article_started
                floor_total += floor
                extract_total += extract_s
                results.append(result)
                if args.per_article:
                    timings = SERVER_TIMINGS[before:]
                    usage = None if isinstance(result, FailureRecord) else result.provenance.usage
                    print(json.dumps({
                        "article": article.id, "words": len(article.text.split()), "floor_s": round(floor, 2),
                        **floor_tokens, "extract_s": round(extract_s, 1), "ratio": round(extract_s / floor, 2),
                        "requests": len(timings),
                        "prompt_tokens": usage.prompt_tokens if usage else None,
                        "completion_tokens": usage.completion_tokens if usage else None,
                        "prompt_processed": sum(t.get("prompt_n", 0) for t in timings),
                        "prompt_s": round(sum(t.get("prompt_ms", 0) for t in timings) / 1000, 1),
                        "generate_s": round(sum(t.get("predicted_ms", 0) for t in timings) / 1000, 1),
                    }), flush=True)
        done = time.monotonic()
        completion = sum(r.provenance.usage.completion_tokens for r in results if not isinstance(r, FailureRecord))
        prompt_tokens = sum(r.provenance.usage.prompt_tokens for r in results if not isinstance(r, FailureRecord))
        stances = sum(len(c.stances) for r in results if not isinstance(r, FailureRecord) for c in r.claims)
        digest = statements_digest(results)
        prompt_name = prompt.name
        first_digest = first_digest or digest
        row = {
            "prompt": prompt_name,
            "pinned": prompt.article_once and mode.pin_slot,
            "parallel": settings.parallel,
            "window": settings.window_candidates,
            "words": words,
            "wall_s": round(done - started, 1),
            "extract_s": round(extract_total, 1),
            "floor_s": round(floor_total, 1),
            "ratio": round(extract_total / floor_total, 2),
            "articles": len(articles),
            "s_per_1000_words": round(1000 * (done - started) / words, 1),
            "extract_s_per_1000_words": round(1000 * extract_total / words, 1),
            "server_s": round(ready - started, 1),
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion,
            "stances": stances,
            "prompt_processed": sum(t.get("prompt_n", 0) for t in SERVER_TIMINGS),
            "prompt_s": round(sum(t.get("prompt_ms", 0) for t in SERVER_TIMINGS) / 1000, 1),
            "generate_s": round(sum(t.get("predicted_ms", 0) for t in SERVER_TIMINGS) / 1000, 1),
            "same": digest == first_digest,
            "digest": digest,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
