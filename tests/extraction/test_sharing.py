"""Claims shared within an article by rule (issue 15): who takes which side on one proposition."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from support.fake_openai import reply_json
from support.runs import extract_with_fake

from stance.extraction.merging import PointedStatement
from stance.extraction.open_mode import merge_statements
from stance.extraction.sharing import share_claims
from stance.text.claims import short_claim
from stance.text.reported import report_of
from stance.text.sentences import split_sentences

ARTICLE = (
    "Port Calder weighs a ferry levy\n"
    "Mayor Dana Ortiz said the council should pass the ferry levy to keep the harbour ferries running all winter.\n"
    "Councillor Mira Osei said the council should not pass the ferry levy to keep the harbour ferries running all winter.\n"
    "The Harbour Board rejected the ferry levy, citing its own budget.\n"
    "The Calder Shipping Union declined to comment on the ferry levy.\n"
    "“I like the plan for the night buses,” said Tom Reyes, who runs the depot.\n"
)
SPEAKERS = {2: "Dana Ortiz", 3: "Mira Osei", 4: "Harbour Board", 5: "Calder Shipping Union", 6: "Tom Reyes"}


def _statements(text: str = ARTICLE, speakers: dict[int, str] = SPEAKERS) -> list[PointedStatement]:
    """What open mode makes of pointer answers that say "support" for every sentence (a small model's habit):
    the sentence numbered n by ``speakers[n]``."""
    sentences = split_sentences(text)
    return [PointedStatement(s, speakers[s.n], short_claim(report_of(s).content), "support")
            for s in sentences if s.n in speakers]


def test_a_rejection_a_denial_and_a_no_comment_share_the_claim_they_address() -> None:
    shared = share_claims(ARTICLE, _statements())
    by_who = {st.who: st for st in shared}
    levy = "The council should pass the ferry levy to keep the harbour ferries running all winter."
    assert by_who["Dana Ortiz"].claim == levy and by_who["Dana Ortiz"].stance == "support"
    # the same proposition negated: one claim, the opposite stance
    assert (by_who["Mira Osei"].claim, by_who["Mira Osei"].stance) == (levy, "oppose")
    # rejecting what another actor said opposes it
    assert (by_who["Harbour Board"].claim, by_who["Harbour Board"].stance) == (levy, "oppose")
    # declining to comment on it is neutral on it
    assert (by_who["Calder Shipping Union"].claim, by_who["Calder Shipping Union"].stance) == (levy, "neutral")
    # a first-person claim names its speaker, by surname as news does; it is about something else, so it stays its own
    assert (by_who["Tom Reyes"].claim, by_who["Tom Reyes"].stance) == ("Reyes likes the plan for the night buses.",
                                                                       "support")
    # each statement keeps its own sentence: the evidence still points at what that actor said
    assert [st.sentence.n for st in shared] == [2, 3, 4, 5, 6]


def test_shared_statements_merge_into_one_claim_with_each_actors_stance_and_exact_evidence() -> None:
    actors, claims = merge_statements(ARTICLE, share_claims(ARTICLE, _statements()))
    levy = next(c for c in claims if c.text.startswith("The council should pass"))
    assert [(s.actor, s.stance) for s in levy.stances] == [
        ("Dana Ortiz", "support"), ("Mira Osei", "oppose"), ("Harbour Board", "oppose"),
        ("Calder Shipping Union", "neutral")]
    assert len(claims) == 2
    for claim in claims:
        for stance in claim.stances:
            for e in stance.evidence:
                assert e.alignment == "exact" and ARTICLE[e.start:e.end] == e.quote
    osei = next(s for s in levy.stances if s.actor == "Mira Osei").evidence[0].quote
    assert "should not pass" in osei  # her own sentence, not the mayor's


def test_statements_about_different_things_stay_apart() -> None:
    text = ("Two votes\n"
            "Ortiz said the tram depot should move north.\n"
            "Osei said the ferry levy was unfair to islanders.\n"
            "The union declined to comment.\n")
    sentences = split_sentences(text)
    statements = [PointedStatement(sentences[1], "Dana Ortiz", "The tram depot should move north.", "support"),
                  PointedStatement(sentences[2], "Mira Osei", "The ferry levy was unfair to islanders.", "support"),
                  PointedStatement(sentences[3], "Calder Union", "The union declined to comment.", "support")]
    shared = share_claims(text, statements)
    assert [st.claim for st in shared[:2]] == ["The tram depot should move north.", "The ferry levy was unfair to islanders."]
    # a no-comment that names no topic is neutral on the claim just before it
    assert (shared[2].claim, shared[2].stance) == ("The ferry levy was unfair to islanders.", "neutral")


def test_naming_the_same_body_does_not_make_two_claims_one() -> None:
    text = ("WeWork under investigation\n"
            "The New York State Attorney General is investigating WeWork, two people said.\n"
            "“We received an inquiry from the office of the New York State Attorney General and are cooperating,” "
            "a WeWork spokesperson said.\n")
    sentences = split_sentences(text)
    statements = [PointedStatement(sentences[1], "two people familiar with the matter",
                                   "The New York State Attorney General is investigating WeWork.", "support"),
                  PointedStatement(sentences[2], "WeWork spokesperson", "We received an inquiry from the office of the "
                                   "New York State Attorney General and are cooperating.", "support")]
    shared = share_claims(text, statements)
    assert shared[1].claim != shared[0].claim  # five words in common, all of one name: one word, not five


def test_declining_to_comment_on_the_vote_is_neutral_on_the_decision_the_article_opens_with() -> None:
    text = ("Ashford ends fluoridation\n"
            "The Ashford County Board of Commissioners voted 4-1 on Tuesday to stop adding fluoride to the water.\n"
            "Glenn Sauer thanked commissioners after the vote.\n"
            "A spokeswoman for Ashford County Water Services declined to comment on the vote.\n")
    sentences = split_sentences(text)
    statements = [PointedStatement(sentences[1], "Ashford County Board of Commissioners",
                                   short_claim(report_of(sentences[1]).content), "support"),
                  PointedStatement(sentences[2], "Glenn Sauer", "Glenn Sauer thanked commissioners after the vote.",
                                   "support"),
                  PointedStatement(sentences[3], "Ashford County Water Services", "They declined to comment.",
                                   "support")]
    board, _, utility = share_claims(text, statements)
    assert (utility.claim, utility.stance) == (board.claim, "neutral")  # not the claim that last said "vote"


def _support_everything(body: dict[str, Any]) -> Any:
    last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    rows = [[int(n), SPEAKERS.get(int(n), "Dana Ortiz"), "support"] for n, _ in re.findall(r"^\[(\d+)\] (.+)$", last,
                                                                                           flags=re.M)]
    return reply_json({"statements": rows})


def test_pointer_extraction_shares_claims_through_a_real_endpoint(tmp_path: Path) -> None:
    """The whole open-mode path, pointer answers served by the fake OpenAI server: the same request as before
    (the rules work on the answers), a claim several actors take sides on."""
    result, _ = extract_with_fake(ARTICLE, "levy.txt", "extract-pointers", _support_everything, tmp_path)
    levy = next(c for c in result.claims if c.text.startswith("The council should pass"))
    stances = {s.actor: s.stance for s in levy.stances}
    assert stances["Dana Ortiz"] == "support" and stances["Harbour Board"] == "oppose"
    assert stances["Calder Shipping Union"] == "neutral"
    assert sum(len({s.actor for s in c.stances}) >= 2 for c in result.claims) >= 1
    for e in result.evidence():
        assert e.alignment == "exact" and ARTICLE[e.start:e.end] == e.quote


def test_rejecting_the_allegation_just_made_opposes_it() -> None:
    text = ("Navalny in coma\n"
            "His team says he was poisoned on President Vladimir Putin's orders. The Kremlin has dismissed the allegation.\n"
            "He denies the crime, saying the case is a reprisal.\n")
    sentences = split_sentences(text)
    statements = [PointedStatement(sentences[1], "Navalny's team", "He was poisoned on Putin's orders.", "support"),
                  PointedStatement(sentences[2], "Kremlin", "The Kremlin has dismissed the allegation.", "support"),
                  PointedStatement(sentences[3], "Alexei Navalny", "The case is a reprisal.", "support")]
    shared = share_claims(text, statements)
    assert (shared[1].claim, shared[1].stance) == ("He was poisoned on Putin's orders.", "oppose")
    # "the crime" is no word for something said: it is not the claim just before
    assert shared[2].claim == "The case is a reprisal."
    # a second subject of the rejection ("The Kremlin and the foreign ministry have dismissed ...") opposes the
    # allegation too, not what the first subject's rejection became
    both = [*statements[:2], PointedStatement(sentences[2], "foreign ministry", statements[1].claim, "support")]
    assert [(st.claim, st.stance) for st in share_claims(text, both)[1:]] == [
        ("He was poisoned on Putin's orders.", "oppose")] * 2


def test_labelling_the_claim_just_made_baseless_opposes_it_and_is_a_claim_too() -> None:
    text = ("Expulsions\n"
            "Ostrovia said the three had photographed a naval base. "
            "The ministry called Ostrovia’s allegations “a fabrication designed to distract.”\n")
    sentences = split_sentences(text)
    statements = [PointedStatement(sentences[1], "Ostrovia", "The three had photographed a naval base.", "support"),
                  PointedStatement(sentences[2], "Serania’s Foreign Ministry",
                                   "Ostrovia’s allegations are a fabrication designed to distract.", "support")]
    shared = share_claims(text, statements)
    assert [(st.who, st.claim, st.stance) for st in shared[1:]] == [
        ("Serania’s Foreign Ministry", "Ostrovia’s allegations are a fabrication designed to distract.", "support"),
        ("Serania’s Foreign Ministry", "The three had photographed a naval base.", "oppose"),
    ]


def test_doubting_the_claim_just_made_opposes_it() -> None:
    text = ("Vaccine by October?\n"
            "The president said on Monday that a vaccine could be ready in October. "
            "The public remains deeply sceptical of the claim, a poll found.\n")
    statements = _statements(text, {2: "Donald Trump", 3: "American public"})
    shared = share_claims(text, statements)
    assert statements[0].claim == "A vaccine could be ready in October."  # the date predicted stays in the claim
    assert (shared[1].claim, shared[1].stance) == ("A vaccine could be ready in October.", "oppose")


def test_a_speaker_citing_a_group_argues_against_it_and_a_bare_denial_is_about_the_claim_before() -> None:
    text = ("Airline defends job cuts\n"
            "“There are some who believe the company is exaggerating the scale of the challenge,” Mr Walsh said. "
            "“Nothing could be further from the truth.”\n"
            "The union said the cuts were planned long ago. “That is simply not true,” the airline said.\n")
    statements = _statements(text, {2: "Willie Walsh", 3: "Willie Walsh", 4: "Balpa", 5: "British Airways"})
    shared = share_claims(text, statements)
    assert [(s.claim, s.stance) for s in shared[:2]] == [
        ("The company is exaggerating the scale of the challenge.", "oppose")] * 2
    assert (shared[3].claim, shared[3].stance) == (shared[2].claim, "oppose")
    assert shared[2].stance == "support"
    # in a document with an author, merging.attribute_to_author reverses what the author cites, so it is left here
    authored = share_claims(text, statements, author="Willie Walsh")
    assert (authored[0].claim, authored[0].stance) == ("The company is exaggerating the scale of the challenge.", "support")


def test_asking_where_the_evidence_is_opposes_the_claim_just_made() -> None:
    text = ("Navalny poisoning\n"
            "Germany said there was unequivocal proof that Navalny was poisoned with a nerve agent.\n"
            "“Where are the facts, where are the formulas?” Zakharova asked.\n")
    statements = _statements(text, {2: "German government", 3: "Maria Zakharova"})
    germany, zakharova = share_claims(text, statements)
    assert (zakharova.claim, zakharova.stance) == (germany.claim, "oppose")


def test_disagreeing_in_the_first_person_opposes_the_claim_just_made() -> None:
    text = ("State of the Union\n"
            "The senator said the tax plan is too small. I respectfully disagree.\n")
    statements = _statements(text, {2: "Dana Ortiz", 3: "George W. Bush"})
    shared = share_claims(text, statements)
    assert (shared[1].claim, shared[1].stance) == ("The tax plan is too small.", "oppose")


def test_declining_to_comment_on_a_topic_while_saying_something_else_is_two_statements() -> None:
    text = ("TikTok sues\n"
            "TikTok said the ban was motivated by politics.\n"
            "A TikTok spokesman declined to comment on the status of sale talks, saying the lawsuit was a "
            "\"parallel\" process.\n")
    shared = share_claims(text, _statements(text, {2: "TikTok", 3: "TikTok spokesman"}))
    assert [(s.claim, s.stance) for s in shared[1:]] == [
        ("The status of sale talks.", "neutral"),  # a topic of its own, not the claim just before
        ('The lawsuit was a "parallel" process.', "support")]


def test_rejecting_a_thing_opposes_the_proposal_or_decision_that_names_it_not_what_is_said_about_it() -> None:
    text = ("Board rezones farm\n"
            "The Planning Board voted 5-2 on Tuesday night to rezone 48 acres of farmland for a warehouse.\n"
            "Residents collected 1,800 signatures against the rezoning and also against the developer.\n"
            "The company asked the court to suspend the order while the case is heard.\n"
            "Solberg said the authority would oppose any suspension of its order.\n"
            "Jones said the bill would break international law.\n"
            "Starmer condemned the bill.\n"
            "Navalny has led protests against the Russian authorities, who he says planned the attack.\n")
    who = {2: "Planning Board", 3: "residents", 4: "Tallis Health", 5: "Henrik Solberg", 6: "Jonathan Jones",
           7: "Keir Starmer", 8: "Alexei Navalny"}
    shared = {st.who: st for st in share_claims(text, _statements(text, who))}
    # a decision, named by a word of its own stem ("rezone" / "the rezoning"): against it opposes it
    assert shared["residents"].claim == shared["Planning Board"].claim and shared["residents"].stance == "oppose"
    # a request ("asked the court to suspend"), named by "any suspension"
    assert shared["Henrik Solberg"].claim == shared["Tallis Health"].claim
    assert shared["Henrik Solberg"].stance == "oppose"
    # "the bill would break international law" asserts something of the bill: condemning the bill does not deny it
    assert shared["Keir Starmer"].claim != shared["Jonathan Jones"].claim
    # protests against actors ("the Russian authorities") are not a side on what anyone said
    assert shared["Alexei Navalny"].stance == "support"


def test_refusing_any_form_of_a_thing_opposes_the_request_for_it_in_spanish() -> None:
    # "cualquier forma de indulto para Snowden" is about a pardon ("forma": a kind word), and "para" is a preposition
    text = ("Piden clemencia para Snowden\n"
            "Kenneth Roth tuiteó que él debe ser indultado.\n"
            "La Casa Blanca se negó a considerar cualquier forma de indulto para Snowden.\n")
    sentences = split_sentences(text, lang="es")
    statements = [PointedStatement(sentences[1], "Kenneth Roth", "Él debe ser indultado.", "support"),
                  PointedStatement(sentences[2], "Casa Blanca", sentences[2].text, "support")]
    shared = share_claims(text, statements)
    assert (shared[1].claim, shared[1].stance) == ("Él debe ser indultado.", "oppose")


def test_a_side_taken_on_a_decision_no_one_stated_is_a_side_on_that_decision() -> None:
    text = ("TikTok sues\n"
            "Chinese video-sharing app TikTok has gone to court to challenge a ban imposed by US President Donald Trump.\n"
            "HSBC and Standard Chartered banks gave their backing to the new law on Hong Kong.\n"
            "Starmer condemned the latest attack on the city.\n"
            "Reed backed the plan.\n")
    who = {2: "TikTok", 3: "HSBC", 4: "Keir Starmer", 5: "Michael Reed"}
    shared = {st.who: st for st in share_claims(text, _statements(text, who))}
    assert (shared["TikTok"].claim, shared["TikTok"].stance) == ("A ban imposed by US President Donald Trump.", "oppose")
    assert (shared["HSBC"].claim, shared["HSBC"].stance) == ("The new law on Hong Kong.", "support")
    # an attack is no decision, and "the plan" alone is not a claim: both keep their own sentences
    assert shared["Keir Starmer"].claim.startswith("Starmer condemned")
    assert shared["Michael Reed"].claim == "Reed backed the plan."


def test_a_german_sentence_that_only_takes_a_side_shares_the_decision_the_article_opens_with() -> None:
    text = ("Tornados nach Afghanistan\n"
            "Die Abgeordneten der Koalition haben sich auf die Entsendung deutscher Tornados geeinigt.\n"
            "Oskar Lafontaine, Fraktionschef der Linkspartei, sprach sich kategorisch gegen den Bundeswehreinsatz aus.\n")
    sentences = split_sentences(text, lang="de")
    statements = [PointedStatement(sentences[1], "Abgeordnete der Koalition", sentences[1].text, "support"),
                  PointedStatement(sentences[2], "Oskar Lafontaine", sentences[2].text, "support")]
    shared = share_claims(text, statements)
    assert (shared[1].claim, shared[1].stance) == (shared[0].claim, "oppose")


def test_a_sentence_that_only_takes_a_side_shares_the_decision_the_article_opens_with() -> None:
    text = ("Board rezones farm\n"
            "The Planning Board voted 5-2 on Tuesday night to rezone 48 acres of farmland for a warehouse.\n"
            "Mayor Tom Kessler said he would vote for it.\n"
            "Commissioner Dana Lund voted no.\n"
            "Marta Kowal welcomed the fine.\n"
            "\"This is the right use for this land,\" said Helen Marchetti, who voted in favor.\n")
    who = {2: "Planning Board", 3: "Tom Kessler", 4: "Dana Lund", 5: "Marta Kowal", 6: "Helen Marchetti"}
    shared = {st.who: st for st in share_claims(text, _statements(text, who))}
    lede = shared["Planning Board"].claim
    assert (shared["Tom Kessler"].claim, shared["Tom Kessler"].stance) == (lede, "support")
    assert (shared["Dana Lund"].claim, shared["Dana Lund"].stance) == (lede, "oppose")
    # a side on something the lede does not name, and a side taken in the frame, keep their own claims
    assert shared["Marta Kowal"].claim != lede
    assert shared["Helen Marchetti"].claim == "This is the right use for this land."


def test_a_person_is_named_by_surname_a_description_whole() -> None:
    text = ("Ferry levy vote\n"
            "\"I like the levy,\" said Councillor Dana Ortiz.\n"
            "\"I doubt it will pass,\" said one MP.\n"
            "The Harbour Board said it would appeal.\n")
    sentences = split_sentences(text)
    statements = [PointedStatement(sentences[1], "Dana Ortiz", "I like the levy.", "support"),
                  PointedStatement(sentences[2], "One MP", "I doubt it will pass.", "support"),
                  PointedStatement(sentences[3], "Harbour Board", "It would appeal.", "support")]
    assert [st.claim for st in share_claims(text, statements)] == [
        "Ortiz likes the levy.", "One MP doubts it will pass.", "Harbour Board would appeal."]


def test_a_name_that_opens_with_an_accented_capital_is_one_word() -> None:
    from stance.extraction.sharing import _proposition_words

    words = _proposition_words("Renault received a letter from Élysée Palace officials")
    assert "élysée palace" in words and "palace" not in words
    # ... from any Latin-script language, as the language files' capitals are
    assert "maroš šefčovič" in _proposition_words("Maroš Šefčovič met the envoy on Monday")
    assert "łukasz wróbel" in _proposition_words("Łukasz Wróbel signed the letter")


def test_a_speaker_who_echoes_what_was_just_said_shares_that_claim() -> None:
    text = ("Democrats block stimulus\n"
            "Schumer had said there were \"serious issues\" with the current proposal.\n"
            "Democratic Sen. Elizabeth Warren echoed that message, saying that there is \"great unhappiness\" in the "
            "Democratic caucus about the proposal.\n"
            "Senator Jo Smith echoed the song's refrain at a rally.\n"
            "Senator Ann Lee agreed with him and warned that the fund lacks oversight.\n")
    who = {2: "Chuck Schumer", 3: "Elizabeth Warren", 4: "Jo Smith", 5: "Ann Lee"}
    statements = share_claims(text, _statements(text, who))
    shared = {st.who: st for st in statements}
    schumer = shared["Chuck Schumer"].claim
    assert (shared["Elizabeth Warren"].claim, shared["Elizabeth Warren"].stance) == (schumer, "support")
    assert [st.who for st in statements].count("Elizabeth Warren") == 1  # ", saying …" is how she echoes it
    assert shared["Jo Smith"].claim != schumer  # a refrain is nothing anyone said
    # a statement of one's own after the agreement is a claim too, beside the one just made (Jo Smith's)
    lee = [st.claim for st in statements if st.who == "Ann Lee"]
    assert len(lee) == 2 and shared["Jo Smith"].claim in lee
