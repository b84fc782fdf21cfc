"""Eval and comparison pages (``stance.evals``): metrics with intervals, gold vs predicted per fixture."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from stance.evals import (
    CI_KEYS,
    CORPUS_CLAIM_COLUMNS,
    CORPUS_METRIC_DOCS,
    METRIC_DOCS,
    TEXT_MATCH_F1,
    Comparison,
    EvalError,
    EvalReport,
    claim_token_f1,
    claims_line,
    corpus_claim_rows,
    corpus_line,
    fmt_corpus,
    fmt_metric,
    load_report,
    score_run,
)
from stance.report.html import (
    ReportError,
    Span,
    environment,
    find_quote,
    highlight_html,
    json_for_script,
    stance_version,
    write_html,
)

COUNT_METRICS = ("tp", "fp", "fn", "n_pred", "n_gold")
OUTCOME_LEGEND = {
    "eval": [("out-matched", "matched"), ("out-missed", "missed (gold only)"),
             ("out-spurious", "spurious (predicted only)"), ("out-mixed", "overlapping")],
    "compare": [("out-gained", "gained by B"), ("out-lost", "lost by B"), ("out-kept", "matched by both"),
                ("out-missed", "missed by both"), ("out-spurious", "spurious (A or B)"), ("out-mixed", "overlapping")],
}


@dataclass
class CiBar:
    """Where to draw a value and its interval on a 0-100 % track (rates in [0, 1], differences in [-1, 1])."""

    point: float
    lo: float
    width: float
    centred: bool  # differences: 0 sits in the middle


def _ci_bar(value: float | None, ci: Sequence[float] | None, centred: bool) -> CiBar | None:
    if value is None or ci is None:
        return None

    def pos(x: float) -> float:
        x = (x + 1) / 2 if centred else x
        return round(100 * min(1.0, max(0.0, x)), 1)

    return CiBar(pos(value), pos(ci[0]), round(pos(ci[1]) - pos(ci[0]), 1), centred)


@dataclass
class PairCell:
    """One side of a row: a gold or predicted (actor, claim, stance) with its evidence quotes."""

    actor: str
    stance: str
    claim_id: str
    claim: str
    evidence: list[tuple[str, str, bool]]  # (evidence id, quote, found in the text)


@dataclass
class PairRow:
    kind: str  # matched | missed | spurious (eval); gained | lost | kept | missed | spurious (compare)
    tag: str
    cells: list[PairCell | None]
    note: str = ""


@dataclass
class FixtureView:
    number: int
    anchor: str
    name: str
    status: str
    failure: str | None
    summary: str
    text_html: Markup | None
    note: str | None
    rows: list[PairRow]


class _PairPage:
    """Collects the page's JSON data and the highlight spans of one fixture while rows are built."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {"actors": {}, "claims": {}, "ev": {}, "articles": {}}
        self.spans: list[Span] = []
        self.text: str | None = None
        self.prefix = ""
        self._n = 0

    def start_fixture(self, prefix: str, title: str, text: str | None) -> None:
        self.prefix, self.text, self.spans, self._n = prefix, text, [], 0
        self.data["articles"][prefix] = title

    def cell(self, ref: Any, side: str, outcome: str, kind: str) -> PairCell:
        """Register a PairRef's claim and quotes; ``outcome`` colours its highlights."""
        claim_key = f"{self.prefix}/{side}/{ref.claim_id}"
        self.data["claims"][claim_key] = {"id": ref.claim_id, "text": ref.claim}
        evidence = []
        for quote in ref.evidence:
            self._n += 1
            ev_id = f"{self.prefix}-e{self._n}"
            found = find_quote(self.text, quote) if self.text is not None else []
            for start, end in found:
                self.spans.append(Span(ev_id, start, end, f"out-{outcome}"))
            self.data["ev"][ev_id] = {"a": ref.actor, "c": claim_key, "stance": ref.stance, "quote": quote,
                                      "start": found[0][0] if found else None, "end": found[0][1] if found else None,
                                      "kind": kind, "art": self.prefix}
            evidence.append((ev_id, quote, bool(found)))
        return PairCell(ref.actor, ref.stance, ref.claim_id, ref.claim, evidence)

    def text_html(self) -> Markup | None:
        return highlight_html(self.text, self.spans, "out-mixed") if self.text is not None else None


