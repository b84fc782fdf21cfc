"""Batch throughput of the embedded default: articles per hour per core, by ``--workers`` (issue 20).

    .venv/bin/python bench/bench_throughput.py ../shared/fixtures/dev/*.txt evals/fixtures/*.txt \\
        --articles 20 --workers 1 2 4 [--parallel 2] [--json out.json]

Copies ``--articles`` of the given files (in the order given, repeated if there are fewer) into a folder and runs
``stance.run_batch`` on it once per ``--workers`` value, each time into a fresh run folder with no response cache,
so every article goes to the model. One embedded server (``--parallel`` slots) is started once and shared by all the
runs, so its start-up is not counted (``bench/bench_cold_start.py`` measures that). ``--workers`` is how many
articles are in flight at once; each article also sends up to ``--parallel`` of its own requests at once.

Reports per setting: wall seconds, articles per hour, articles per hour per core (``os.cpu_count()``), seconds per
1,000 words, prompt and completion tokens. A script, not a test: timings depend on the machine and its load
(the load average is printed before and after each run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench_cold_start import uptime  # the load average, as the other benchmarks print it

from stance import Settings, run_batch
from stance.model.client import connect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--parallel", type=int, default=Settings().parallel, help="server slots (Settings.parallel)")
    parser.add_argument("--prompt", default=None, help="prompt folder (default: the embedded model's default)")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()

    cores = os.cpu_count() or 1
    settings = Settings(use_cache=False, parallel=args.parallel, **({"prompt": args.prompt} if args.prompt else {}))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i in range(args.articles):
            src = args.files[i % len(args.files)]
            shutil.copy(src, folder / f"{i:03d}-{src.name}")
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in folder.iterdir())
        with connect(settings) as llm:
            for workers in args.workers:
                load_before = uptime()
                started = time.perf_counter()
                summary = run_batch([folder], Path(tmp) / f"run-w{workers}", settings, workers=workers, quiet=True,
                                    llm=llm)
                wall = time.perf_counter() - started
                counts, usage = summary.counts, summary.manifest.usage
                row = {
                    "workers": workers, "parallel": args.parallel, "articles": args.articles, "words": words,
                    "done": counts.done, "failed": counts.failed, "wall_s": round(wall, 1),
                    "articles_per_hour": round(3600 * counts.done / wall, 1),
                    "articles_per_hour_per_core": round(3600 * counts.done / wall / cores, 1),
                    "s_per_1000_words": round(1000 * wall / words, 1),
                    "prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
                    "cores": cores, "load_before": load_before, "load_after": uptime(),
                }
                print(json.dumps(row), flush=True)
                rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
