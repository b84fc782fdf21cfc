"""Benchmark `stance export` on a synthetic run with 100,000 stance rows.

Builds a run folder (10,000 articles x 5 claims x 2 stances, actors and claims
drawn from pools with surface variants, so canonicalisation has real merging
to do), then exports each (table, format) in a fresh Python process and
reports wall time per phase and the process's peak memory (max RSS).

    .venv/bin/python bench/bench_export.py            # all formats
    .venv/bin/python bench/bench_export.py --only long:csv long:parquet

Numbers are for the machine it runs on; docs/export.md records ours.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = [
    ("long", "csv"), ("long", "parquet"), ("long", "jsonl"), ("long", "md"), ("long", "xlsx"),
    ("wide", "csv"), ("wide", "parquet"), ("actors", "csv"), ("claims", "csv"),
    ("network", "csv"), ("network", "graphml"),
]  # fmt: skip

FIRST = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kofi", "Lena"]
SUBJECTS = ["The city", "The state", "Congress", "The council", "The union", "The agency", "Iran", "The EU", "The league"]
VERBS = ["fund", "ban", "review", "expand", "cut", "protect", "audit", "delay", "approve", "rebuild"]
OBJECTS = [
    "public schools", "the new bridge", "rent-capped housing", "nuclear enrichment", "the transit line",
    "teacher pay", "the merger", "carbon taxes", "the casino plan", "police overtime",
]  # fmt: skip


def _people(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n people with unique surnames: (full name, surname)."""
    people = []
    for i in range(n):
        surname = "Surname" + "".join(chr(ord("a") + int(d)) for d in f"{i:04d}")
        people.append((f"{rng.choice(FIRST)} {surname.capitalize()}", surname.capitalize()))
    return people


