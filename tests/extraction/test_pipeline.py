"""Pieces of the open-mode pipeline that need no model: windows, pointers, guards, merge, evidence."""

from __future__ import annotations

from support.texts import ARTICLE, sentence

from stance.extraction.merging import PointedStatement, evidence_for
from stance.extraction.open_mode import candidate_windows, drop_unsupported, merge_statements
from stance.extraction.pointing import repoint
from stance.text.attribution import find_candidates, render_lines
from stance.text.sentences import split_sentences


def test_windows_number_only_candidates_and_carry_context():
    sentences = split_sentences(ARTICLE)
    candidates = find_candidates(sentences, headline=True)
    windows = candidate_windows(sentences, candidates, per_window=2)
    assert sum(len(w.candidates) for w in windows) == len(candidates)
    assert all(1 <= len(w.candidates) <= 2 for w in windows)
    assert all(w.sentences[-1].n in candidates for w in windows)  # no trailing narration
    second = windows[1]
    assert second.context and second.context[-1].n == second.sentences[0].n - 1
    lines = render_lines([*second.context, *second.sentences], second.candidates, "Council delays bus lane vote")
    assert lines.splitlines()[0] == "Headline: Council delays bus lane vote"
    assert all(line.startswith("[") == any(line.startswith(f"[{n}]") for n in second.candidates) for line in lines.splitlines()[1:])


def test_repoint_moves_a_miscounted_number_to_the_speakers_sentence():
    sentences = split_sentences(ARTICLE)
    patel = next(s for s in sentences if "Raj Patel" in s.text)
    moved = repoint(sentences, patel.n - 2, "Raj Patel", "Raj Patel rejected the bus lane plan", headline=True)
    assert moved == patel
    assert repoint(sentences, 999, "X", "claim", headline=True) is None


def test_drop_unsupported_removes_echoed_examples_and_unrelated_claims():
    sentences = split_sentences(ARTICLE)
    ortiz = next(s for s in sentences if "Dana Ortiz" in s.text)
    keep = PointedStatement(ortiz, "Dana Ortiz", "The bus lanes will cut commute times.", "support")
    echoed = PointedStatement(ortiz, "Dana Ortiz", "Local shops depend on street parking.", "support")
    unrelated = PointedStatement(ortiz, "Dana Ortiz", "Interest rates should fall next quarter.", "support")
    kept = drop_unsupported([keep, echoed, unrelated], sentences, {"local shops depend on street parking"}, set())
    assert kept == [keep]


def test_merge_groups_claims_canonicalises_actors_and_never_drops_a_stance():
    sentences = split_sentences(ARTICLE)
    by = {s.text[:12]: s for s in sentences}
    statements = [
        PointedStatement(by["Mayor Dana O"], "Dana Ortiz", "The bus lanes will cut commute times.", "support"),
        PointedStatement(by["“We will not"], "Ortiz", "The bus lanes will cut commute times", "support"),
        PointedStatement(by["“It will pus"], "Raj Patel", "The bus lanes will cut commute times.", "oppose"),
    ]
    actors, claims = merge_statements(ARTICLE, statements)
    assert {a.name for a in actors} == {"Dana Ortiz", "Raj Patel"}
    assert len(claims) == 1
    stances = {(s.actor, s.stance): s for s in claims[0].stances}
    assert set(stances) == {("Dana Ortiz", "support"), ("Raj Patel", "oppose")}
    assert len(stances[("Dana Ortiz", "support")].evidence) == 2  # both sentences kept as evidence
    for s in claims[0].stances:
        for e in s.evidence:
            assert e.alignment == "exact" and ARTICLE[e.start:e.end] == e.quote
    # evidence is the quotation when the sentence has one
    assert stances[("Raj Patel", "oppose")].evidence[0].quote == "It will push traffic onto side streets"


def test_window_context_reaches_back_to_the_speaker_of_a_long_quotation():
    text = (
        "Headline\n"
        "Analyst Suzanne DiMaggio said the talks matter.\n"
        "“First point here,” she said.\n“Second point.\nThird point.\nFourth point.”\n“Fifth point,” she said.\n"
    )
    sentences = split_sentences(text)
    candidates = find_candidates(sentences, headline=True)
    last = candidate_windows(sentences, candidates, per_window=2)[-1]
    assert any("DiMaggio" in s.text for s in last.context)


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


def test_a_list_of_quoted_phrases_is_one_evidence() -> None:
    text = ("Titre\nDonc : « aucune raison de s'inquiéter », « aucune raison de manifester » et surtout « aucune raison "
            "de bloquer ».")
    s = split_sentences(text, "fr")[1]
    quote = evidence_for(text, s, "Aucune raison de s'inquiéter.").quote
    assert quote == "aucune raison de s'inquiéter », « aucune raison de manifester » et surtout « aucune raison de bloquer"
    assert text[text.index(quote):text.index(quote) + len(quote)] == quote  # still a span of the text
    apart = "“We will not wait,” Ortiz said on Monday after a long council meeting ended, “and we will win.”"
    assert evidence_for(apart, sentence(apart), "We will not wait.").quote == "We will not wait"  # too far apart
