"""The stance is kept consistent with the claim text, and the model's answer rows validate like objects did."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stance.extraction.answers import ModelAnswer, model_answer_for
from stance.extraction.merging import evidence_for
from stance.text.polarity import settle_stance
from stance.text.sentences import split_sentences


def sentence(text: str):
    return split_sentences(text)[0]


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


def test_answer_rows_and_objects_validate_to_the_same_statements() -> None:
    rows = ModelAnswer.model_validate({"statements": [[2, "Dana Ortiz", "Lanes cut commutes.", "support"]]})
    objects = ModelAnswer.model_validate(
        {"statements": [{"s": 2, "who": "Dana Ortiz", "claim": "Lanes cut commutes.", "stance": "support"}]}
    )
    assert rows.items() == objects.items()
    assert rows.items()[0].who == "Dana Ortiz" and rows.items()[0].s == 2


def test_answer_schema_is_bounded_rows() -> None:
    schema = model_answer_for(3).model_json_schema()["properties"]["statements"]
    assert schema["maxItems"] == 3
    row = schema["items"]
    assert row["minItems"] == row["maxItems"] == 4
    assert [item.get("maxLength") for item in row["prefixItems"]][1:3] == [60, 160]
    assert row["prefixItems"][3]["enum"] == ["support", "oppose", "neutral"]


def test_row_errors_name_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        ModelAnswer.model_validate({"statements": [[2, "Dana Ortiz", "Lanes cut commutes.", "maybe"]]})
    assert ModelAnswer.error_location(info.value.errors()[0]["loc"]) == "statements.0.stance"
    with pytest.raises(ValidationError):
        ModelAnswer.model_validate({"statements": [[2, "Dana Ortiz", "Lanes cut commutes."]]})  # a short row


def test_evidence_is_the_sentence_when_its_quotation_is_about_something_else() -> None:
    text = ("The Kremlin noted U.S. nuclear tests at the end of October that used chemicals to "
            "\"validate new predictive explosion models\" for detecting blasts elsewhere.")
    s = sentence(text)
    assert evidence_for(text, s, "The United States carried out nuclear tests in October.").quote == text
    assert evidence_for(text, s, "The tests validate new predictive explosion models.").quote == (
        "validate new predictive explosion models"
    )
    attributed = "“It will push traffic onto side streets,” he said."
    assert evidence_for(attributed, sentence(attributed), "The lanes will cut commutes.").quote == (
        "It will push traffic onto side streets"
    )
