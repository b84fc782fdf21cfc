"""Sentences that only take a side ("said he would vote for it") and claims that propose something
(stance.text.attribution.position_taken, proposes): codebook mode codes the first on the article's lede claim."""

from __future__ import annotations

import pytest

from stance.text.attribution import position_taken, proposed, proposes, side_of
from stance.text.sentences import Sentence, split_sentences


def _on_claim(sentence: Sentence, who: str, claim: str) -> tuple[str, str | None] | None:
    taken = side_of(sentence, who)
    return taken.on_claim(claim) if taken is not None else None


@pytest.mark.parametrize(("text", "who", "side"), [
    ("Mayor Tom Kessler, whose committee must still adopt it, said he would vote for it.", "Tom Kessler", "support"),
    ("After the meeting, Haddad said she was \"deeply disappointed.\"", "Samira Haddad", "oppose"),
    ("A spokeswoman for Calloway Logistics, Erin Bass, said the company was pleased with the decision.",
     "Erin Bass", "support"),
    ("Marta Kowal, director of the advocacy group Data Rights Now, welcomed the fine.", "Marta Kowal", "support"),
    ("Commissioners Teresa Munoz and James Holloway voted no.", "Teresa Munoz", "oppose"),
    ("I am alarmed by the questionnaire sent to the Department of Energy.", "I", "oppose"),  # a reaction
    ("TikTok has gone to court to challenge a ban imposed by US President Donald Trump.", "TikTok", "oppose"),
    ("HSBC and Standard Chartered banks gave their backing to the new law.", "HSBC", "support"),
    ("The company was pleased with the ruling.", "Calloway Logistics", "support"),  # a stand-in is the subject
    # someone else's verb
    ("Fortress will leave with a payout that investor Leon Cooperman blasted as \"morally wrong.\"", "Fortress", None),
    ("The chief executive, Martin Reyes-Hale, rejected that account.", "Denise Okafor", None),
    ("Not everyone in the room opposed the project.", "everyone in the room", None),  # negated
    ("Osei backed the plan but opposed the levy.", "Osei", None),  # both sides: which one is the article's?
    ("Zakharova said the claims were not backed up by evidence.", "Maria Zakharova", None),  # not a verb of sides
    ("The council meets every second Tuesday.", "council", None),
])
def test_a_sentence_that_only_takes_a_side(text: str, who: str, side: str | None) -> None:
    (sentence,) = split_sentences(text)
    assert position_taken(sentence, who) == side


@pytest.mark.parametrize(("text", "who", "taken"), [
    # not supporting a thing opposes it; not opposing it takes no side
    ("Pelosi said she may not support an emerging stimulus bill that had been on a fast track.", "Nancy Pelosi",
     ("oppose", "an emerging stimulus bill that had been on a fast track")),
    ("Lopiano was not in favor of the rezoning.", "Michael Lopiano", ("oppose", "the rezoning")),
    ("Lopiano did not oppose the rezoning.", "Michael Lopiano", None),
    # lobbying and campaigning take sides
    ("Tallis has lobbied against the bill.", "Tallis Health", ("oppose", "the bill")),
    ("The union campaigned for the measure.", "union", ("support", "the measure")),
    ("Stoltenberg also called for an inquiry.", "Jens Stoltenberg", ("support", "an inquiry")),
    # ... unless the thing comes with a condition, or with a view in the speaker's own words
    ("Tory MPs said they could not support the final bill unless it is amended.", "Tory MPs", None),
    ("Cox said he could not support a bill which risked undermining 'the standing of Britain'.", "Geoffrey Cox", None),
])
def test_a_negated_approval_opposes(text: str, who: str, taken: tuple[str, str | None] | None) -> None:
    (sentence,) = split_sentences(text)
    assert _on_claim(sentence, who, text) == taken


