"""First-person documents (testimonies, op-eds, press releases) through the real openai client and the fake server:
the author from metadata (JSON record, front matter, --speaker, Settings.speaker) is told to the model, and the
author's first-person statements are the author's in open and codebook mode, whatever the model answered. An
article without an author is asked and merged exactly as before. A long document keeps every stance of an actor
on a claim with its evidence: one oppose among ten supports is both, and the tables show it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from support.fake_openai import FakeOpenAI, reply_json
from typer.testing import CliRunner

from stance.cli.app import app
from stance.config import Settings
from stance.extraction.api import extract_text
from stance.extraction.article import article_info, split_article
from stance.extraction.codebook import Codebook, CodebookClaim
from stance.extraction.codebook_mode import load_codebook_prompt
from stance.extraction.open_mode import OpenMode
from stance.extraction.prompts import author_note, load_prompt
from stance.model.client import connect
from stance.results import ArticleResult

AUTHOR = "Ruth Okafor"
TESTIMONY = (
    "Testimony on the Rural Broadband Act\n"
    "Chairwoman Alvarez and members of the committee, thank you for the chance to testify.\n"
    "I am the director of the Prairie Library Network, which serves 42 rural libraries.\n"
    "We urge Congress to pass the Rural Broadband Act this year.\n"
    "My organisation opposes the proposed cut to the hotspot lending program.\n"
    "Senator Dale Whitford said the hotspot program wastes money.\n"
    "Cutting the program would strand 4,000 families, and no one has argued otherwise.\n"
    "The program began in 2019.\n"
)
NOTE = f'This document speaks for {AUTHOR}'

# What the fake model answers per sentence: deliberately not the author's name for the author's statements
# ("Congress", "I", "we"): the rule pass decides who they belong to.
POINTERS = {
    "We urge Congress": ("Congress", "support"),
    "My organisation opposes": ("I", "support"),
    "Senator Dale Whitford said": ("Dale Whitford", "support"),
    "would strand 4,000 families": (AUTHOR, "support"),  # no first person: the author may still voice it
}


def last_user(body: dict[str, Any]) -> str:
    return [m["content"] for m in body["messages"] if m["role"] == "user"][-1]


def numbered(body: dict[str, Any]) -> list[tuple[int, str]]:
    return [(int(n), s) for n, s in re.findall(r"^\[(\d+)\] (.+)$", last_user(body), flags=re.M)]


def pointer_answer(body: dict[str, Any]) -> dict[str, Any]:
    rows = [[n, who, stance] for n, s in numbered(body) for cue, (who, stance) in POINTERS.items() if cue in s]
    return {"statements": rows}


def settings_for(fake: FakeOpenAI, tmp_path: Path, **more: Any) -> Settings:
    return Settings(base_url=fake.base_url, model="fake-model", cache_dir=tmp_path / "cache", max_reasks=0,
                    max_retries=0, use_cache=False, **more)


def stances(result: ArticleResult) -> set[tuple[str, str, str]]:
    """(actor, stance, first evidence quote) for every stance."""
    return {(s.actor, s.stance, s.evidence[0].quote) for c in result.claims for s in c.stances}


def extract(fake: FakeOpenAI, settings: Settings, text: str, author: str | None, **kwargs: Any) -> ArticleResult:
    with connect(settings) as llm:
        return extract_text(text, article_info(text, "t.txt", "t.txt", author=author), llm=llm, settings=settings,
                            **kwargs)


def assert_exact(result: ArticleResult, text: str) -> None:
    for evidence in result.evidence():
        assert evidence.alignment == "exact" and text[evidence.start:evidence.end] == evidence.quote


# ---------------------------------------------------------------------------
# Open mode
# ---------------------------------------------------------------------------


def test_open_mode_gives_the_authors_first_person_statements_to_the_author(fake_openai: FakeOpenAI,
                                                                            tmp_path: Path) -> None:
    fake_openai.responder = lambda body: reply_json(pointer_answer(body))
    settings = settings_for(fake_openai, tmp_path, prompt="extract-pointers")
    result = extract(fake_openai, settings, TESTIMONY, AUTHOR)

    assert result.article.author == AUTHOR
    assert stances(result) == {
        (AUTHOR, "support", "We urge Congress to pass the Rural Broadband Act this year."),
        (AUTHOR, "support", "My organisation opposes the proposed cut to the hotspot lending program."),
        ("Dale Whitford", "support", "Senator Dale Whitford said the hotspot program wastes money."),
        (AUTHOR, "support", "Cutting the program would strand 4,000 families, and no one has argued otherwise."),
    }
    author = next(a for a in result.actors if a.name == AUTHOR)
    assert author.type == "person" and author.aliases == ["I"]  # "Congress" was the model's slip, not a name for her
    assert [a.name for a in result.actors] == [AUTHOR, "Dale Whitford"]
    assert_exact(result, TESTIMONY)
    # the model was told who "I" and "we" are, and saw the first-person sentences numbered
    (request,) = fake_openai.chat_requests
    assert NOTE in last_user(request)
    assert [n for n, _ in numbered(request)] == [3, 4, 5, 6, 7]


def test_an_article_without_an_author_is_asked_and_merged_as_before(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.responder = lambda body: reply_json(pointer_answer(body))
    settings = settings_for(fake_openai, tmp_path, prompt="extract-pointers")
    result = extract(fake_openai, settings, TESTIMONY, None)

    assert result.article.author is None
    assert json.loads(result.model_dump_json())["article"]["author"] is None
    # no note, and only the cue-word sentences numbered: the messages a news article always got
    (request,) = fake_openai.chat_requests
    assert "speaks for" not in json.dumps(request["messages"])
    assert [n for n, _ in numbered(request)] == [4, 5, 6, 7]  # "urge", "opposes", "said", "argued"
    prompt = load_prompt("extract-pointers")
    plan = OpenMode(prompt, settings.window_candidates).plan(split_article(TESTIMONY))
    assert request["messages"] == plan.requests[0].messages == prompt.messages(
        "Headline: Testimony on the Rural Broadband Act\n" + "\n".join(
            f"[{n}] {s}" if n in (4, 5, 6, 7) else s
            for n, s in enumerate(TESTIMONY.splitlines()[1:], start=2) if n <= 7))
    # who the model named stays (no author to give "We urge Congress" to), and narration credited to someone
    # the sentence does not name ("I" on "My organisation ...", Okafor on "Cutting the program ...") is dropped
    assert {(s.actor, s.stance) for c in result.claims for s in c.stances} == {
        ("Congress", "support"), ("Dale Whitford", "support")}
    assert author_note(None) == ""


def test_settings_speaker_is_the_author_unless_the_document_names_one(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.responder = lambda body: reply_json(pointer_answer(body))
    settings = settings_for(fake_openai, tmp_path, prompt="extract-pointers", speaker="Prairie Library Network")
    assert extract(fake_openai, settings, TESTIMONY, None).article.author == "Prairie Library Network"
    assert extract(fake_openai, settings, TESTIMONY, AUTHOR).article.author == AUTHOR


# ---------------------------------------------------------------------------
# Codebook mode
# ---------------------------------------------------------------------------

CODEBOOK = """\
claims:
  - id: pass-act
    text: Congress should pass the Rural Broadband Act.
  - id: cut-hotspots
    text: The hotspot lending program should be cut.
