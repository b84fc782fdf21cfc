"""Put two scored runs side by side: metric by metric, fixture by fixture, pair by pair.

Differences are B - A. Their intervals come from a paired bootstrap over the
fixtures both runs scored (the same resampled fixtures for A and B), which is
what tells a real improvement from article-to-article noise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ._corpus import CORPUS_METRIC_DOCS
from ._errors import EvalError
from ._matching import PairRef
from ._metrics import CI_KEYS, LOWER_IS_BETTER, METRIC_DOCS, compute_metrics, paired_bootstrap_diff, pool
from ._options import ScoreOptions
from ._run import RunInfo
from ._score import METRICS_FILE, EvalReport, load_report, score_run

# Options that change which pairs match; the bootstrap settings do not.
_MATCH_OPTIONS = ("mode", "min_overlap_chars", "paraphrase_threshold", "min_paraphrase_tokens")


class MetricDiff(BaseModel):
    metric: str
    a: float | None
    b: float | None
    diff: float | None = Field(description="b - a")
    ci: tuple[float, float] | None = Field(None, description="paired-bootstrap interval of b - a")
    verdict: Literal["better", "worse", "same", "unclear", "changed"] = Field(
        description="better/worse: the interval excludes 0 (or, without one, the values differ); "
        "direction accounts for lower-is-better metrics; unclear: the interval spans 0; "
        "changed: n_pred, n_gold or cached_rate differ (neither direction is better)"
    )


class FixtureDiff(BaseModel):
    name: str
    a: float | None = Field(description="pair_f1 of A")
    b: float | None = Field(description="pair_f1 of B")
    diff: float | None
    outcome: Literal["win", "loss", "tie"] = Field(description="for B against A, on pair_f1")
    text_a: float | None = Field(None, description="text_pair_f1 of A: pairs whose claim text alone matches")
    text_b: float | None = Field(None, description="text_pair_f1 of B")


class PairChange(BaseModel):
    """A gold pair whose outcome differs between the runs, with the prediction that matched it."""

    fixture: str
    gold: PairRef
    pred: PairRef


class Comparison(BaseModel):
    a: str
    b: str
    run_a: RunInfo | None = None
    run_b: RunInfo | None = None
    options: ScoreOptions
    fixtures: list[str] = Field(description="fixtures both runs scored (the paired sample)")
    only_a: list[str] = Field(default_factory=list)
    only_b: list[str] = Field(default_factory=list)
    metrics: list[MetricDiff]
    per_fixture: list[FixtureDiff]
    wins: int
    losses: int
    ties: int
    gained: list[PairChange] = Field(default_factory=list, description="gold pairs B matches and A does not")
    lost: list[PairChange] = Field(default_factory=list, description="gold pairs A matches and B does not")
    stance_fixed: list[PairChange] = Field(default_factory=list, description="matched by both; B's label right, A's wrong")
    stance_broken: list[PairChange] = Field(default_factory=list, description="matched by both; A's label right, B's wrong")
    warnings: list[str] = Field(default_factory=list)
    corpus: list[MetricDiff] = Field(
        default_factory=list,
        description="corpus metrics of A and B (both scored against a corpus.json); one number per run, so no interval",
    )

    def metrics_of(self, side: Literal["a", "b"]) -> dict[str, float | None]:
        """One run's pooled metrics over the shared fixtures, as the metric rows hold them."""
        return {m.metric: m.a if side == "a" else m.b for m in self.metrics}


# No better or worse: counts, cache use, and lengths and shares that should come near the gold's rather than grow or shrink.
_NO_DIRECTION = frozenset({"n_pred", "n_gold", "cached_rate", "claim_words", "gold_claim_words", "gold_multi_actor_share",
                           "corpus_cells", "corpus_gold_pairs"})


def _verdict(metric: str, diff: float | None, ci: tuple[float, float] | None) -> str:
    if diff is None:
        return "unclear"
    if metric in _NO_DIRECTION:
        return "same" if diff == 0 else "changed"
    if ci is not None:
        if ci[0] <= 0.0 <= ci[1]:
            return "same" if diff == 0 else "unclear"
        up = ci[0] > 0
    else:
        if abs(diff) < 1e-12:
            return "same"
        up = diff > 0
    return "worse" if up == (metric in LOWER_IS_BETTER) else "better"


