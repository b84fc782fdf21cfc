"""The stance is kept consistent with the claim text (stance.text.polarity)."""

from __future__ import annotations

import pytest
from support.texts import sentence

from stance.text.polarity import (
    clauses,
    negation_scopes,
    noncommittal,
    refers_to_what_was_said,
    rejection,
    reversals,
    settle_stance,
)


@pytest.mark.parametrize(
    ("claim", "text", "expected"),
    [
        # the speaker's own words marked "oppose" because they sound negative: that is what they assert
        ("This raises serious concerns about the request.", "“This raises serious concerns about the request,” Hoyer said.", "support"),
        ("Fortress should not even take the money, given what they’ve done.",
         "“They shouldn’t even take the money, given what they’ve done here,” Cooperman said.", "support"),
        # the claim drops the speaker's negation: the speaker really opposes it
        ("The new bus lanes will cut commute times.", "“The bus lanes will not cut commute times,” Patel said.", "oppose"),
        # the sentence reports a rejection
        ("Rudolph instigated the fight.", "His supporters denied that Rudolph instigated the fight.", "oppose"),
        # a negation in another clause of the sentence is not the claim's ...
        ("He expects to wring as much as $300 million in synergies from the combination.",
         "The merged company may not diverge from the trend; Reed has said that he expects to wring as much as "
         "$300 million in synergies from the combination.", "support"),
        # ... unless that clause concedes a view the claim's clause argues against
        ("The timetable is simply too short for full safety analysis of any vaccine.",
         "Though officials insist no corners are being cut, the timetable is simply too short for full safety "
         "analysis of any vaccine.", "oppose"),
        # own words whatever punctuation clings to them: the quotation mark, the comma the claim ends with a period
        ("The pace required here is astounding.",
         "\"The pace required here is astounding, dramatically more rapid than any prior drug or vaccine rollout.",
         "support"),
        # a rejection in the narration is not the speaker's of their own quoted words (the quotation goes on)
        ("It'll start getting cooler, you just watch.",
         "Dismissing one official's plea to not \"ignore the science\" on climate change, Mr Trump said: \"It'll start "
         "getting cooler, you just watch...", "support"),
        ("The plan is a fraud.", "Rejecting the deal, Ms Ortiz said: “The plan is a fraud.”", "support"),
        # ... but the narration's rejection of what the claim restates stands
        ("The plan is a fraud.", "Ms Ortiz rejected claims that the plan is a fraud.", "oppose"),
        # someone else's claim in other words: nothing to settle
        ("The city can afford the stadium.", "“We are broke,” the treasurer said.", "oppose"),
    ],
)
def test_oppose_on_own_words_becomes_support_unless_rejected(claim: str, text: str, expected: str) -> None:
    assert settle_stance(claim, "oppose", sentence(text)) == expected


def test_own_words_marked_neutral_are_supported_unless_the_speaker_declines() -> None:
    s = sentence("“I consider it a useful dialogue,” the European official said.")
    assert settle_stance("I consider the channel a useful dialogue.", "neutral", s) == "support"
    declined = sentence("Both companies declined to comment on the merger talks.")
    assert settle_stance("Both companies declined to comment on the merger talks.", "support", declined) == "neutral"


def test_claims_in_other_words_keep_the_models_stance() -> None:
    s = sentence("“We are broke,” the treasurer said.")
    for stance in ("support", "oppose", "neutral"):
        assert settle_stance("The city can afford a new stadium next year.", stance, s) == stance


