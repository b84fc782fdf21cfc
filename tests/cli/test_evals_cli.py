"""`stance eval score` and `stance eval compare`: outputs, exit codes, clear errors.

On runs A and B built by hand: the ``runs`` and ``fixtures_dir`` fixtures in tests/conftest.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from stance.cli.app import app
from stance.evals import ScoreOptions

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_score_writes_metrics_markdown_and_json(runs, fixtures_dir: Path, tmp_path: Path) -> None:
    a, _ = runs
    (a / "metrics.json").unlink()
    md, js = tmp_path / "r.md", tmp_path / "r.json"
    r = invoke("eval", "score", str(a), "--fixtures", str(fixtures_dir), "--markdown", str(md), "--json", str(js))
    assert r.exit_code == 0, r.output
    assert "pair_f1" in r.output and "0.909" in r.output
    assert json.loads((a / "metrics.json").read_text())["overall"]["micro"]["tp"] == 5
    assert md.read_text().startswith("## Eval report")
    assert json.loads(js.read_text())["n_fixtures"] == 3


def test_score_options_reach_the_report(runs, fixtures_dir: Path) -> None:
    a, _ = runs
    r = invoke("eval", "score", str(a), "-f", str(fixtures_dir), "--min-overlap-chars", "3", "--resamples", "10",
               "--seed", "5", "--paraphrase-threshold", "0.9", "--mode", "codebook")
    assert r.exit_code == 0, r.output
    opts = json.loads((a / "metrics.json").read_text())["options"]
    assert opts == {**opts, "min_overlap_chars": 3, "bootstrap_resamples": 10, "seed": 5, "paraphrase_threshold": 0.9,
                    "mode": "codebook"}


def test_score_gate_exit_codes(runs, fixtures_dir: Path, tmp_path: Path) -> None:
    a, b = runs
    baseline = tmp_path / "baseline.json"
    baseline.write_text((b / "metrics.json").read_text())
    r = invoke("eval", "score", str(a), "-f", str(fixtures_dir), "--baseline", str(baseline), "--max-drop", "0.05")
    assert r.exit_code == 1
    assert "gate FAILED" in r.output and "stance_accuracy 0.800 is worse than baseline 1.000" in r.output
    r = invoke("eval", "score", str(a), "-f", str(fixtures_dir), "--baseline", str(baseline), "--max-drop", "0.25")
    assert r.exit_code == 0 and "gate passed" in r.output
    r = invoke("eval", "score", str(a), "-f", str(fixtures_dir), "--min", "pair_f1=0.95")
    assert r.exit_code == 1 and "pair_f1 0.909 is below the minimum 0.95" in r.output
    r = invoke("eval", "score", str(a), "-f", str(fixtures_dir), "--min", "pair_f1=0.4")
    assert r.exit_code == 0


def test_bad_input_exits_2_without_traceback(runs, fixtures_dir: Path, tmp_path: Path) -> None:
    a, _ = runs
    cases = [
        (("eval", "score", str(a), "-f", str(tmp_path / "none")), "fixtures folder not found"),
        (("eval", "score", str(tmp_path / "none"), "-f", str(fixtures_dir)), "run folder not found"),
        (("eval", "score", str(a), "-f", str(fixtures_dir), "--max-drop", "0.1"), "--max-drop needs --baseline"),
        (("eval", "score", str(a), "-f", str(fixtures_dir), "--min", "f1"), "expected METRIC=VALUE"),
        (("eval", "score", str(a), "-f", str(fixtures_dir), "--mode", "bogus"), "--mode"),
        (("eval", "score", str(a), "-f", str(fixtures_dir), "--baseline", str(tmp_path / "x.json")), "cannot read"),
        (("eval", "compare", str(a), str(tmp_path / "none")), "run folder not found"),
    ]
    for args, message in cases:
        r = invoke(*args)
        assert r.exit_code == 2, (args, r.output)
        assert message in " ".join(r.output.split()), (args, r.output)
        assert "Traceback" not in r.output


def test_compare_outputs_and_fail_on_regression(runs, tmp_path: Path) -> None:
    a, b = runs
    md, js = tmp_path / "c.md", tmp_path / "c.json"
    r = invoke("eval", "compare", str(a), str(b), "--markdown", str(md), "--json", str(js), "--fail-on-regression")
    assert r.exit_code == 0, r.output
    assert "stance_accuracy" in r.output and "gate passed" in r.output
    assert "B wins 1, loses 1, ties 1" in md.read_text()
    assert json.loads(js.read_text())["gained"][0]["gold"]["actor"] == "Carl Dunn1"
    r = invoke("eval", "compare", str(b), str(a), "--fail-on-regression")
    assert r.exit_code == 1 and "stance_accuracy fell from 1.000 to 0.800" in r.output
    r = invoke("eval", "compare", str(b), str(a), "--fail-on-regression", "--max-drop", "0.3")
    assert r.exit_code == 0


def test_help_states_the_real_defaults() -> None:
    text = " ".join(re.sub(r"[│╭╮╰╯─]", " ", invoke("eval", "score", "--help").output).split())
    d = ScoreOptions()
    for flag, value in (("overlap that matches", d.min_overlap_chars), ("0-1", d.paraphrase_threshold),
                        ("resamples", d.bootstrap_resamples), ("seed", d.seed), ("What is scored", d.mode)):
        assert re.search(re.escape(flag) + r"[^()]*\(default: " + re.escape(str(value)) + r"\)", text), flag
