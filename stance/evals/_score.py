"""Score a run folder against a fixture folder and write ``RUN/metrics.json``.

``score_results`` is the in-memory core (fixtures + results keyed by fixture
name); ``score_run`` reads a run folder, links its articles to fixtures,
scores, and writes the report beside the results. The report keeps each
fixture's counts, so comparisons and paired bootstraps can be made later from
``metrics.json`` alone, and its matched / missed / spurious pairs, so people
can see what the numbers are made of.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from stance._gc import gc_paused
from stance.corpus import ExportError, load_run
from stance.files import write_atomic
from stance.results import STANCE_LABELS, ArticleResult, FailureRecord

from ._corpus import CorpusScore, score_corpus
from ._errors import EvalError
from ._fixtures import CORPUS_FILE, Fixture, fixtures_digest, load_corpus, load_fixtures
from ._matching import TEXT_MATCH_F1, FixtureMatch, MatchedPair, PairRef, claim_token_f1, match_fixture
from ._metrics import CI_KEYS, Counts, Metrics, bootstrap_ci, compute_metrics, macro, pool
from ._options import Mode, ScoreOptions
from ._run import RunInfo, link_run, read_scored_run, run_info

REPORT_VERSION = 1
METRICS_FILE = "metrics.json"


class FixtureScore(BaseModel):
    """One fixture's outcome: status, counts, metrics and the pairs behind them."""

    name: str
    article: str
    status: Literal["ok", "failed", "missing"] = Field(
        description="ok: the run has a result; failed: a failure record; missing: neither "
        "(failed and missing fixtures are scored as empty predictions)"
    )
    failure: str | None = None
    counts: Counts
    metrics: Metrics
    matched: list[MatchedPair] = Field(default_factory=list)
    missed: list[PairRef] = Field(default_factory=list)
    spurious: list[PairRef] = Field(default_factory=list)
    offset_mismatches: int = 0


class Overall(BaseModel):
    micro: Metrics = Field(description="metrics of the pooled counts of all fixtures")
    macro: Metrics = Field(description="mean over fixtures of each metric (undefined values skipped)")
    ci: dict[str, tuple[float, float] | None] = Field(
        description="bootstrap percentile interval of each micro metric in CI_KEYS, resampling fixtures"
    )


class EvalReport(BaseModel):
    """What ``metrics.json`` holds: overall and per-fixture metrics, options, provenance."""

    report_version: int = REPORT_VERSION
    mode: Mode
    options: ScoreOptions
    run: RunInfo | None = None
    fixtures_dir: str | None = None
    fixtures_digest: str
    n_fixtures: int
    overall: Overall
    fixtures: list[FixtureScore]
    not_scored: list[str] = Field(default_factory=list, description="fixtures without a result, and why")
    unmatched_results: list[str] = Field(default_factory=list, description="run articles that are no fixture")
    warnings: list[str] = Field(default_factory=list)
    corpus: CorpusScore | None = Field(
        None, description="claim groups and the actor x claim table against the folder's corpus.json (when it has one)"
    )

    def fixture(self, name: str) -> FixtureScore:
        for f in self.fixtures:
            if f.name == name:
                return f
        raise KeyError(name)


def fixture_counts(
    fixture: Fixture, result: ArticleResult | None, failure: FailureRecord | None, match: FixtureMatch
) -> Counts:
    """The summable counts of one fixture (its matches plus the result's provenance)."""
    k = len(STANCE_LABELS)
    conf = [0] * (k * k)
    correct = 0
    text_f1s = []
    for m in match.matched:
        g, p = STANCE_LABELS.index(m.gold.stance), STANCE_LABELS.index(m.pred.stance)
        conf[g * k + p] += 1
        correct += g == p
        text_f1s.append(claim_token_f1(m.pred.claim, m.gold.claim))
    gold_labels = Counter(ref.stance for ref in [*(m.gold for m in match.matched), *match.missed])
    gold_claims = [(c.text, {s.actor for s in c.stances}) for c in fixture.gold.claims if c.stances]
    pred_claims = [(c.text, {s.actor for s in c.stances}) for c in result.claims if c.stances] if result else []
    c = Counts(
        n_gold=len(match.matched) + len(match.missed),
        n_pred=len(match.matched) + len(match.spurious),
        tp=len(match.matched),
        gold_actors=match.gold_actors,
        pred_actors=match.pred_actors,
        matched_actors=match.matched_actors,
        stance_correct=correct,
        confusion=conf,
        articles=1,
        claim_text_f1_milli=sum(round(f * 1000) for f in text_f1s),
        text_tp=sum(f >= TEXT_MATCH_F1 for f in text_f1s),
        gold_support=gold_labels["support"],
        gold_oppose=gold_labels["oppose"],
        gold_neutral=gold_labels["neutral"],
        pred_claims=len(pred_claims),
        pred_claim_words=sum(len(text.split()) for text, _ in pred_claims),
        pred_multi_claims=sum(len(actors) >= 2 for _, actors in pred_claims),
        gold_claims=len(gold_claims),
        gold_claim_words=sum(len(text.split()) for text, _ in gold_claims),
        gold_multi_claims=sum(len(actors) >= 2 for _, actors in gold_claims),
    )
    if result is not None:
        ev = result.evidence()
        pv = result.provenance
        c.evidence = len(ev)
        c.evidence_grounded = sum(e.alignment in ("exact", "normalized") for e in ev)
        c.evidence_found = sum(e.alignment != "none" for e in ev)
        c.results = 1
        c.first_attempt = int(pv.attempts == 1)
        c.attempts_total = pv.attempts
        c.attempt_records = 1
        c.seconds = pv.seconds
        c.words = fixture.words
        c.prompt_tokens = pv.usage.prompt_tokens
        c.completion_tokens = pv.usage.completion_tokens
        c.cached = int(pv.cached)
    elif failure is not None:
        c.failures = 1
        if failure.attempts is not None:
            c.attempts_total = failure.attempts
            c.attempt_records = 1
    return c


