"""The rule pass for documents with an author (stance.text.attribution): which sentences are in the first person,
which are the author's own statements, which model speakers stand for the author."""

from __future__ import annotations

import pytest

from stance.text.attribution import (
    authors_own,
    cites_a_group,
    find_candidates,
    is_author,
    may_voice,
    quotation_continuations,
    speaks_in_first_person,
    states_a_norm,
)
from stance.text.sentences import Sentence, split_sentences


def sentence(text: str) -> Sentence:
    (only,) = split_sentences(text)
    return only


@pytest.mark.parametrize(("text", "first_person", "own"), [
    ("We urge Congress to pass the bill this year.", True, True),
    ("I believe the rule will hurt small farms.", True, True),
    ("My organisation opposes the merger.", True, True),
    ("Our members cannot afford another fee increase.", True, True),
    ("Let’s be clear: the program works.", True, True),
    ("I’m convinced the plan is sound.", True, True),
    ("The program has failed taxpayers.", False, False),  # no first person: not decided by rule
    ("The US will not sign the treaty.", False, False),  # "US" is the country
    ("Title I funding reaches 90 percent of districts.", False, False),  # a numeral, not "I"
    ("Funding fell after World War I ended.", False, False),
    ("“We will fight this rule,” the mayor said.", False, False),  # the "we" is quoted
    ("“We will fight this rule,” he said.", False, False),
    ("Senator Ann Reed told us the bill is dead.", True, False),  # someone else is credited with speech
    ("They told us the bill is dead, but we disagree.", True, False),
    ("We agree with Mayor Ortiz, who called the plan “a disaster for the city.”", True, True),
])
def test_first_person_and_the_authors_own_statements(text: str, first_person: bool, own: bool) -> None:
    s = sentence(text)
    assert speaks_in_first_person(s) is first_person
    assert authors_own(s, continued=False) is own


def test_a_quotation_that_runs_on_is_not_the_authors() -> None:
    sentences = split_sentences("Statement\nThe mayor wrote to us: “The lanes stay. We will not back down.”\n")
    continued = quotation_continuations(sentences, headline=True)
    assert continued == {3}
    assert not authors_own(sentences[2], continued=True)


@pytest.mark.parametrize(("who", "expected"), [
    ("I", True), ("we", True), ("We", True), ("the author", True), ("The witness", True), ("my organisation", True),
    ("our company", True), ("Okafor", True), ("Ruth Okafor", True), ("Dr. Ruth Okafor", True), ("Dr. Okafor", True),
    ("Congress", False), ("Sam Lee", False), ("the committee", False), ("Ruth Okafor and Sam Lee", False),
])
def test_which_model_speakers_are_the_author(who: str, expected: bool) -> None:
    assert is_author(who, "Ruth Okafor") is expected


def test_first_person_sentences_are_candidates_only_in_documents_with_an_author() -> None:
    text = ("Testimony on the Rural Broadband Act\n"
            "Thank you for the chance to testify. Our libraries lend hotspots to 4,000 families. "
            "The program has failed rural towns.\n")
    sentences = split_sentences(text)
    assert find_candidates(sentences, headline=True) == set()  # a news article: no cue word, no quotation
    assert find_candidates(sentences, headline=True, first_person=True) == {3}


def test_the_author_may_voice_what_no_one_else_is_credited_with() -> None:
    plain = sentence("The program has failed rural towns.")
    assert not may_voice("Ruth Okafor", plain, continued=False)  # a news article: narration
    assert may_voice("Ruth Okafor", plain, continued=False, author="Ruth Okafor")
    reed = sentence("Senator Ann Reed said the program has failed rural towns.")
    assert not may_voice("Ruth Okafor", reed, continued=False, author="Ruth Okafor")
    assert may_voice("Ann Reed", reed, continued=False, author="Ruth Okafor")
    # a two-letter acronym is a name the sentence gives
    uk = sentence("The UK accused Russia's military intelligence of carrying out the attack.")
    assert may_voice("UK", uk, continued=False) and not may_voice("EU", uk, continued=False)


@pytest.mark.parametrize(("text", "cites"), [
    ("Some say my tax plan is too big.", True),
    ("Others say it's too small.", True),
    ("Critics of testing contend it distracts from learning.", True),
    ("Some in Congress have argued that we should wait.", True),
    ("Now, some say the research would be expensive.", True),
    ("And some say the program will take too long.", True),
    ("And finally some say the research will take a long time.", True),
    ("There are some who say that growth must await deficit cuts.", True),
    # two sides set out to argue past both; "who" before the verb
    ("Budget debates come down to an old argument: on one side, those who want more Government, regardless of the "
     "cost; on the other, those who want less Government.", True),
    ("Some who want a smaller government argue for the cuts.", True),
    ("The people who want change voted.", False),
    ("I know some say this is hard, but we will do it.", False),  # the author's own sentence around it
    ("Some of the money goes to schools.", False),
    ("Senator Reed says the plan is too big.", False),  # a named speaker: theirs
])
def test_a_sentence_citing_an_unnamed_group(text: str, cites: bool) -> None:
    assert cites_a_group(sentence(text)) is cites


@pytest.mark.parametrize(("text", "norm"), [
    ("Congress should pass the bill this year.", True),
    ("There is redtape that needs to be cut.", True),
    ("It's time to end social promotion.", True),
    ("The program began in 2019.", False),
    ("“We should wait,” the senator said.", False),  # inside a quotation: someone else's words
])
def test_a_sentence_that_says_what_should_be(text: str, norm: bool) -> None:
    assert states_a_norm(sentence(text)) is norm