"""


def codebook_answer(body: dict[str, Any]) -> dict[str, Any]:
    items = []
    for n, s in numbered(body):
        if "We urge Congress" in s:
            items.append({"s": n, "who": "we", "c": "pass-act", "stance": "support"})
        if "My organisation opposes" in s:
            items.append({"s": n, "who": "Prairie Library Network", "c": "cut-hotspots", "stance": "oppose"})
        if "Whitford said" in s:
            items.append({"s": n, "who": "Dale Whitford", "c": "cut-hotspots", "stance": "support"})
    return {"statements": items}


def test_codebook_mode_gives_the_authors_first_person_statements_to_the_author(fake_openai: FakeOpenAI,
                                                                                tmp_path: Path) -> None:
    book = tmp_path / "cb.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    fake_openai.responder = lambda body: reply_json(codebook_answer(body))
    settings = settings_for(fake_openai, tmp_path, codebook=book)
    result = extract(fake_openai, settings, TESTIMONY, AUTHOR, prompt=load_codebook_prompt(settings))

    by_claim = {c.id: {(s.actor, s.stance) for s in c.stances} for c in result.claims}
    assert by_claim == {"pass-act": {(AUTHOR, "support")},
                        "cut-hotspots": {(AUTHOR, "oppose"), ("Dale Whitford", "support")}}
    assert [a.name for a in result.actors] == [AUTHOR, "Dale Whitford"]
    assert_exact(result, TESTIMONY)

    without = extract(fake_openai, settings, TESTIMONY, None, prompt=load_codebook_prompt(settings))
    assert {(s.actor, s.stance) for c in without.claims for s in c.stances} == {
        ("we", "support"), ("Prairie Library Network", "oppose"), ("Dale Whitford", "support")}


# ---------------------------------------------------------------------------
# The command line: a JSON record's author, front matter, --speaker for a folder
# ---------------------------------------------------------------------------


def run_cli(fake: FakeOpenAI, inputs: Path, run: Path, *more: str) -> dict[str, ArticleResult]:
    fake.responder = lambda body: reply_json(pointer_answer(body))
    outcome = CliRunner().invoke(app, ["extract", str(inputs), "--out", str(run), "--base-url", fake.base_url,
                                       "--model", "fake-model", "--prompt", "extract-pointers", "--no-cache",
                                       "--quiet", *more])
    assert outcome.exit_code == 0, outcome.output
    results = [ArticleResult.model_validate_json(p.read_text(encoding="utf-8")) for p in (run / "results").iterdir()]
    return {r.article.id: r for r in results}


def authors_of(result: ArticleResult) -> set[str]:
    return {s.actor for c in result.claims for s in c.stances}


def test_cli_reads_the_author_from_json_records_and_front_matter(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "records.jsonl").write_text(
        json.dumps({"id": "okafor", "text": TESTIMONY, "author": AUTHOR}) + "\n"
        + json.dumps({"id": "news", "text": TESTIMONY}) + "\n", encoding="utf-8")
    front = f"---\nspeaker: {AUTHOR}\n---\n" + TESTIMONY
    (inputs / "front.md").write_text(front, encoding="utf-8")
    results = run_cli(fake_openai, inputs, tmp_path / "run")

    assert results["records.jsonl#okafor"].article.author == AUTHOR
    assert authors_of(results["records.jsonl#okafor"]) == {AUTHOR, "Dale Whitford"}
    assert results["records.jsonl#news"].article.author is None
    assert "Congress" in authors_of(results["records.jsonl#news"])
    md = results["front.md"]
    assert md.article.author == AUTHOR and authors_of(md) == {AUTHOR, "Dale Whitford"}
    assert_exact(md, front)  # offsets index the file as given, front matter and all
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["author_fields"] == ["speaker", "author"]


def test_cli_speaker_for_a_folder_and_resume_follows_the_author(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("day1.txt", "day2.txt"):
        (inputs / name).write_text(TESTIMONY, encoding="utf-8")
    (inputs / "own.md").write_text("---\nauthor: Sam Lee\n---\n" + TESTIMONY, encoding="utf-8")
    run = tmp_path / "run"

    plain = run_cli(fake_openai, inputs, run)
    assert {r.article.author for r in plain.values()} == {None, "Sam Lee"}
    asked = fake_openai.count()

    results = run_cli(fake_openai, inputs, run, "--speaker", AUTHOR)
    assert {i: r.article.author for i, r in results.items()} == {"day1.txt": AUTHOR, "day2.txt": AUTHOR,
                                                                  "own.md": "Sam Lee"}  # its own metadata wins
    assert authors_of(results["day1.txt"]) == {AUTHOR, "Dale Whitford"}
    assert authors_of(results["own.md"]) == {"Sam Lee", "Dale Whitford"}
    assert fake_openai.count() == asked + 2  # the two whose author changed were redone, own.md was kept

    run_cli(fake_openai, inputs, run, "--speaker", AUTHOR)
    assert fake_openai.count() == asked + 2  # nothing changed: nothing redone


# ---------------------------------------------------------------------------
# Long documents: every stance of an actor on a claim, with its evidence
# ---------------------------------------------------------------------------


def long_testimony() -> str:
    """~6,000 words: the author backs the act ten times in the body and doubts it once near the end."""
    filler = "The network's branches reported usage figures for the quarter in the appendix tables, page {}."
    paragraphs = []
    for i in range(1, 12):
        paragraphs.append(" ".join(filler.format(40 * i + k) for k in range(30)))
        if i < 11:
            paragraphs.append(f"We support the Rural Broadband Act, as our branch in county {i} shows.")
        else:
            paragraphs.append("We oppose the Rural Broadband Act in its current form, for county 11 shows its limits.")
    return "Testimony on the Rural Broadband Act\n" + "\n".join(paragraphs) + "\n"


def test_one_oppose_among_ten_supports_is_kept_with_its_evidence(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    from stance.corpus import load_run, long_table, wide_table

    text = long_testimony()
    assert len(text.split()) > 5_000

    def answer(body: dict[str, Any]) -> dict[str, Any]:  # the extract prompt: the model writes the claim
        rows = [[n, "we", "Congress should pass the Rural Broadband Act.", "oppose" if "We oppose" in s else "support"]
                for n, s in numbered(body) if "Rural Broadband Act" in s]
        return {"statements": rows}

    fake_openai.responder = lambda body: reply_json(answer(body))
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "long.txt").write_text(text, encoding="utf-8")
    run = tmp_path / "run"
    outcome = CliRunner().invoke(app, ["extract", str(inputs), "--out", str(run), "--base-url", fake_openai.base_url,
                                       "--model", "fake-model", "--prompt", "extract", "--no-cache", "--quiet",
                                       "--speaker", AUTHOR])
    assert outcome.exit_code == 0, outcome.output
    (result,) = [ArticleResult.model_validate_json(p.read_text(encoding="utf-8")) for p in (run / "results").iterdir()]
    (claim,) = result.claims
    by_label = {s.stance: s for s in claim.stances}
    assert set(by_label) == {"support", "oppose"} and {s.actor for s in claim.stances} == {AUTHOR}
    assert len(by_label["support"].evidence) == 10 and len(by_label["oppose"].evidence) == 1
    assert by_label["oppose"].evidence[0].quote.startswith("We oppose the Rural Broadband Act")
    assert_exact(result, text)

    corpus = load_run(run)
    rows = [(r["actor"], r["stance"], r["evidence_count"]) for r in long_table(corpus)]
    assert sorted(rows) == [(AUTHOR, "oppose", 1), (AUTHOR, "support", 10)]
    (wide,) = wide_table(corpus)
    claim_id = next(k for k in wide if k not in ("actor",) and " " not in k)
    assert (wide[claim_id], wide[f"{claim_id} support"], wide[f"{claim_id} oppose"]) == ("mixed", 1, 1)


def test_retrieval_codes_the_authors_plain_assertions_as_the_authors(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    """A speech's positions are mostly plain assertions ("Cutting the program would strand 4,000 families"): no
    first person, no cue word, so the model is never asked about them. In codebook mode every sentence of the
    author's that no statement came from and no one else is credited with is coded against the codebook."""
    text = (
        "Testimony on the Rural Broadband Act\n"
        "We urge Congress to pass the Rural Broadband Act this year.\n"
        "Senator Dale Whitford said the hotspot lending program wastes money.\n"
        "The hotspot lending program does not waste money: it reaches 4,000 families.\n"
        "Rural libraries need faster connections, and rural clinics need them too.\n"
    )
    book = Codebook(claims=[
        CodebookClaim(id="pass-act", text="Congress should pass the Rural Broadband Act."),
        CodebookClaim(id="waste", text="The hotspot lending program wastes money."),
        CodebookClaim(id="clinics", text="Rural clinics need faster connections."),
    ])
    rows = {"We urge Congress": ("Congress", "support"), "Whitford said": ("Dale Whitford", "support")}
    fake_openai.responder = lambda body: reply_json({"statements": [
        [n, who, stance] for n, s in numbered(body) for cue, (who, stance) in rows.items() if cue in s]})
    settings = settings_for(fake_openai, tmp_path, prompt="extract-pointers")
    result = extract(fake_openai, settings, text, AUTHOR, codebook=book)
    by_claim = {c.codebook_id: {(s.actor, s.stance) for s in c.stances} for c in result.claims}
    assert by_claim == {"pass-act": {(AUTHOR, "support")},
                        "waste": {(AUTHOR, "oppose"), ("Dale Whitford", "support")},
                        "clinics": {(AUTHOR, "support")}}
    assert_exact(result, text)

    # a news article (no author) gets no such statements: its unattributed sentences are the journalist's
    news = extract(fake_openai, settings, text, None, codebook=book)
    assert {(c.codebook_id, s.actor) for c in news.claims for s in c.stances} == {
        ("pass-act", "Congress"), ("waste", "Dale Whitford")}


