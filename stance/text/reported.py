"""What a sentence reports, without who reported it: the claim when the model only points at sentences.

A small model on two CPU cores spends most of its time writing output tokens,
and a claim is most of a statement's tokens. With a pointer answer
(``schema.PointerAnswer``) the model names the sentence, the speaker and the
stance; the claim is read off the sentence here: the words in its quotation
marks, or the sentence with its attribution frame ("X said that", "..., X
said.", "according to X,") cut off. The claim stays in the article's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance.text.sentences import Sentence, quoted_spans

# The frame around the content: speech verbs.
_FRAME_VERB = (
    r"(?:said|says|told|tells|added|adds|wrote|writes|argued|argues|noted|notes|explained|explains|warned|warns|"
    r"asserted|asserts|stated|states|insisted|insists|stressed|stresses|emphasi[sz]ed|believes|believed|thinks|"
    r"thought|claimed|claims|predicted|predicts|acknowledged|acknowledges|conceded|admitted|admits|suggested|"
    r"suggests|maintained|maintains|contended|contends|countered|replied|responded|announced|announces|"
    r"confirmed|confirms|indicated|indicates|signal(?:l)?ed|signals|reiterated|reiterates|declared|declares|"
    r"testified|alleged|alleges|recalled|continued|concluded|concludes|answered)"
)
# Verbs that take a clause without "that" ("Blinken said the U.S. ..."); the others
# also take objects ("declared victory", "maintains her lead"), so they need "that".
_BARE_CLAUSE_VERB = r"(?:said|says|added|adds|wrote|writes|argued|argues|warned|warns|insisted|insists|believes|believed|thinks|thought|stressed|stresses)"
# "denied that ...": the content is what is denied; the stance says so ("oppose").
_DENIAL_VERB = r"(?:denied|denies|deny|rejected|rejects|disputed|disputes|dismissed|dismisses)"
_WORD = r"[^\s“”\"]+"
_TAIL = (
    r"(?:on|in|at|to|during|after|before|while|when|last|this|earlier|later|today|yesterday|via|through|from|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b[^“”\"]{0,100}"
)
# "..., Blinken said." / "..., said Lopiano, 52." / "..., the official told reporters on Monday."
_TRAILING_FRAME = re.compile(
    rf"[,;:][”\"]?\s+(?:(?:{_WORD}\s+){{0,10}}?(?:{_FRAME_VERB}\b(?:\s+{_WORD}){{0,6}}|{_FRAME_VERB}\s+{_TAIL}|told\s+[^“”\"]{{1,100}}|"
    rf"{_FRAME_VERB}\s+[A-Z][^“”\"]{{0,120}})"
    rf"|according to [^,;“”\"]{{1,80}})\s*[.!?]?$"
)
# "Blinken said (on Monday) ..." / "Earlier, a senior official told reporters that ..."
_LEADING_FRAME = re.compile(
    rf"^(?:(?:{_WORD}\s+){{0,12}}?|[A-Z][^,“”\"]{{0,60}},[^“”\"]{{1,160}}?,\s+)"
    rf"(?:(?:{_FRAME_VERB}|{_DENIAL_VERB})(?:\s+{_WORD}){{0,4}}?\s+that|{_BARE_CLAUSE_VERB}(?:\s+(?:on|last|this)\s+\w+)?,?)\s+"
)
_SECOND_FRAME = re.compile(rf",?\s+(?:but|and|while)\s+(?:also\s+)?{_FRAME_VERB}\b")
# "According to X, ..." names a source; "X declined to comment on whether ..." leaves what follows open.
_LEADING_SOURCE = re.compile(r"^according to [^,;]{1,80},\s+", re.IGNORECASE)
_LEADING_NO_COMMENT = re.compile(
    r"^[^“”\"]{0,120}?\b(?:declin(?:ed|es)|refused|would not|wouldn[’']t) to (?:comment|say|confirm)(?: on)? "
    r"(?:whether|if)\s+",
    re.IGNORECASE,
)
_EDGE_PUNCTUATION = " ,;:.“”\"‘’'—–-"
MIN_CONTENT_CHARS = 20  # a frame is cut only if this much content is left
QUOTED_SHARE = 0.4  # quotations this share of a sentence are its content ...
ATTRIBUTION_WORDS = 12  # ... as are quotations with no more than this many words around them
MIN_QUOTED_WORDS = 5  # (but not a quoted phrase: "said he had received “hundreds of emails” from ...")


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    return text


def _sentence_case(text: str) -> str:
    text = text.strip(_EDGE_PUNCTUATION)
    if not text:
        return text
    end = "" if text[-1] in "?!…" else "."
    if text.count("“") > text.count("”"):
        end += "”"  # a quotation cut at the sentence's end stays closed
    elif text.count('"') % 2:
        end += '"'
    return text[0].upper() + text[1:] + end


def spoken_spans(sentence: Sentence) -> list[tuple[int, int]]:
    """The sentence's quotations, including the end of one opened in an earlier sentence (text before a lone ”)."""
    spans = quoted_spans(sentence)
    close, opening = sentence.text.find("”"), sentence.text.find("“")
    if close > 0 and (opening < 0 or close < opening):
        head = sentence.text[:close].rstrip(" ,.")
        if len(head) >= 12:
            spans.insert(0, (sentence.start, sentence.start + len(head)))
    return spans


