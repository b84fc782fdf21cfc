"""Reports and comparisons as a terminal table (rich), Markdown (for pull requests) and JSON.

Rendering never computes anything: it formats what ``EvalReport`` and
``Comparison`` already hold, so the three forms always agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ._compare import Comparison, PairChange
from ._corpus import CORPUS_RATE_KEYS, CorpusScore
from ._gate import GateViolation
from ._metrics import COUNT_KEYS, METRIC_DOCS
from ._score import EvalReport

_PER_FIXTURE = ("pair_precision", "pair_recall", "pair_f1", "text_pair_f1", "stance_accuracy", "grounding_rate",
                "seconds_per_article")
_SHORT = {
    "pair_precision": "P",
    "pair_recall": "R",
    "pair_f1": "F1",
    "text_pair_f1": "tF1",
    "stance_accuracy": "acc",
    "grounding_rate": "grnd",
    "seconds_per_article": "s",
}


def fmt_metric(metric: str, value: float | None, signed: bool = False) -> str:
    """One metric value as text: counts as integers, seconds, tokens and words with one decimal, rates with three."""
    if value is None:
        return "–"
    sign = "+" if signed else ""
    if metric in COUNT_KEYS:
        return f"{value:{sign}.0f}"
    if metric == "mean_attempts":
        return f"{value:{sign}.2f}"
    if metric.startswith(("seconds", "prompt_tokens", "completion_tokens")) or metric.endswith("claim_words"):
        return f"{value:{sign}.1f}"
    return f"{value:{sign}.3f}"


def _ci(metric: str, ci: Sequence[float] | None, signed: bool = False) -> str:
    return f"[{fmt_metric(metric, ci[0], signed)}, {fmt_metric(metric, ci[1], signed)}]" if ci else ""


def _provenance(report: EvalReport) -> str:
    r = report.run
    parts = [f"mode {report.mode}", f"{report.n_fixtures} fixtures"]
    if r is not None:
        parts = [f"run {r.path}", f"model {r.model or '?'}",
                 f"prompt {r.prompt_name or '?'}@{(r.prompt_hash or '?')[:10]}"] + parts
        words = sum(f.counts.words for f in report.fixtures)
        if r.wall_seconds is not None and words:
            parts.append(f"wall {r.wall_seconds:.0f} s ({1000 * r.wall_seconds / words:.1f} s per 1,000 words)")
    return " · ".join(parts)


def claims_line(m: Mapping[str, float | int | None]) -> str:
    """The claim metrics a user feels (issue 15) in one line: are claim texts right, short, shared, opposed?"""
    return (f"claims: text_pair_f1 {fmt_metric('text_pair_f1', m.get('text_pair_f1'))} "
            f"(pair_f1 {fmt_metric('pair_f1', m.get('pair_f1'))}) · "
            f"{fmt_metric('claim_words', m.get('claim_words'))} words per claim "
            f"(gold {fmt_metric('gold_claim_words', m.get('gold_claim_words'))}) · "
            f"shared by two or more actors {fmt_metric('multi_actor_share', m.get('multi_actor_share'))} "
            f"(gold {fmt_metric('gold_multi_actor_share', m.get('gold_multi_actor_share'))}) · "
            f"recall support {fmt_metric('support_recall', m.get('support_recall'))}, "
            f"oppose {fmt_metric('oppose_recall', m.get('oppose_recall'))}, "
            f"neutral {fmt_metric('neutral_recall', m.get('neutral_recall'))}")


def fmt_corpus(metric: str, value: float | int | None, signed: bool = False) -> str:
    """A corpus metric as text: rates with three decimals, counts as integers."""
    if value is None:
        return "–"
    sign = "+" if signed else ""
    return f"{value:{sign}.3f}" if metric in CORPUS_RATE_KEYS else f"{value:{sign}.0f}"


def corpus_line(c: CorpusScore) -> str:
    """The corpus metrics (issue 16) in one line: do the run's claim groups and table match the gold's corpus layer?"""
    m = c.metrics
    return (f"corpus: {len(c.claims)} recurring claims, grouped by {c.grouping} · claim groups B-cubed "
            f"P {fmt_corpus('claim_bcubed_precision', m.get('claim_bcubed_precision'))} "
            f"R {fmt_corpus('claim_bcubed_recall', m.get('claim_bcubed_recall'))} "
            f"F1 {fmt_corpus('claim_bcubed_f1', m.get('claim_bcubed_f1'))} "
            f"({fmt_corpus('corpus_pairs', m.get('corpus_pairs'))} of "
            f"{fmt_corpus('corpus_gold_pairs', m.get('corpus_gold_pairs'))} gold pairs matched) · cells "
            f"{fmt_corpus('corpus_cells_reproduced', m.get('corpus_cells_reproduced'))} of "
            f"{fmt_corpus('corpus_cells', m.get('corpus_cells'))} reproduced "
            f"({fmt_corpus('corpus_cell_share', m.get('corpus_cell_share'))})")


CORPUS_CLAIM_COLUMNS = ("claim", "articles", "gold pairs", "matched", "run claims", "column", "cells")


def corpus_claim_rows(c: CorpusScore) -> list[tuple[str, ...]]:
    """Per recurring claim: where its matched pairs went, the run claim read as its column (¬: read reversed), cells."""
    return [(x.id, str(x.articles), str(x.gold_pairs), str(x.matched), str(len(x.run_groups)),
             ("¬" if x.column_flip else "") + (x.column or "–"), f"{x.reproduced}/{x.cells}") for x in c.claims]


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _short(s: str, n: int = 90) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


# --- reports ---------------------------------------------------------------


def report_renderable(report: EvalReport) -> Group:
    """The report as rich tables: overall (micro, CI, macro) and per fixture."""
    level = f"{report.options.confidence:.0%} CI"
    overall = Table(title="Overall", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    for col, just in (("metric", "left"), ("micro", "right"), (level, "right"), ("macro", "right")):
        overall.add_column(col, justify=just, no_wrap=True)  # type: ignore[arg-type]
    o = report.overall
    for k in METRIC_DOCS:
        overall.add_row(k, fmt_metric(k, o.micro.get(k)), _ci(k, o.ci.get(k)), "" if k in COUNT_KEYS else fmt_metric(k, o.macro.get(k)))
    per = Table(title="Per fixture (tF1: text_pair_f1, acc: stance accuracy, grnd: grounding rate)", title_justify="left",
                box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    per.add_column("fixture", overflow="fold", min_width=12)
    per.add_column("status", no_wrap=True)
    cols = _PER_FIXTURE[:-1]  # seconds: Markdown only, to fit 80 columns
    for col in ("gold", "pred", "tp") + tuple(_SHORT[k] for k in cols):
        per.add_column(col, justify="right", no_wrap=True)
    for f in report.fixtures:
        per.add_row(f.name, f.status, str(f.counts.n_gold), str(f.counts.n_pred), str(f.counts.tp),
                    *(fmt_metric(k, f.metrics.get(k)) for k in cols))
    parts: list = [Text(_provenance(report), style="dim"), Text(claims_line(o.micro))]
    if report.corpus is not None:
        parts.append(Text(corpus_line(report.corpus)))
    parts += [overall, per]
    if report.corpus is not None:
        cor = Table(title="Corpus: recurring claims (column: the run claim read as it, ¬ reversed)", title_justify="left",
                    box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
        for col in CORPUS_CLAIM_COLUMNS:
            cor.add_column(col, justify="left" if col in ("claim", "column") else "right", no_wrap=True)
        for row in corpus_claim_rows(report.corpus):
            cor.add_row(*row)
        parts.append(cor)
    for line in report.not_scored:
        parts.append(Text(f"not scored: {line}", style="yellow"))
    for line in report.warnings:
        parts.append(Text(f"warning: {line}", style="yellow"))
    return Group(*parts)


def print_report(report: EvalReport, console: Console | None = None) -> None:
    (console or Console()).print(report_renderable(report))


def report_markdown(report: EvalReport) -> str:
    """The report as Markdown tables."""
    level = f"{report.options.confidence:.0%} CI"
    o = report.overall
    lines = ["## Eval report", "", _md_escape(_provenance(report)), "", claims_line(o.micro), ""]
    if report.corpus is not None:
        lines += [_md_escape(corpus_line(report.corpus)), ""]
    lines += [f"| metric | micro | {level} | macro |", "|---|---:|---:|---:|"]
    for k in METRIC_DOCS:
        lines.append(f"| {k} | {fmt_metric(k, o.micro.get(k))} | {_ci(k, o.ci.get(k))} | "
                     f"{'' if k in COUNT_KEYS else fmt_metric(k, o.macro.get(k))} |")
    lines += ["", "### Per fixture", "",
              "| fixture | status | gold | pred | tp | " + " | ".join(_SHORT[k] for k in _PER_FIXTURE) + " |",
              "|---|---|---:|---:|---:|" + "---:|" * len(_PER_FIXTURE)]
    for f in report.fixtures:
        vals = " | ".join(fmt_metric(k, f.metrics.get(k)) for k in _PER_FIXTURE)
        lines.append(f"| {_md_escape(f.name)} | {f.status} | {f.counts.n_gold} | {f.counts.n_pred} | {f.counts.tp} | {vals} |")
    if report.corpus is not None:
        lines += ["", "### Corpus: recurring claims (column: the run claim read as it, ¬ reversed)", "",
                  "| " + " | ".join(CORPUS_CLAIM_COLUMNS) + " |", "|---|---:|---:|---:|---:|---|---:|"]
        lines += ["| " + " | ".join(_md_escape(v) for v in row) + " |" for row in corpus_claim_rows(report.corpus)]
    if report.not_scored or report.warnings:
        lines.append("")
        lines += [f"- not scored: {_md_escape(x)}" for x in report.not_scored]
        lines += [f"- warning: {_md_escape(x)}" for x in report.warnings]
    return "\n".join(lines) + "\n"


def report_json(report: EvalReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


# --- comparisons -----------------------------------------------------------


def _example(c: PairChange) -> tuple[str, str, str, str]:
    return c.fixture, c.gold.actor, _short(c.gold.claim, 70), _short(c.pred.claim, 70)


def comparison_renderable(cmp: Comparison, max_examples: int = 5) -> Group:
    level = f"{cmp.options.confidence:.0%} CI"
    t = Table(title=f"A = {cmp.a}\nB = {cmp.b}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
              padding=(0, 1, 0, 0))
    for col in ("metric", "A", "B", "B − A", level, ""):
        t.add_column(col, justify="left" if col in ("metric", "") else "right", no_wrap=True)
    style = {"better": "green", "worse": "red", "unclear": "yellow", "same": "dim", "changed": "dim"}
    for m in cmp.metrics:
        t.add_row(m.metric, fmt_metric(m.metric, m.a), fmt_metric(m.metric, m.b), fmt_metric(m.metric, m.diff, True),
                  _ci(m.metric, m.ci, True), Text(m.verdict, style=style[m.verdict]))
    per = Table(title=f"Per fixture (pair_f1; tF1: text_pair_f1): B wins {cmp.wins}, loses {cmp.losses}, ties {cmp.ties}",
                title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    per.add_column("fixture", overflow="fold", min_width=12)
    for col in ("A", "B", "B − A", "", "tF1 A", "tF1 B"):
        per.add_column(col, justify="left" if col == "" else "right", no_wrap=True)
    for f in cmp.per_fixture:
        per.add_row(f.name, fmt_metric("pair_f1", f.a), fmt_metric("pair_f1", f.b), fmt_metric("pair_f1", f.diff, True),
                    Text(f.outcome, style={"win": "green", "loss": "red", "tie": "dim"}[f.outcome]),
                    fmt_metric("text_pair_f1", f.text_a), fmt_metric("text_pair_f1", f.text_b))
    parts: list = [Text(f"A {claims_line(cmp.metrics_of('a'))}"), Text(f"B {claims_line(cmp.metrics_of('b'))}"), t]
    if cmp.corpus:
        cor = Table(title="Corpus (one number per run: no interval)", title_justify="left", box=box.SIMPLE_HEAD,
                    pad_edge=False, padding=(0, 1, 0, 0))
        for col in ("metric", "A", "B", "B − A", ""):
            cor.add_column(col, justify="left" if col in ("metric", "") else "right", no_wrap=True)
        for m in cmp.corpus:
            cor.add_row(m.metric, fmt_corpus(m.metric, m.a), fmt_corpus(m.metric, m.b), fmt_corpus(m.metric, m.diff, True),
                        Text(m.verdict, style=style[m.verdict]))
        parts.append(cor)
    parts.append(per)
    for title, items in (("Pairs gained (B matches, A does not)", cmp.gained),
                         ("Pairs lost (A matches, B does not)", cmp.lost)):
        if items:
            ex = Table(title=f"{title}: {len(items)}", title_justify="left", box=box.SIMPLE_HEAD)
            for col in ("fixture", "actor", "gold claim", "predicted claim"):
                ex.add_column(col, overflow="fold")
            for c in items[:max_examples]:
                ex.add_row(*_example(c))
            parts.append(ex)
    if cmp.stance_fixed or cmp.stance_broken:
        parts.append(Text(f"stance labels fixed by B: {len(cmp.stance_fixed)}, broken by B: {len(cmp.stance_broken)}"))
    for name in cmp.only_a:
        parts.append(Text(f"only in A: {name}", style="yellow"))
    for name in cmp.only_b:
        parts.append(Text(f"only in B: {name}", style="yellow"))
    for w in cmp.warnings:
        parts.append(Text(f"warning: {w}", style="yellow"))
    return Group(*parts)


def print_comparison(cmp: Comparison, console: Console | None = None, max_examples: int = 5) -> None:
    (console or Console()).print(comparison_renderable(cmp, max_examples))


def comparison_markdown(cmp: Comparison, max_examples: int = 10) -> str:
    """The comparison as Markdown, to paste into a pull request."""
    level = f"{cmp.options.confidence:.0%} CI"
    lines = ["## Eval comparison", "", f"- A: `{cmp.a}`", f"- B: `{cmp.b}`",
             f"- {len(cmp.fixtures)} shared fixtures; differences are B − A, intervals from a paired bootstrap",
             f"- A {claims_line(cmp.metrics_of('a'))}", f"- B {claims_line(cmp.metrics_of('b'))}", "",
             f"| metric | A | B | B − A | {level} | |", "|---|---:|---:|---:|---:|---|"]
    for m in cmp.metrics:
        lines.append(f"| {m.metric} | {fmt_metric(m.metric, m.a)} | {fmt_metric(m.metric, m.b)} | {fmt_metric(m.metric, m.diff, True)} | "
                     f"{_ci(m.metric, m.ci, True)} | {m.verdict} |")
    if cmp.corpus:
        lines += ["", "### Corpus (one number per run: no interval)", "", "| metric | A | B | B − A | |", "|---|---:|---:|---:|---|"]
        lines += [f"| {m.metric} | {fmt_corpus(m.metric, m.a)} | {fmt_corpus(m.metric, m.b)} | "
                  f"{fmt_corpus(m.metric, m.diff, True)} | {m.verdict} |" for m in cmp.corpus]
    lines += ["", f"### Per fixture (pair_f1): B wins {cmp.wins}, loses {cmp.losses}, ties {cmp.ties}", "",
              "| fixture | A | B | B − A | | text_pair_f1 A | text_pair_f1 B |", "|---|---:|---:|---:|---|---:|---:|"]
    for f in cmp.per_fixture:
        lines.append(f"| {_md_escape(f.name)} | {fmt_metric('pair_f1', f.a)} | {fmt_metric('pair_f1', f.b)} | "
                     f"{fmt_metric('pair_f1', f.diff, True)} | {f.outcome} | {fmt_metric('text_pair_f1', f.text_a)} | "
                     f"{fmt_metric('text_pair_f1', f.text_b)} |")
    for title, items in (("Pairs gained (B matches, A does not)", cmp.gained),
                         ("Pairs lost (A matches, B does not)", cmp.lost)):
        if items:
            lines += ["", f"### {title}: {len(items)}", "", "| fixture | actor | gold claim | predicted claim |",
                      "|---|---|---|---|"]
            lines += ["| " + " | ".join(_md_escape(x) for x in _example(c)) + " |" for c in items[:max_examples]]
    if cmp.stance_fixed or cmp.stance_broken:
        lines += ["", f"Stance labels fixed by B: {len(cmp.stance_fixed)}, broken by B: {len(cmp.stance_broken)}."]
    notes = [f"only in A: {n}" for n in cmp.only_a] + [f"only in B: {n}" for n in cmp.only_b] + cmp.warnings
    if notes:
        lines += [""] + [f"- {_md_escape(n)}" for n in notes]
    return "\n".join(lines) + "\n"


def comparison_json(cmp: Comparison) -> str:
    return cmp.model_dump_json(indent=2) + "\n"


def violations_text(violations: Sequence[GateViolation]) -> str:
    """A gate's verdict as plain lines, for the terminal and CI logs."""
    if not violations:
        return "gate passed"
    return "gate FAILED:\n" + "\n".join(f"  - {v.message}" for v in violations)