def test_open_mode_gives_the_author_their_sentences_that_say_what_should_be(fake_openai: FakeOpenAI,
                                                                             tmp_path: Path) -> None:
    """A sentence of the author's that says what should or must be is a position though no cue word made it a
    candidate; a plain fact of the author's is not, and in a news article neither is anyone's."""
    text = TESTIMONY + "Libraries should not have to ration hotspots.\n"
    fake_openai.responder = lambda body: reply_json(pointer_answer(body))
    settings = settings_for(fake_openai, tmp_path, prompt="extract-pointers")
    result = extract(fake_openai, settings, text, AUTHOR)
    held = {(s.actor, s.stance, s.evidence[0].quote) for c in result.claims for s in c.stances}
    assert (AUTHOR, "support", "Libraries should not have to ration hotspots.") in held
    assert not any("began in 2019" in q for _, _, q in held)  # a plain fact
    asked = [s for r in fake_openai.chat_requests for _, s in numbered(r)]
    assert not any("ration hotspots" in s for s in asked)  # the model was not asked: no model time
    assert_exact(result, text)

    news = extract(fake_openai, settings, text, None)
    assert not any("ration hotspots" in e.quote for e in news.evidence())


def test_what_the_author_cites_an_unnamed_group_saying_the_author_argues_against(fake_openai: FakeOpenAI,
                                                                                   tmp_path: Path) -> None:
    """"Some say the hotspot program wastes money." in a testimony: the witness cites it to argue against it, so
    whatever the author holds there is reversed. A sentence that names who says it is that speaker's, as before."""
    text = (
        "Testimony on the Rural Broadband Act\n"
        "Some say the hotspot lending program wastes money.\n"
        "Senator Dale Whitford said the hotspot lending program wastes money.\n"
        "Rural clinics need faster connections.\n"
    )
    book = Codebook(claims=[CodebookClaim(id="waste", text="The hotspot lending program wastes money."),
                            CodebookClaim(id="clinics", text="Rural clinics need faster connections.")])
    rows = {"Some say": (AUTHOR, "support"), "Whitford said": ("Dale Whitford", "support")}
    fake_openai.responder = lambda body: reply_json({"statements": [
        [n, who, stance] for n, s in numbered(body) for cue, (who, stance) in rows.items() if cue in s]})
    settings = settings_for(fake_openai, tmp_path, prompt="extract-pointers")
    result = extract(fake_openai, settings, text, AUTHOR, codebook=book)
    by_claim = {c.codebook_id: {(s.actor, s.stance) for s in c.stances} for c in result.claims}
    assert by_claim == {"waste": {(AUTHOR, "oppose"), ("Dale Whitford", "support")},
                        "clinics": {(AUTHOR, "support")}}
    assert_exact(result, text)
    # open mode: the claim is the view cited, not "Some say ...", and the author holds it reversed
    opened = extract(fake_openai, settings, text, AUTHOR)
    cited = {(c.text, s.actor, s.stance) for c in opened.claims for s in c.stances if s.actor == AUTHOR}
    assert ("The hotspot lending program wastes money.", AUTHOR, "oppose") in cited
    assert_exact(opened, text)
