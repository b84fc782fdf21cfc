"""Can the embedded model judge which side a second actor takes on another actor's claim? A probe, not a feature.

    .venv/bin/python bench/probe_sides.py related     # every related pair: AUC of support vs oppose
    .venv/bin/python bench/probe_sides.py mixed       # 60 related + 80 unrelated pairs: can it tell which is which?

Pairs come from the gold of every English fixture set (dev, the two real held-out sets, the invented held-out set,
the internal-market-bill corpus): for each gold claim with two or more actors taking a side, the claim's first
actor holds it, and every other actor's evidence is a "related" pair labelled with that actor's gold stance
(support or oppose). An "unrelated" pair (``mixed``) puts the claim beside the evidence of an actor who takes no
stance on it, for another claim of the same article (one per claim, seeded).

Each pair is asked with one output token and its top log-probabilities (the response cache off, one slot):
"Does X agree with the claim? Answer yes or no." gives the log-odds of yes against no; ``related`` also asks it
with the evidence "N/A" (contextual calibration), ``mixed`` also asks "Is what X said or did about this claim, for or
against it?". It prints a row per pair and the areas under the ROC curve. Measured: evals/reports/review-mends-speed-
bound-and-what-blocks-the-targets.md.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from pathlib import Path

from stance.config import load_settings
from stance.evals import load_fixtures
from stance.model.client import LLMClient, connect

REPO = Path(__file__).resolve().parent.parent
SETS = [REPO.parent / "shared/fixtures/dev", REPO / "evals/fixtures/heldout-real", REPO / "evals/fixtures/heldout-real-2",
        REPO / "evals/fixtures", REPO / "evals/fixtures/corpus-internal-market-bill"]
AGREE = "You judge whether a speaker agrees or disagrees with a claim. Answer with one word: yes or no."
ABOUT = "You judge whether a statement is about a claim. Answer with one word: yes or no."

Pair = tuple[str, str, str, str]  # claim, actor, evidence, label (support | oppose | unrelated)


def gold_pairs(rng: random.Random) -> tuple[list[Pair], list[Pair]]:
    """The related and the unrelated pairs, in the gold files' order (``rng`` picks each unrelated one)."""
    related: list[Pair] = []
    unrelated: list[Pair] = []
    for folder in SETS:
        for fixture in load_fixtures(folder):
            claims = fixture.gold.claims
            for claim in claims:
                sides = [s for s in claim.stances if s.stance in ("support", "oppose")]
                if len(sides) < 2:
                    continue
                holder = sides[0].actor
                on_claim = {s.actor for s in claim.stances}
                related += [(claim.text, s.actor, " ".join(s.evidence)[:400], s.stance)
                            for s in sides[1:] if s.actor != holder]
                others = [(o, s) for o in claims if o is not claim for s in o.stances if s.actor not in on_claim]
                if others:
                    _, s = rng.choice(others)
                    unrelated.append((claim.text, s.actor, " ".join(s.evidence)[:400], "unrelated"))
    return related, unrelated


def log_odds(llm: LLMClient, system: str, question: str) -> float:
    """log P(yes) - log P(no) of the model's first answer token."""
    answer = llm._client.chat.completions.create(
        model=llm.model_name, messages=[{"role": "system", "content": system}, {"role": "user", "content": question}],
        max_tokens=1, temperature=0, logprobs=True, top_logprobs=10,
    )
    mass = {"yes": 0.0, "no": 0.0}
    for token in answer.choices[0].logprobs.content[0].top_logprobs:  # type: ignore[union-attr,index]
        word = token.token.strip().lower()
        if word in mass:
            mass[word] += math.exp(token.logprob)
    return math.log(mass["yes"] + 1e-6) - math.log(mass["no"] + 1e-6)


def agrees(llm: LLMClient, claim: str, actor: str, evidence: str) -> float:
    return log_odds(llm, AGREE, f'Claim: {claim}\nWhat {actor} said or did: "{evidence}"\n'
                                f"Does {actor} agree with the claim? Answer yes or no.")


def is_about(llm: LLMClient, claim: str, actor: str, evidence: str) -> float:
    return log_odds(llm, ABOUT, f'Claim: {claim}\nWhat {actor} said or did: "{evidence}"\n'
                                f"Is what {actor} said or did about this claim, for or against it? Answer yes or no.")


def auc(scores: list[float], positive: list[bool]) -> float:
    """The chance that a positive pair scores above a negative one (ties count half)."""
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    return sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / (len(pos) * len(neg))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pairs", choices=["related", "mixed"])
    args = parser.parse_args()
    rng = random.Random(1)
    related, unrelated = gold_pairs(rng)
    if args.pairs == "mixed":
        rng.shuffle(related)
        pairs = related[:60] + unrelated[:80]
    else:
        pairs = related
    print(len(pairs), "pairs:", {k: sum(p[3] == k for p in pairs) for k in ("support", "oppose", "unrelated")})
    started = time.monotonic()
    rows: list[tuple[str, float, float]] = []
    with connect(load_settings(use_cache=False, parallel=1), cache=None) as llm:
        for claim, actor, evidence, label in pairs:
            agree = agrees(llm, claim, actor, evidence)
            second = agree - agrees(llm, claim, actor, "N/A") if args.pairs == "related" else is_about(
                llm, claim, actor, evidence)
            rows.append((label, agree, second))
            print(f"{label:9s} {agree:+.2f} {second:+.2f} | {actor[:20]} | {claim[:60]} | {evidence[:60]}", flush=True)
    labels = [r[0] for r in rows]
    if args.pairs == "related":
        support = [label == "support" for label in labels]
        print("AUC support vs oppose: log-odds", round(auc([r[1] for r in rows], support), 3),
              "calibrated", round(auc([r[2] for r in rows], support), 3))
    else:
        print("AUC related vs unrelated by the 'about' question", round(auc([r[2] for r in rows],
                                                                             [label != "unrelated" for label in labels]), 3))
        opposed = [r for r in rows if r[0] in ("oppose", "unrelated")]
        print("AUC oppose vs unrelated by the 'agree' log-odds (oppose lower)",
              round(auc([-r[1] for r in opposed], [r[0] == "oppose" for r in opposed]), 3))
        for label in ("support", "oppose", "unrelated"):
            mine = [r for r in rows if r[0] == label]
            print(label, "median agree", round(statistics.median(r[1] for r in mine), 2),
                  "median about", round(statistics.median(r[2] for r in mine), 2))
    print("seconds", round(time.monotonic() - started, 1))


if __name__ == "__main__":
    main()
