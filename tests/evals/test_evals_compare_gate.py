"""compare_runs on hand-built runs (expected diffs, paired intervals, pairs gained/lost) and the gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.eval_runs import FULL, prediction, write_run

from stance.evals import (
    Counts,
    EvalError,
    check_gate,
    compare_runs,
    comparison_json,
    comparison_markdown,
    comparison_regressions,
    paired_bootstrap_diff,
    parse_mins,
    report_markdown,
    score_run,
)


def test_compare_gives_expected_diffs(runs: tuple[Path, Path]) -> None:
    cmp = compare_runs(*runs)
    m = {d.metric: d for d in cmp.metrics}
    # A: tp 5 of 6 gold, 5 predicted. B: tp 5 of 6, 5 predicted. Same pair counts...
    assert (m["pair_recall"].a, m["pair_recall"].b, m["pair_recall"].diff) == (5 / 6, 5 / 6, 0.0)
    # ...but A has one wrong label among 5 matches, B none.
    assert m["stance_accuracy"].a == pytest.approx(0.8) and m["stance_accuracy"].b == 1.0
    assert m["stance_accuracy"].diff == pytest.approx(0.2)
    assert m["seconds_per_article"].diff == 0.0
    # per fixture (pair_f1): n0 tie, n1 B wins (2/3 -> 1), n2 B loses (1 -> 2/3)
    assert [(f.name, f.outcome) for f in cmp.per_fixture] == [("n0", "tie"), ("n1", "win"), ("n2", "loss")]
    assert (cmp.wins, cmp.losses, cmp.ties) == (1, 1, 1)
    assert [(g.fixture, g.gold.actor) for g in cmp.gained] == [("n1", "Carl Dunn1")]
    assert [(g.fixture, g.gold.actor) for g in cmp.lost] == [("n2", "Carl Dunn2")]
    assert cmp.stance_fixed == [] and cmp.stance_broken == []
    assert cmp.run_a is not None and cmp.run_a.prompt_name == "a" and cmp.run_b.prompt_name == "b"  # type: ignore[union-attr]


def test_paired_interval_brackets_the_diff_and_is_deterministic(runs: tuple[Path, Path]) -> None:
    one = compare_runs(*runs)
    two = compare_runs(*runs)
    assert one == two
    d = next(x for x in one.metrics if x.metric == "stance_accuracy")
    assert d.ci is not None and d.ci[0] <= d.diff <= d.ci[1]  # type: ignore[operator]


def test_paired_bootstrap_of_identical_runs_is_zero() -> None:
    counts = [Counts(tp=t, n_pred=4, n_gold=5) for t in (0, 1, 2, 3, 4)]
    ci = paired_bootstrap_diff(counts, counts, resamples=200, seed=3)
    assert ci["pair_f1"] == (0.0, 0.0)
    better = [Counts(tp=t + 1, n_pred=4, n_gold=5) for t in (0, 1, 2, 3, 3)]
    lo, hi = paired_bootstrap_diff(counts, better, resamples=200, seed=3)["pair_recall"]  # type: ignore[misc]
    assert 0.0 < lo <= hi <= 0.2 + 1e-9


def test_stance_fixed_and_broken(tmp_path: Path, fixtures_dir: Path) -> None:
    a = write_run(tmp_path / "a", [prediction(0, FULL(0))])
    b = write_run(tmp_path / "b", [prediction(0, [FULL(0)[0], ("Carl Dunn0", "neutral", "plan 0 fails")])])
    cmp = compare_runs(a, b, fixtures_dir=fixtures_dir)  # rescored now: no metrics.json needed
    assert [c.gold.actor for c in cmp.stance_broken] == ["Carl Dunn0"] and cmp.stance_fixed == []
    assert next(x for x in cmp.metrics if x.metric == "stance_accuracy").diff == pytest.approx(-0.5)
    assert not (a / "metrics.json").exists()


def test_compare_renders_markdown_and_json(runs: tuple[Path, Path]) -> None:
    cmp = compare_runs(*runs)
    md = comparison_markdown(cmp)
    assert "| stance_accuracy | 0.800 | 1.000 | +0.200 |" in md
    assert "B wins 1, loses 1, ties 1" in md and "Carl Dunn1" in md
    assert json.loads(comparison_json(cmp))["wins"] == 1


def test_compare_needs_metrics_or_fixtures(tmp_path: Path, fixtures_dir: Path) -> None:
    a = write_run(tmp_path / "a", [prediction(0, FULL(0))])
    with pytest.raises(EvalError, match="pass --fixtures"):
        compare_runs(a, a)


# --- gate ---------------------------------------------------------------------


def test_gate_fails_on_a_drop_and_passes_otherwise(runs: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = runs
    baseline = tmp_path / "baseline.json"
    baseline.write_text((b / "metrics.json").read_text())
    assert check_gate(b / "metrics.json", baseline) == []  # same numbers pass
    violations = check_gate(a, baseline, max_drop=0.05)  # A's stance accuracy is 0.2 lower
    assert [(v.metric, v.kind) for v in violations] == [("stance_accuracy", "drop")]
    assert "stance_accuracy 0.800 is worse than baseline 1.000 by 0.200" in violations[0].message
    assert check_gate(a, baseline, max_drop=0.25) == []  # within the allowed drop


def test_gate_minimums_and_lower_is_better(runs: tuple[Path, Path]) -> None:
    a, _ = runs
    assert check_gate(a, mins={"pair_f1": 0.4}) == []
    v = check_gate(a, mins={"pair_f1": 0.95})  # A: 2*5 / (5 + 6) = 0.909
    assert [(x.metric, x.kind) for x in v] == [("pair_f1", "min")]
    slower = {"overall": {"micro": {"seconds_per_article": 3.0}}}
    base = {"overall": {"micro": {"seconds_per_article": 2.0}}}
    assert [x.kind for x in check_gate(slower, base, max_drop=0.5, keys=["seconds_per_article"])] == ["drop"]
    assert check_gate(base, slower, max_drop=0.5, keys=["seconds_per_article"]) == []


def test_gate_refuses_a_baseline_scored_differently(runs: tuple[Path, Path], fixtures_dir: Path, tmp_path: Path) -> None:
    from stance.evals import ScoreOptions

    a, b = runs
    other = score_run(b, fixtures_dir, ScoreOptions(min_overlap_chars=3), write=False)
    kinds = [v.kind for v in check_gate(a, other)]
    assert "mismatch" in kinds


def test_comparison_regressions(runs: tuple[Path, Path]) -> None:
    a, b = runs
    assert [v.metric for v in comparison_regressions(compare_runs(b, a))] == ["stance_accuracy"]
    assert comparison_regressions(compare_runs(a, b)) == []


def test_parse_mins_and_bad_files(tmp_path: Path) -> None:
    assert parse_mins(["pair_f1=0.4", "stance_accuracy = 0.5"]) == {"pair_f1": 0.4, "stance_accuracy": 0.5}
    for bad in ("pair_f1", "pair_f1=x", "nonsense=1"):
        with pytest.raises(EvalError):
            parse_mins([bad])
    p = tmp_path / "b.json"
    p.write_text('{"hello": "world"}')
    with pytest.raises(EvalError, match="not a metrics file"):
        check_gate({"pair_f1": 0.5}, p)
    with pytest.raises(EvalError, match="cannot read"):
        check_gate({"pair_f1": 0.5}, tmp_path / "missing.json")


def test_report_markdown_lists_every_fixture(runs: tuple[Path, Path]) -> None:
    from stance.evals import load_report

    md = report_markdown(load_report(runs[0]))
    assert "| pair_f1 | 0.909 |" in md
    for name in ("n0", "n1", "n2"):
        assert f"| {name} | ok |" in md


def test_runs_scored_in_different_modes_are_compared_in_open_mode(runs: tuple[Path, Path], fixtures_dir: Path) -> None:
    from stance.evals import ScoreOptions

    a, b = runs
    score_run(b, fixtures_dir, ScoreOptions(mode="codebook"))  # B's results carry no codebook ids: 0 in that mode
    cmp = compare_runs(a, b)
    m = {d.metric: d for d in cmp.metrics}
    assert (m["pair_recall"].a, m["pair_recall"].b) == (5 / 6, 5 / 6)  # both rescored with open-mode matching
