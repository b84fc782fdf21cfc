"""Split an article into numbered sentences with character offsets.

The model points at sentence numbers instead of retyping evidence: it is the
cheapest answer to generate on a small model and it makes grounding exact.
A sentence never crosses a line break (paragraph), and quotations that span
several sentences stay split — the model may point at any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from stance.text.languages import DEFAULT, char_class, rules


@dataclass(frozen=True)
class Sentence:
    n: int  # 1-based number shown to the model
    start: int
    end: int
    text: str
    lang: str = DEFAULT  # the article's language: whose word lists the rule pass reads for this sentence


@dataclass(frozen=True)
class _Splitter:
    """One language's sentence ends (``languages/xx.toml`` [sentences]), compiled once."""

    abbreviations: frozenset[str]  # words after which a period does not end a sentence
    number_abbreviations: frozenset[str]  # ... when a number follows ("No. 10")
    number_period_words: frozenset[str]  # "3. Oktober": words after an ordinal's period
    boundary: re.Pattern[str]  # terminal punctuation, optional closing quotes/brackets, whitespace
    word_before: re.Pattern[str]
    opening_marks: str


@cache
def _splitter(lang: str) -> _Splitter:
    sentences, quotes = rules(lang).sentences, rules(lang).quotes
    letters = sentences.capitals + sentences.lowercase
    closing = f"[{char_class(sentences.closing_marks)}]"
    # French sets a space inside the marks ("nécessaire. »"): the closing mark still belongs to the sentence
    closers = rf"(?:[{char_class(quotes.padding)}]?{closing})*" if quotes.padding else f"{closing}*"
    return _Splitter(
        abbreviations=sentences.abbreviations,
        number_abbreviations=sentences.number_abbreviations,
        number_period_words=sentences.number_period_words,
        boundary=re.compile(rf"[.!?…]+{closers}(?=\s+)"),
        word_before=re.compile(rf"([{letters}][{letters}.]*)$"),
        opening_marks=sentences.opening_marks,
    )


def _is_abbreviation(line: str, dot_at: int, splitter: _Splitter) -> bool:
    match = splitter.word_before.search(line[: dot_at + 1].rstrip(".") if line[dot_at] == "." else "")
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    if word in splitter.abbreviations:
        return True
    if word in splitter.number_abbreviations:
        return line[dot_at + 1:].lstrip()[:1].isdigit()  # "No. 10", not "voted no. Munoz called"
    # single capital initial ("John F. Kennedy", "U. S.")
    return len(word) == 1 and word.isalpha()


def _is_ordinal(line: str, dot_at: int, end: int, splitter: _Splitter) -> bool:
    """A period after a number before a word such as a month ("am 3. Oktober") is an ordinal's, not an end."""
    following = line[end:].split(maxsplit=1)
    return (line[dot_at] == "." and dot_at > 0 and line[dot_at - 1].isdigit() and bool(following)
            and following[0].strip(",.;:").lower() in splitter.number_period_words)


def _next_starts_sentence(line: str, pos: int, splitter: _Splitter) -> bool:
    rest = line[pos:].lstrip()
    if not rest:
        return True
    first = rest[0]
    return first.isupper() or first.isdigit() or first in splitter.opening_marks


def split_sentences(text: str, lang: str = DEFAULT) -> list[Sentence]:
    """The sentences of ``text`` with their offsets, split by ``lang``'s rules (``languages/xx.toml``)."""
    splitter = _splitter(lang)
    sentences: list[Sentence] = []
    line_start = 0
    for line in text.split("\n"):
        cursor = 0
        for match in splitter.boundary.finditer(line):
            end = match.end()
            if line[match.start()] == "." and _is_abbreviation(line, match.start(), splitter):
                continue
            if splitter.number_period_words and _is_ordinal(line, match.start(), end, splitter):
                continue
            if not _next_starts_sentence(line, end, splitter):
                continue
            _append(sentences, line, line_start, cursor, end, lang)
            cursor = end
        _append(sentences, line, line_start, cursor, len(line), lang)
        line_start += len(line) + 1
    return sentences


def _append(sentences: list[Sentence], line: str, line_start: int, a: int, b: int, lang: str) -> None:
    segment = line[a:b]
    stripped = segment.strip()
    if not stripped:
        return
    lead = len(segment) - len(segment.lstrip())
    start = line_start + a + lead
    sentences.append(Sentence(n=len(sentences) + 1, start=start, end=start + len(stripped), text=stripped, lang=lang))


def number_sentences(sentences: list[Sentence]) -> str:
    """The article as the model sees it: one ``[n] sentence`` per line."""
    return "\n".join(f"[{s.n}] {s.text}" for s in sentences)