@dataclass(frozen=True)
class Report:
    """What a sentence reports: the claim, and whether the speaker denied it."""

    content: str
    denied: bool


def reported_content(sentence: Sentence) -> str:
    """What the sentence says was said, as a claim: its quotations, or the sentence without its attribution.

    "“There is no agreement in the offing,” Blinken said." gives "There is no
    agreement in the offing."; "Blinken said the U.S. would keep exploring
    diplomatic paths." gives "The U.S. would keep exploring diplomatic paths."
    Quotation fragments of one sentence are joined. A sentence that makes its
    point outside a short quotation ("Ortiz called the plan “a mistake”")
    keeps its own words.
    """
    return report_of(sentence).content


def reports_denial(sentence: Sentence) -> bool:
    """True when ``reported_content`` is what the speaker denied ("She denied that the lanes would hurt shops.")."""
    return report_of(sentence).denied


def report_of(sentence: Sentence) -> Report:
    """The claim a sentence reports and whether it was denied, read once (see ``reported_content``)."""
    text = sentence.text
    spans = spoken_spans(sentence)
    outside_words = len(re.findall(r"[\w’'-]+", _without(text, [(a - sentence.start, b - sentence.start) for a, b in spans])))
    quoted_words = sum(len(text[a - sentence.start:b - sentence.start].split()) for a, b in spans)
    if spans and (
        sum(b - a for a, b in spans) >= QUOTED_SHARE * len(text)
        or (outside_words <= ATTRIBUTION_WORDS and quoted_words >= MIN_QUOTED_WORDS)
    ):
        quoted = " ".join(text[a - sentence.start:b - sentence.start].strip(_EDGE_PUNCTUATION) for a, b in spans)
        return Report(_sentence_case(quoted), denied=False)
    content = _LEADING_NO_COMMENT.sub("", _LEADING_SOURCE.sub("", text.strip()))
    frame = ""
    leading = _LEADING_FRAME.match(content)
    if leading and len(content) - leading.end() >= MIN_CONTENT_CHARS:
        frame, content = content[: leading.end()], content[leading.end():]
        second = _SECOND_FRAME.search(content)  # "... denied that X, but said Y": X only
        if second and second.start() >= MIN_CONTENT_CHARS:
            content = content[: second.start()]
    trailing = _TRAILING_FRAME.search(content)
    if trailing and trailing.start() >= MIN_CONTENT_CHARS:
        content = content[: trailing.start()]
    return Report(_sentence_case(content), denied=bool(re.search(rf"\b{_DENIAL_VERB}\b", frame)))