def _fixture_text(fixtures_dir: Path | None, article: str) -> tuple[str | None, str | None]:
    """The fixture article's text, or None and why (the evidence is then listed without highlights)."""
    if fixtures_dir is None:
        return None, "The fixtures folder is not known, so the evidence is listed without highlighting."
    path = fixtures_dir / article
    try:
        return path.read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return None, f"Fixture text {path} cannot be read ({reason}), so the evidence is listed without highlighting."


def _rules(m: Any) -> str:
    how = f"actor by {m.actor_rule}, claim by {m.claim_rule}"
    if m.claim_rule == "evidence" and m.overlap_chars:
        how += f" ({m.overlap_chars} chars overlap)"
    elif m.claim_rule == "paraphrase":
        how += f" (similarity {m.similarity:.2f})"
    f1 = claim_token_f1(m.pred.claim, m.gold.claim)
    verdict = "matches" if f1 >= TEXT_MATCH_F1 else "does not match"
    return f"{how}; claim text F1 {f1:.2f}: the text alone {verdict} the gold claim"


def _eval_fixture_rows(score: Any, page: _PairPage) -> list[PairRow]:
    rows = []
    for m in score.matched:
        right = m.pred.stance == m.gold.stance
        rows.append(PairRow("matched", "matched" if right else "matched, wrong stance", [
            page.cell(m.gold, "gold", "matched", "gold \u00b7 matched"),
            page.cell(m.pred, "pred", "matched", "predicted \u00b7 matched" + ("" if right else ", wrong stance")),
        ], _rules(m)))
    for ref in score.missed:
        rows.append(PairRow("missed", "missed", [page.cell(ref, "gold", "missed", "gold \u00b7 missed"), None]))
    for ref in score.spurious:
        rows.append(PairRow("spurious", "spurious",
                            [None, page.cell(ref, "pred", "spurious", "predicted \u00b7 spurious")]))
    return rows


def _fixture_summary(score: Any) -> str:
    m, c = score.metrics, score.counts
    parts = [f"{c.n_gold} gold, {c.n_pred} predicted, {c.tp} matched"]
    parts += [f"{k.replace('_', ' ')} {fmt_metric(k, m.get(k))}" for k in ("pair_precision", "pair_recall", "pair_f1",
                                                                           "text_pair_f1", "stance_accuracy",
                                                                           "grounding_rate")]
    return " \u00b7 ".join(parts)


def _fixtures_dir(given: Path | str | None, recorded: str | None) -> Path | None:
    if given is not None:
        return Path(given)
    return Path(recorded) if recorded else None


def render_eval_html(report: EvalReport, *, fixtures_dir: Path | str | None = None, title: str | None = None) -> str:
    """An ``EvalReport`` as one self-contained HTML page.

    Metric table (micro with bootstrap interval, macro), a per-fixture table,
    and per fixture the article with gold and predicted evidence highlighted
    as matched / missed / spurious next to a gold-vs-predicted pair table.
    The fixture texts are read from ``fixtures_dir`` (default: the folder
    recorded in the report).
    """
    folder = _fixtures_dir(fixtures_dir, report.fixtures_dir)
    o = report.overall
    metrics = [{
        "key": k, "doc": METRIC_DOCS[k], "micro": fmt_metric(k, o.micro.get(k)),
        "ci": _interval(k, o.ci.get(k)),
        "macro": "" if k in COUNT_METRICS else fmt_metric(k, o.macro.get(k)),
        "bar": _ci_bar(o.micro.get(k), o.ci.get(k), centred=False) if k in CI_KEYS else None,
    } for k in METRIC_DOCS]
    page = _PairPage()
    fixtures = []
    for i, score in enumerate(report.fixtures, 1):
        text, note = _fixture_text(folder, score.article)
        page.start_fixture(f"f{i}", score.name, text)
        rows = _eval_fixture_rows(score, page)
        fixtures.append(FixtureView(i, f"fixture-{i}", score.name, score.status, score.failure,
                                    _fixture_summary(score), page.text_html(), note, rows))
    run = report.run
    template = environment().get_template("eval.html.j2")
    return template.render(
        title=title or f"stance eval: {run.path if run else 'report'}", version=stance_version(), report=report,
        run=run, metrics=metrics, fixtures=fixtures, per_fixture=_per_fixture_rows(report),
        legend=OUTCOME_LEGEND["eval"], fixtures_dir=str(folder) if folder else None,
        level=f"{report.options.confidence:.0%}", data_json=json_for_script(page.data), claims=claims_line(o.micro),
        corpus=_corpus_view(report),
    )


