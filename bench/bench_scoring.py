"""Time scoring alone (no model, no files) for N fixture-pairs (issue 4 target: 1,000 in < 2 s).

Predictions are synthesised from the dev gold so matching does real work: every
fourth stance is dropped, every fifth flipped, evidence is widened to the whole
sentence, claim texts are reworded, actors keep at most one alias, and a
spurious pair is added per article.
The 9 dev fixtures are replicated (under distinct names) up to N.

usage: .venv/bin/python bench/bench_scoring.py [--n 1000] [--fixtures ../shared/fixtures/dev] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from stance.evals import Fixture, ScoreOptions, gold_as_result, load_fixtures, score_results
from stance.results import ArticleResult, Claim, Evidence, Stance

FLIP = {"support": "oppose", "oppose": "support", "neutral": "support"}


def noisy_prediction(fx: Fixture) -> ArticleResult:
    r = gold_as_result(fx, seconds=30.0)
    for a in r.actors:  # the extractor names actors; it does not copy the gold aliases
        a.aliases = a.aliases[:1]
    i = 0
    for c in r.claims:
        c.text = "It is said that " + c.text.lower()
        kept = []
        for s in c.stances:
            i += 1
            if i % 4 == 0:
                continue
            if i % 5 == 0:
                s.stance = FLIP[s.stance]  # type: ignore[assignment]
            for e in s.evidence:
                lo = fx.text.rfind(".", 0, e.start) + 1  # type: ignore[arg-type]
                hi = fx.text.find(".", e.end)
                hi = len(fx.text) if hi < 0 else hi + 1
                e.start, e.end, e.quote, e.alignment = lo, hi, fx.text[lo:hi], "normalized"
            kept.append(s)
        c.stances = kept
    first = fx.gold.actors[0].name
    r.claims.append(Claim(id="spurious", text="Something nobody said in this article", stances=[
        Stance(actor=first, stance="support", evidence=[Evidence(quote="not in the text")])]))
    return r


def main() -> None:
    here = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="fixture-pairs to score")
    ap.add_argument("--fixtures", type=Path, default=here.parent / "shared" / "fixtures" / "dev")
    ap.add_argument("--repeat", type=int, default=3, help="timed repetitions (the best is reported)")
    args = ap.parse_args()

    base = load_fixtures(args.fixtures)
    fixtures, results = [], {}
    for k in range(args.n):
        fx = base[k % len(base)].model_copy(update={"name": f"{base[k % len(base)].name}-{k:05d}"})
        fixtures.append(fx)
        results[fx.name] = noisy_prediction(fx)
    pairs = sum(f.gold_pair_count() for f in fixtures)
    pred = sum(r.stance_count() for r in results.values())

    for label, opts in (("matching + metrics", ScoreOptions(bootstrap_resamples=0)),
                        ("total incl. 1000-resample bootstrap", ScoreOptions())):
        times, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            report = score_results(fixtures, results, options=opts)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(f"{label:38s} best {min(times):.3f} s wall, {min(cpu):.3f} s CPU  "
              f"(wall runs: {', '.join(f'{x:.3f}' for x in times)})")
    m = report.overall.micro
    print(f"{args.n} fixture-pairs, {pairs} gold pairs, {pred} predicted pairs; "
          f"pair_f1 {m['pair_f1']:.3f}, stance_accuracy {m['stance_accuracy']:.3f}, "
          f"CI pair_f1 {report.overall.ci['pair_f1']}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, load average {load:.2f}")


if __name__ == "__main__":
    main()