def _claims(n: int) -> list[list[str]]:
    """n propositions, each with three surface variants that should merge."""
    claims = []
    for i in range(n):
        subject, verb, obj = SUBJECTS[i % 9], VERBS[(i // 9) % 10], OBJECTS[(i // 90) % 10]
        extra = f"district {i}"
        claims.append(
            [
                f"{subject} should {verb} {obj} in {extra}.",
                f"{subject} should {verb} {obj} in {extra} now.",
                f"In {extra}, {subject.lower()} should {verb} {obj}.",
            ]
        )
    return claims


def build_run(run_dir: Path, n_articles: int = 10_000, claims_per_article: int = 5, stances_per_claim: int = 2) -> int:
    """Write a synthetic run folder; returns the number of stance rows."""
    from stance.results import Actor, ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance  # fmt: skip

    rng = random.Random(7)
    people = _people(rng, 400)
    propositions = _claims(500)
    (run_dir / "results").mkdir(parents=True, exist_ok=True)
    rows = 0
    for a in range(n_articles):
        aid = f"article-{a:05d}.txt"
        speakers = rng.sample(people, stances_per_claim * 2)
        actors = []
        for full, surname in speakers:
            style = rng.random()
            name = full if style < 0.6 else (f"Senator {full}" if style < 0.85 else surname)
            actors.append(Actor(name=name, type="person", aliases=[surname] if name != surname else []))
        claims = []
        for c in range(claims_per_article):
            text = rng.choice(rng.choice(propositions))
            stances = []
            for actor in rng.sample(actors, stances_per_claim):
                quote = f"{actor.name} said something about claim {c}"
                stances.append(
                    Stance(
                        actor=actor.name,
                        stance=rng.choice(["support", "support", "oppose", "neutral"]),
                        evidence=[Evidence(quote=quote, start=100 * c, end=100 * c + len(quote), alignment="exact")],
                    )
                )
                rows += 1
            claims.append(Claim(id=f"c{c + 1}", text=text, stances=stances))
        result = ArticleResult(
            article=ArticleInfo(id=aid, path=f"corpus/{aid}", sha256="0" * 64, title=f"Synthetic article {a}"),
            actors=actors,
            claims=claims,
            provenance=Provenance(model="synthetic", endpoint="embedded", prompt=PromptInfo(name="extract", hash="0123abcd")),
        )
        (run_dir / "results" / f"{aid}.json").write_text(result.model_dump_json(), encoding="utf-8")
    return rows


def run_one(run_dir: Path, table_name: str, fmt: str, out: Path) -> dict[str, float]:
    """Export one table in this process; phases timed separately."""
    import stance.corpus as ex
    from stance._gc import gc_paused
    from stance.corpus import write_mappings

    t_import = time.perf_counter()
    module = {"parquet": "pyarrow.parquet", "xlsx": "openpyxl", "graphml": "networkx"}.get(fmt)
    if module:  # timed apart: importing pyarrow alone takes about a second here
        importlib.import_module(module)
    import_s = time.perf_counter() - t_import
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    run = ex.load_run(run_dir, method="lexical")
    t1 = time.perf_counter()
    with gc_paused():  # as ex.export() does
        write_mappings(run_dir, run.canon)
        t2 = time.perf_counter()
        if fmt == "graphml":
            graph = ex.network_graph(run)
            t3 = time.perf_counter()
            ex.write_graphml(graph, out)
            n = graph.number_of_edges()
        else:
            rows = ex.table_rows(run, table_name)
            t3 = time.perf_counter()
            ex.write_table(rows, out, fmt, ex.columns_of(table_name, rows))
            n = len(rows)
        t4 = time.perf_counter()
    return {
        "rows": n,
        "import_s": import_s,
        "load_s": t1 - t0,
        "mappings_s": t2 - t1,
        "table_s": t3 - t2,
        "write_s": t4 - t3,
        "total_s": t4 - t0,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "base_rss_mb": base_rss,
        "size_mb": out.stat().st_size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, help="use (or create) this run folder instead of a temporary one")
    parser.add_argument("--only", nargs="*", help="TABLE:FORMAT cases, e.g. long:csv")
    parser.add_argument("--one", nargs=3, metavar=("RUN", "TABLE", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        run_dir, table_name, fmt = Path(args.one[0]), args.one[1], args.one[2]
        out = run_dir / "exports" / f"bench-{table_name}.{fmt}"
        out.parent.mkdir(exist_ok=True)
        print(json.dumps(run_one(run_dir, table_name, fmt, out)))
        return

    run_dir = args.run or Path(tempfile.mkdtemp(prefix="stance-bench-")) / "run"
    if not (run_dir / "results").is_dir():
        t = time.perf_counter()
        n = build_run(run_dir)
        print(f"built {run_dir}: {n} stance rows in {time.perf_counter() - t:.1f} s", flush=True)
    cases = [tuple(c.split(":")) for c in args.only] if args.only else CASES
    print(
        f"{'table':8} {'format':8} {'rows':>8} {'import':>7} {'load':>7} {'table':>7} {'write':>7} {'total':>7} "
        f"{'base MB':>8} {'peak MB':>8} {'file MB':>8}"
    )
    for table_name, fmt in cases:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(run_dir), table_name, fmt], capture_output=True, text=True
        )
        if proc.returncode != 0:
            print(f"{table_name:8} {fmt:8} failed: {proc.stderr.strip().splitlines()[-1]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{table_name:8} {fmt:8} {r['rows']:>8} {r['import_s']:>6.2f}s {r['load_s']:>6.2f}s {r['table_s']:>6.2f}s "
            f"{r['write_s']:>6.2f}s {r['total_s']:>6.2f}s {r['base_rss_mb']:>8.0f} {r['peak_rss_mb']:>8.0f} {r['size_mb']:>8.1f}",
            flush=True,
        )
    print(
        "import = the format's library; load = read + validate results and canonicalise; "
        "total = load + mapping files + table + write; base = max RSS before loading"
    )


if __name__ == "__main__":
    main()