def test_a_negation_governs_the_words_after_it_in_its_clause() -> None:
    assert negation_scopes("The master plan is not a suggestion.") == ["a suggestion"]
    # quotation marks do not end it; a comma does; at most NEGATION_SCOPE_WORDS words
    assert negation_scopes("They weren’t “asking for the moon,” she said.") == ["“asking for the moon"]
    assert negation_scopes("No replacement drivers had been hired by the authority last week") == [
        "replacement drivers had been hired by"]
    assert negation_scopes("Riders cannot keep paying for this.") == ["keep paying for this"]
    assert negation_scopes("Nothing here is denied outright", "en") == ["here is denied outright"]
    assert negation_scopes("It is close.") == []
    # a bound on a number is no negation
    assert negation_scopes("We will propose a top rate of no more than 35 percent.") == []
    assert negation_scopes("There were no fewer than nine.") == [] and negation_scopes("No more talks.") == ["more talks"]
    # a conjunction opens what the negation does not govern; "but" does not ("no choice but to act")
    assert negation_scopes("We will end programs that don't work and end direct payments.") == ["work"]
    assert negation_scopes("Rudolph had no choice but to act.") == ["choice but to act"]
    # a period or a comma inside a word or a number ends nothing
    assert negation_scopes("There is no U.S.-Iran agreement in the offing.") == ["U.S.-Iran agreement in the offing"]
    assert negation_scopes("Not 3,000 jobs: 300.") == ["3,000 jobs"]


def test_a_reversing_verb_governs_the_words_after_it() -> None:
    assert reversals("We will not jeopardize the mortgage interest deduction.") == [
        ("jeopardize", "the mortgage interest")]
    assert reversals("The defense budget should stop paying for unused weapons.") == [("stop", "paying for unused")]
    # a gerund subject takes away its object, not the predicate after its verb
    assert reversals("Ending fluoridation is a step backward.") == [("Ending", "fluoridation is a")]
    # an adjective or a passive takes away nothing named after it
    assert reversals("in the abandoned corners of our land") == []
    assert reversals("Production could be halted at an Edinburgh factory.") == []
    assert reversals("It is close.") == []
    # German: the verb ends its clause, so it governs the whole clause
    assert reversals("Wir werden die Subventionen nicht streichen.", "de") == [
        ("streichen", "Wir werden die Subventionen nicht")]
    assert reversals("Le fardeau de la dette ne cesse de croître.", "fr") == [("cesse", "de croître")]


def test_german_negates_the_whole_clause() -> None:
    assert negation_scopes("Die Regierung sagte, wir stimmen dem Plan nicht zu.", "de") == [
        "wir stimmen dem Plan zu"]  # without the cue itself


def test_a_spaced_hyphen_is_a_dash_between_clauses() -> None:
    text = "Russian doctors administered atropine - which can treat nerve agents - but found no evidence of poisoning."
    assert clauses(text) == ["Russian doctors administered atropine", "which can treat nerve agents",
                             "but found no evidence of poisoning"]
    assert clauses("A U.S.-Iran deal is close-ish") == ["A U.S.-Iran deal is close-ish"]  # hyphens inside words


@pytest.mark.parametrize(("text", "neutral"), [
    ("“I don’t have any updates to share on this matter,” the spokesman said.", True),
    ("Heyward did not offer a response when asked about the league's decision.", True),
    ("The company would not disclose the actual number.", True),
    ("We will share any updates as soon as we have them.", False),  # "any updates", not declining to give them
    ("The union offered a response within the hour.", False),
    # a decision not yet taken is no side either
    ("The council has yet to decide whether to approve the lanes.", True),
    ("The judge reserved judgment on the request.", True),
    ("The council decided to approve the lanes.", False),
    ("The senator dodged the question about the bill.", True),
    # wire copy's no-comment
    ("WeWork did not immediately respond to a request for comment.", True),
    ("The transition team ignored a request for comment.", True),
    ("The company did not return calls seeking comment.", True),
    ("The union did not return to the table.", False),
    # sending the reporter elsewhere
    ("When approached for comment, the medical authority referred CNN to the statement from the governor's office.", True),
    ("A spokesman referred questions to the Justice Department.", True),
    ("He referred to the plan as a disaster.", False),
    ("The senator evaded taxes for years.", False),
])
def test_ways_of_declining_to_take_a_side(text: str, neutral: bool) -> None:
    assert noncommittal(sentence(text)) is neutral


