"""Articles in other languages through the real openai client and the fake server (issue 21): the language is
detected and recorded, --language overrides it, the rule pass reads that language's lists, and claims are
written in the article's language unless --claims-in says otherwise. An English article's messages are the
same with and without --claims-in en."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from support.fake_openai import FakeOpenAI, reply_json
from typer.testing import CliRunner

from stance.cli.app import app
from stance.results import ArticleResult

GERMAN = (
    "Scholz lehnt höhere Steuern ab\n"
    "Die Inflation lag im Mai bei 6,1 Prozent.\n"
    "Bundeskanzler Olaf Scholz hat am 3. Oktober eine Erhöhung der Einkommensteuer abgelehnt.\n"
    "„Das kommt für diese Regierung nicht in Frage“, sagte Scholz in Berlin.\n"
    "CDU-Chef Friedrich Merz warf der Regierung vor, keinen Plan für den Haushalt zu haben.\n"
)
ENGLISH = (
    "Council delays bus lane vote\n"
    "The plan was first drawn up in 2019.\n"
    "Mayor Dana Ortiz said the lanes would cut commute times.\n"
    "“We will not wait another year,” Ortiz told reporters.\n"
)
# The fake model: a claim row for each numbered sentence that names one of these speakers.
SPEAKERS = {"Scholz": "Bundeskanzler Olaf Scholz", "Merz": "CDU-Chef Friedrich Merz", "Ortiz": "Mayor Dana Ortiz"}


def last_user(body: dict[str, Any]) -> str:
    return [m["content"] for m in body["messages"] if m["role"] == "user"][-1]


def answer(body: dict[str, Any]) -> Any:
    rows = []
    for number, sentence in re.findall(r"^\[(\d+)\] (.+)$", last_user(body), flags=re.M):
        for surname, who in SPEAKERS.items():
            if surname in sentence:
                rows.append([int(number), who, sentence[:60], "support"])
    return reply_json({"statements": rows})


def extract(fake: FakeOpenAI, tmp_path: Path, text: str, *options: str) -> tuple[int, str, ArticleResult | None]:
    fake.responder = answer
    article = tmp_path / "article.txt"
    article.write_text(text, encoding="utf-8")
    env = {"STANCE_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": "test"}
    done = CliRunner().invoke(app, ["extract", str(article), "--base-url", fake.base_url, "--model", "fake-model",
                                    "--no-cache", *options], env=env)
    result = ArticleResult.model_validate(json.loads(done.stdout)) if done.exit_code == 0 else None
    return done.exit_code, done.output, result


def test_a_german_article_is_detected_and_read_by_the_german_rules(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    code, output, result = extract(fake_openai, tmp_path, GERMAN)
    assert code == 0, output
    assert result is not None and result.article.language == "de"
    assert {a.name for a in result.actors} == {"Olaf Scholz", "Friedrich Merz"}  # German titles stripped
    for evidence in result.evidence():
        assert evidence.alignment == "exact" and GERMAN[evidence.start:evidence.end] == evidence.quote
    quotes = {e.quote for e in result.evidence()}
    assert "Das kommt für diese Regierung nicht in Frage" in quotes  # the words inside „…“, not the marks
    # the German rule pass picked the candidates: cue words (abgelehnt, sagte, warf ... vor), not the narration
    asked = "\n".join(last_user(b) for b in fake_openai.chat_requests)
    assert "[3] Bundeskanzler" in asked and "[2] Die Inflation" not in asked
    assert "Write each claim in German, the language of the article." in asked
    assert "claims_in" not in result.provenance.params


def test_language_given_overrides_detection(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    code, output, result = extract(fake_openai, tmp_path, GERMAN, "--language", "FR")
    assert code == 0, output
    assert result is not None and result.article.language == "fr"
    assert "Write each claim in French" in last_user(fake_openai.chat_requests[-1])


def test_claims_in_english_for_a_german_article(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    code, output, result = extract(fake_openai, tmp_path, GERMAN, "--claims-in", "en")
    assert code == 0, output
    assert result is not None and result.provenance.params["claims_in"] == "en"
    assert all("The article is in German. Write each claim in English." in last_user(b)
               for b in fake_openai.chat_requests)


def test_an_english_articles_messages_do_not_change_with_claims_in_english(fake_openai: FakeOpenAI,
                                                                           tmp_path: Path) -> None:
    code, output, plain = extract(fake_openai, tmp_path, ENGLISH)
    assert code == 0, output
    before = [b["messages"] for b in fake_openai.chat_requests]
    code, output, english = extract(fake_openai, tmp_path, ENGLISH, "--claims-in", "en")
    assert code == 0, output
    after = [b["messages"] for b in fake_openai.chat_requests][len(before):]
    assert after == before and "Write each claim" not in json.dumps(before)
    assert plain is not None and english is not None and plain.article.language == english.article.language == "en"
    assert [c.text for c in plain.claims] == [c.text for c in english.claims]


def test_claims_in_needs_a_prompt_that_writes_claims(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    code, output, _ = extract(fake_openai, tmp_path, GERMAN, "--prompt", "extract-pointers", "--claims-in", "en")
    assert code == 2
    assert "--claims-in needs a prompt where the model writes the claims" in " ".join(output.split())
    assert fake_openai.chat_requests == []


def test_a_bad_language_code_is_a_usage_error(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    code, output, _ = extract(fake_openai, tmp_path, GERMAN, "--language", "german!")
    assert code == 2 and "language" in output and fake_openai.chat_requests == []


def test_resume_redoes_an_article_whose_language_changed(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.responder = answer
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GERMAN, encoding="utf-8")
    env = {"STANCE_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": "test"}

    def run(*options: str) -> int:
        done = CliRunner().invoke(app, ["extract", str(tmp_path / "in"), "--out", str(tmp_path / "run"), "--quiet",
                                        "--base-url", fake_openai.base_url, "--model", "fake-model", "--no-cache",
                                        *options], env=env)
        assert done.exit_code == 0, done.output
        return len(fake_openai.chat_requests)

    first = run()
    assert run() == first  # detected again: the same language, nothing to redo
    assert run("--language", "de") == first  # the language it had
    assert run("--language", "es") > first
    result = json.loads((tmp_path / "run" / "results" / "a.txt.json").read_text(encoding="utf-8"))
    assert result["article"]["language"] == "es"


REPORTED = (
    "Streit um die Kandidatur\n"
    "Laut der Zeitung hat sich Hans Koch gegen Anna Weber ausgesprochen.\n"
    "CDU-Kreise verneinten diese Darstellung.\n"
    "Vielmehr habe sich Koch schon früh für Weber entschieden.\n"
)


def test_german_reported_speech_goes_on_with_the_last_speaker(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    """Konjunktiv I with no speaker named ("Vielmehr habe sich Koch ...") is the last speaker's; the small model
    credits it to the name inside it. "verneinten diese Darstellung" opposes the account just given."""
    def koch_everywhere(body: dict[str, Any]) -> Any:
        numbers = re.findall(r"^\[(\d+)\] ", last_user(body), flags=re.M)
        return reply_json({"statements": [[int(n), "Hans Koch", "support"] for n in numbers]})

    fake_openai.responder = koch_everywhere
    article = tmp_path / "artikel.txt"
    article.write_text(REPORTED, encoding="utf-8")
    env = {"STANCE_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": "test"}
    done = CliRunner().invoke(app, ["extract", str(article), "--base-url", fake_openai.base_url, "--model", "fake-model",
                                    "--prompt", "extract-pointers", "--no-cache"], env=env)
    assert done.exit_code == 0, done.output
    result = ArticleResult.model_validate(json.loads(done.stdout))
    rows = {(s.actor, c.text, s.stance) for c in result.claims for s in c.stances}
    koch = next(c.text for c in result.claims if any(s.actor == "Hans Koch" for s in c.stances))
    assert ("CDU-Kreise", koch, "oppose") in rows  # denying "diese Darstellung": Koch's claim, opposed
    later = [(s.actor, s.stance) for c in result.claims if c.text.startswith("Vielmehr") for s in c.stances]
    assert later == [("CDU-Kreise", "support")]  # not Koch's, though the model says so and he is named in it