def compare_reports(a: EvalReport, b: EvalReport, *, label_a: str = "A", label_b: str = "B") -> Comparison:
    """Compare two reports scored with the same matching options against the same gold."""
    warnings = []
    diff_opts = [k for k in _MATCH_OPTIONS if getattr(a.options, k) != getattr(b.options, k)]
    if diff_opts:
        raise EvalError(f"the runs were scored with different options ({', '.join(diff_opts)}): rescore both alike")
    if a.fixtures_digest != b.fixtures_digest:
        warnings.append("the runs were scored against different fixture sets or gold; only shared fixtures are paired")
    fa = {f.name: f for f in a.fixtures}
    fb = {f.name: f for f in b.fixtures}
    common = sorted(set(fa) & set(fb))
    if not common:
        raise EvalError("the two runs share no fixture: nothing to compare")
    ca, cb = [fa[n].counts for n in common], [fb[n].counts for n in common]
    ma, mb = compute_metrics(pool(ca)), compute_metrics(pool(cb))
    opts = b.options
    cis = paired_bootstrap_diff(ca, cb, CI_KEYS, resamples=opts.bootstrap_resamples, confidence=opts.confidence, seed=opts.seed)
    metrics = []
    for k in METRIC_DOCS:
        va, vb = ma.get(k), mb.get(k)  # a report written before a metric existed lacks it
        d = vb - va if va is not None and vb is not None else None
        ci = cis.get(k)
        metrics.append(MetricDiff(metric=k, a=va, b=vb, diff=d, ci=ci, verdict=_verdict(k, d, ci)))

    per_fixture, gained, lost, fixed, broken = [], [], [], [], []
    for n in common:
        x, y = fa[n].metrics.get("pair_f1"), fb[n].metrics.get("pair_f1")
        xv, yv = x or 0.0, y or 0.0
        outcome = "win" if yv > xv + 1e-12 else "loss" if yv < xv - 1e-12 else "tie"
        d = yv - xv if x is not None or y is not None else None
        per_fixture.append(FixtureDiff(name=n, a=x, b=y, diff=d, outcome=outcome,
                                       text_a=fa[n].metrics.get("text_pair_f1"), text_b=fb[n].metrics.get("text_pair_f1")))
        key = lambda p: (p.claim_id, p.actor)  # noqa: E731
        ma_pairs = {key(m.gold): m for m in fa[n].matched}
        mb_pairs = {key(m.gold): m for m in fb[n].matched}
        for k2, m in mb_pairs.items():
            if k2 not in ma_pairs:
                gained.append(PairChange(fixture=n, gold=m.gold, pred=m.pred))
            else:
                ok_a = ma_pairs[k2].pred.stance == m.gold.stance
                ok_b = m.pred.stance == m.gold.stance
                if ok_b and not ok_a:
                    fixed.append(PairChange(fixture=n, gold=m.gold, pred=m.pred))
                elif ok_a and not ok_b:
                    broken.append(PairChange(fixture=n, gold=m.gold, pred=m.pred))
        for k2, m in ma_pairs.items():
            if k2 not in mb_pairs:
                lost.append(PairChange(fixture=n, gold=m.gold, pred=m.pred))
    corpus = []
    if a.corpus is not None and b.corpus is not None:
        if a.corpus.grouping.split(",")[0] != b.corpus.grouping.split(",")[0]:
            warnings.append(f"the runs' claims were grouped differently ({a.corpus.grouping} / {b.corpus.grouping})")
        if a.corpus.sha256 != b.corpus.sha256:
            warnings.append("the runs were scored against different corpus.json files; their corpus metrics differ in gold")
        for k in CORPUS_METRIC_DOCS:
            va, vb = a.corpus.metrics.get(k), b.corpus.metrics.get(k)
            d = vb - va if va is not None and vb is not None else None
            corpus.append(MetricDiff(metric=k, a=va, b=vb, diff=d, verdict=_verdict(k, d, None)))
    elif (a.corpus is None) != (b.corpus is None):
        warnings.append(f"only {label_a if a.corpus is not None else label_b} has corpus metrics; rescore both with the same fixtures")
    return Comparison(
        a=label_a,
        b=label_b,
        run_a=a.run,
        run_b=b.run,
        options=opts,
        fixtures=common,
        only_a=sorted(set(fa) - set(fb)),
        only_b=sorted(set(fb) - set(fa)),
        metrics=metrics,
        per_fixture=per_fixture,
        wins=sum(f.outcome == "win" for f in per_fixture),
        losses=sum(f.outcome == "loss" for f in per_fixture),
        ties=sum(f.outcome == "tie" for f in per_fixture),
        gained=gained,
        lost=lost,
        stance_fixed=fixed,
        stance_broken=broken,
        warnings=warnings,
        corpus=corpus,
    )


def _report_for(run: Path, fixtures_dir: str | Path | None, options: ScoreOptions | None) -> EvalReport:
    if fixtures_dir is not None:
        return score_run(run, fixtures_dir, options, write=False)
    if not (run / METRICS_FILE).is_file():
        if not run.is_dir():
            raise EvalError(f"{run}: run folder not found")
        raise EvalError(f"{run}: no {METRICS_FILE}; pass --fixtures DIR to score it")
    return load_report(run)


def compare_runs(
    run_a: str | Path,
    run_b: str | Path,
    *,
    fixtures_dir: str | Path | None = None,
    options: ScoreOptions | None = None,
) -> Comparison:
    """Compare two run folders.

    With ``fixtures_dir`` both runs are rescored now with the same ``options``
    (nothing is written); without it each run's ``metrics.json`` is used, and
    if they were scored with different matching options both are rescored
    against the fixtures folder recorded in them (in open mode when one run was
    scored in codebook mode and the other not).
    """
    pa, pb = Path(run_a), Path(run_b)
    ra, rb = _report_for(pa, fixtures_dir, options), _report_for(pb, fixtures_dir, options)
    if fixtures_dir is None and any(getattr(ra.options, k) != getattr(rb.options, k) for k in _MATCH_OPTIONS):
        recorded = ra.fixtures_dir or rb.fixtures_dir
        if not recorded or not Path(recorded).is_dir():
            raise EvalError("the runs were scored with different options; pass --fixtures DIR to rescore both alike")
        opts = options or rb.options
        if ra.options.mode != rb.options.mode:  # open-mode matching applies to any run; codebook ids need both
            opts = opts.model_copy(update={"mode": "open"})
        ra, rb = score_run(pa, recorded, opts, write=False), score_run(pb, recorded, opts, write=False)
    return compare_reports(ra, rb, label_a=str(run_a), label_b=str(run_b))

