"""Plots for papers and slides (PNG, SVG or PDF): the run's stance table and eval metrics.

They need matplotlib, the optional ``report`` extra; without it a plot call
says how to install it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stance.corpus import Run
from stance.evals import CI_KEYS, Comparison, EvalReport, fmt_metric
from stance.report.html import ReportError
from stance.report.run_page import open_run
from stance.report.stance_table import stance_table

PLOT_FORMATS = (".png", ".svg", ".pdf")


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ReportError("plots need matplotlib: pip install 'stance[report]'") from exc
    return Figure(figsize=(width, height), layout="constrained")


def _check_plot_target(out: Path) -> None:
    if out.suffix.lower() not in PLOT_FORMATS:
        raise ReportError(f"plot file must end in one of {', '.join(PLOT_FORMATS)}: {out}")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def plot_stance_table(run: Run | Path | str, out: Path | str, *, max_actors: int | None = 30,
                      max_claims: int | None = 20) -> Path:
    """The run's actor x claim table as a heat-map image (PNG, SVG or PDF by suffix).

    Colour is the net stance, (support - oppose) / stances, from red (-1) to
    green (+1); a blank cell means the actor took no stance on that claim.
    """
    out = Path(out)
    _check_plot_target(out)
    run = run if isinstance(run, Run) else open_run(run)
    table = stance_table(run, max_actors, max_claims)
    if not table.actors:
        raise ReportError(f"{run.path} has no stances to plot")
    import numpy as np  # matplotlib depends on numpy

    grid = np.full((len(table.actors), len(table.claims)), np.nan)
    for r, actor in enumerate(table.actors):
        for c, claim in enumerate(table.claims):
            cell = table.cell(actor, claim.id)
            if cell is not None:
                grid[r, c] = cell.score
    fig = _figure(max(4.5, 2.5 + 0.35 * len(table.claims)), max(3.5, 3.2 + 0.3 * len(table.actors)))
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="RdYlGn", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(table.claims)), [f"{c.id} {_shorten(c.text, 48)}" for c in table.claims],
                  rotation=90, fontsize=7)
    ax.set_yticks(range(len(table.actors)), [_shorten(a, 32) for a in table.actors])
    for r, actor in enumerate(table.actors):
        for c, claim in enumerate(table.claims):
            cell = table.cell(actor, claim.id)
            if cell is not None:
                ax.text(c, r, cell.symbol(), ha="center", va="center", fontsize=8)
    ax.set_title("Stances: actors \u00d7 claims")
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("net stance (oppose \u2212 \u2026 + support)")
    return _save(fig, out)


def _save(fig: Any, out: Path) -> Path:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, dpi=150)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return out


def plot_eval_metrics(result: EvalReport | Comparison, out: Path | str) -> Path:
    """Eval metrics as an image (PNG, SVG or PDF by suffix).

    For an ``EvalReport``: each interval metric's micro value as a bar with its
    bootstrap interval. For a ``Comparison``: B - A per metric with its
    paired-bootstrap interval around a line at 0 (a forest plot), green where
    B is better, red where worse, grey where the interval holds 0.
    """
    out = Path(out)
    _check_plot_target(out)
    keys = list(CI_KEYS)
    fig = _figure(6.5, 1.2 + 0.32 * len(keys))
    ax = fig.add_subplot()
    y = list(range(len(keys)))[::-1]
    if isinstance(result, Comparison):
        by_key = {m.metric: m for m in result.metrics}
        colour = {"better": "#2e7d32", "worse": "#c62828", "same": "#888888", "unclear": "#888888"}
        for yi, k in zip(y, keys, strict=True):
            m = by_key[k]
            if m.diff is None:
                continue
            lo, hi = (m.ci if m.ci else (m.diff, m.diff))
            ax.errorbar(m.diff, yi, xerr=[[m.diff - lo], [hi - m.diff]], fmt="o", color=colour[m.verdict], capsize=3)
        ax.axvline(0, color="#444444", linewidth=0.8, linestyle="--")
        ax.set_xlabel(f"B \u2212 A ({result.options.confidence:.0%} paired-bootstrap interval)")
        ax.set_title(_shorten(f"B = {result.b}  vs  A = {result.a}", 90), fontsize=9)
    else:
        micro, ci = result.overall.micro, result.overall.ci
        values = [micro.get(k) for k in keys]
        ax.barh(y, [v or 0.0 for v in values], color="#8fa9d6")
        for yi, k, v in zip(y, keys, values, strict=True):
            bounds = ci.get(k)
            if v is not None and bounds:
                lo, hi = bounds
                ax.errorbar(v, yi, xerr=[[v - lo], [hi - v]], fmt="none", color="#1a3f80", capsize=3)
            ax.text(0.01, yi, fmt_metric(k, v), va="center", fontsize=7)
        ax.set_xlim(0, 1)
        ax.set_xlabel(f"micro value ({result.options.confidence:.0%} bootstrap interval over fixtures)")
        run = result.run
        ax.set_title(_shorten(f"{run.path if run else 'eval'} \u00b7 {run.model if run else ''}", 90), fontsize=9)
    ax.set_yticks(y, keys, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, out)
