"""Codebook mode by retrieval (the default): open mode's statements coded against the codebook without the model.

Unit tests of the coding rule (which claim, which stance on it), then whole
extractions through the real openai client against the fake server: the model
is asked open mode's pointer questions only, never shown the codebook, so a
50-claim codebook sends exactly the requests a 2-claim one does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support.fake_openai import FakeOpenAI, reply_json
from typer.testing import CliRunner

from stance.cli.app import app
from stance.config import Settings
from stance.extraction.api import extract_text
from stance.extraction.article import article_info
from stance.extraction.codebook import Codebook, CodebookClaim, CodebookExamples
from stance.extraction.modes import load_mode
from stance.extraction.retrieval import CodebookIndex, content_words, overlap, side_on_proposal, stance_on
from stance.model.client import connect
from stance.results import ArticleResult

BOOK = Codebook(claims=[
    CodebookClaim(id="deal", text="A U.S.-Iran nuclear agreement is close."),
    CodebookClaim(id="tax", text="The city should raise the fuel tax.",
                  examples=CodebookExamples(oppose=["Leave the fuel tax where it is and cut spending"])),
    CodebookClaim(id="bridge", text="The harbour bridge must be repaired this year."),
])


def test_content_words_drop_stopwords_and_negations_and_stem() -> None:
    assert content_words("There is no agreement in the offing") == {"agree", "offin"}
    assert overlap(content_words("negotiations resumed"), content_words("they negotiate")) > 0
    assert overlap(frozenset(), content_words("anything")) == 0.0


def test_a_statement_is_coded_to_the_claim_its_words_share() -> None:
    index = CodebookIndex(BOOK)
    coded = index.code("The city must raise the fuel tax to pay for buses.", "support")
    assert coded is not None and (coded.claim_id, coded.stance) == ("tax", "support")
    assert index.code("The weather was fine on Tuesday.", "support") is None  # about no claim: not coded


def test_the_stance_is_reversed_when_exactly_one_side_is_negated() -> None:
    index = CodebookIndex(BOOK)
    coded = index.code("A nuclear agreement between the U.S. and Iran is not close.", "support")
    assert coded is not None and (coded.claim_id, coded.stance) == ("deal", "oppose")
    # a denial the open pass already turned into "oppose" of the denied content stays "oppose"
    denied = index.code("A U.S.-Iran nuclear agreement is close.", "oppose")
    assert denied is not None and denied.stance == "oppose"
    assert stance_on("neutral", "It is not close.", "It is close.") == "neutral"
    # a denial verb denies what follows it: "denied involvement" is "was not involved"; a noun denies nothing
    assert stance_on("support", "The Kremlin has always denied involvement.", "The Kremlin was not involved.") == "support"
    assert stance_on("support", "The Kremlin has always denied involvement.", "The Kremlin was involved.") == "oppose"
    assert stance_on("support", "A dispute over fishing rights in the strait.", "Trawlers are fishing in the strait.") == (
        "support")
    # both negate raising taxes, in two inflections of "raise"; so in German ("erhöhen" / "erhöht")
    assert stance_on("support", "We will not do this by raising taxes.", "Taxes should not be raised to balance the "
                     "federal budget.") == "support"
    assert stance_on("support", "Wir werden die Steuern nicht erhöhen.", "Die Steuern werden nicht erhöht.",
                     lang="de") == "support"


def test_a_negated_reversing_verb_keeps_what_it_governs() -> None:
    # "not jeopardize" / "not relax" keep the thing; "stop paying" is "not paying"
    assert stance_on("support", "We will not jeopardize the mortgage interest deduction that families need.",
                     "The mortgage interest deduction should be preserved.") == "support"
    assert stance_on("support", "We must not relax our efforts to restore military strength.",
                     "Efforts to restore U.S. military strength should continue.") == "support"
    assert stance_on("support", "We are not paying for cold war-era weapons systems we don't use.",
                     "The defense budget should stop paying for unused cold war-era weapons.") == "support"
    # a reversing verb both texts use is a shared word: not abandoning X opposes abandoning it
    assert stance_on("support", "We will not abandon the pension reform.", "The pension reform should be abandoned.") == (
        "oppose")
    # without a negation on either side, a reversing verb changes nothing: "eliminate waste" is "cut waste"
    assert stance_on("support", "We're moving ahead with reforms to eliminate waste.",
                     "Reforms should be carried out to cut government waste.") == "support"
    # "ne cesse de croître" (never stops growing) grows
    assert stance_on("support", "La dette continue de croître.", "La dette ne cesse de croître.", lang="fr") == "support"


def test_a_side_on_what_a_proposal_takes_away_is_reversed() -> None:
    stop = "Ashford County should stop adding fluoride to its public water system."
    assert side_on_proposal("oppose", "fluoridation for a decade", stop) == "support"  # against fluoridation: for stopping
    assert side_on_proposal("support", "the decision to stop adding fluoride", stop) == "support"  # both take it away
    assert side_on_proposal("oppose", "the rezoning", "The farmland should be rezoned.") == "oppose"  # nothing taken


def test_a_negation_of_other_words_does_not_reverse_the_stance() -> None:
    book = Codebook(claims=[CodebookClaim(id="plan", text="The planning board failed to follow its own master plan.")])
    coded = CodebookIndex(book).code("The master plan is not a suggestion, and the board ignored it.", "support")
    assert coded is not None and coded.stance == "support"  # "not" governs "a suggestion", not the plan
    hired = Codebook(claims=[CodebookClaim(id="hire", text="The authority hired replacement drivers.")])
    denied = CodebookIndex(hired).code("No replacement drivers had been hired, the authority said.", "support")
    assert denied is not None and denied.stance == "oppose"  # "No" governs "replacement drivers ... hired"
    # "cannot" is a negation on both sides: no reversal
    riders = Codebook(claims=[CodebookClaim(id="pay", text="Riders cannot keep paying for ride-hailing trips.")])
    same = CodebookIndex(riders).code("I can’t keep paying for ride-hailing trips.", "support")
    assert same is not None and same.stance == "support"


def test_a_statement_almost_equally_close_to_two_claims_codes_neither() -> None:
    # (each claim has a word of its own the statement lacks: no rarer word breaks the tie)
    book = Codebook(claims=[CodebookClaim(id="a", text="The bridge toll should rise for cars."),
                            CodebookClaim(id="b", text="The bridge toll should rise for trucks.")])
    statement = "The bridge toll should rise."
    assert CodebookIndex(book, min_margin=0.0).code(statement, "support") is not None
    assert CodebookIndex(book, min_margin=0.2).code(statement, "support") is None


def test_closest_to_an_oppose_example_is_oppose() -> None:
    coded = CodebookIndex(BOOK).code("We should leave the fuel tax where it is and cut spending instead.", "support")
    assert coded is not None and (coded.claim_id, coded.stance) == ("tax", "oppose")


def test_a_tie_between_two_claims_codes_neither() -> None:
    book = Codebook(claims=[CodebookClaim(id="a", text="Taxes should rise."), CodebookClaim(id="b", text="Taxes should fall.")])
    assert CodebookIndex(book).code("Taxes should", "support") is None


def test_a_tie_goes_to_the_claim_whose_own_words_the_statement_shares() -> None:
    # recurring claims of one story (evals/fixtures/corpus-internal-market-bill): "UK", "bill" and "international"
    # are in most of them, "backfire" and "threat" only in one
    book = Codebook(claims=[
        CodebookClaim(id="breaks-law", text="The UK Internal Market Bill breaks international law."),
        CodebookClaim(id="backfire", text="The UK's threat to break international law will backfire on the UK."),
        CodebookClaim(id="uk-integrity", text="The Internal Market Bill protects the integrity of the United Kingdom."),
        CodebookClaim(id="withdraw-bill", text="The Internal Market Bill should be withdrawn or rejected."),
        CodebookClaim(id="honour-treaty", text="The UK must honour the international agreements it signs."),
    ])
    index = CodebookIndex(book)
    statement = "This would break international law and undermines trust."
    scores = [overlap(content_words(statement), content_words(c.text)) for c in book.claims[:2]]
    assert scores[0] == scores[1]  # a tie on the plain overlap ...
    coded = index.code(statement, "support")
    assert coded is not None and coded.claim_id == "breaks-law"  # ... broken by the rarer words


def test_the_threshold_keeps_loose_overlaps_out() -> None:
    loose = "The council will vote on the harbour plan next month."  # shares "harbour" with the bridge claim only
    assert CodebookIndex(BOOK, min_overlap=0.25).code(loose, "support") is None
    assert CodebookIndex(BOOK, min_overlap=0.1).code(loose, "support") is not None


LISTS = Codebook(claims=[
    CodebookClaim(id="wage", text="The minimum wage should be raised."),
    CodebookClaim(id="leave", text="Workers should get paid leave."),
    CodebookClaim(id="guns", text="Children need to be protected from gun violence."),
])


def test_each_clause_of_a_sentence_is_coded_at_a_stricter_overlap() -> None:
    index = CodebookIndex(LISTS)
    listed = "I will keep pushing for what still needs to be done: paid leave, raising the minimum wage, and more."
    whole = index.code(listed, "support")  # as a whole: one claim, the closest
    assert whole is not None and whole.claim_id == "wage"
    hits = {(h.claim_id, h.stance) for h in index.code_clauses(listed, "support")}
    assert hits == {("leave", "support"), ("wage", "support")}
    # the claims the whole sentence was coded to are skipped
    assert [h.claim_id for h in index.code_clauses(listed, "support", skip={whole.claim_id})] == ["leave"]
    # a clause that only brushes a claim's words is not coded: a short text reaches a high cosine by chance
    assert index.code_clauses("He spoke about the minimum, then left.", "support") == []
    negated = index.code_clauses("We will not raise the minimum wage, whatever they say.", "support")
    assert [(h.claim_id, h.stance) for h in negated] == [("wage", "oppose")]
    # two proposals joined by "and" in one clause are coded each
    joined = "In this budget we will raise the minimum wage for every worker and give workers paid leave at last."
    assert {h.claim_id for h in index.code_clauses(joined, "support")} == {"wage", "leave"}


ARTICLE = (
    "Fuel tax plan divides the council\n"
    "Mayor Maria Lopez said the city should raise the fuel tax to pay for buses.\n"
    "The council meets every second Tuesday.\n"
    "Council member Tom Reed said the city should not raise the fuel tax.\n"
    "\"The harbour bridge must be repaired this year, before anything else,\" Reed said.\n"
)
SPEAKERS = {"Lopez": "Maria Lopez", "Reed": "Tom Reed"}


def pointer_answer(body: dict[str, Any]) -> Any:
    """Open mode's pointer rows: the speaker of each numbered 'said' sentence, always "support"."""
    last = body["messages"][-1]["content"]
    rows = []
    for n, sentence in re.findall(r"^\[(\d+)\] (.+)$", last, flags=re.M):
        who = next((full for surname, full in SPEAKERS.items() if surname in sentence), None)
        if who and " said" in sentence:
            rows.append([int(n), who, "support"])
    return reply_json({"statements": rows})


