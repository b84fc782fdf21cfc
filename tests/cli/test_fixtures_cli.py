"""stance fixtures draft / import and stance export --format dna on the dev gold run: valid fixtures, same gold pairs, runs eval reads."""

from __future__ import annotations

import json
from pathlib import Path

from support.gold_runs import dev_fixtures, gold_pairs, validate, write_gold_run
from support.paths import DEV
from typer.testing import CliRunner

from stance.cli.app import app
from stance.evals import score_run

cli = CliRunner()


def test_draft_of_the_gold_run_is_the_gold(tmp_path: Path) -> None:
    run = write_gold_run(tmp_path, dev_fixtures())
    out = cli.invoke(app, ["fixtures", "draft", str(run), "--out", str(tmp_path / "drafts")])
    assert out.exit_code == 0, out.output
    assert validate(tmp_path / "drafts") == ""
    assert gold_pairs(tmp_path / "drafts") == gold_pairs(DEV)


def test_dna_export_and_import_as_fixtures_and_run(tmp_path: Path) -> None:
    fixtures = dev_fixtures()
    run = write_gold_run(tmp_path, fixtures)
    out = cli.invoke(app, ["export", str(run), "--format", "dna", "--out", str(tmp_path / "corpus.dna")])
    assert out.exit_code == 0, out.output
    out = cli.invoke(app, ["fixtures", "import", str(tmp_path / "corpus.dna"), "--out", str(tmp_path / "fx"), "--as-run", str(tmp_path / "run2")])
    assert out.exit_code == 0, out.output
    assert validate(tmp_path / "fx") == ""
    assert gold_pairs(tmp_path / "fx") == gold_pairs(DEV)
    corpus = json.loads((tmp_path / "fx" / "corpus.json").read_text(encoding="utf-8"))
    assert {c["text"] for c in corpus["claims"]} == {c.text for f in fixtures for c in f.gold.claims}
    assert score_run(tmp_path / "run2", DEV).overall.micro["pair_f1"] == 1.0  # the corrected run scores as the gold it is


def test_exchange_formats_need_out_and_a_run(tmp_path: Path) -> None:
    out = cli.invoke(app, ["export", str(tmp_path), "--format", "dna"])
    assert out.exit_code == 1 and "needs --out" in out.output
    out = cli.invoke(app, ["export", str(tmp_path / "nope"), "--format", "label-studio", "--out", str(tmp_path / "ls")])
    assert out.exit_code == 1 and "run folder not found" in out.output
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    out = cli.invoke(app, ["fixtures", "import", str(tmp_path / "bad.json"), "--out", str(tmp_path / "fx")])
    assert out.exit_code == 1 and "not a Label Studio JSON export" in out.output
