"""The model's answer rows validate like objects did, and the schema bounds them (stance.extraction.answers)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stance.extraction.answers import ModelAnswer, model_answer_for


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
