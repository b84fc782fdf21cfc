"""Claim metrics (issue 15): a copied sentence or a missing opposition cannot hide behind evidence matches."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rich.console import Console
from support.eval_runs import ARTICLES, FULL, prediction, write_fixtures, write_run

from stance.evals import (
    claim_token_f1,
    compare_runs,
    comparison_markdown,
    print_comparison,
    report_markdown,
    score_run,
)
from stance.results import ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance


def test_claim_token_f1_drops_stopwords_and_attribution() -> None:
    assert claim_token_f1("Plan 0 works.", "plan 0 works") == 1.0
    assert claim_token_f1("She said that the plan works", "The plan works.") == 1.0  # she/said/that/the are not content
    assert claim_token_f1("Budget cuts", "Plan works") == 0.0
    assert claim_token_f1("the", "plan works") == 0.0  # no content word at all
    assert claim_token_f1("plan fails badly", "plan works") == pytest.approx(2 * 1 / (3 + 2))


def _quotation_list(i: int) -> ArticleResult:
    """What the embedded default gives today: each speaker's sentence as their own claim, all 'support'.

    Anna's claim runs on past the evidence, as copied sentences do.
    """
    text = ARTICLES[f"n{i}"]
    claims = []
    for n, (actor, sentence, claim) in enumerate((
        (f"Anna Berg{i}", f"Anna Berg{i} said plan {i} works.",
         f"Anna Berg{i} said plan {i} works, so the council should vote on it before the summer recess ends."),
        (f"Carl Dunn{i}", f"Carl Dunn{i} said plan {i} fails.", f"Carl Dunn{i} said plan {i} fails."),
    ), 1):
        start = text.index(sentence)
        evidence = Evidence(quote=sentence, start=start, end=start + len(sentence), alignment="exact")
        claims.append(Claim(id=f"c{n}", text=claim, stances=[Stance(actor=actor, stance="support", evidence=[evidence])]))
    return ArticleResult(
        article=ArticleInfo(id=f"n{i}.txt", path=f"n{i}.txt", sha256=hashlib.sha256(text.encode()).hexdigest(), title="h"),
        claims=claims,
        provenance=Provenance(model="m", endpoint="e", prompt=PromptInfo(name="p", hash="h")),
    )


def test_shared_claim_with_opposition_scores_full(tmp_path: Path) -> None:
    fixtures = write_fixtures(tmp_path / "fx")
    run = write_run(tmp_path / "run", [prediction(i, FULL(i)) for i in range(3)])
    m = score_run(run, fixtures).overall.micro
    assert m["pair_f1"] == 1.0 and m["text_pair_f1"] == 1.0 and m["claim_text_f1"] == 1.0
    assert m["oppose_recall"] == 1.0 and m["support_recall"] == 1.0 and m["neutral_recall"] is None
    assert m["multi_actor_share"] == 1.0 == m["gold_multi_actor_share"]
    assert m["claim_words"] == 3.0 == m["gold_claim_words"]


def test_quotation_list_is_seen_for_what_it_is(tmp_path: Path) -> None:
    fixtures = write_fixtures(tmp_path / "fx")
    run = write_run(tmp_path / "run", [_quotation_list(i) for i in range(3)])
    m = score_run(run, fixtures).overall.micro
    assert m["pair_f1"] == 1.0  # every pair matches on its evidence ...
    assert m["oppose_recall"] == 0.0  # ... but Carl's opposition is lost,
    assert m["multi_actor_share"] == 0.0 and m["gold_multi_actor_share"] == 1.0  # nobody shares a claim,
    assert m["claim_words"] == (18 + 6) / 2  # claims are whole sentences,
    # and only Carl's short sentence reads as the gold claim: "Plan 0 works" against Anna's 11 content words
    # (anna berg0 plan 0 works council vote before summer recess ends) is token F1 2*3/(11+3) = 0.43 < 0.5;
    # against Carl's 5 (carl dunn0 plan 0 fails) it is 2*2/(5+3) = 0.5.
    assert m["claim_text_f1"] == pytest.approx((6 / 14 + 4 / 8) / 2, abs=1e-3)
    assert m["text_pair_f1"] == pytest.approx(2 * 3 / (6 + 6))


def test_compare_reports_show_the_claim_metrics(tmp_path: Path) -> None:
    """stance eval compare: a run that shares and opposes claims against the quotation list, claim metric by metric."""
    fixtures = write_fixtures(tmp_path / "fx")
    quotations = write_run(tmp_path / "quotations", [_quotation_list(i) for i in range(3)])
    shared = write_run(tmp_path / "shared", [prediction(i, FULL(i)) for i in range(3)])
    cmp = compare_runs(quotations, shared, fixtures_dir=fixtures)
    rows = {m.metric: m for m in cmp.metrics}
    assert (rows["text_pair_f1"].a, rows["text_pair_f1"].b) == (pytest.approx(0.5), 1.0)
    assert rows["text_pair_f1"].ci is not None  # the claim metrics get paired-bootstrap intervals ...
    assert rows["oppose_recall"].ci == (1.0, 1.0) and rows["oppose_recall"].verdict == "better"
    assert rows["multi_actor_share"].ci == (1.0, 1.0) and rows["multi_actor_share"].verdict == "better"
    assert rows["claim_words"].verdict == "changed"  # ... and lengths are only "changed": shorter is not better
    assert [(f.text_a, f.text_b) for f in cmp.per_fixture] == [(pytest.approx(0.5), 1.0)] * 3
    md = comparison_markdown(cmp)
    assert "| text_pair_f1 | 0.500 | 1.000 | +0.500 | [+0.500, +0.500] | better |" in md
    assert "| multi_actor_share | 0.000 | 1.000 | +1.000 | [+1.000, +1.000] | better |" in md
    assert "| claim_words | 12.0 | 3.0 | -9.0 |  | changed |" in md
    assert "| n0 | 1.000 | 1.000 | +0.000 | tie | 0.500 | 1.000 |" in md  # pair F1 ties, the claim texts do not
    assert ("- A claims: text_pair_f1 0.500 (pair_f1 1.000) · 12.0 words per claim (gold 3.0) · shared by two or more "
            "actors 0.000 (gold 1.000) · recall support 1.000, oppose 0.000, neutral –") in md
    console = Console(width=200, record=True)
    print_comparison(cmp, console)
    text = console.export_text()
    assert "B claims: text_pair_f1 1.000 (pair_f1 1.000) · 3.0 words per claim" in text
    assert re.search(r"text_pair_f1\s+0\.500\s+1\.000\s+\+0\.500", text)


def test_eval_report_shows_the_claim_metrics(tmp_path: Path) -> None:
    fixtures = write_fixtures(tmp_path / "fx")
    report = score_run(write_run(tmp_path / "run", [_quotation_list(i) for i in range(3)]), fixtures)
    md = report_markdown(report)
    assert "claims: text_pair_f1 0.500 (pair_f1 1.000) · 12.0 words per claim (gold 3.0)" in md
    assert "| fixture | status | gold | pred | tp | P | R | F1 | tF1 | acc | grnd | s |" in md
    assert "| 0.500 |" in md.split("### Per fixture")[1]