@dataclass(frozen=True)
class Quotes:
    """One language's quotation marks (``languages/xx.toml`` [quotes]) as the patterns the rule pass uses."""

    pairs: tuple[tuple[str, str], ...]
    marks: str  # every quotation mark, for character classes ("[^“”\"]")
    padding: str  # spaces inside the marks that are not part of the quotation
    quoted: re.Pattern[str]  # a quotation of 12 characters or more; group i+1 is the i-th pair's inside
    blank: re.Pattern[str]  # any quotation, however short, to blank out what was said
    opening: re.Pattern[str]  # an opening mark (a mark that also closes opens only after a space)
    closing: re.Pattern[str]  # a closing mark of a typographic pair
    pair_openers: tuple[re.Pattern[str], ...]  # each pair's opening mark, guarded as in ``opening``
    pair_closers: tuple[re.Pattern[str], ...]  # each pair's closing mark, guarded as in ``closing``


# What a quotation mark that may also close opens after (besides a space and the text's start): a bracket or a dash.
OPENS_AFTER = "([—–-"


def at_word_start(text: str, at: int) -> bool:
    """Whether the mark at ``at`` stands where a quotation opens: at the start, after a space, a bracket or a dash."""
    return at == 0 or text[at - 1].isspace() or text[at - 1] in OPENS_AFTER


@cache
def quotes(lang: str) -> Quotes:
    """The quotation patterns for ``lang``."""
    spec = rules(lang).quotes
    pairs = tuple((o, c) for o, c in spec.pairs)
    closers = {c for _, c in pairs}
    # a mark that closes one pair and opens another (German “ and », Swiss «) opens only at a word's start
    after = char_class(OPENS_AFTER)
    guard = {o: rf"(?<![^\s{after}])" if o in closers and (o, o) not in pairs else "" for o, _ in pairs}
    # ... and such a mark closes only after a word or punctuation
    unguard = {c: rf"(?<=[^\s{after}])" if guard.get(c) else "" for _, c in pairs}
    quoted, blank = [], []
    for o, c in pairs:
        oo, cc, not_c = guard[o] + re.escape(o), re.escape(c), char_class(c)
        if o == c:
            quoted.append(f"{oo}([^{not_c}]{{12,}}){cc}")
            blank.append(f"{oo}[^{not_c}]*{cc}")
        else:
            quoted.append(f"{oo}([^{not_c}]{{12,}}){cc}?")
            blank.append(f"{oo}[^{not_c}]*{cc}?")
    typographic = [(o, c) for o, c in pairs if o != c]
    return Quotes(
        pairs=pairs,
        marks="".join(dict.fromkeys(m for pair in pairs for m in pair)),
        padding=spec.padding,
        quoted=re.compile("|".join(quoted)),
        blank=re.compile("|".join(blank)),
        opening=re.compile("|".join(guard[o] + re.escape(o) for o, _ in typographic) or "(?!)"),
        closing=re.compile("|".join(unguard[c] + re.escape(c) for _, c in typographic) or "(?!)"),
        pair_openers=tuple(re.compile(guard[o] + re.escape(o)) for o, _ in pairs),
        pair_closers=tuple(re.compile(unguard[c] + re.escape(c)) for _, c in pairs),
    )


def unclosed_quotation(sentence: Sentence) -> str | None:
    """The words of the quotation a sentence ends inside (it goes on in the next): after its last opening mark when
    no closing mark follows it, or after a mark that opens and closes alike when it stands alone ('… replied:
    "Yes.'); None when every quotation it opens closes in it."""
    text, marks = sentence.text, quotes(sentence.lang)
    starts = [m.end() for m in marks.opening.finditer(text)]
    if starts and not marks.closing.search(text, starts[-1]):
        return text[starts[-1]:]
    straight = [text.rfind(o) + 1 for o, c in marks.pairs if o == c and text.count(o) % 2 == 1]
    return text[max(straight):] if straight else None


def quoted_spans(sentence: Sentence) -> list[tuple[int, int]]:
    """Absolute spans of the quotations inside a sentence (the words actually spoken)."""
    spec = quotes(sentence.lang)
    spans = []
    for match in spec.quoted.finditer(sentence.text):
        group = next(i for i in range(1, len(spec.pairs) + 1) if match.group(i) is not None)
        a, b = match.span(group)
        if spec.padding:  # « texte »: the spaces inside the marks are not what was said
            a += len(sentence.text[a:b]) - len(sentence.text[a:b].lstrip(spec.padding))
        inner = sentence.text[a:b].rstrip(" ,." + spec.padding)
        if len(inner) >= 12:
            spans.append((sentence.start + a, sentence.start + a + len(inner)))
    return spans


def is_heading_question(sentence: Sentence, text: str) -> bool:
    """Whether ``sentence`` is a question standing as a line of its own, outside quotation marks: a subheading
    ("What has Germany said?", "Who is Navalny?") that asks what the next paragraphs tell, and asserts nothing.
    None of the 10 such lines in our fixtures holds gold evidence."""
    if not sentence.text.rstrip().endswith("?") or quotes(sentence.lang).opening.search(sentence.text):
        return False
    # read outward from the sentence, not copies of the text around it: a long document has many statements
    before = sentence.start - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    after = sentence.end
    while after < len(text) and text[after] in " \t":
        after += 1
    return (before < 0 or text[before] == "\n") and (after == len(text) or text[after] == "\n")
