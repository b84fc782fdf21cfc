"""Eval and comparison HTML: metric tables with intervals, gold vs predicted pairs, highlights, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.paths import DEV
from support.report_pages import NAMES, OPTIONS, SPURIOUS_ACTOR, degraded, highlighted_text, page_data, parse, write_run

from stance.evals import (
    EvalReport,
    compare_reports,
    compare_runs,
    gold_as_result,
    load_fixture,
    score_results,
    score_run,
)
from stance.report import plot_eval_metrics, render_compare_html, render_eval_html, write_eval_html


@pytest.fixture(scope="module")
def fixtures() -> list:
    if not (DEV / f"{NAMES[0]}.gold.json").is_file():
        pytest.skip(f"dev fixtures not found at {DEV}")
    return [load_fixture(DEV / f"{n}.gold.json") for n in NAMES]


@pytest.fixture(scope="module")
def reports(fixtures) -> tuple[EvalReport, EvalReport]:
    good = score_results(fixtures, {f.name: gold_as_result(f) for f in fixtures}, options=OPTIONS)
    bad = score_results(fixtures, {f.name: degraded(f) for f in fixtures}, options=OPTIONS)
    return good, bad


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("<section", start)
    return html[start:end if end != -1 else len(html)]


def test_eval_html_metric_table_shows_micro_interval_and_macro(reports) -> None:
    _, bad = reports
    html = render_eval_html(bad, fixtures_dir=DEV)
    metrics = section(html, "metrics")
    lo, hi = bad.overall.ci["pair_f1"]
    row = re.search(r"<code>pair_f1</code></td>(.*?)</tr>", metrics).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells == [f"{bad.overall.micro['pair_f1']:.3f}", f"[{lo:.3f}, {hi:.3f}]",
                     f"{bad.overall.macro['pair_f1']:.3f}"]
    assert 'class="cibar"' in row
    assert "95% interval" in metrics and "200 resamples" in metrics


def test_eval_html_pairs_side_by_side_with_outcomes(reports) -> None:
    _, bad = reports
    html = render_eval_html(bad, fixtures_dir=DEV)
    score = bad.fixtures[0]
    fx = section(html, "fixture-1")
    rows = re.findall(r'<tr class="pair-(\w+)">', fx)
    assert rows.count("matched") == len(score.matched) and rows.count("missed") == len(score.missed) == 1
    assert rows.count("spurious") == len(score.spurious) == 1
    assert fx.count("matched, wrong stance") == 1
    # the missed gold pair is the one dropped: its quote is highlighted as missed
    page = parse(html)
    data = page_data(page)
    missed_quote = score.missed[0].evidence[0]
    [ev_id] = [k for k, v in data["ev"].items() if v["art"] == "f1" and v["kind"] == "gold \u00b7 missed"]
    assert data["ev"][ev_id]["quote"] == missed_quote
    assert highlighted_text(page, "fixture-1", ev_id).startswith(missed_quote)
    assert any(ev_id in ids.split() and "out-missed" in cls for ids, cls, _ in page.marks["fixture-1"])
    # each highlight covers exactly its quote's text
    text = (DEV / f"{NAMES[0]}.txt").read_text(encoding="utf-8")
    assert page.texts["fixture-1"] == text
    for v in (v for v in data["ev"].values() if v["art"] == "f1" and v["start"] is not None):
        assert text[v["start"]:v["end"]] == v["quote"]


def test_eval_html_escapes_model_text(reports) -> None:
    _, bad = reports
    html = render_eval_html(bad, fixtures_dir=DEV)
    page = parse(html)
    assert [t for t, _ in page.tags].count("script") == 2 and not [t for t, _ in page.tags if t == "img"]
    assert "&lt;script&gt;window.PWNED=1&lt;/script&gt;Mallory" in html
    assert "&lt;img src=x onerror=alert(1)&gt; invented" in html
    assert any(v["a"] == SPURIOUS_ACTOR for v in page_data(page)["ev"].values())


def test_eval_html_without_fixture_text_lists_pairs_and_says_why(reports, tmp_path: Path) -> None:
    _, bad = reports
    html = render_eval_html(bad, fixtures_dir=tmp_path)
    assert parse(html).texts == {}
    assert f"Fixture text {tmp_path / (NAMES[0] + '.txt')} cannot be read" in html
    assert len(re.findall(r'<tr class="pair-', html)) == sum(
        len(f.matched) + len(f.missed) + len(f.spurious) for f in bad.fixtures)


def test_compare_html_marks_what_b_lost_and_broke(reports) -> None:
    good, bad = reports
    cmp = compare_reports(good, bad, label_a="runs/good", label_b="runs/bad")
    html = render_compare_html(cmp, good, bad, fixtures_dir=DEV)
    metrics = section(html, "metrics")
    row = re.search(r"<code>pair_recall</code></td>(.*?)</tr>", metrics).group(1)
    m = next(m for m in cmp.metrics if m.metric == "pair_recall")
    assert f'<td class="num">{m.diff:+.3f}</td>' in row and f'class="verdict-{m.verdict}"' in row
    assert m.verdict == "worse" and 'class="cibar centred"' in row
    per = section(html, "per-fixture")
    assert per.count('class="outcome-loss"') == cmp.losses == 2
    fx = section(html, "fixture-1")
    tags = re.findall(r'<span class="tag tag-(\w+)">([^<]*)</span>', fx)
    assert ("lost", "lost") in tags and ("kept", "stance broken") in tags and ("spurious", "spurious in B") in tags
    assert len(tags) == len(good.fixtures[0].matched) + len(bad.fixtures[0].spurious)
    data = page_data(parse(html))
    lost = [v for v in data["ev"].values() if v["art"] == "f1" and v["kind"] == "gold \u00b7 lost"]
    assert [v["quote"] for v in lost] == bad.fixtures[0].missed[0].evidence


def test_compare_html_from_run_folders(fixtures, tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", [gold_as_result(f) for f in fixtures])
    b = write_run(tmp_path / "b", [degraded(f) for f in fixtures])
    for run in (a, b):
        score_run(run, DEV, OPTIONS)  # writes metrics.json
    cmp = compare_runs(a, b)
    html = render_compare_html(cmp)  # reads both metrics.json and the fixtures folder recorded in them
    # all 9 dev fixtures were scored (7 without a result in either run)
    assert html.count('<section class="fixture"') == len(cmp.fixtures) == 9
    assert section(html, "fixture-1").count('class="tag tag-lost"') == 1


def test_write_eval_html_and_plots(reports, tmp_path: Path) -> None:
    good, bad = reports
    out = write_eval_html(bad, tmp_path / "e" / "eval.html", fixtures_dir=DEV)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    pytest.importorskip("matplotlib", reason="plots need the report extra (matplotlib)")
    png = plot_eval_metrics(bad, tmp_path / "m.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    svg = plot_eval_metrics(compare_reports(good, bad), tmp_path / "c.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "pair_f1" in svg


def test_eval_and_compare_html_show_the_claim_metrics(reports) -> None:
    """Issue 15: claim texts, lengths, shared claims and per-stance recall are on the pages, not only pair F1."""
    good, bad = reports
    html = render_eval_html(bad, fixtures_dir=DEV)
    m = bad.overall.micro
    line = re.search(r'<p id="claims-line">([^<]*)</p>', html).group(1)
    assert line.startswith(f"claims: text_pair_f1 {m['text_pair_f1']:.3f} (pair_f1 {m['pair_f1']:.3f}) · "
                           f"{m['claim_words']:.1f} words per claim (gold {m['gold_claim_words']:.1f})")
    assert f"recall support {m['support_recall']:.3f}" in line
    per = section(html, "per-fixture")
    assert ">text F1</th><th class=\"num\">words / claim</th>" in per
    first = re.search(r"<tr><td class=\"num\">1</td>(.*?)</tr>", per).group(1)
    score = bad.fixtures[0]
    assert (f'<td class="num">{score.metrics["text_pair_f1"]:.3f}</td>'
            f'<td class="num">{score.metrics["claim_words"]:.1f}</td>') in first
    # each matched pair says whether its claim text alone matches: the gold's own text does
    assert section(html, "fixture-1").count("claim text F1 1.00: the text alone matches the gold claim") == len(score.matched)
    cmp = compare_reports(good, bad, label_a="runs/good", label_b="runs/bad")
    page = render_compare_html(cmp, good, bad, fixtures_dir=DEV)
    assert re.search(r'<p id="claims-line">A claims: text_pair_f1 1\.000 .*<br>B claims: text_pair_f1 ', page)
    row = re.search(r'<tr><td class="num">1</td>(.*?)</tr>', section(page, "per-fixture")).group(1)
    d = cmp.per_fixture[0]
    assert row.endswith(f'<td class="num">{d.text_a:.3f}</td><td class="num">{d.text_b:.3f}</td>')
    assert f"text pair F1 {d.text_a:.3f} \u2192 {d.text_b:.3f}" in section(page, "fixture-1")
