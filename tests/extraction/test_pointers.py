"""Pointer answers: the model names sentence, speaker and stance; the claim is the sentence's reported content."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from support.articles import pointing_model
from support.fake_openai import FakeOpenAI, reply_json
from support.runs import extract_with_fake

from stance.config import Settings
from stance.extraction.answers import ModelAnswer, PointerAnswer, SpeakerAnswer, model_answer_for
from stance.extraction.api import extract_text
from stance.extraction.article import article_info
from stance.extraction.merging import PointedStatement
from stance.extraction.open_mode import (
    drop_unsupported,
    follow_speakers,
    join_continued_quotations,
    merge_statements,
    names_someone,
    statements_the_model_skipped,
)
from stance.extraction.prompts import PromptError, default_prompts_dir, load_prompt
from stance.model.client import connect
from stance.text.attribution import quotation_continuations
from stance.text.reported import reported_content, reports_denial
from stance.text.sentences import split_sentences


def content(sentence: str) -> str:
    (only,) = split_sentences(sentence)
    return reported_content(only)


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        # a quotation with its attribution: the words spoken
        ("“There is no agreement in the offing,” Secretary of State Antony Blinken said at the Council on Foreign "
         "Relations on June 28.", "There is no agreement in the offing."),
        ("“It’s safe over here and people want a safe area,” said Lopiano, 52.",
         "It’s safe over here and people want a safe area."),
        # told whom, then a clause without "that"; not a story told
        ("EU sources told Reuters they would not seek a suspension of the talks.",
         "They would not seek a suspension of the talks."),
        ("Ms von der Leyen told the European Parliament the chances of a timely agreement were fading.",
         "The chances of a timely agreement were fading."),
        ("She told the story of the war in Syria and its aftermath.", "She told the story of the war in Syria and its aftermath."),
        # a short trailing frame after a later comma; not a long clause there
        ("In the evening, the priorities would reverse, Mr. Barrios said.", "In the evening, the priorities would reverse."),
        # an adverb set off by commas between the frame and its "that"
        ("Democrats, including Schumer, argued, however, that that approach would risk delaying efforts.",
         "That approach would risk delaying efforts."),
        # ... with a long description after the name, in straight quotation marks
        ('"There is major concern amongst my members," said Jeff Eagan, president of the National Treasury Employees '
         "Union chapter at the department's headquarters building in Washington.",
         "There is major concern amongst my members."),
        # fragments of one quotation are joined
        ("“We will not wait,” Ortiz said, “because the city needs the lanes now.”",
         "We will not wait because the city needs the lanes now."),
        # ... and a split quotation goes on in lower case after its frame
        ("“After two more years of this,” Doctor asks, “what kind of products are going to be left for readers?”",
         "After two more years of this what kind of products are going to be left for readers?"),
        # quoted phrases the narration carries are not joined into a sentence no one said
        ("Lewis told MPs that the bill had “many, many problems,” saying that it “included a large bailout with no "
         "protections for workers.”",
         "The bill had many, many problems, saying that it included a large bailout with no protections for workers."),
        # the end of a quotation opened in an earlier sentence
        ("Simply put, the proliferation risk is steadily becoming more acute,” DiMaggio said.",
         "Simply put, the proliferation risk is steadily becoming more acute."),
        # reported speech: the clause after the speech verb
        ("Mayor Dana Ortiz said on Monday that the new bus lanes would cut commute times.",
         "The new bus lanes would cut commute times."),
        ("Blinken also suggested that Iran could demonstrate willingness to deescalate tensions.",
         "Iran could demonstrate willingness to deescalate tensions."),
        ("Dr. Neil Ostrander, president of the Ashford County Dental Society, which circulated the letter, said "
         "fluoride remained the cheapest cavity prevention we have.",
         "Fluoride remained the cheapest cavity prevention we have."),
        ("Next steps will be divulged in an all-company meeting on Friday, Claure said in the email.",
         "Next steps will be divulged in an all-company meeting on Friday."),
        ("According to a city official who asked not to be named, the vote is unlikely before the summer.",
         "The vote is unlikely before the summer."),
        # a frame that ends in a colon: what follows it ("told MPs: 'Our approach ...'", single quotation marks)
        ("Speaking at third reading, Business Secretary Alok Sharma told MPs: 'Our approach will give businesses "
         "clarity.", "Our approach will give businesses clarity."),
        # a source's relative clause goes with it
        ("According to a person familiar with the talks, who spoke on condition of anonymity because the talks are "
         "confidential, the authority has offered raises of 3 percent.", "The authority has offered raises of 3 percent."),
        # what is denied, or left without comment, is the claim (the stance says which)
        ("Ortiz denied that the lanes would hurt local shops.", "The lanes would hurt local shops."),
        ("Blinken denied that there was any imminent agreement with Iran, but said talks were continuing.",
         "There was any imminent agreement with Iran."),
        ("A spokesperson for the authority declined to comment on whether the agency would fund the lanes.",
         "The agency would fund the lanes."),
        # a quoted phrase inside a sentence that makes its own point keeps the sentence
        ("After the meeting, Haddad said she was “deeply disappointed.”", "She was “deeply disappointed.”"),
        # verbs that also take objects are not read as speech without "that"
        ("She declared victory on Wednesday, though the count is not final.",
         "She declared victory on Wednesday, though the count is not final."),
        ("If Marmorato maintains her lead, she will become the only Republican councilmember.",
         "If Marmorato maintains her lead, she will become the only Republican councilmember."),
        # a speech verb after the content's comma ends the sentence's frame; it does not open one
        ("The plan is a mistake and the city will pay for it, said Councillor Dana Ortiz.",
         "The plan is a mistake and the city will pay for it."),
        # a short quoted phrase in lower case that the narration's clause goes on into is no claim by itself
        ("Vaughn urged both sides to stay at the table “until there is a deal.”",
         "Vaughn urged both sides to stay at the table “until there is a deal.”"),
        ("The growth of mobile apps owned by Chinese firms \"threatens the national security of the US\", said Trump.",
         "The growth of mobile apps owned by Chinese firms \"threatens the national security of the US.\""),
        # ... nor in a sentence too long to be a claim (the quotation is the nearest one)
        ("The trust gave the county an extra month to do the job and then unanimously urged the county and the state, "
         "which is funding two-thirds of the new line, to ensure that it “honors the prior commitments to provide and "
         "maintain a true Gold Standard bus rapid transit project for the whole of the county.”",
         "Honors the prior commitments to provide and maintain a true Gold Standard bus rapid transit project for the "
         "whole of the county."),
        # ... but a quotation that says most of what the sentence says is its content
        ("The paper said the analyst, “in the absence of any supervising authority, gave the public enough information "
         "about modern intelligence to allow a debate”.", "In the absence of any supervising authority, gave the public "
         "enough information about modern intelligence to allow a debate."),
        # an accusation reports its charge, with the accused as subject
        ("The pilots' union Balpa has accused British Airways of undermining talks over proposed job losses.",
         "British Airways is undermining talks over proposed job losses."),
        ("The union filed a charge, accusing the authority of hiring replacement drivers during the strike.",
         "The authority is hiring replacement drivers during the strike."),
        ("Serania accuses Ostrovian trawlers of operating inside its exclusive economic zone.",
         "Ostrovian trawlers are operating inside its exclusive economic zone."),
        ("Opponents accused him of blatant hypocrisy after promising a deal.",
         "He is guilty of blatant hypocrisy after promising a deal."),
        ("Mr Sharma accused Ian Blackford of wanting to be shackled to the European Union forever.",
         "Ian Blackford wants to be shackled to the European Union forever."),
        ("Labour condemned the bill and accused No 10 of “reopening old arguments”, saying the focus should be on "
         "the pandemic.", "No 10 is reopening old arguments."),
        # a label says what the thing is: in quotation marks, or after "as"; only the sentence's first label verb
        ("Democratic presidential candidate Joe Biden called Mr Trump “a climate arsonist”.",
         "Mr Trump is a climate arsonist."),
        ("Inslee described the situation as “apocalyptic” and condemned Mr Trump's stance on the climate.",
         "The situation is apocalyptic."),
        ("Irish premier Leo Varadkar called it a “kamikaze” threat that had backfired.",
         "It is a kamikaze threat that had backfired."),
        ("Critics called the rules “unworkable,” saying they would hurt small firms.", "The rules are unworkable."),
        ("Mr Trump has previously called climate change “mythical” but has also described it as a serious subject.",
         "Climate change is mythical."),
        ("Teddy Roosevelt first called for reform of the health care system.",
         "Teddy Roosevelt first called for reform of the health care system."),
        # ... not a label that rejects what was said: the rejection reads it (``polarity.rejection``)
        ("Reyes-Hale called the charge “baseless”.", "Reyes-Hale called the charge “baseless.”"),
        # ... not a passive, which names no accuser's charge
        ("Authorities in Tyrol are accused of having reacted too late to the first signs of the outbreak.",
         "Authorities in Tyrol are accused of having reacted too late to the first signs of the outbreak."),
    ],
)
def test_reported_content_is_what_was_said_without_who_said_it(sentence, claim):
    assert content(sentence) == claim


def test_a_denied_content_is_marked_so_its_stance_is_oppose():
    (denial,) = split_sentences("Ortiz denied that the lanes would hurt local shops.")
    (statement,) = split_sentences("Ortiz said that the lanes would not hurt local shops.")
    (quoted,) = split_sentences("“We never denied that,” Ortiz said of the lanes and the shops.")
    assert reports_denial(denial)
    assert not reports_denial(statement) and not reports_denial(quoted)
    # doubting the clause that follows is opposing it: the clause is the claim
    for doubt in ("Smith said it was unlikely that the talks would resume before the summer.",
                  "In an essay, the expert Laurie Garrett wrote that she had no confidence that a safe vaccine "
                  "would be ready by Halloween."):
        (sentence,) = split_sentences(doubt)
        assert reports_denial(sentence), doubt
    assert content("Smith said it was unlikely that the talks would resume before the summer.") == (
        "The talks would resume before the summer.")


def test_a_doubt_in_an_added_statement_is_its_own():
    from stance.extraction.open_mode import added_statements

    (sentence,) = split_sentences("Adams said the Nov 1 deadline was a “just in case” scenario, adding that it was "
                                  "“possible, but not probable” that a vaccine would be ready early.")
    first, second = added_statements([PointedStatement(sentence, "Jerome Adams", reported_content(sentence), "oppose")])
    assert (first.claim, first.stance) == ("The Nov 1 deadline was a “just in case” scenario.", "support")
    assert (second.claim, second.stance) == ("A vaccine would be ready early.", "oppose")


def test_pointer_rows_validate_like_statement_rows():
    answer = model_answer_for(3, PointerAnswer).model_validate(
        {"statements": [[2, "Dana Ortiz", "support"], {"s": 4, "who": "Raj Patel", "stance": "oppose"}]}
    )
    assert [(st.s, st.who, st.claim, st.stance) for st in answer.items()] == [
        (2, "Dana Ortiz", None, "support"), (4, "Raj Patel", None, "oppose"),
    ]
    with pytest.raises(ValidationError) as caught:
        PointerAnswer.model_validate({"statements": [[2, "Dana Ortiz", "maybe"]]})
    assert PointerAnswer.error_location(caught.value.errors()[0]["loc"]) == "statements.0.stance"
    with pytest.raises(ValidationError):  # a row with a claim is not a pointer
        PointerAnswer.model_validate({"statements": [[2, "Dana Ortiz", "The lanes help.", "support"]]})
    with pytest.raises(ValidationError):  # bounded like every answer sent to a small model
        model_answer_for(1, PointerAnswer).model_validate({"statements": [[1, "A", "support"], [2, "B", "support"]]})
    row_schema = model_answer_for(3, PointerAnswer).model_json_schema()["properties"]["statements"]["items"]
    assert len(row_schema["prefixItems"]) == 3 and row_schema["maxItems"] == 3


def test_the_examples_decide_what_a_prompt_asks_for(tmp_path: Path):
    assert load_prompt("extract-pointers").answer_shape is PointerAnswer
    assert load_prompt("extract").answer_shape is ModelAnswer
    folder = tmp_path / "mixed"
    shutil.copytree(default_prompts_dir() / "extract-pointers", folder)
    examples = json.loads((folder / "examples.json").read_text(encoding="utf-8"))
    examples.append({"article": "A\nB said C.", "answer": {"statements": [[2, "B", "C happens.", "support"]]}})
    (folder / "examples.json").write_text(json.dumps(examples), encoding="utf-8")
    with pytest.raises(PromptError, match="mixes answer shapes"):
        load_prompt("mixed", tmp_path)
    examples[-1]["answer"] = {"statements": [[2, "B", "perhaps"]]}
    (folder / "examples.json").write_text(json.dumps(examples), encoding="utf-8")
    with pytest.raises(PromptError, match="example 2 in examples.json is not a valid answer"):
        load_prompt("mixed", tmp_path)


def test_the_embedded_model_points_and_an_endpoint_writes_claims_unless_a_prompt_is_named():
    assert Settings().prompt_name == "extract-pointers"
    assert Settings(base_url="http://localhost:1/v1").prompt_name == "extract"
    assert Settings(prompt="extract").prompt_name == "extract"
    assert Settings(base_url="http://localhost:1/v1", prompt="extract-pointers").prompt_name == "extract-pointers"


ARTICLE = (
    "Council delays bus lane vote\n"
    "The plan was first drawn up in 2019.\n"
    "Mayor Dana Ortiz said on Monday that the bus lanes would cut commute times by a third.\n"
    "“This is the fastest way to get people moving again,” Ortiz told reporters.\n"
    "She denied that the lanes would hurt local shops.\n"
    "Council member Raj Patel spoke next.\n"
    "“The lanes will only push traffic onto side streets,” Patel said.\n"
)


# Point at every numbered sentence; the speaker is whoever the sentence names, else Ortiz (a small model's "support"
# for a denial too)
pointers_for = pointing_model(lambda sentence: "Raj Patel" if "Patel" in sentence else "Dana Ortiz")


def test_a_pointer_answer_becomes_claims_in_the_articles_words(tmp_path: Path):
    settings = Settings(base_url="", model="fake-model", cache_dir=tmp_path / "cache", max_reasks=0, max_retries=0)
    with FakeOpenAI(responder=pointers_for) as fake:
        settings = settings.model_copy(update={"base_url": fake.base_url})
        prompt = load_prompt(settings.prompt_name)
        assert prompt.name == "extract"  # an endpoint gets claim rows by default ...
        prompt = load_prompt("extract-pointers")  # ... and pointers when asked
        with connect(settings) as llm:
            result = extract_text(ARTICLE, article_info(ARTICLE, "a.txt", "a.txt"), llm=llm, prompt=prompt,
                                  settings=settings)
        sent = fake.chat_requests[0]
    items = sent["response_format"]["json_schema"]["schema"]["properties"]["statements"]["items"]
    assert len(items["prefixItems"]) == 3  # the model was asked for pointers, not claims
    assert result.provenance.prompt.name == "extract-pointers"
    by_text = {c.text: c for c in result.claims}
    assert set(by_text) == {
        "The bus lanes would cut commute times by a third.",
        "This is the fastest way to get people moving again.",
        "The lanes would hurt local shops.",
        "The lanes will only push traffic onto side streets.",
    }
    assert [(s.actor, s.stance) for s in by_text["The lanes would hurt local shops."].stances] == [("Dana Ortiz", "oppose")]
    patel = by_text["The lanes will only push traffic onto side streets."].stances[0]
    assert patel.actor == "Raj Patel"
    # the evidence is the quotation, located exactly
    assert patel.evidence[0].quote == "The lanes will only push traffic onto side streets"
    for evidence in result.evidence():
        assert evidence.alignment == "exact" and ARTICLE[evidence.start:evidence.end] == evidence.quote


def test_narration_credited_to_an_actor_is_dropped_but_quotations_and_stand_ins_are_kept():
    text = (
        "Headline\n"
        "Mayor Dana Ortiz backed the plan.\n"
        "The approval faced furious opposition from locals.\n"
        "She called it overdue.\n"
        "“We need it now.\n"
        "The city has waited long enough.”\n"
    )
    sentences = split_sentences(text)
    by = {s.text[:12]: s for s in sentences}
    ortiz = [PointedStatement(s, "Dana Ortiz", reported_content(s), "support") for s in sentences[1:]]
    kept = drop_unsupported(ortiz, sentences, set(), quotation_continuations(sentences, headline=True))
    assert [st.sentence.text for st in kept] == [
        "Mayor Dana Ortiz backed the plan.",  # names her
        "She called it overdue.",  # a pronoun that can stand for her
        "“We need it now.",  # a quotation
        "The city has waited long enough.”",  # inside the quotation
    ]
    assert by["The approval"].n not in {st.sentence.n for st in kept}


def test_a_sentence_that_only_describes_its_speaker_is_narration_about_them():
    text = ("Headline\n"
            "Mr Navalny is an anti-corruption campaigner who has led nationwide protests against the authorities.\n"
            "Navalny said the poisoning was ordered from the top.\n"
            "It is the best offer the authority has made in two decades.\n")
    sentences = split_sentences(text)
    statements = [PointedStatement(sentences[1], "Alexei Navalny", reported_content(sentences[1]), "support"),
                  PointedStatement(sentences[2], "Alexei Navalny", reported_content(sentences[2]), "support"),
                  PointedStatement(sentences[3], "Martin Reyes-Hale", reported_content(sentences[3]), "support")]
    kept = drop_unsupported(statements, sentences, set(), set())
    assert [st.sentence.n for st in kept] == [3, 4]  # "It is …" describes no speaker of its own
    kept = drop_unsupported(statements[:1], sentences, set(), {2})  # ... and inside a quotation it is theirs
    assert [st.sentence.n for st in kept] == [2]


def test_a_described_body_keeps_the_statement_credited_to_someone_it_does_not_name():
    text = ("Headline\nPemberton was convicted of homicide in 2015.\n"
            "The trial judge found that the defence failed to substantiate this theory.\n")
    sentences = split_sentences(text)
    statements = [PointedStatement(sentences[2], "Mr Pemberton", reported_content(sentences[2]), "support")]
    kept = drop_unsupported(statements, sentences, set(), set())
    assert [(st.sentence.n, st.who) for st in kept] == [(3, "trial judge")]


def test_a_quotation_running_on_into_the_next_sentence_is_one_claim():
    text = "Headline\n“We need it now,” Ortiz said. “The city has waited long enough.\nIt is time.”\n"
    sentences = split_sentences(text)
    continued = quotation_continuations(sentences, headline=True)
    assert continued == {sentences[-1].n}  # only "It is time." begins inside a quotation
    statements = [PointedStatement(s, "Dana Ortiz", reported_content(s), "support") for s in sentences[1:]]
    joined = join_continued_quotations(statements, continued)
    assert joined[-1].claim == joined[-2].claim == "The city has waited long enough."
    assert joined[0].claim == "We need it now."
    _, claims = merge_statements(text, joined)
    assert [len(c.stances[0].evidence) for c in claims] == [1, 2]
    other = [*statements[:-1], PointedStatement(sentences[-1], "Raj Patel", "It is time.", "support")]
    assert join_continued_quotations(other, continued)[-1].claim == "It is time."  # another speaker: its own claim


def test_what_should_be_done_in_a_quotation_that_runs_on_is_a_claim_of_its_own() -> None:
    text = ("Headline\n“Snowden exposed serious misconduct. Others who raised it officially were ignored. He should be "
            "pardoned,” Roth tweeted.\n")
    sentences = split_sentences(text)
    continued = quotation_continuations(sentences, headline=True)
    assert continued == {sentences[2].n, sentences[3].n}
    statements = [PointedStatement(s, "Kenneth Roth", reported_content(s), "support") for s in sentences[1:]]
    joined = join_continued_quotations(statements, continued)
    assert [st.claim for st in joined] == ["Snowden exposed serious misconduct."] * 2 + ["He should be pardoned."]


@pytest.mark.parametrize("reply", ['"Yes.', "“No, no."])
def test_a_reply_that_goes_on_takes_the_claim_of_what_follows(reply: str) -> None:
    text = f"Headline\nThe Northern Ireland secretary replied: {reply} This does break international law.{reply[0]}\n"
    text = text.replace("law.“", "law.”")
    sentences = split_sentences(text)
    continued = quotation_continuations(sentences, headline=True)
    assert continued == {sentences[-1].n}
    statements = [PointedStatement(s, "Brandon Lewis", reported_content(s), "support") for s in sentences[1:]]
    joined = join_continued_quotations(statements, continued)
    assert [st.claim for st in joined] == ["This does break international law."] * 2


def test_a_quotation_reopened_at_a_new_paragraph_says_a_new_thing():
    # a quotation over paragraphs reopens at each ("… if we did not reach agreement.\n\n"I'm appalled …"): the
    # speaker goes on, the claim does not
    text = ('Headline\nMr Strutton said: "A letter from BA threatened all pilots with dismissal.\n\n'
            '"I\'m appalled at the cavalier attitude shown by BA towards its pilots.\n')
    sentences = split_sentences(text)
    continued = quotation_continuations(sentences, headline=True)
    assert continued == {sentences[2].n}
    statements = [PointedStatement(s, "Mr Strutton", reported_content(s), "support") for s in sentences[1:]]
    joined = join_continued_quotations(statements, continued)
    assert [st.claim for st in joined] == [st.claim for st in statements]
    assert len({st.claim for st in joined}) == 2


def test_a_sentence_after_a_bare_denial_keeps_its_own_claim():
    # the denial is about the claim before it; what follows it in the quotation is a claim of its own
    text = ('Headline\n"Some believe the company is exaggerating," Mr Walsh said. "Nothing could be further from the '
            'truth.\nThe situation is unprecedented."\n')
    sentences = split_sentences(text)
    continued = quotation_continuations(sentences, headline=True)
    assert continued == {4}
    statements = [PointedStatement(s, "Mr Walsh", reported_content(s), "support") for s in sentences[2:]]
    assert join_continued_quotations(statements, continued)[-1].claim == "The situation is unprecedented."


@pytest.mark.parametrize("marks", ['""', "“”"])
def test_a_quotation_reopened_and_closed_at_a_new_paragraph_ends_there(marks: str):
    o, c = marks
    text = (f"Headline\nKate Brown called the moment {o}truly the bellwether for climate change.\n\n"
            f"{o}And this is a wake-up call for all of us.{c}\n\nMr Trump said he was praying for everyone.\n")
    sentences = split_sentences(text)
    assert quotation_continuations(sentences, headline=True) == {3}  # not the narration after the closing mark


def speakers_for(body: dict[str, Any]) -> Any:
    """Like pointers_for, in rows of two: a sentence and its speaker, no stance."""
    rows = json.loads(pointers_for(body).content)["statements"]
    return reply_json({"statements": [row[:2] for row in rows]})


def test_speaker_rows_leave_the_stance_to_the_rules(tmp_path: Path):
    assert load_prompt("extract-speakers").answer_shape is SpeakerAnswer
    answer = model_answer_for(3, SpeakerAnswer).model_validate({"statements": [[2, "Dana Ortiz"], {"s": 4, "who": "Raj Patel"}]})
    assert [(st.s, st.who, st.claim, st.stance) for st in answer.items()] == [
        (2, "Dana Ortiz", None, "support"), (4, "Raj Patel", None, "support"),
    ]
    with pytest.raises(ValidationError):  # a stance is not asked for
        SpeakerAnswer.model_validate({"statements": [[2, "Dana Ortiz", "support"]]})
    result, requests = extract_with_fake(ARTICLE, "a.txt", "extract-speakers", speakers_for, tmp_path)
    items = requests[0]["response_format"]["json_schema"]["schema"]["properties"]["statements"]["items"]
    assert len(items["prefixItems"]) == 2
    by_text = {c.text: c for c in result.claims}
    # the denial is read off the sentence: "oppose" with no stance from the model
    assert [(s.actor, s.stance) for s in by_text["The lanes would hurt local shops."].stances] == [("Dana Ortiz", "oppose")]
    assert {s.stance for c in result.claims for s in c.stances} == {"support", "oppose"}
    for evidence in result.evidence():
        assert evidence.alignment == "exact" and ARTICLE[evidence.start:evidence.end] == evidence.quote


def test_a_said_sentence_the_model_skipped_is_its_named_speakers(tmp_path: Path):
    """The small model skips some plain "X said" sentences; the rules read their speaker, so they are kept. A
    skipped sentence whose speaker the rules cannot read stays skipped (the model may have judged it narration)."""
    text = ("Bus lanes divide the council\n"
            "Mayor Dana Ortiz said the bus lanes would cut commute times by a third.\n"
            "Council member Raj Patel said the lanes would hurt local shops.\n"
            "The lanes were first proposed in 2019 and approved last year.\n")

    only_ortiz = pointing_model(lambda s: "Dana Ortiz" if "Ortiz" in s else None)

    result, _ = extract_with_fake(text, "a.txt", "extract-pointers", only_ortiz, tmp_path)
    held = {(s.actor, c.text) for c in result.claims for s in c.stances}
    assert held == {("Dana Ortiz", "The bus lanes would cut commute times by a third."),
                    ("Raj Patel", "The lanes would hurt local shops.")}
    for evidence in result.evidence():
        assert evidence.alignment == "exact" and text[evidence.start:evidence.end] == evidence.quote


def test_a_he_said_sentence_the_model_skipped_is_the_person_last_named():
    """"He said ..." skipped by the model is the statement of the person it stands for; with no one named near
    it, "he" names no one and the sentence stays skipped."""
    text = ("Bus lanes divide the council\n"
            "Mayor Dana Ortiz said the bus lanes would cut commute times by a third.\n"
            "Council member Raj Patel said the lanes would hurt local shops.\n"
            "He said the council should wait a year.\n")
    sentences = split_sentences(text)
    skipped = statements_the_model_skipped(sentences, {2, 3, 4}, {2, 3})
    assert [(st.sentence.n, st.who) for st in skipped] == [(4, "He")]
    named = follow_speakers(skipped, sentences, text, set())
    assert [(st.who, st.claim) for st in named] == [("Raj Patel", "The council should wait a year.")]
    alone = split_sentences("Bus lanes divide the council\nHe said the council should wait a year.\n")
    (orphan,) = statements_the_model_skipped(alone, {2}, set())
    assert not names_someone(follow_speakers([orphan], alone, "", set())[0].who)


@pytest.mark.parametrize(("who", "named"), [
    ("When", False), ("It", False), ("they", False),  # a stray word, a pronoun no rule resolved
    ("US", True), ("EU", True), ("Mr Trump", True), ("the union", True), ("critics", True),
    ("Some fear that a failure to agree on border arrangements", False),  # a clause copied from the sentence
    ("unknown", False), ("Unknown.", False), ("the author", False),  # the model saying it found no speaker
])
def test_a_speaker_must_name_someone(who: str, named: bool) -> None:
    from stance.extraction.open_mode import names_someone
    assert names_someone(who) is named


def test_in_a_document_with_an_author_we_names_the_author():
    from stance.extraction.open_mode import names_someone
    assert not names_someone("We")
    assert names_someone("We", author="Barack Obama")


def test_what_a_speaker_adds_in_the_same_sentence_is_a_statement_of_its_own():
    from stance.extraction.open_mode import added_statements

    def one(text: str) -> PointedStatement:
        (sentence,) = split_sentences(text)
        return PointedStatement(sentence, "Jerome Adams", reported_content(sentence), "support")

    adams = one("Surgeon General Jerome Adams said last week that the Nov 1 deadline was a “just in case” scenario, "
                "adding that it was “possible, but not probable” that a vaccine would be ready early.")
    first, second = added_statements([adams])
    assert first.claim == "The Nov 1 deadline was a “just in case” scenario."
    assert second.claim == "A vaccine would be ready early."  # doubted: the stance says so
    assert (second.who, second.sentence) == (adams.who, adams.sentence)
    # a quotation before "and said" stays with the first claim (a label: what it says of the thing)
    munoz = one("Munoz called the decision “a step backward” and said neighboring counties were watching.")
    assert [st.claim for st in added_statements([munoz])] == [
        "The decision is a step backward.", "Neighboring counties were watching."]
    # a charge, a label or a request that goes on ", saying …" is two statements; an action is not
    blair = one("In a joint article with Sir John, Mr Blair urged MPs to reject the 'shaming' legislation, saying it "
                "imperils the Irish peace process.")
    assert [st.claim for st in added_statements([blair])] == [
        "MPs should reject the 'shaming' legislation.", "It imperils the Irish peace process."]
    starmer = one("Keir Starmer accused No 10 of reopening old arguments that had been settled, saying the focus should "
                  "be on getting a trade deal done.")
    assert [st.claim for st in added_statements([starmer])] == [
        "No 10 is reopening old arguments that had been settled.", "The focus should be on getting a trade deal done."]
    alluded = one("Blinken alluded to indirect talks with Iran in Oman, saying Iran could show its willingness through "
                  "its actions.")
    assert len(added_statements([alluded])) == 1
    # a second reported clause after "and that"; a relative clause is no statement of its own
    okafor = one("Okafor said drivers had not received a raise above inflation since 2019 and that the authority "
                 "could afford one.")
    assert [st.claim for st in added_statements([okafor])] == [
        "Drivers had not received a raise above inflation since 2019.", "The authority could afford one."]
    obama = one("Obama rejected an approach that gives bank bailouts with no strings attached and that holds "
                "nobody accountable for their reckless decisions.")
    assert len(added_statements([obama])) == 1
    # nothing said before "and said" (no frame, no quotation): the added statement alone
    hit_out = one("The President of the European Commission hit out and said the accord cannot be changed.")
    assert [st.claim for st in added_statements([hit_out])] == ["The accord cannot be changed."]
    plain = one("Adams said the deadline was a precaution.")
    assert added_statements([plain]) == [plain]


def test_a_second_speaker_in_one_sentence_gets_a_statement_of_their_own():
    from stance.extraction.open_mode import second_speakers

    (sentence,) = split_sentences("Mr. Cueto told the trust that it could see the scorecard in a visual "
                                  "presentation, but trust members said they wanted a copy in their hands to study.")
    cueto = PointedStatement(sentence, "Josenrique Cueto", reported_content(sentence), "support")
    assert "trust members" in cueto.claim  # one statement per sentence: the second speaker's words run on in it
    first, second = second_speakers([cueto])
    assert first.who == "Josenrique Cueto" and "trust members" not in first.claim
    assert first.claim.startswith("It could see the scorecard")
    assert (second.who, second.stance, second.sentence) == ("trust members", "support", sentence)
    assert second.claim.startswith("They wanted a copy")
    assert second_speakers([second]) == [second]  # the model named the second speaker: nothing to add


@pytest.mark.parametrize(("text", "who", "side"), [
    ("Two senators introduced a bipartisan resolution on Thursday to amend the rules to allow senators to vote "
     "remotely, but McConnell has consistently opposed such a measure.", "McConnell", "oppose"),
    ("The council approved the new parking plan on Tuesday night, but Republicans voted against it.", "Republicans",
     "oppose"),
    ("The mayor proposed a tax on empty homes last spring, and critics welcomed the decision.", "critics", "support"),
])
def test_a_second_actor_taking_a_side_on_the_first_clause_shares_its_claim(text: str, who: str, side: str) -> None:
    from stance.extraction.open_mode import second_speakers

    (sentence,) = split_sentences(text)
    first = PointedStatement(sentence, "Dana Ortiz", reported_content(sentence), "support")
    cut, second = second_speakers([first])
    assert who not in cut.claim and second.claim == cut.claim  # the first clause is the claim they share
    assert (second.who, second.stance) == (who, side)


@pytest.mark.parametrize(("lang", "text", "who", "claim"), [
    ("en", "Officials in Washington are concerned that the firm could pass American users' data to the Chinese "
     "government, something ByteDance has denied doing.", "ByteDance",
     "The firm could pass American users' data to the Chinese government."),
    ("en", "Prosecutors say the company hid the losses, a charge Uber strongly rejects.", "Uber",
     "The company hid the losses."),
    ("en", "Officials said Russia was behind the attack, a claim that Moscow denies.", "Moscow",
     "Russia was behind the attack."),
    ("fr", "Selon la police, la société a transmis les données des clients, ce que Renault dément.", "Renault",
     "La société a transmis les données des clients."),
    ("es", "Según Washington, la empresa pasó los datos a China, algo que ByteDance ha negado.", "ByteDance",
     "La empresa pasó los datos a China."),
    ("de", "Die Regierung wirft dem Konzern vor, Daten weitergegeben zu haben, was Siemens bestreitet.", "Siemens",
     None),
])
def test_an_actor_who_denies_what_the_sentence_says_in_its_closing_clause_opposes_its_claim(
        lang: str, text: str, who: str, claim: str | None) -> None:
    from stance.extraction.open_mode import second_speakers

    (sentence,) = split_sentences(text, lang=lang)
    first = PointedStatement(sentence, "Dana Ortiz", reported_content(sentence), "support")
    cut, second = second_speakers([first])
    assert who not in cut.claim and second.claim == cut.claim
    assert (second.who, second.stance) == (who, "oppose")
    if claim is not None:
        assert cut.claim == claim


@pytest.mark.parametrize(("lang", "text", "who"), [
    ("en", "Critics complain that the move would breach international law - something Northern Ireland Secretary "
     "Brandon Lewis admitted last week was the case.", "Northern Ireland Secretary Brandon Lewis"),
    ("es", "Según Washington, la empresa pasó los datos a China, algo que ByteDance ha reconocido.", "ByteDance"),
    ("de", "Die Regierung wirft dem Konzern vor, Daten weitergegeben zu haben, was Siemens eingeräumt hat.", "Siemens"),
])
def test_an_actor_who_admits_what_the_sentence_says_in_its_closing_clause_supports_its_claim(
        lang: str, text: str, who: str) -> None:
    from stance.extraction.open_mode import second_speakers

    (sentence,) = split_sentences(text, lang=lang)
    first = PointedStatement(sentence, "Dana Ortiz", reported_content(sentence), "support")
    cut, second = second_speakers([first])
    assert who not in cut.claim and second.claim == cut.claim
    assert (second.who, second.stance) == (who, "support")


@pytest.mark.parametrize("text", [
    "The council approved the plan, which allowed the depot to move north.",  # no denial
    "Smith said the plan would fail, which he denied.",  # a pronoun is no second actor
])
def test_a_closing_clause_without_a_named_denier_adds_no_one(text: str) -> None:
    from stance.extraction.open_mode import second_speakers

    (sentence,) = split_sentences(text)
    first = PointedStatement(sentence, "Dana Ortiz", reported_content(sentence), "support")
    assert second_speakers([first]) == [first]


def test_a_side_on_something_else_is_no_side_on_the_first_clause() -> None:
    from stance.extraction.open_mode import second_speakers

    (sentence,) = split_sentences("The mayor proposed a tax on empty homes last spring, but Smith backed Jones.")
    first = PointedStatement(sentence, "Dana Ortiz", reported_content(sentence), "support")
    assert second_speakers([first]) == [first]


def test_joined_subjects_share_the_statement():
    from stance.extraction.open_mode import joined_subjects

    (sentence,) = split_sentences("Commissioners Teresa Munoz and James Holloway voted no.")
    munoz = PointedStatement(sentence, "Teresa Munoz", "Commissioners voted no.", "oppose")
    both = joined_subjects([munoz])
    assert [(st.who, st.claim, st.stance) for st in both] == [
        ("Teresa Munoz", "Commissioners voted no.", "oppose"), ("James Holloway", "Commissioners voted no.", "oppose")]
    assert joined_subjects(both) == both  # each already has the statement


def test_a_group_subject_speaks_before_the_unsupported_check():
    from stance.extraction.answers import ModelStatement
    from stance.extraction.open_mode import point_statements

    sentences = split_sentences("Russia pulls out\nRussian officials have characterized the withdrawal as a move "
                                "toward equality with Western powers.")
    (pointed,) = point_statements(sentences, [ModelStatement(s=2, who="Putin", stance="support")], headline=True)
    assert pointed.who == "Russian officials"  # Putin, named nowhere in it, would be dropped as narration


def test_both_of_a_pair_is_a_statement_of_each():
    from stance.extraction.open_mode import both_of_a_pair

    sentences = split_sentences("Merger\nDoctor asserts that talks have resumed between McClatchy and Tribune. Both "
                                "companies declined to comment on the assertion.")
    row = PointedStatement(sentences[2], "McClatchy", "Both companies declined to comment.", "neutral")
    assert [(st.who, st.stance) for st in both_of_a_pair([row], sentences)] == [
        ("McClatchy", "neutral"), ("Tribune", "neutral")]
    other = PointedStatement(sentences[1], "Ken Doctor", "Talks have resumed.", "support")
    assert both_of_a_pair([other], sentences) == [other]


def test_the_outlet_of_the_dateline_narrates_and_takes_no_side(tmp_path: Path):
    """ "Berlin (CNN) — …": sentences a small model credits to the outlet that tells the story are narration; an
    outlet the story cites is a source like any other."""
    text = ("Tourists sue over ski resort outbreak\n\n"
            "Berlin (CNN) — Austrian authorities are facing a class action lawsuit involving 2,500 tourists, CNN said.\n"
            "Prosecutors are investigating the resort, as reported by CNN last week.\n"
            "The New York Times reported that the resort stayed open for days.\n"
            "Governor Anna Platt said the authorities acted correctly.\n")

    outlets = pointing_model(lambda s: "Anna Platt" if "Platt" in s else "New York Times" if "Times" in s else "CNN")

    result, _ = extract_with_fake(text, "a.txt", "extract-pointers", outlets, tmp_path)
    assert {s.actor for c in result.claims for s in c.stances} == {"Anna Platt", "New York Times"}


def test_the_place_of_the_dateline_is_no_speaker(tmp_path: Path):
    text = ("Brexit talks in crisis\n\n"
            "LONDON (REUTERS) – Britain plunged Brexit trade talks into crisis by acknowledging it could break "
            "international law.\n"
            "Irish Prime Minister Micheal Martin said the bill was a breach of trust.\n")

    place = pointing_model(lambda s: "Micheal Martin" if "Martin" in s else "LONDON")

    result, _ = extract_with_fake(text, "a.txt", "extract-pointers", place, tmp_path)
    assert {s.actor for c in result.claims for s in c.stances} == {"Micheal Martin"}