@pytest.mark.parametrize(("lang", "text", "who", "taken"), [
    ("de", "Scholz stimmte für den Plan.", "Olaf Scholz", ("support", "den Plan")),
    # the separable particle comes last: "sprach sich ... gegen ... aus"
    ("de", "Oskar Lafontaine, Fraktionschef der Linkspartei, sprach sich kategorisch gegen den Bundeswehreinsatz aus.",
     "Oskar Lafontaine", ("oppose", "den Bundeswehreinsatz aus")),
    ("fr", "Macron a voté pour le plan.", "Emmanuel Macron", ("support", "le plan")),
    ("fr", "Le Sénat s'est opposé à la réforme.", "Sénat", ("oppose", "la réforme")),
    ("es", "Sánchez votó a favor de la ley.", "Pedro Sánchez", ("support", "la ley")),
    ("es", "El Gobierno rechazó la propuesta.", "Gobierno", ("oppose", "la propuesta")),
])
def test_side_verbs_in_other_languages(lang: str, text: str, who: str, taken: tuple[str, str | None] | None) -> None:
    (sentence,) = split_sentences(text, lang=lang)
    assert _on_claim(sentence, who, text) == taken


@pytest.mark.parametrize(("claim", "proposal"), [
    ("The Route 31 farmland should be rezoned for a warehouse.", True),
    ("Ashford County should stop adding fluoride to its water.", True),
    ("It would be unconscionable for the government to override the Brexit deal.", False),  # a verdict
    ("Parliament should not pass the bill.", False),  # a vote for "it" would be against the claim
])
def test_which_claims_propose_something(claim: str, proposal: bool) -> None:
    assert proposes(claim) is proposal


@pytest.mark.parametrize(("text", "what"), [
    ("The Planning Board voted 5-2 on Tuesday night to rezone 48 acres of farmland.", "rezone"),  # a decision
    ("The company also asked the court to suspend the order while the case is heard.", "suspend"),  # a request
    ("The request by the transition team for the names of employees was unusual.", "request"),
    ("Ashford County should stop adding fluoride to its water.", "fluoride"),  # a proposal
    ("A new bill to amend the deal will break international law.", None),  # an assertion about the bill
    ("MPs are preparing for tonight's vote on the bill.", None),
])
def test_what_a_sentence_proposes_requests_or_decides(text: str, what: str | None) -> None:
    words = proposed(text)
    assert (what in words) if what else words == []


@pytest.mark.parametrize(("text", "who", "taken"), [
    ("Mayor Tom Kessler said he would vote for it.", "Tom Kessler", ("support", "it")),
    ("Erin Bass said the company was pleased with the decision.", "Erin Bass", ("support", "the decision")),
    ("Commissioners Teresa Munoz and James Holloway voted no.", "Teresa Munoz", ("oppose", None)),
    ("Osei backed Smith for mayor.", "Osei", None),  # some other object: not a side on a proposal
    # going to court or blocking is a side too
    ("A group of residents filed a separate lawsuit against the ban on Friday.", "group of residents",
     ("oppose", "the ban on Friday")),
    ("Senate Democrats blocked the stimulus package.", "Senate Democrats", ("oppose", "the stimulus package")),
    # the side is in the frame, not in what the sentence reports
    ("\"This is the right use for this land,\" said Helen Marchetti, who voted in favor.", "Helen Marchetti", None),
])
def test_the_side_a_sentence_takes_and_on_what(text: str, who: str, taken: tuple[str, str | None] | None) -> None:
    (sentence,) = split_sentences(text)
    reported = "This is the right use for this land." if "right use" in text else text
    assert _on_claim(sentence, who, reported) == taken


def test_the_words_a_side_verb_governs() -> None:
    (sentence,) = split_sentences("Glenn Sauer, who has campaigned against fluoridation for a decade, thanked them.")
    assert _on_claim(sentence, "Glenn Sauer", sentence.text) is None  # no article: not a thing to name a claim by
    taken = side_of(sentence, "Glenn Sauer")
    assert taken is not None and (taken.side, taken.governed) == ("oppose", "fluoridation for a decade")
