"""The outlet of a dateline narrates the story (stance.text.narrator)."""

from __future__ import annotations

import pytest

from stance.text.narrator import dateline, is_narrator, strip_dateline


@pytest.mark.parametrize(("text", "outlet"), [
    ("Tourists sue\n\nBerlin (CNN) — Austrian authorities are facing a lawsuit.", "CNN"),
    ("(Reuters) — WeWork is under investigation.", "Reuters"),
    ("PARIS (Reuters) - Le ministre des Finances a accusé la CGT.", "Reuters"),
    ("Bill passes\nHONG KONG (REUTERS) - Lawmakers passed the bill.", "REUTERS"),
    ("WASHINGTON, D.C. (AP) -- The Senate voted.", "AP"),
    ("Streik\nBERLIN (dpa) - Die Gewerkschaft ruft zum Streik auf.", "dpa"),
    # CNN's house style: no dash after the outlet in capitals
    ("Bill published\n\nLondon (CNN) The UK is preparing legislation.", "CNN"),
    # not datelines: a party after a name, a lower-case aside, a bracket further down the article
    ("Vote\n\nSmith (R) - said he would vote no.", None),
    ("The mayor (D) - said so.", None),
    ("Vote\n\nKeir Starmer (Labour) Said he would vote no.", None),
    ("No dateline here (really) - yes.", None),
    ("(really) - no place, no capital.", None),
    ("Headline\n\n" + "The council met. " * 50 + "\nPARIS (AFP) - Later news.", None),
])
def test_a_dateline_names_the_outlet_that_tells_the_story(text: str, outlet: str | None) -> None:
    assert dateline(text).outlet == outlet


def test_the_narrator_is_the_outlet_in_any_case() -> None:
    assert is_narrator("Reuters", "REUTERS") and is_narrator("CNN.", "CNN")
    assert not is_narrator("The New York Times", "Reuters") and not is_narrator("Reuters", None)


def test_a_claim_does_not_open_with_its_dateline() -> None:
    assert strip_dateline("PARIS (Reuters) - Le ministre a accusé la CGT.") == "Le ministre a accusé la CGT."
    assert strip_dateline("(CNN) — senators blocked the bill.") == "Senators blocked the bill."
    assert strip_dateline("The mayor (D) - said so.") == "The mayor (D) - said so."
    assert strip_dateline("London (CNN) The UK is preparing legislation.") == "The UK is preparing legislation."


def test_a_dateline_names_the_place_the_story_was_filed_from() -> None:
    assert dateline("Headline\nLONDON (REUTERS) – Britain plunged talks.") == ("REUTERS", "LONDON")  # one scan, both
    assert dateline("Headline\nLONDON (REUTERS) – Britain plunged Brexit trade talks into crisis.").place == "LONDON"
    assert dateline("Headline\nHONG KONG (Reuters) - Police entered the legislature.").place == "HONG KONG"
    assert dateline("Headline\nLondon (CNN) The UK is preparing legislation.").place == "London"
    assert dateline("Headline\n(AP) — Teachers rallied.").place is None  # an outlet with no place
    assert dateline("Headline\nTeachers rallied in London on Monday.").place is None
    assert is_narrator("London", dateline("Headline\nLONDON (REUTERS) – Britain plunged talks into crisis.").place)
