"""Property-based tests (hypothesis) of the offsets and merges every result depends on.

* grounding (stance.text.grounding.align): an exact alignment slices the text to the
  quote, for arbitrary Unicode text; every alignment's span lies within the text
  and its quote is what the span holds;
* sentence splitting (stance.text.sentences.split_sentences): each sentence's offsets
  slice to its text, sentences are numbered in order and never overlap, and no
  visible character of the article is left out;
* chunking and merging (stance.extraction.codebook_mode.chunk_sentences + open_mode.merge_statements): the
  chunks cover every sentence in order with a bounded overlap, and merging the
  chunks' answers never drops a stance, never duplicates one, never invents one.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from stance.extraction.codebook_mode import chunk_sentences
from stance.extraction.merging import PointedStatement
from stance.extraction.open_mode import CLAIM_MERGE_SCORE, merge_statements
from stance.text.actors import canonicalise
from stance.text.grounding import align
from stance.text.sentences import split_sentences

PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Arbitrary Unicode, weighted toward what articles hold and what normalisation touches:
# curly quotes, dashes, ellipses, no-break and other spaces, letters whose lower case is longer.
TRICKY = "“”‘’„«»—–‐−…\u00a0\u2009\u3000 \t\n\r.!?\"'İßﬁΣς́é日本"
unicode_text = st.text(st.one_of(st.characters(), st.sampled_from(TRICKY)), max_size=120)
# Article-like text, where retyped quotes align "normalized" or "fuzzy" rather than not at all.
prose = st.lists(
    st.tuples(st.sampled_from(["“We", "won’t", "pay”", "İstanbul", "Straße", "—", "said", "the", "mayor…", "«non»",
                               "budget", "O’Neil", "ΣΟΦΊΑ", "日本", "cost", "repairs"]),
              st.sampled_from([" ", " ", "  ", "\n", "\u00a0", " \t"])),
    max_size=40,
).map(lambda pairs: "".join(word + space for word, space in pairs))


# ---------------------------------------------------------------------------
# Grounding
# ---------------------------------------------------------------------------


@PROPERTIES
@given(text=unicode_text, data=st.data())
def test_an_exact_alignment_slices_the_text_to_the_quote(text: str, data: st.DataObject) -> None:
    assume(text.strip())
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    assume(quote.strip())
    near = data.draw(st.none() | st.integers(0, len(text)))
    evidence = align(text, quote, near=near)
    assert evidence.alignment == "exact"
    assert evidence.start is not None and evidence.end is not None
    assert text[evidence.start:evidence.end] == quote == evidence.quote


def retyped(quote: str, data: st.DataObject) -> str:
    """The quote as a model might retype it: straight quotes, collapsed spaces, other case, a slip."""
    edits = data.draw(st.lists(st.sampled_from(["quotes", "spaces", "case", "slip", "none"]), max_size=3))
    for edit in edits:
        if edit == "quotes":
            quote = quote.translate(str.maketrans("“”‘’—", "\"\"''-"))
        elif edit == "spaces":
            quote = re.sub(r"\s+", " ", quote)
        elif edit == "case":
            quote = quote.swapcase()
        elif edit == "slip" and len(quote) > 2:
            at = data.draw(st.integers(0, len(quote) - 1))
            quote = quote[:at] + quote[at + 1:]
    return quote


@PROPERTIES
@given(text=unicode_text, data=st.data())
def test_every_alignment_lies_within_the_text(text: str, data: st.DataObject) -> None:
    as_prose = data.draw(st.booleans())
    if as_prose:
        text = data.draw(prose)
    if text and (as_prose or data.draw(st.booleans())):
        start = data.draw(st.integers(0, len(text) - 1))
        quote = retyped(text[start:data.draw(st.integers(start, len(text)))], data)
    else:
        quote = data.draw(unicode_text)
    evidence = align(text, quote, near=data.draw(st.none() | st.integers(0, len(text))))
    event(f"alignment {evidence.alignment}")
    if evidence.alignment == "none":
        assert evidence.start is None and evidence.end is None
        return
    assert evidence.start is not None and evidence.end is not None
    assert 0 <= evidence.start < evidence.end <= len(text)
    assert text[evidence.start:evidence.end] == evidence.quote
    if evidence.alignment == "exact":
        assert evidence.quote == quote


@PROPERTIES
@given(text=prose, data=st.data())
def test_a_quote_with_a_typo_is_still_found_within_the_text(text: str, data: st.DataObject) -> None:
    assume(len(text.strip()) >= 20)
    start = data.draw(st.integers(0, len(text) - 16))
    quote = text[start:data.draw(st.integers(start + 16, min(len(text), start + 60)))]
    assume(len(quote.strip()) >= 16)
    letters = [i for i, ch in enumerate(quote) if ch.isalpha()]
    assume(letters)
    at = data.draw(st.sampled_from(letters))  # a typo: one letter missing
    slipped = quote[:at] + quote[at + 1:]
    evidence = align(text, slipped)
    event(f"alignment {evidence.alignment}")
    assert evidence.alignment != "none"
    assert evidence.start is not None and evidence.end is not None
    assert 0 <= evidence.start < evidence.end <= len(text) and text[evidence.start:evidence.end] == evidence.quote


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------


@PROPERTIES
@given(text=unicode_text)
def test_sentence_offsets_slice_to_the_sentence_and_never_overlap(text: str) -> None:
    sentences = split_sentences(text)
    previous_end = 0
    covered: set[int] = set()
    for number, sentence in enumerate(sentences, start=1):
        assert sentence.n == number
        assert text[sentence.start:sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip() and "\n" not in sentence.text
        assert sentence.start >= previous_end  # in order, no overlap
        previous_end = sentence.end
        covered.update(range(sentence.start, sentence.end))
    lost = [i for i, ch in enumerate(text) if not ch.isspace() and i not in covered]
    assert not lost, [text[i] for i in lost]


# ---------------------------------------------------------------------------
# Chunks and merging
# ---------------------------------------------------------------------------

WORDS = ["bridge", "council", "budget", "repair", "tax", "school", "mayor", "plan", "vote", "river", "cost", "year"]
SPEAKERS = ["Maria Lopez", "Lopez", "Mayor Maria Lopez", "Tom Reed", "Ann Reed", "Reed", "City Council",
            "the mayor", "Ministry of Finance"]
CLAIMS = ["The bridge must be repaired.", "The bridge must be repaired this year.", "Taxes are too high.",
          "taxes are too high", "The plan is too expensive.", "Schools need more money.",
          "The council should vote on the plan before the summer."]


@st.composite
def articles(draw: st.DrawFn) -> str:
    """Paragraphs of sentences made of plain words (no quotation marks, so evidence is the sentence)."""
    def sentence() -> str:
        words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=9))
        return " ".join(words).capitalize() + draw(st.sampled_from([".", "!", "?"]))

    lines = draw(st.lists(st.lists(st.builds(sentence), min_size=1, max_size=4), min_size=1, max_size=25))
    return "\n".join(" ".join(line) for line in lines) + "\n"


def similar(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"[^\w\s]", "", s.lower()).strip()  # noqa: E731 - as stance.extraction.open_mode compares
    return norm(a) == norm(b) or fuzz.token_set_ratio(norm(a), norm(b)) >= CLAIM_MERGE_SCORE


@PROPERTIES
@given(text=articles(), data=st.data())
def test_chunk_merge_never_drops_duplicates_or_invents_a_stance(text: str, data: st.DataObject) -> None:
    sentences = split_sentences(text)
    max_tokens = data.draw(st.integers(10, 200))  # 10 tokens: many small chunks
    overlap = data.draw(st.integers(0, 3))
    chunks = chunk_sentences(sentences, text, max_tokens, overlap=overlap)
    event(f"{'several chunks' if len(chunks) > 1 else 'one chunk'}")

    # the chunks cover every sentence, in order, each repeating at most `overlap` of the previous one
    numbers = [[s.n for s in chunk] for chunk in chunks]
    assert sorted({n for ns in numbers for n in ns}) == [s.n for s in sentences]
    for previous, current in zip(numbers, numbers[1:], strict=False):
        assert current == list(range(current[0], current[0] + len(current)))
        repeated = [n for n in current if n in previous]
        assert len(repeated) <= overlap and repeated == current[: len(repeated)]
        assert current[len(repeated)] == previous[-1] + 1

    # what the model says: statements on sentences; each chunk that holds the sentence reports it again
    planned = data.draw(st.lists(st.tuples(st.integers(0, len(sentences) - 1), st.sampled_from(SPEAKERS),
                                           st.sampled_from(CLAIMS), st.sampled_from(["support", "oppose", "neutral"])),
                                 max_size=15))
    reported = [
        PointedStatement(sentence=s, who=who, claim=claim, stance=label)
        for chunk in chunks
        for index, who, claim, label in planned
        for s in chunk
        if s.n == sentences[index].n
    ]
    reported.sort(key=lambda p: p.sentence.n)  # as open mode does
    _, claims = merge_statements(text, reported)
    mapping, _ = canonicalise([who for _, who, _, _ in planned], text)

    found = [(c.text, s.actor, s.stance, e.start, e.end) for c in claims for s in c.stances for e in s.evidence]
    assert len(found) == len(set(found))  # nothing duplicated, overlap or not
    for claim in claims:
        pairs = [(s.actor, s.stance) for s in claim.stances]
        assert len(pairs) == len(set(pairs))
    for index, who, claim, label in planned:  # nothing dropped
        sentence = sentences[index]
        assert any(
            actor == mapping[who] and stance == label and (start, end) == (sentence.start, sentence.end)
            and similar(text_, claim)
            for text_, actor, stance, start, end in found
        ), (who, claim, label, sentence)
    for text_, actor, stance, start, end in found:  # nothing invented
        assert any(
            actor == mapping[who] and stance == label and (start, end) == (sentences[i].start, sentences[i].end)
            and similar(text_, claim)
            for i, who, claim, label in planned
        )
