"""``stance claims`` on a 1,000-article run: grouping, and naming against the fake server at 0 ms latency.

    .venv/bin/python bench/bench_claims.py [--articles 1000] [--fixtures ../shared/fixtures/dev] [--json out.json]

The run folder is synthesised from the dev fixtures' hand-labelled claims (the
texts are not copied, only the gold results): article ``k`` is fixture
``k mod 9`` again (15 claims on average), with every claim reworded at random
(cut at its first comma, negated with its stances reversed, hedged, a time
phrase added), so the run holds ~15,000 claims in thousands of distinct
wordings of the 138 propositions: more repetition than a real corpus, and
about a third of the distinct texts ~1,000 real articles would give (each of
its claims worded its own way), so the embedding time scales up accordingly;
the benchmark prints it.

Then, in a fresh process each, as users run it (``python -m stance claims``):

1. ``--names central``: grouping alone (reading the run, embedding or
   comparing the claims, grouping, writing the map, claims.csv and the codebook);
2. ``--names model`` against the fake OpenAI server (its own process, 0 ms):
   our side of naming, one request per group of several wordings, no cache.

It prints wall and CPU time, peak RSS, claims, distinct texts, groups,
recurring claims and naming requests. The target (issue 16): at most 2 minutes
on 2 cores, naming included; the embedded model's own naming time is for a run
with the model (the requests are counted here).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the fake server is a test helper: tests/support/fake_openai.py

from support.fake_openai import FakeOpenAI, reply_json  # noqa: E402

from stance.evals import gold_as_result, load_fixtures  # noqa: E402
from stance.results import ArticleResult  # noqa: E402

TAILS = ["this year", "in the coming weeks", "for now", "again", "at this point", "in the end", "by next spring",
         "after the vote", "despite the protests", "according to the latest figures", "as the talks resume"]
HEDGES = ["It is clear that", "Officials believe that", "There is little doubt that", "Critics fear that",
          "Supporters insist that", "Many now accept that", "The report suggests that", "Sources say that"]
LOWER = {"The", "A", "An", "There", "It", "This", "No", "What", "Both", "Politicians", "Job", "Energy"}
AUX = re.compile(r"\b(is|are|was|were|will|would|should|can|could|has|have|must)\b")


def reword(text: str, rng: random.Random) -> tuple[str, bool]:
    """One rewording of a claim (each change with some chance: cut at the first comma, negated, hedged, a time
    phrase added), and whether it negates the claim."""
    base, negated = text.rstrip("."), False
    if "," in base and rng.random() < 0.3:
        base = base.split(",")[0]
    if rng.random() < 0.25 and AUX.search(base) and " not " not in base:
        base, negated = AUX.sub(lambda m: m.group(1) + " not", base, count=1), True
    if rng.random() < 0.5:
        first, _, rest = base.partition(" ")
        base = f"{rng.choice(HEDGES)} {first.lower() if first in LOWER else first} {rest}"
    if rng.random() < 0.6:
        base = f"{base} {rng.choice(TAILS)}"
    return base + ".", negated


def synthesise(fixtures_dir: Path, run: Path, n_articles: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    golds = [gold_as_result(f) for f in load_fixtures(fixtures_dir)]
    (run / "results").mkdir(parents=True)
    for k in range(n_articles):
        base = golds[k % len(golds)]
        result = ArticleResult.model_validate(base.model_dump())
        result.article.id = f"{base.article.id.removesuffix('.txt')}-{k:04d}.txt"
        result.article.path = f"articles/{result.article.id}"
        kept = result.claims
        for claim in kept:
            claim.text, negated = reword(claim.text, rng)
            if negated:
                for stance in claim.stances:
                    stance.stance = {"support": "oppose", "oppose": "support"}.get(stance.stance, stance.stance)  # type: ignore[assignment]
        result.claims = kept
        (run / "results" / f"{result.article.id}.json").write_text(result.model_dump_json(), encoding="utf-8")


def _namer(body: dict[str, Any]) -> Any:
    first = re.search(r"^1\. (?:\(negated\) )?(.+)$", body["messages"][-1]["content"], flags=re.M)
    return reply_json({"name": (first.group(1) if first else "A claim.")[:150]})


def _serve(conn: Any) -> None:
    with FakeOpenAI(responder=_namer) as fake:
        conn.send(fake.base_url)
        conn.recv()


def parse(out: str) -> dict[str, Any]:
    m = re.search(r"claim map: (\d+) articles, (\d+) claims -> (\d+) claims, (\d+) of them .*?, ([\d.]+) s\)", out)
    n = re.search(r"names: (\d+) requests .*?, ([\d.]+) s\)", out)
    got: dict[str, Any] = {}
    if m:
        got.update(articles=int(m[1]), claims=int(m[2]), groups=int(m[3]), recurring=int(m[4]), grouping_s=float(m[5]))
    if n:
        got.update(naming_requests=int(n[1]), naming_s=float(n[2]))
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--fixtures", type=Path, default=REPO.parent / "shared" / "fixtures" / "dev")
    parser.add_argument("--method", default="auto", choices=["auto", "embedding", "lexical"])
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-claims-") as tmp:
        run = Path(tmp) / "run"
        synthesise(args.fixtures, run, args.articles)
        texts = {c["text"] for f in (run / "results").glob("*.json") for c in json.loads(f.read_text())["claims"]}
        report: dict[str, Any] = {"articles": args.articles, "distinct_texts": len(texts), "cpus": os.cpu_count()}

        central = _timed(run, ["--names", "central", "--method", args.method])
        report["central"] = central

        parent, child = multiprocessing.Pipe()
        server = multiprocessing.Process(target=_serve, args=(child,), daemon=True)
        server.start()
        base_url = parent.recv()
        try:
            env_cache = str(Path(tmp) / "cache")
            os.environ["STANCE_CACHE_DIR"] = env_cache
            report["model"] = _timed(run, ["--names", "model", "--method", args.method, "--base-url", base_url,
                                           "--model", "fake-model", "--no-cache"])  # fmt: skip
        finally:
            parent.send("stop")
            server.join(5)
    for case in ("central", "model"):
        r = report[case]
        print(f"{case:8} wall {r['wall_s']:6.1f} s  cpu {r['cpu_s']:6.1f} s  peak RSS {r['peak_rss_mb']:5.0f} MB  "
              + "  ".join(f"{k} {v}" for k, v in r.items() if k not in {"wall_s", "cpu_s", "peak_rss_mb"}))  # fmt: skip
    print(f"distinct claim texts: {report['distinct_texts']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _timed(run: Path, extra: list[str]) -> dict[str, Any]:
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "stance", "claims", str(run), "--show", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"stance claims failed:\n{out}")
    return {"wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": usage.ru_maxrss / 1024, **parse(out)}  # fmt: skip


if __name__ == "__main__":
    main()
