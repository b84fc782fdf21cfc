"""Eval harness: score runs against hand-labelled fixtures, compare runs, gate regressions.

Typical use (a notebook or a CI script)::

    from stance.evals import ScoreOptions, score_run, compare_runs, check_gate

    report = score_run("runs/new", "../shared/fixtures/dev")     # writes runs/new/metrics.json
    report.overall.micro["pair_f1"], report.overall.ci["pair_f1"]
    cmp = compare_runs("runs/old", "runs/new")                    # paired bootstrap of B - A
    problems = check_gate(report, "evals/baselines/dev.json", max_drop=0.02, mins={"pair_f1": 0.4})

Matching rules and metric keys: docs/evals.md.
"""

from ._compare import Comparison, FixtureDiff, MetricDiff, PairChange, compare_reports, compare_runs
from ._corpus import CORPUS_METRIC_DOCS, CorpusCell, CorpusClaimScore, CorpusScore, bcubed, gold_claim_map, score_corpus
from ._errors import EvalError
from ._extract import extract_and_score, extract_fixtures_with_gold_codebooks, gold_codebook
from ._fixtures import (
    CORPUS_FILE,
    CorpusClaim,
    Fixture,
    GoldActor,
    GoldClaim,
    GoldCorpus,
    GoldFile,
    GoldStance,
    gold_as_result,
    load_corpus,
    load_fixture,
    load_fixtures,
)
from ._gate import DEFAULT_GATE_METRICS, DEFAULT_MAX_DROP, GateViolation, check_gate, comparison_regressions, parse_mins
from ._matching import (
    TEXT_MATCH_F1,
    FixtureMatch,
    MatchedPair,
    PairRef,
    actor_match,
    claim_token_f1,
    match_fixture,
    name_tokens,
)
from ._metrics import CI_KEYS, METRIC_DOCS, Counts, bootstrap_ci, compute_metrics, paired_bootstrap_diff
from ._options import ScoreOptions
from ._render import (
    CORPUS_CLAIM_COLUMNS,
    claims_line,
    comparison_json,
    comparison_markdown,
    corpus_claim_rows,
    corpus_line,
    fmt_corpus,
    fmt_metric,
    print_comparison,
    print_report,
    report_json,
    report_markdown,
    violations_text,
)
from ._run import RunInfo, link_run, read_scored_run
from ._score import METRICS_FILE, EvalReport, FixtureScore, load_report, score_results, score_run, write_report

__all__ = [
    "CI_KEYS",
    "CORPUS_CLAIM_COLUMNS",
    "CORPUS_FILE",
    "CORPUS_METRIC_DOCS",
    "DEFAULT_GATE_METRICS",
    "DEFAULT_MAX_DROP",
    "METRICS_FILE",
    "METRIC_DOCS",
    "Comparison",
    "CorpusCell",
    "CorpusClaim",
    "CorpusClaimScore",
    "CorpusScore",
    "Counts",
    "EvalError",
    "EvalReport",
    "Fixture",
    "FixtureDiff",
    "FixtureMatch",
    "FixtureScore",
    "GateViolation",
    "GoldActor",
    "GoldClaim",
    "GoldCorpus",
    "GoldFile",
    "GoldStance",
    "MatchedPair",
    "MetricDiff",
    "PairChange",
    "PairRef",
    "RunInfo",
    "ScoreOptions",
    "actor_match",
    "claim_token_f1",
    "claims_line",
    "TEXT_MATCH_F1",
    "bcubed",
    "bootstrap_ci",
    "check_gate",
    "extract_and_score",
    "extract_fixtures_with_gold_codebooks",
    "gold_codebook",
    "fmt_corpus",
    "fmt_metric",
    "compare_reports",
    "compare_runs",
    "comparison_json",
    "comparison_markdown",
    "comparison_regressions",
    "compute_metrics",
    "corpus_claim_rows",
    "corpus_line",
    "gold_as_result",
    "gold_claim_map",
    "link_run",
    "load_corpus",
    "load_fixture",
    "load_fixtures",
    "load_report",
    "read_scored_run",
    "match_fixture",
    "name_tokens",
    "paired_bootstrap_diff",
    "parse_mins",
    "print_comparison",
    "print_report",
    "report_json",
    "report_markdown",
    "score_corpus",
    "score_results",
    "score_run",
    "violations_text",
    "write_report",
]
