"""Time everything but the model for long first-person documents of 1k, 3k, 6k and 12k words (issue 17).

Per document length: the rule pass (sentences, candidates), open mode's plan (windows and the messages sent),
codebook mode's plan (chunks and messages, a 20-claim codebook), and the merge of one pointer answer per
candidate sentence, with the author pass on top (``merging.attribute_to_author``). The model is not called:
answers are synthesised, so what is timed is the code around the model, which must stay linear in length.

The document is a testimony-like text built from the held-out news fixtures in evals/fixtures (quotations,
"X said", narration) interleaved with first-person paragraphs ("We urge the committee ..." and a sentence of
words drawn from the fixtures, so that claims keep differing as the document grows: the worst case for
grouping claims), cut to N words; ``--file PATH`` uses a text of yours instead (repeated up to N words).

usage: .venv/bin/python bench/bench_long.py [--words 1000 3000 6000 12000] [--repeat 3] [--file PATH]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stance.config import Settings
from stance.extraction.article import AuthoredPlan, Mode, split_article
from stance.extraction.codebook import Codebook, CodebookClaim
from stance.extraction.modes import load_mode
from stance.text.attribution import find_candidates, stated_speaker
from stance.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
AUTHOR = "Ruth Okafor"
FIRST_PERSON = [
    "We urge the committee to fund the rural hotspot program {i} in full this year.",
    "I believe the proposed cut to line {i} would strand thousands of families.",
    "My organisation opposes the fee increase in section {i} of the bill.",
    "Our members have told us that the grant process for district {i} is too slow.",
    "The program in county {i} has connected families to school and work, and it should continue.",
]


def built_text(words: int, source: str | None) -> str:
    """A document of about ``words`` words, its first line a headline."""
    if source is not None:
        body = [line for line in Path(source).read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        body = []
        for path in sorted((ROOT / "evals" / "fixtures").glob("*.txt")):
            body.extend(line for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip())
    vocabulary = sorted({w for line in body for w in re.findall(r"[a-z]{4,}", line)})
    draw = random.Random(17)
    paragraphs: list[str] = []
    count, i = 0, 0
    while count < words:
        line = body[i % len(body)]
        if source is None and i % 2 == 1:
            own = " ".join(draw.sample(vocabulary, 9))
            line = f"{FIRST_PERSON[i % len(FIRST_PERSON)].format(i=i)} We believe that {own}. {line}"
        paragraphs.append(line)
        count += len(line.split())
        i += 1
    return "Testimony of Ruth Okafor on the Rural Broadband Act\n" + "\n".join(paragraphs) + "\n"


def pointer_answers(plan: Any) -> list[Any]:
    """One [sentence, speaker, "support"] row per candidate sentence of each request: the named speaker, else the
    author (what a model told the author would write)."""
    answers = []
    for request in plan.requests:
        rows = [[s.n, stated_speaker(s) or AUTHOR, "support"] for s in request.sentences]
        answers.append(request.answer_model.model_validate({"statements": rows}))
    return answers


def codebook_answers(plan: Any, ids: list[str]) -> list[Any]:
    """One statement per sentence of each chunk, on the codebook claims in turn (today's codebook answer shape)."""
    answers = []
    for request in plan.requests:
        items = [{"s": s.n, "who": stated_speaker(s) or AUTHOR, "c": ids[s.n % len(ids)], "stance": "support"}
                 for s in request.sentences[:30]]
        answers.append(request.answer_model.model_validate({"statements": items}))
    return answers


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()  # CPU time: the code is single-threaded, and other work on the machine does not count
        fn()
        times.append(time.process_time() - start)
    return min(times)


def measure(words: int, source: str | None, repeat: int, open_mode: Mode, codebook_mode: Mode, ids: list[str]) -> str:
    """One table row: the document of ``words`` words, each stage timed on its own."""
    text = built_text(words, source)
    n_words = len(text.split())
    sentences = split_sentences(text)
    candidates = find_candidates(sentences, headline=True, first_person=True)
    split = split_article(text, author=AUTHOR)
    open_plan = AuthoredPlan(open_mode.plan(split), split, AUTHOR)
    open_answers = pointer_answers(open_plan)
    cb_plan = AuthoredPlan(codebook_mode.plan(split), split, AUTHOR)
    rule = best_of(repeat, lambda: find_candidates(split_sentences(text), headline=True, first_person=True))
    open_plan_s = best_of(repeat, lambda: open_mode.plan(split_article(text, author=AUTHOR)))
    open_merge = best_of(repeat, lambda: open_plan.merge(open_answers))
    cb_plan_s = best_of(repeat, lambda: codebook_mode.plan(split_article(text, author=AUTHOR)))
    try:
        cb_answers = codebook_answers(cb_plan, ids)
    except ValidationError:  # codebook mode asks in another shape now: its merge is not timed here
        cb_merge, cb_cell = 0.0, "-"
    else:
        cb_merge = best_of(repeat, lambda: cb_plan.merge(cb_answers))
        cb_cell = f"{cb_merge * 1e3:.1f}"
    total = rule + open_plan_s + open_merge + cb_plan_s + cb_merge
    return (f"| {n_words:,} | {len(sentences)} | {len(candidates)} | {len(open_plan.requests)} | {rule * 1e3:.1f} "
            f"| {open_plan_s * 1e3:.1f} | {open_merge * 1e3:.1f} | {cb_plan_s * 1e3:.1f} | {cb_cell} "
            f"| {total * 1e3 / n_words * 1000:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, nargs="+", default=[1000, 3000, 6000, 12000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file", default=None, help="a text of yours instead of the built testimony")
    args = parser.parse_args()

    codebook = Codebook(claims=[CodebookClaim(id=f"k{i}", text=f"The committee should fund program {i}.")
                                for i in range(20)])
    open_mode = load_mode(Settings(prompt="extract-pointers"))  # the embedded model's prompt
    codebook_mode = load_mode(Settings(), codebook=codebook)
    print(f"# bench_long: {platform.python_version()}, {os.cpu_count()} CPUs, CPU time, best of {args.repeat}, "
          f"source: {args.file or 'evals/fixtures + first-person paragraphs'}")
    header = ("| words | sentences | candidates | open requests | rule pass ms | open plan ms | open merge ms "
              "| codebook plan ms | codebook merge ms | all ms per 1k words |")
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for words in args.words:
        print(measure(words, args.file, args.repeat, open_mode, codebook_mode, codebook.ids))


if __name__ == "__main__":
    main()
