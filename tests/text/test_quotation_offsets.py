"""Property-based tests (hypothesis): quotation offsets are exact for every quotation-mark style of every
language (issue 21), and evidence stays a verbatim substring of the article.

* each style („…“ »…« «…» ‹…› “…” "…", French « … » with its inner spaces): the quotation found in a
  sentence is exactly the words between the marks, at the offsets that slice them out of the article;
* arbitrary text in every language: sentences slice to their text, quotation spans lie inside their
  sentence and slice to what they hold;
* the open-mode merge on pointer answers: every piece of evidence is ``exact`` and ``text[start:end]``
  is its quote, whatever the marks.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from stance.extraction.answers import ModelStatement
from stance.extraction.merging import evidence_for
from stance.extraction.open_mode import merge_statements, point_statements
from stance.text.languages import languages, rules
from stance.text.sentences import quoted_spans, quotes, split_sentences

PROPERTIES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

STYLES = [(code, pair) for code in ("en", "de", "fr", "es") for pair in rules(code).quotes.pairs]
SPEECH = {"en": "said Ortiz", "de": "sagte Scholz", "fr": "a déclaré Macron", "es": "dijo Sánchez"}
WORDS = ["Wir", "werden", "die", "Steuern", "nicht", "erhöhen", "nous", "réforme", "nécessaire", "vamos", "ley",
         "the", "lanes", "will", "cut", "commute", "times", "Straße", "İstanbul", "Ωμέγα", "日本", "O’Neil", "x"]
inner_words = st.lists(st.sampled_from(WORDS), min_size=3, max_size=12).map(" ".join).filter(lambda s: len(s) >= 12)
before = st.lists(st.sampled_from(["Er", "sagte", "Le", "maire", "El", "alcalde", "Then", "—", "(x)", "1990"]),
                  max_size=4).map(lambda ws: " ".join(ws) + (" " if ws else ""))
# the spaces a press may set inside the marks: none, a space, a no-break or a thin space (French)
padding = st.sampled_from(["", " ", "\u00a0", "\u202f"])


def _expected_inner(inner: str, lang: str) -> str:
    return inner.rstrip(" ,." + quotes(lang).padding)


@PROPERTIES
@given(style=st.sampled_from(STYLES), lead=before, inner=inner_words, pad=padding, comma=st.booleans(),
       headline=st.booleans())
def test_a_quotation_in_every_style_is_found_exactly(style: tuple[str, tuple[str, str]], lead: str, inner: str,
                                                      pad: str, comma: bool, headline: bool) -> None:
    lang, (opening, closing) = style
    spec = quotes(lang)
    assume(pad == "" or pad in spec.padding)  # inner spaces only where the language sets them
    body = f"{lead}{opening}{pad}{inner}{pad}{closing}{',' if comma else ''} {SPEECH[lang]} heute."
    text = ("Schlagzeile\n" if headline else "") + body
    sentence = split_sentences(text, lang)[-1]
    assert sentence.text == body
    spans = quoted_spans(sentence)
    assert len(spans) == 1
    start, end = spans[0]
    assert text[start:end] == _expected_inner(inner, lang)
    assert text.index(opening, sentence.start) < start and end <= text.index(closing, start)
    evidence = evidence_for(text, sentence, inner)
    assert evidence.alignment == "exact" and text[evidence.start:evidence.end] == evidence.quote == text[start:end]


def test_each_style_is_covered() -> None:
    marks = {pair for _, pair in STYLES}
    assert {("„", "“"), ("»", "«"), ("«", "»"), ("‹", "›"), ("“", "”"), ('"', '"')} <= marks


ANY_MARKS = "“”„«»‹›\"'‘’‚"
article_text = st.lists(st.sampled_from([*ANY_MARKS, " ", " ", "\n", ".", ",", "!", "?", "\u00a0", *WORDS]),
                        max_size=80).map("".join)


@PROPERTIES
@given(text=article_text, lang=st.sampled_from(sorted(languages())))
def test_sentences_and_quotations_slice_the_text_in_every_language(text: str, lang: str) -> None:
    found = split_sentences(text, lang)
    previous_end = -1
    for sentence in found:
        assert text[sentence.start:sentence.end] == sentence.text and sentence.text.strip() == sentence.text
        assert sentence.start >= previous_end and "\n" not in sentence.text
        previous_end = sentence.end
        for start, end in quoted_spans(sentence):
            assert sentence.start <= start < end <= sentence.end and end - start >= 12
            assert text[start:end] == sentence.text[start - sentence.start:end - sentence.start]
            assert text[start - 1] in quotes(lang).marks + quotes(lang).padding  # it begins right after a mark


@PROPERTIES
@given(style=st.sampled_from(STYLES), inners=st.lists(inner_words, min_size=1, max_size=4), data=st.data())
def test_merged_evidence_is_a_verbatim_substring(style: tuple[str, tuple[str, str]], inners: list[str],
                                                  data: st.DataObject) -> None:
    lang, (opening, closing) = style
    lines = ["Titel"] + [f"{opening}{inner}{closing}, {SPEECH[lang]}." for inner in inners]
    text = "\n".join(lines)
    sentences = split_sentences(text, lang)
    numbers = data.draw(st.lists(st.integers(2, len(sentences)), min_size=1, max_size=6))
    stances = data.draw(st.lists(st.sampled_from(["support", "oppose", "neutral"]), min_size=len(numbers),
                                 max_size=len(numbers)))
    statements = [ModelStatement(s=n, who=SPEECH[lang].split()[-1], claim=None, stance=stance)
                  for n, stance in zip(numbers, stances, strict=True)]
    pointed = point_statements(sentences[1:], statements, headline=True)
    _actors, claims = merge_statements(text, pointed)
    evidence = [e for claim in claims for stance in claim.stances for e in stance.evidence]
    assert evidence
    for item in evidence:
        assert item.alignment == "exact" and item.start is not None and item.end is not None
        assert text[item.start:item.end] == item.quote
        assert item.quote in inners  # the words between the marks, no mark and no attribution
