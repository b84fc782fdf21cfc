"""Time the embedded model on real articles, without the response cache.

    python bench/bench_embedded.py seeds/blinken-iran-no-agreement.txt --parallel 1 2 4

Each setting starts a fresh embedded server and extracts every file once; the
table gives wall seconds (server start included and excluded), seconds per
1,000 words and tokens. With temperature 0 the statements should not depend
on the speed settings: the "same" column compares each setting's statements
with the first setting's. Run it alone: other jobs on the 2 cores skew it.
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
from stance.extraction.open_mode import OpenMode
from stance.extraction.prompts import load_prompt
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--parallel", type=int, nargs="+", default=[2])
    parser.add_argument("--window", type=int, nargs="+", default=[Settings().window_candidates],
                        help="candidate sentences per request (Settings.window_candidates)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()

    LLMClient._create = record_timings(LLMClient._create)  # type: ignore[method-assign]
    articles = [read_text_file(path) for path in args.files]
    words = sum(len(a.text.split()) for a in articles)
    rows = []
    first_digest = None
    for parallel, window in itertools.product(args.parallel, args.window):
        settings = load_settings(use_cache=False, parallel=parallel, window_candidates=window)
        prompt = load_prompt(settings.prompt_name, settings.prompts_dir)
        SERVER_TIMINGS.clear()
        started = time.monotonic()
        with connect(settings) as llm:
            ready = time.monotonic()
            results = list(extract_many(articles, llm, OpenMode(prompt, settings.window_candidates), settings))
        done = time.monotonic()
        completion = sum(r.provenance.usage.completion_tokens for r in results if not isinstance(r, FailureRecord))
        prompt_tokens = sum(r.provenance.usage.prompt_tokens for r in results if not isinstance(r, FailureRecord))
        stances = sum(len(c.stances) for r in results if not isinstance(r, FailureRecord) for c in r.claims)
        digest = statements_digest(results)
        first_digest = first_digest or digest
        row = {
            "parallel": settings.parallel,
            "window": settings.window_candidates,
            "words": words,
            "wall_s": round(done - started, 1),
            "extract_s": round(done - ready, 1),
            "s_per_1000_words": round(1000 * (done - started) / words, 1),
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
