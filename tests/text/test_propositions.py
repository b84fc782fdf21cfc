"""What keeps two similar claims apart (numbers, subject, direction, roles), and reading a claim without its negation."""

from __future__ import annotations

import pytest

from stance.text.propositions import different_propositions, entities, numbers, proper_nouns, strip_negation


@pytest.mark.parametrize(
    ("claim", "core", "negated"),
    [
        ("There is no agreement in the offing.", "There is agreement in the offing.", True),
        ("No agreement with Iran is close.", "Agreement with Iran is close.", True),
        ("A deal with Tehran is not within reach.", "A deal with Tehran is within reach.", True),
        ("Iran won't enrich uranium to 90%.", "Iran will enrich uranium to 90%.", True),
        ("Russia cannot rejoin the treaty.", "Russia can rejoin the treaty.", True),
        ("The lanes aren't safe.", "The lanes are safe.", True),
        ("It is not true that nothing changed.", "It is true that changed.", False),  # two negations: positive
        ("A U.S.-Iran agreement is close.", "A U.S.-Iran agreement is close.", False),
    ],
)
def test_strip_negation(claim: str, core: str, negated: bool) -> None:
    assert strip_negation(claim) == (core, negated)


def test_numbers_are_normalised() -> None:
    assert numbers("WeWork is preparing to cut 4,000 jobs.") == {"4000"}
    assert numbers("McClatchy owes a $124 million pension contribution.") == {"124", "million"}
    assert numbers("Three lawmakers voted no.") == {"three"}


# Real-looking pairs from the dev stories: similar wording, different propositions.
APART = [
    ("GateHouse laid off 60 employees this year.", "GateHouse laid off 600 employees this year.", "numbers"),
    ("WeWork is preparing to cut 4,000 jobs.", "WeWork is preparing to cut 2,000 jobs.", "numbers"),
    ("Russia should ratify the nuclear test ban treaty.", "The United States should ratify the nuclear test ban treaty.", "subject"),
    ("Indiana should raise teacher pay.", "Indiana should lower teacher pay.", "direction"),
    ("Home prices in the Bronx will rise after the rezoning.", "Home prices in the Bronx will fall after the rezoning.", "direction"),
    ("The council should approve the rezoning.", "The council should reject the rezoning.", "direction"),
    ("Israel attacked Iran.", "Iran attacked Israel.", "roles"),
    ("Garrett instigated the fight with Rudolph.", "Rudolph instigated the fight with Garrett.", "roles"),
]
SAME = [
    ("The U.S. and Iran are close to a deal.", "Iran and the United States are close to a deal."),
    ("A deal with Iran is close.", "Iran and the U.S. are close to a deal."),
    ("No agreement with Iran is close.", "A deal with Tehran is not within reach."),
    ("There is no U.S.-Iran agreement in the offing.", "A U.S.-Iran agreement is in the offing."),  # negation: one claim
    ("Russia should ratify the treaty.", "The treaty should be ratified by Russia."),
    ("Prices will rise.", "Gas prices will rise."),  # a capitalised first word is not a name unless it is one
]


@pytest.mark.parametrize(("a", "b", "why"), APART)
def test_different_propositions_are_kept_apart(a: str, b: str, why: str) -> None:
    vocabulary = proper_nouns([a, b, "the deal with Russia and the United States", "talks with Iran and Israel",
                               "a fight between Garrett and Rudolph", "in Indiana"])  # fmt: skip
    assert different_propositions(a, b, vocabulary) == why
    assert different_propositions(b, a, vocabulary) == why


@pytest.mark.parametrize(("a", "b"), SAME)
def test_paraphrases_and_negations_pass(a: str, b: str) -> None:
    vocabulary = proper_nouns([a, b, "talks with Russia and Iran"])
    assert different_propositions(a, b, vocabulary) is None


def test_entities_join_names_linked_by_and() -> None:
    vocabulary = proper_nouns(["talks with Iran"])
    assert entities("Iran and the U.S. are close to a deal.", vocabulary) == [frozenset({"iran", "us"})]
    assert entities("Prices will rise in Iran.", vocabulary) == [frozenset({"iran"})]
    assert entities("It hurts us.", vocabulary) == []  # the pronoun is not the U.S.