def _corpus_view(report: EvalReport) -> dict[str, Any] | None:
    """The corpus metrics, recurring claims and gold cells for the page (None: no corpus.json was scored)."""
    c = report.corpus
    if c is None:
        return None
    return {
        "line": corpus_line(c), "file": c.file,
        "metrics": [{"key": k, "value": fmt_corpus(k, c.metrics.get(k)), "doc": doc} for k, doc in CORPUS_METRIC_DOCS.items()],
        "columns": CORPUS_CLAIM_COLUMNS, "claims": corpus_claim_rows(c),
        "texts": {x.id: x.text for x in c.claims},
        "cells": [{"actor": x.actor, "claim": x.claim, "gold": x.gold, "run_actor": x.run_actor or "–",
                   "run_claim": x.run_claim or "–", "run": x.run or "–", "ok": x.reproduced} for x in c.cells],
    }


def _interval(metric: str, ci: tuple[float, float] | None) -> str:
    return f"[{fmt_metric(metric, ci[0])}, {fmt_metric(metric, ci[1])}]" if ci else ""


def _per_fixture_rows(report: Any) -> list[dict[str, Any]]:
    keys = ("pair_precision", "pair_recall", "pair_f1", "text_pair_f1", "claim_words", "stance_accuracy",
            "grounding_rate", "seconds_per_article")
    return [{"number": i, "name": f.name, "status": f.status, "gold": f.counts.n_gold, "pred": f.counts.n_pred,
             "tp": f.counts.tp, "cells": [fmt_metric(k, f.metrics.get(k)) for k in keys]}
            for i, f in enumerate(report.fixtures, 1)]


def _compare_reports(cmp: Comparison, fixtures_dir: Path | str | None) -> tuple[EvalReport, EvalReport]:
    """The two reports behind a comparison, scored the way ``compare_runs`` scored them.

    With ``fixtures_dir`` both runs are rescored (nothing written); otherwise
    each run's ``metrics.json`` is read, and rescored against its recorded
    fixtures when it was scored with other options than the comparison.
    """
    reports = []
    for label in (cmp.a, cmp.b):
        run = Path(label)
        try:
            if fixtures_dir is not None:
                reports.append(score_run(run, fixtures_dir, cmp.options, write=False))
                continue
            report = load_report(run)
            if report.options != cmp.options and report.fixtures_dir and Path(report.fixtures_dir).is_dir():
                report = score_run(run, report.fixtures_dir, cmp.options, write=False)
            reports.append(report)
        except EvalError as exc:
            raise ReportError(f"cannot show the pairs of {label}: {exc}") from exc
    return reports[0], reports[1]


def _compare_fixture_rows(fa: Any, fb: Any, page: _PairPage) -> list[PairRow]:
    """One row per gold pair (A's and B's prediction beside it), then each run's spurious pairs."""
    def key(ref: Any) -> tuple[str, str]:
        return ref.claim_id, ref.actor

    a_matched = {key(m.gold): m for m in fa.matched}
    b_matched = {key(m.gold): m for m in fb.matched}
    gold = {key(m.gold): m.gold for m in fa.matched} | {key(r): r for r in fa.missed}
    rows = []
    for k, ref in gold.items():
        ma, mb = a_matched.get(k), b_matched.get(k)
        if ma and mb:
            ok_a, ok_b = ma.pred.stance == ref.stance, mb.pred.stance == ref.stance
            outcome = "kept"
            tag = "stance fixed" if ok_b and not ok_a else "stance broken" if ok_a and not ok_b else "matched by both"
        elif mb:
            outcome, tag = "gained", "gained"
        elif ma:
            outcome, tag = "lost", "lost"
        else:
            outcome, tag = "missed", "missed by both"
        cells: list[PairCell | None] = [page.cell(ref, "gold", outcome, f"gold \u00b7 {tag}")]
        for side, m in (("a", ma), ("b", mb)):
            cells.append(page.cell(m.pred, side, outcome, f"{side.upper()} \u00b7 {tag}") if m else None)
        rows.append(PairRow(outcome, tag, cells))
    for side, score in (("a", fa), ("b", fb)):
        for ref in score.spurious:
            cell = page.cell(ref, side, "spurious", f"{side.upper()} \u00b7 spurious")
            rows.append(PairRow("spurious", f"spurious in {side.upper()}", [None, cell, None] if side == "a"
                                else [None, None, cell]))
    return rows


