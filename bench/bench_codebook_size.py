"""Codebook size against cost in codebook mode's default method (retrieve).

The model is asked open mode's questions whatever the codebook, so the model
time per article does not depend on its size (tests/extraction/test_codebook_retrieval.py
checks that a 50-claim codebook sends the very requests a 5-claim one does).
What grows is the coding after the answers: this times it, for every
statement of a run folder (default: the dev fixtures' gold claims and
evidence sentences as statements), against codebooks of N claims made of
real claims (the dev gold claims, repeated with other ids past 185).

    python bench/bench_codebook_size.py [--fixtures ../shared/fixtures/dev] [--sizes 5 20 50 500]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from stance.extraction.codebook import Codebook, CodebookClaim
from stance.extraction.retrieval import CodebookIndex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=Path(__file__).resolve().parents[2] / "shared/fixtures/dev")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 20, 50, 500])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    claims: list[str] = []
    statements: list[tuple[str, str]] = []
    for path in sorted(args.fixtures.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for claim in gold["claims"]:
            claims.append(claim["text"])
            statements += [(ev, st["stance"]) for st in claim["stances"] for ev in st["evidence"]]
    print(f"{len(statements)} statements, coding time per statement (mean of {args.repeat} passes)")
    for size in args.sizes:
        book = Codebook(claims=[CodebookClaim(id=f"k{i}", text=claims[i % len(claims)]) for i in range(size)])
        started = time.perf_counter()
        index = CodebookIndex(book)
        built = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(args.repeat):
            for text, stance in statements:
                index.code(text, stance)
        per = (time.perf_counter() - started) / (args.repeat * len(statements))
        print(f"{size:>5} claims: index {built * 1000:.2f} ms, {per * 1e6:.0f} µs per statement")


if __name__ == "__main__":
    main()
