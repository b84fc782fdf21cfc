"""Write a fixture folder's gold labels as a run folder, to measure the corpus metrics with the gold itself.

    python scripts/gold_corpus_run.py evals/fixtures/corpus-internal-market-bill /tmp/gold-run [--gold-map]
    stance eval score /tmp/gold-run --fixtures evals/fixtures/corpus-internal-market-bill

The results are the gold claims and stances (``stance.evals.gold_as_result``),
so every pair matches. Without ``--gold-map`` the run's claims are grouped as any
run's are (``stance claims`` can be run on it, or export's merging applies): that
measures grouping alone, on perfect extraction. With ``--gold-map`` the folder also
gets a ``claim_map.json`` holding the gold's own groups (each corpus claim's
instances, ``corpus_flip`` as the member's flip; every other claim alone), so
claim-group B-cubed and the cell share must both come out 1.0.
"""

from __future__ import annotations

import argparse
import shutil
from datetime import UTC, datetime
from pathlib import Path

from stance.corpus.claim_map import write_claim_map
from stance.evals import gold_as_result, gold_claim_map, load_corpus, load_fixtures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fixtures", type=Path)
    ap.add_argument("run", type=Path)
    ap.add_argument("--gold-map", action="store_true", help="also write claim_map.json with the gold's corpus groups")
    args = ap.parse_args()
    fixtures = load_fixtures(args.fixtures)
    corpus = load_corpus(args.fixtures, fixtures)
    if args.run.exists():
        raise SystemExit(f"{args.run} exists; give a new folder")
    (args.run / "results").mkdir(parents=True)
    (args.run / "articles").mkdir()
    for f in fixtures:
        shutil.copyfile(args.fixtures / f.gold.article, args.run / "articles" / f.gold.article)
        result = gold_as_result(f)
        result.article.path = f"articles/{f.gold.article}"
        (args.run / "results" / f"{f.name}.json").write_text(result.model_dump_json(), encoding="utf-8")
    if args.gold_map:
        if corpus is None:
            raise SystemExit(f"{args.fixtures} has no corpus.json")
        write_claim_map(args.run, gold_claim_map(fixtures, corpus, created=datetime.now(UTC).isoformat()))
    print(args.run)


if __name__ == "__main__":
    main()
