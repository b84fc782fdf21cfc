"""Keep each stance consistent with the claim text it is attached to.

A small model reads tone, not polarity: it copies a speaker's own words
("This raises serious concerns ...") as the claim and marks them "oppose"
because they sound negative, or "neutral" because they sound tentative. But
a claim phrased in the speaker's own words is, by definition, what the
speaker asserts: "support". The exceptions are read off the sentence: a
rejection (denied, rejected, disputed, ...) or a negation the claim drops or
adds keeps "oppose"; declining to comment makes it "neutral".
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from stance.text.sentences import Sentence, quoted_spans

OWN_WORDS_SIMILARITY = 80.0  # token-set similarity (0-100) of the claim to its sentence or quotation

_REJECTION = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|reject(?:s|ed|ing)?|disput(?:e|es|ed|ing)|dismiss(?:es|ed|ing)?|"
    r"refut(?:e|es|ed|ing)|disagree(?:s|d)?|contest(?:s|ed)?|rebut(?:s|ted)?|countered|"
    r"(?:not|isn[’']t|wasn[’']t) true|false(?:ly)?|baseless|wrong to (?:say|claim|suggest))\b",
    re.IGNORECASE,
)


_NEGATION = re.compile(r"\b(?:not|no|never|none|nothing|nobody|neither|nor|without)\b|n[’']t\b", re.IGNORECASE)


def negated(text: str) -> bool:
    return bool(_NEGATION.search(text))


def speaker_rejects(sentence: Sentence) -> bool:
    """True when the sentence reports a rejection, so an "oppose" there is plausible."""
    return bool(_REJECTION.search(sentence.text))


_NONCOMMITTAL = re.compile(
    r"\b(?:declin(?:e|es|ed|ing) to|refus(?:e|es|ed|ing) to (?:comment|say|discuss|confirm)|no comment|"
    r"(?:would|could|did|does|will) not (?:say|comment|confirm|discuss|elaborate|respond)|"
    r"(?:wouldn|couldn|didn|doesn|won)[’']t (?:say|comment|confirm|discuss|elaborate|respond)|"
    r"no (?:update|updates)|(?:still|yet) to be seen|remains to be seen|too early to)\b",
    re.IGNORECASE,
)


def noncommittal(sentence: Sentence) -> bool:
    """True when the sentence reports someone declining to take a side (no comment, no updates)."""
    return bool(_NONCOMMITTAL.search(sentence.text))


def own_words(claim: str, sentence: Sentence) -> bool:
    """The claim restates the sentence, or a quotation in it (the words actually spoken)."""
    passages = [sentence.text] + [sentence.text[a - sentence.start:b - sentence.start] for a, b in quoted_spans(sentence)]
    return max(fuzz.token_set_ratio(claim.lower(), p.lower()) for p in passages) >= OWN_WORDS_SIMILARITY


def settle_stance(claim: str, stance: str, sentence: Sentence) -> str:
    """The stance to record for a claim the model wrote in the words of its sentence.

    Such a claim is what the speaker says, so its stance is "support"; "neutral"
    when the sentence reports declining to comment; "oppose" only when the
    sentence reports a rejection or the claim drops or adds a negation of the
    sentence ("the lanes will cut commute times" opposed by "the lanes will
    not cut commute times"). A claim in other words keeps the model's stance.
    """
    if not own_words(claim, sentence):
        return stance
    if noncommittal(sentence):
        return "neutral"
    if stance == "oppose" and (speaker_rejects(sentence) or negated(claim) != negated(sentence.text)):
        return stance
    return "support"