def score_results(
    fixtures: list[Fixture],
    results: Mapping[str, ArticleResult | None],
    failures: Mapping[str, FailureRecord] | None = None,
    options: ScoreOptions | None = None,
) -> EvalReport:
    """Score results (keyed by fixture name) against fixtures; no file is read or written.

    A fixture absent from ``results`` counts as empty predictions (recall 0) and
    is listed in ``not_scored``.
    """
    opts = options or ScoreOptions()
    failures = failures or {}
    with gc_paused():
        return _score(fixtures, results, failures, opts)


def _score(
    fixtures: list[Fixture],
    results: Mapping[str, ArticleResult | None],
    failures: Mapping[str, FailureRecord],
    opts: ScoreOptions,
) -> EvalReport:
    scores: list[FixtureScore] = []
    not_scored: list[str] = []
    mismatches = 0
    for fx in fixtures:
        result = results.get(fx.name)
        failure = failures.get(fx.name) if result is None else None
        match = match_fixture(fx, result, opts)
        counts = fixture_counts(fx, result, failure, match)
        status: Literal["ok", "failed", "missing"] = "ok" if result is not None else ("failed" if failure else "missing")
        why = f"{failure.kind}: {failure.message}".strip(": ") if failure else None
        if status != "ok":
            not_scored.append(f"{fx.name}: {status}" + (f" ({why})" if why else ""))
        mismatches += match.offset_mismatches
        scores.append(
            FixtureScore(
                name=fx.name,
                article=fx.gold.article,
                status=status,
                failure=why,
                counts=counts,
                metrics=compute_metrics(counts),
                matched=match.matched,
                missed=match.missed,
                spurious=match.spurious,
                offset_mismatches=match.offset_mismatches,
            )
        )
    all_counts = [s.counts for s in scores]
    overall = Overall(
        micro=compute_metrics(pool(all_counts)),
        macro=macro([s.metrics for s in scores]),
        ci=bootstrap_ci(
            all_counts, CI_KEYS, resamples=opts.bootstrap_resamples, confidence=opts.confidence, seed=opts.seed
        ),
    )
    warnings = []
    if mismatches:
        warnings.append(
            f"{mismatches} 'exact' evidence spans do not hold their quote in the fixture text "
            "(offsets into a different text?); they were re-located by searching the quote"
        )
    if any(s.counts.cached for s in scores):
        warnings.append("some results came from the response cache: their seconds are not model timings")
    return EvalReport(
        mode=opts.mode,
        options=opts,
        fixtures_digest=fixtures_digest(fixtures),
        n_fixtures=len(fixtures),
        overall=overall,
        fixtures=scores,
        not_scored=not_scored,
        warnings=warnings,
    )


def write_report(report: EvalReport, path: str | Path) -> Path:
    """Write a report as indented JSON, atomically (a reader never sees half a file)."""
    return write_atomic(path, report.model_dump_json(indent=2) + "\n")


def score_run(
    run_dir: str | Path,
    fixtures_dir: str | Path,
    options: ScoreOptions | None = None,
    *,
    write: bool = True,
) -> EvalReport:
    """Score a finished run folder against fixtures; write ``RUN/metrics.json`` unless ``write=False``.

    Needs only ``RUN/results/*.json`` (ArticleResult) and optionally
    ``RUN/failures/*.json`` and ``RUN/manifest.json``; makes no model calls.
    When the fixtures folder holds ``corpus.json``, the report's ``corpus``
    scores the run's claim groups (its claim map or export's merging, with
    ``claims.csv`` corrections) against it.
    """
    fixtures = load_fixtures(fixtures_dir)
    corpus = load_corpus(fixtures_dir, fixtures)
    run = read_scored_run(run_dir)
    linked = link_run(fixtures, run)
    report = score_results(fixtures, linked.results, linked.failures, options)
    if corpus is not None:
        try:
            corpus_run = load_run(run_dir, method=report.options.corpus_method)
        except ExportError as e:
            raise EvalError(f"corpus metrics: {e}") from e
        report.corpus = score_corpus(
            fixtures, corpus, {s.name: s.matched for s in report.fixtures},
            {name: r.article.id for name, r in linked.results.items()}, corpus_run,
            corpus_file=str(Path(fixtures_dir) / CORPUS_FILE))
    info, run_warnings = run_info(run)
    report.run = info
    report.fixtures_dir = str(fixtures_dir)
    report.unmatched_results = linked.unmatched
    report.warnings = linked.warnings + run_warnings + report.warnings
    if linked.unmatched:
        report.warnings.append(f"{len(linked.unmatched)} run articles match no fixture and were ignored")
    if not linked.results:
        report.warnings.append("no result in the run matches a fixture: every fixture scored as empty")
    if write:
        write_report(report, Path(run_dir) / METRICS_FILE)
    return report


def load_report(path: str | Path) -> EvalReport:
    """Read a report from ``metrics.json`` or from a run folder that holds one."""
    p = Path(path)
    if p.is_dir():
        p = p / METRICS_FILE
    if not p.is_file():
        raise EvalError(f"{p}: no metrics file (score the run first: stance eval score RUN --fixtures DIR)")
    try:
        return EvalReport.model_validate_json(p.read_text(encoding="utf-8"))
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise EvalError(f"{p}: not a stance metrics file ({where}: {first['msg']})") from e
    except OSError as e:
        raise EvalError(f"{p}: cannot read: {e.strerror or e}") from e