def rejected_object(sentence: str, lang: str = "en") -> str | None:
    found = rejection(sentence, lang)
    return found.thing if found is not None else None


def test_rejected_object() -> None:
    assert rejected_object("Port officials flatly rejected the request, citing safety.") == "the request"
    assert rejected_object("Ortiz denied that the lanes would hurt shops.") is None  # a denied clause is report_of's
    assert rejected_object("Reyes-Hale rejected that account.") == "that account"  # "that" before a word for what was said
    assert rejected_object("Ortiz disputed that the account was closed.") is None
    # a thing rejected by the label it is given
    assert rejected_object("Reyes-Hale called the charge “baseless” and said no drivers had been hired.") == "the charge"
    assert rejected_object("The ministry called Ostrovia’s allegations “a fabrication.”") == "Ostrovia’s allegations"
    assert rejected_object("She called the plan a good idea.") is None
    assert rejection("Reyes-Hale called the charge “baseless.”").besides
    assert not rejection("Port officials flatly rejected the request, calling it baseless.").besides
    assert rejection("“We take privacy seriously, and we disagree strongly with the authority’s conclusions.”").besides
    assert rejected_object("We disagree strongly with the authority’s conclusions.") == "the authority’s conclusions"
    assert rejected_object("Tallis has lobbied against the bill, and the group agreed.") == "the bill"
    assert rejected_object("He said they would oppose any suspension of its order.") == "any suspension of its order"
    assert rejected_object("The public remains deeply sceptical of the claim.") == "the claim"
    assert rejected_object("Analysts cast doubt on the forecast and the timing.") == "the forecast"
    # a finding that what someone put forward was never shown rejects it
    assert rejected_object("The trial judge found that the defence failed to substantiate this theory.") == "this theory"
    # a coordinated second object is cut off: "the Tyrolean authorities and also against the Republic"
    assert rejected_object("damages against the Tyrolean authorities and also against the Republic") == (
        "the Tyrolean authorities")
    # German puts a separable particle after the object; French elides the article
    assert rejected_object("Die Firma wies die Vorwürfe der Gewerkschaft als haltlos zurück.", "de") == (
        "die Vorwürfe der Gewerkschaft")
    assert rejected_object("Le ministre a rejeté l'accusation d'ingérence.", "fr") == "l'accusation d'ingérence"
    assert rejected_object("El gobierno rechazó las acusaciones y pidió calma.", "es") == "las acusaciones"
    # refusing to consider a thing rejects it
    assert rejected_object("The White House refused to consider any pardon for Snowden.") == "any pardon for Snowden"
    assert rejected_object("Obama y funcionarios del gobierno se negaron a considerar cualquier forma de indulto para "
                           "Snowden.", "es") == "cualquier forma de indulto para Snowden"
    assert rejected_object("Le gouvernement a refusé d’envisager toute forme de grâce.", "fr") == "toute forme de grâce"


def test_what_was_said_is_referred_back_to() -> None:
    assert refers_to_what_was_said("the allegation")
    assert refers_to_what_was_said("these claims")
    assert refers_to_what_was_said("Ostrovia’s allegations")  # whose: still what was said
    assert refers_to_what_was_said("this theory")
    assert not refers_to_what_was_said("the crime")
    assert not refers_to_what_was_said("the request")  # a proposal, not something said: sharing names its claim
    assert not refers_to_what_was_said("the long and detailed claims")  # too long to refer back
    assert refers_to_what_was_said("diese Darstellung", "de")
    assert refers_to_what_was_said("die Vorwürfe von Otto", "de")  # up to its first preposition
    assert refers_to_what_was_said("les accusations de fraude", "fr")
    assert refers_to_what_was_said("las acusaciones de la oposición", "es")