def coded(result: ArticleResult) -> set[tuple[str | None, str, str]]:
    """(codebook id, actor, stance) of every stance in a result."""
    return {(c.codebook_id, s.actor, s.stance) for c in result.claims for s in c.stances}


def rows(*statements: list[Any]) -> Callable[[dict[str, Any]], Any]:
    """A responder answering every request with these pointer rows ``[s, "who", "stance"]``."""
    return lambda body: reply_json({"statements": list(statements)})


def settings(fake: FakeOpenAI, tmp_path: Path, book: Codebook | None = None, **more: Any) -> Settings:
    return Settings(base_url=fake.base_url, model="fake-model", cache_dir=tmp_path / "cache", use_cache=False,
                    prompt="extract-pointers", max_reasks=0, max_retries=0, **more)


def extract(settings: Settings, book: Codebook, text: str = ARTICLE) -> ArticleResult:
    with connect(settings) as llm:
        return extract_text(text, article_info(text, "a.txt", "a.txt"), llm=llm, settings=settings, codebook=book)


def test_retrieval_codes_open_statements_with_the_stance_on_each_claim(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.responder = pointer_answer
    result = extract(settings(fake_openai, tmp_path), BOOK)
    assert coded(result) == {("tax", "Maria Lopez", "support"), ("tax", "Tom Reed", "oppose"), ("bridge", "Tom Reed", "support")}
    assert all(c.id == c.codebook_id and c.text == BOOK.get(c.id).text for c in result.claims)  # type: ignore[union-attr]
    for claim in result.claims:
        for stance in claim.stances:
            for evidence in stance.evidence:
                assert evidence.alignment == "exact" and ARTICLE[evidence.start:evidence.end] == evidence.quote
    assert result.provenance.prompt.name == "codebook-retrieve+extract-pointers"
    assert result.provenance.params["codebook_method"] == "retrieve"
    # the model read open mode's question only: no codebook in any message
    assert all("harbour bridge must be repaired this year." not in json.dumps(r["messages"][0])
               for r in fake_openai.chat_requests)


def test_a_no_comment_is_coded_on_the_claim_it_was_asked_about(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    # "declined to comment on the plan" shares no word with the tax claim; open mode shares the claim it was
    # asked about (the plan Lopez stated), and codebook mode codes that, "neutral"
    text = ("Fuel tax plan divides the council\n"
            "Mayor Maria Lopez said the city should raise the fuel tax to pay for buses.\n"
            "Tom Reed said he declined to comment on the plan.\n")
    fake_openai.responder = rows([2, "Maria Lopez", "support"], [3, "Tom Reed", "neutral"])
    result = extract(settings(fake_openai, tmp_path), BOOK, text)
    assert coded(result) == {("tax", "Maria Lopez", "support"), ("tax", "Tom Reed", "neutral")}


def test_declining_one_thing_while_saying_another_is_coded_as_both(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    # one sentence, two statements (sharing.share_claims): each is coded by its own claim, so the bridge clause
    # does not make the no-comment "neutral" on the bridge, nor the fuel tax clause a "support" of the tax
    text = ("Fuel tax plan divides the council\n"
            "Mayor Maria Lopez said the city should raise the fuel tax to pay for buses.\n"
            "Tom Reed declined to comment on the fuel tax rise for buses, saying the harbour bridge must be repaired "
            "this year.\n")
    fake_openai.responder = rows([2, "Maria Lopez", "support"], [3, "Tom Reed", "support"])
    result = extract(settings(fake_openai, tmp_path), BOOK, text)
    assert coded(result) == {("tax", "Maria Lopez", "support"), ("tax", "Tom Reed", "neutral"), ("bridge", "Tom Reed", "support")}


def test_the_model_never_sees_the_codebook_so_its_size_costs_nothing(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.responder = pointer_answer
    big = Codebook(claims=[*BOOK.claims, *(CodebookClaim(id=f"x{i}", text=f"Distractor claim number {i} about ferries.")
                                           for i in range(47))])
    extract(settings(fake_openai, tmp_path), BOOK)
    small_requests = [r["messages"] for r in fake_openai.chat_requests]
    extract(settings(fake_openai, tmp_path), big)
    assert [r["messages"] for r in fake_openai.chat_requests[len(small_requests):]] == small_requests


def test_also_open_returns_the_open_claims_of_the_same_answers(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.responder = pointer_answer
    result = extract(settings(fake_openai, tmp_path, also_open=True), BOOK)
    ids = [c.id for c in result.claims]
    assert ids[:2] == ["tax", "bridge"] and all(i.startswith("open-c") for i in ids[2:]) and len(ids) > 2
    n_requests = len(fake_openai.chat_requests)
    without = extract(settings(fake_openai, tmp_path), BOOK)
    assert len(fake_openai.chat_requests) == 2 * n_requests  # --also-open asks nothing more
    assert [c.id for c in without.claims] == ["tax", "bridge"]


def test_the_identity_follows_codebook_and_method(tmp_path: Path) -> None:
    base = Settings(prompt="extract-pointers")
    first = load_mode(base, codebook=BOOK).prompt_info
    assert first == load_mode(base, codebook=Codebook.model_validate(BOOK.model_dump())).prompt_info
    other = Codebook(claims=BOOK.claims[:2])
    assert load_mode(base, codebook=other).prompt_info.hash != first.hash
    asked = load_mode(base.model_copy(update={"codebook_method": "ask"}), codebook=BOOK).prompt_info
    assert asked.name == "codebook" and asked.hash != first.hash


def test_cli_codebook_method_option(fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    fake_openai.responder = pointer_answer
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    book = tmp_path / "cb.json"
    book.write_text(BOOK.model_dump_json(), encoding="utf-8")
    base = ["extract", str(article), "--codebook", str(book), "--prompt", "extract-pointers",
            "--base-url", fake_openai.base_url, "--model", "fake-model", "--no-cache"]
    out = CliRunner().invoke(app, base)
    assert out.exit_code == 0, out.output
    result = ArticleResult.model_validate_json(out.stdout)
    assert [c.codebook_id for c in result.claims] == ["tax", "bridge"]
    bad = CliRunner().invoke(app, [*base, "--codebook-method", "guess"])
    assert bad.exit_code == 2 and "retrieve" in bad.output


def test_a_sentence_that_only_takes_a_side_is_coded_on_the_proposal_the_article_opens_with(
        fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    # "voted against it" shares no word with any claim; the article states its subject first
    text = ("Council backs a fuel tax rise\n"
            "The council voted on Tuesday to raise the fuel tax to pay for buses.\n"
            "Mayor Maria Lopez said the vote was overdue.\n"
            "Tom Reed said he had voted against it.\n")
    fake_openai.responder = rows([3, "Maria Lopez", "support"], [4, "Tom Reed", "support"])
    result = extract(settings(fake_openai, tmp_path), BOOK, text)
    assert coded(result) == {("tax", "Tom Reed", "oppose")}
    (stance,) = result.claims[0].stances
    assert stance.evidence[0].quote == "Tom Reed said he had voted against it."
    # a lede claim that is a verdict, not a proposal: a vote against the bill may support it, so nothing is coded
    verdict = Codebook(claims=[BOOK.claims[0], CodebookClaim(id="tax", text="Raising the fuel tax would be unfair."),
                               BOOK.claims[2]])
    result = extract(settings(fake_openai, tmp_path), verdict, text)
    assert not [s for c in result.claims for s in c.stances if s.actor == "Tom Reed"]


def test_a_side_taken_on_what_the_claim_names_is_the_stance_on_it(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    # the statement "supports" its own sentence; the lawsuit is against what the claim proposes
    text = ("Fuel tax plan goes to court\n"
            "Mayor Maria Lopez said the city should raise the fuel tax to pay for buses.\n"
            "Tom Reed filed a lawsuit against the fuel tax rise on Monday.\n")
    fake_openai.responder = rows([2, "Maria Lopez", "support"], [3, "Tom Reed", "support"])
    result = extract(settings(fake_openai, tmp_path), BOOK, text)
    assert coded(result) == {("tax", "Maria Lopez", "support"), ("tax", "Tom Reed", "oppose")}
    # a claim that is a verdict, not a proposal: a lawsuit against the rise does not deny it
    verdict = Codebook(claims=[BOOK.claims[0], CodebookClaim(id="tax", text="The fuel tax rise is unfair to drivers."),
                               BOOK.claims[2]])
    result = extract(settings(fake_openai, tmp_path), verdict, text)
    assert ("tax", "Tom Reed", "oppose") not in coded(result)


def test_the_side_is_read_in_the_sentence_when_the_short_claim_cut_it(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    text = ("Fuel tax plan goes to court\n"
            "Mayor Maria Lopez said the city should raise the fuel tax to pay for buses.\n"
            "Tom Reed sued the city council on Monday, seeking to overturn the fuel tax rise that the mayor pushed "
            "through last month over the objections of three council members and most bus drivers.\n")
    fake_openai.responder = rows([2, "Maria Lopez", "support"], [3, "Tom Reed", "support"])
    opened = extract(settings(fake_openai, tmp_path, codebook_method="retrieve", also_open=True), BOOK, text)
    reed = [c.text for c in opened.claims if c.id.startswith("open-") and c.stances[0].actor == "Tom Reed"]
    assert reed and "overturn" not in reed[0]  # the short claim has no side verb left
    result = extract(settings(fake_openai, tmp_path), BOOK, text)
    assert ("tax", "Tom Reed", "oppose") in coded(result)


def test_a_side_on_a_thing_one_proposing_claim_names_is_coded_on_that_claim(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    # "backed the rezoning" shares one word with a long claim and more with another: the rezoning is what the
    # proposing claim is about, so the side is coded there
    book = Codebook(claims=[
        CodebookClaim(id="rezoning", text="The Bruckner Boulevard rezoning, allowing 350 new apartments, should go ahead."),
        CodebookClaim(id="turn", text="Velázquez changed her position on the rezoning under union pressure."),
    ])
    text = ("Rezoning splits the district\n"
            "Council member Marjorie Velázquez changed her position and backed the rezoning last week.\n")
    fake_openai.responder = rows([2, "Marjorie Velázquez", "support"])
    assert ("rezoning", "Marjorie Velázquez", "support") in coded(extract(settings(fake_openai, tmp_path), book, text))
    # two proposing claims hold the word: which one is meant is not known, so neither is added
    two = Codebook(claims=[*book.claims, CodebookClaim(id="other", text="The rezoning should be put to a referendum.")])
    found = coded(extract(settings(fake_openai, tmp_path), two, text))
    assert not {("rezoning", "Marjorie Velázquez", "support"), ("other", "Marjorie Velázquez", "support")} & found
