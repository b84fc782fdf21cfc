"""The German, French and Spanish fixtures (evals/fixtures/de, fr, es): they follow FORMAT.md, are detected as
their language, and that language's rule pass reads every sentence their gold evidence is in (the model only
sees candidate sentences, so a missed one is a stance no model can find). bench/bench_languages.py prints the
same numbers beside the English lists' (what these articles got before issue 21)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.paths import DEV, REPO

from stance.text.attribution import find_candidates
from stance.text.languages import detect_language
from stance.text.sentences import quoted_spans, split_sentences

LANGUAGES = ("de", "fr", "es")


def articles(lang: str) -> list[tuple[str, dict]]:
    """(text, gold) of every fixture in evals/fixtures/LANG."""
    folder = REPO / "evals" / "fixtures" / lang
    found = []
    for path in sorted(folder.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        found.append(((folder / gold["article"]).read_text(encoding="utf-8"), gold))
    return found


def evidence_coverage(text: str, gold: dict, lang: str) -> float:
    sentences = split_sentences(text, lang)
    candidates = find_candidates(sentences, headline=True)
    spans = [text.find(e) for c in gold["claims"] for s in c["stances"] for e in s["evidence"]]
    return sum(any(s.n in candidates and s.start <= at < s.end for s in sentences) for at in spans) / len(spans)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_three_real_articles_of_300_to_900_words_per_language(lang: str) -> None:
    found = articles(lang)
    assert len(found) >= 3
    for text, gold in found:
        assert 300 <= len(text.split()) <= 900, gold["article"]
        assert gold["source"] and "github" in gold["source"].lower()
        assert all(e in text for c in gold["claims"] for s in c["stances"] for e in s["evidence"])


@pytest.mark.skipif(not (DEV.parent / "validate.py").is_file(), reason="shared/fixtures/validate.py is not beside the checkout")
def test_the_fixture_format_checker_passes() -> None:
    folders = [str(REPO / "evals" / "fixtures" / lang) for lang in LANGUAGES]
    done = subprocess.run([sys.executable, str(DEV.parent / "validate.py"), *folders], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "9 fixtures, 0 problems" in done.stdout


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_article_is_detected_as_its_language(lang: str) -> None:
    assert {detect_language(text) for text, _ in articles(lang)} == {lang}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_languages_rule_pass_reads_every_gold_evidence_sentence(lang: str) -> None:
    for text, gold in articles(lang):
        assert evidence_coverage(text, gold, lang) == 1.0, gold["article"]


def test_the_french_and_spanish_lists_find_what_the_english_ones_miss() -> None:
    """Before issue 21 every article got the English lists: French « » quotations and Spanish speech verbs went unseen."""
    for lang in ("fr", "es"):
        own = [evidence_coverage(text, gold, lang) for text, gold in articles(lang)]
        english = [evidence_coverage(text, gold, "en") for text, gold in articles(lang)]
        assert sum(own) > sum(english) + 0.5
    french = [(text, gold) for text, gold in articles("fr") if "«" in text]
    assert all(sum(len(quoted_spans(s)) for s in split_sentences(text, "fr"))
               > sum(len(quoted_spans(s)) for s in split_sentences(text, "en")) for text, _ in french)
