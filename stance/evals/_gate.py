"""Regression gate: compare metrics with a baseline and with minimums, list what fails.

Baselines are ``metrics.json``-shaped files kept in ``evals/baselines/``. A
gate compares overall micro metrics. A baseline scored with other matching
options or other gold is itself a violation: its numbers cannot be compared,
so the gate says so instead of passing or failing by accident.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from ._compare import Comparison
from ._errors import EvalError
from ._metrics import LOWER_IS_BETTER, METRIC_DOCS, Metrics
from ._score import METRICS_FILE, EvalReport

# Metrics a baseline drop is checked on by default (all higher-is-better quality metrics).
DEFAULT_GATE_METRICS: tuple[str, ...] = ("pair_f1", "pair_precision", "pair_recall", "stance_accuracy", "grounding_rate")
DEFAULT_MAX_DROP = 0.02
_MATCH_OPTIONS = ("mode", "min_overlap_chars", "paraphrase_threshold", "min_paraphrase_tokens")


class GateViolation(BaseModel):
    metric: str
    kind: Literal["drop", "min", "missing", "mismatch"]
    value: float | None = None
    reference: float | None = None
    message: str


def _load(source: EvalReport | Mapping | str | Path) -> tuple[Metrics, EvalReport | None]:
    """Micro metrics (and the full report when there is one) from a report, a dict or a file."""
    if isinstance(source, EvalReport):
        return source.overall.micro, source
    if isinstance(source, Mapping):
        data: object = source
        where = "metrics"
    else:
        p = Path(source)
        if p.is_dir():
            p = p / METRICS_FILE
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except OSError as e:
            raise EvalError(f"{p}: cannot read baseline/metrics file: {e.strerror or e}") from e
        except json.JSONDecodeError as e:
            raise EvalError(f"{p}: not valid JSON ({e})") from e
        where = str(p)
    try:
        report = EvalReport.model_validate(data)
        return report.overall.micro, report
    except ValidationError:
        pass
    if isinstance(data, Mapping):
        overall = data.get("overall")
        micro = overall.get("micro") if isinstance(overall, Mapping) else None
        if isinstance(micro, Mapping):
            return dict(micro), None
        if all(isinstance(v, (int, float)) or v is None for v in data.values()) and data:
            return dict(data), None  # a bare {metric: value} mapping
    raise EvalError(f"{where}: not a metrics file (expected overall.micro metrics, as in metrics.json)")


def _worse_by(metric: str, value: float, reference: float) -> float:
    """How much worse ``value`` is than ``reference`` (positive = worse)."""
    return value - reference if metric in LOWER_IS_BETTER else reference - value


def check_gate(
    metrics: EvalReport | Mapping | str | Path,
    baseline_file: EvalReport | Mapping | str | Path | None = None,
    *,
    max_drop: float = DEFAULT_MAX_DROP,
    mins: Mapping[str, float] | None = None,
    keys: Sequence[str] = DEFAULT_GATE_METRICS,
) -> list[GateViolation]:
    """Every way ``metrics`` fails the gate; an empty list means it passes.

    * drop: a metric in ``keys`` is worse than the baseline by more than ``max_drop``
      (absolute, e.g. 0.02 = two points of F1); lower-is-better metrics are checked
      for rises instead;
    * min: a metric in ``mins`` is below its minimum (``{"pair_f1": 0.4}``);
    * missing: a checked metric is undefined (null) in the current metrics;
    * mismatch: the baseline was scored with other matching options or other gold.
    """
    current, report = _load(metrics)
    out: list[GateViolation] = []
    for k in list(keys) + list(mins or {}):
        if k not in METRIC_DOCS:
            raise EvalError(f"unknown metric {k!r}; known: {', '.join(METRIC_DOCS)}")
    if baseline_file is not None:
        base, base_report = _load(baseline_file)
        if report is not None and base_report is not None:
            diff = [k for k in _MATCH_OPTIONS if getattr(report.options, k) != getattr(base_report.options, k)]
            if diff:
                out.append(GateViolation(metric="*", kind="mismatch", message=(
                    f"baseline was scored with other options ({', '.join(diff)}); its numbers are not comparable")))
            if report.fixtures_digest != base_report.fixtures_digest:
                out.append(GateViolation(metric="*", kind="mismatch", message=(
                    "baseline was scored against other fixtures or gold; record a new baseline")))
        for k in keys:
            v, ref = current.get(k), base.get(k)
            if ref is None:
                continue
            if v is None:
                out.append(GateViolation(metric=k, kind="missing", reference=ref,
                                         message=f"{k} is undefined now (baseline {ref:.3f})"))
            elif _worse_by(k, v, ref) > max_drop + 1e-12:
                out.append(GateViolation(metric=k, kind="drop", value=v, reference=ref, message=(
                    f"{k} {v:.3f} is worse than baseline {ref:.3f} by {_worse_by(k, v, ref):.3f} "
                    f"(allowed {max_drop:.3f})")))
    for k, lo in (mins or {}).items():
        v = current.get(k)
        if v is None:
            out.append(GateViolation(metric=k, kind="missing", reference=lo, message=f"{k} is undefined (minimum {lo})"))
        elif v < lo:
            out.append(GateViolation(metric=k, kind="min", value=v, reference=lo,
                                     message=f"{k} {v:.3f} is below the minimum {lo}"))
    return out


def comparison_regressions(
    comparison: Comparison, *, max_drop: float = DEFAULT_MAX_DROP, keys: Sequence[str] = DEFAULT_GATE_METRICS
) -> list[GateViolation]:
    """Metrics in ``keys`` where B is worse than A by more than ``max_drop`` on the shared fixtures."""
    out = []
    for m in comparison.metrics:
        if m.metric in keys and m.a is not None and m.b is not None and _worse_by(m.metric, m.b, m.a) > max_drop + 1e-12:
            level = f"{comparison.options.confidence:.0%}"
            ci = f", {level} CI of B-A [{m.ci[0]:+.3f}, {m.ci[1]:+.3f}]" if m.ci else ""
            out.append(GateViolation(metric=m.metric, kind="drop", value=m.b, reference=m.a, message=(
                f"{m.metric} fell from {m.a:.3f} to {m.b:.3f} (allowed drop {max_drop:.3f}{ci})")))
    return out


def parse_mins(items: Sequence[str]) -> dict[str, float]:
    """``["pair_f1=0.4", ...]`` -> ``{"pair_f1": 0.4}``, with a clear error for bad items."""
    out = {}
    for it in items:
        name, sep, val = it.partition("=")
        name = name.strip()
        try:
            if not sep:
                raise ValueError
            out[name] = float(val)
        except ValueError:
            raise EvalError(f"--min {it!r}: expected METRIC=VALUE, e.g. pair_f1=0.4") from None
        if name not in METRIC_DOCS:
            raise EvalError(f"--min {it!r}: unknown metric {name!r}; known: {', '.join(METRIC_DOCS)}")
    return out
