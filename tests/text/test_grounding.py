"""Grounding: one slip in a quote stays one slip, even at a letter whose lower case is two characters."""

from stance.text.grounding import align, normalise


def test_dotted_capital_i_stays_one_character() -> None:
    assert normalise("İstanbul  pay") == "İstanbul pay"
    # Hypothesis found this: the quote lost its "İ", which lower-casing had made a two-character gap
    text = "İstanbul  pay”  İstanbul "
    evidence = align(text, "nbul  pay”  sta")
    assert evidence.alignment == "fuzzy"
    assert evidence.start is not None and evidence.end is not None
    assert "pay" in text[evidence.start:evidence.end]


def test_normalised_offsets_still_slice_the_original_text() -> None:
    text = "Mayor İlhan Öz said: “We won’t wait.”"
    evidence = align(text, 'we won\'t wait')
    assert evidence.alignment == "normalized"
    assert text[evidence.start:evidence.end] == "We won’t wait"