def render_compare_html(cmp: Comparison, report_a: EvalReport | None = None,
                        report_b: EvalReport | None = None, *,
                        fixtures_dir: Path | str | None = None, title: str | None = None) -> str:
    """A ``Comparison`` as one self-contained HTML page.

    Metric table (A, B, B - A with its paired-bootstrap interval, verdict),
    per-fixture wins and losses, and per fixture the article with each gold
    pair coloured by what B changed (gained / lost / kept / missed by both),
    beside A's and B's predictions. The two ``EvalReport``s hold the pairs;
    without them they are read or rescored from the run folders (``cmp.a``,
    ``cmp.b``) as ``compare_runs`` did.
    """
    if report_a is None or report_b is None:
        report_a, report_b = _compare_reports(cmp, fixtures_dir)
    folder = _fixtures_dir(fixtures_dir, report_b.fixtures_dir or report_a.fixtures_dir)
    metrics = [{
        "key": m.metric, "a": fmt_metric(m.metric, m.a), "b": fmt_metric(m.metric, m.b),
        "diff": fmt_metric(m.metric, m.diff, signed=True),
        "ci": f"[{fmt_metric(m.metric, m.ci[0], True)}, {fmt_metric(m.metric, m.ci[1], True)}]" if m.ci else "",
        "verdict": m.verdict,
        "bar": _ci_bar(m.diff, m.ci, centred=True) if m.metric in CI_KEYS else None,
    } for m in cmp.metrics]
    fa = {f.name: f for f in report_a.fixtures}
    fb = {f.name: f for f in report_b.fixtures}
    diffs = {d.name: d for d in cmp.per_fixture}
    page = _PairPage()
    fixtures = []
    for i, name in enumerate(cmp.fixtures, 1):
        if name not in fa or name not in fb:
            continue
        text, note = _fixture_text(folder, fb[name].article)
        page.start_fixture(f"f{i}", name, text)
        rows = _compare_fixture_rows(fa[name], fb[name], page)
        d = diffs.get(name)
        summary = (f"pair F1 {fmt_metric('pair_f1', d.a)} \u2192 {fmt_metric('pair_f1', d.b)} ({d.outcome} for B)"
                   f" \u00b7 text pair F1 {fmt_metric('text_pair_f1', d.text_a)} \u2192 "
                   f"{fmt_metric('text_pair_f1', d.text_b)}" if d else "")
        status = fa[name].status if fa[name].status == fb[name].status else f"{fa[name].status} / {fb[name].status}"
        fixtures.append(FixtureView(i, f"fixture-{i}", name, status, None, summary, page.text_html(), note, rows))
    template = environment().get_template("compare.html.j2")
    return template.render(
        title=title or "stance eval compare", version=stance_version(), cmp=cmp, metrics=metrics, fixtures=fixtures,
        legend=OUTCOME_LEGEND["compare"], fixtures_dir=str(folder) if folder else None,
        level=f"{cmp.options.confidence:.0%}", data_json=json_for_script(page.data),
        claims={"A": claims_line(cmp.metrics_of("a")), "B": claims_line(cmp.metrics_of("b"))},
        corpus=[{"key": m.metric, "a": fmt_corpus(m.metric, m.a), "b": fmt_corpus(m.metric, m.b),
                 "diff": fmt_corpus(m.metric, m.diff, signed=True), "verdict": m.verdict} for m in cmp.corpus],
        counts={"gained": len(cmp.gained), "lost": len(cmp.lost), "fixed": len(cmp.stance_fixed),
                "broken": len(cmp.stance_broken)},
    )


def write_eval_html(report: EvalReport, out: Path | str, **options: Any) -> Path:
    """Render ``render_eval_html`` into a file."""
    return write_html(render_eval_html(report, **options), out)


def write_compare_html(cmp: Comparison, out: Path | str, **options: Any) -> Path:
    """Render ``render_compare_html`` into a file."""
    return write_html(render_compare_html(cmp, **options), out)

