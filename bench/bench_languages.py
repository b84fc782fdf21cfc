"""What the rule pass finds in each language's fixtures, with its own word lists and with English's (no model).

For every fixture folder given (default: evals/fixtures/de, fr, es and the shared dev set), per article:
the detected language; the share of gold evidence whose sentence the rule pass marks as a candidate (the
model only reads candidates, so this bounds recall); quotations found; and the same with the English
lists, which is what every article got before issue 21. Also the time language detection takes.

usage: .venv/bin/python bench/bench_languages.py [FIXTURE_DIR ...]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from stance.text.attribution import find_candidates
from stance.text.languages import detect_language
from stance.text.sentences import quoted_spans, split_sentences

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = [REPO / "evals/fixtures/de", REPO / "evals/fixtures/fr", REPO / "evals/fixtures/es",
                REPO.parent / "shared/fixtures/dev"]


def coverage(text: str, gold: dict, lang: str) -> tuple[int, int, int, int]:
    """(evidence spans in a candidate sentence, evidence spans, quotations found, candidate sentences)."""
    sentences = split_sentences(text, lang)
    candidates = find_candidates(sentences, headline=True)
    hit = total = 0
    for claim in gold["claims"]:
        for stance in claim["stances"]:
            for quote in stance["evidence"]:
                start = text.find(quote)
                total += 1
                hit += any(s.n in candidates and s.start <= start < s.end for s in sentences)
    quotes = sum(len(quoted_spans(s)) for s in sentences)
    return hit, total, quotes, len(candidates)


def main(dirs: list[Path]) -> None:
    print("| folder | articles | language | evidence in candidates, own rules | with English rules | quotations, own | English | candidates, own | English |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    started = time.perf_counter()
    detect_language("Warm-up: the first call loads the fastText model.")
    load_seconds = time.perf_counter() - started
    detect_seconds, detected = 0.0, 0
    for folder in dirs:
        rows = []
        for gold_path in sorted(folder.glob("*.gold.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            text = (folder / gold["article"]).read_text(encoding="utf-8")
            started = time.perf_counter()
            lang = detect_language(text)
            detect_seconds += time.perf_counter() - started
            detected += 1
            rows.append((lang, coverage(text, gold, lang), coverage(text, gold, "en")))
        if not rows:
            continue
        langs = sorted({r[0] for r in rows})
        own = [sum(r[1][i] for r in rows) for i in range(4)]
        eng = [sum(r[2][i] for r in rows) for i in range(4)]
        print(f"| {folder.name} | {len(rows)} | {', '.join(langs)} | {own[0]}/{own[1]} ({own[0] / own[1]:.0%}) | "
              f"{eng[0]}/{eng[1]} ({eng[0] / eng[1]:.0%}) | {own[2]} | {eng[2]} | {own[3]} | {eng[3]} |")
    print(f"\nlanguage detection: model load {1000 * load_seconds:.0f} ms (once per process), then "
          f"{1000 * detect_seconds / max(detected, 1):.3f} ms per article ({detected} articles)")


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or DEFAULT_DIRS)
