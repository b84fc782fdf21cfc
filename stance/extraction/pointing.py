"""From a sentence number a model gave to the sentence a statement belongs to.

Small models miscount sentences, so a number is a hint: the sentence near it
that best carries the statement's words and names its speaker wins. Both
modes point this way; each says how far words may pull a number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from stance.text.sentences import Sentence

POINTER_WINDOW = 6
POINTER_TRUST = 30.0  # distance penalty for pointer answers: the speaker's name (+25) never outweighs a step


def _surname(name: str) -> str:
    words = re.findall(r"[\w’'-]+", name)
    return words[-1].lower() if words else ""


def _pointer_score(sentence: Sentence, previous: Sentence | None, who: str, claim: str) -> float:
    """How well a sentence carries (who, claim): word overlap with the claim, plus the speaker named nearby."""
    score = fuzz.token_set_ratio(claim.lower(), sentence.text.lower())
    surname = _surname(who)
    if surname and len(surname) > 2:
        if surname in sentence.text.lower():
            score += 25
        elif previous is not None and surname in previous.text.lower():
            score += 5
    return score


def repoint(
    sentences: Sequence[Sentence], number: int, who: str, claim: str, *, headline: bool, distance_penalty: float = 2.0
) -> Sentence | None:
    """The sentence a statement belongs to: small models miscount, so check the neighbours of the number given.

    ``distance_penalty`` per sentence away from the given number decides how far claim words and the
    speaker's name may pull a pointer (codebook claims share fewer words with their sentence, so it trusts
    the number more).
    """
    by_number = {s.n: s for s in sentences}
    candidates = [
        by_number[n]
        for n in range(number - POINTER_WINDOW, number + POINTER_WINDOW + 1)
        if n in by_number and not (headline and n == 1)
    ]
    if not candidates:
        return None

    def score(sentence: Sentence) -> float:
        distance = abs(sentence.n - number) * distance_penalty  # near the number the model gave wins ties
        return _pointer_score(sentence, by_number.get(sentence.n - 1), who, claim) - distance

    return max(candidates, key=score)
