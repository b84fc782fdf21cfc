"""`stance eval run`: extract the fixtures through a real (fake) endpoint, then score them."""

from __future__ import annotations

import json
import re

import pytest
from support.fake_openai import reply_json
from support.paths import DEV
from typer.testing import CliRunner

from stance.cli.app import app

SPEAKER = re.compile(r"([A-Z][a-z]+(?: [A-Z][a-zA-Z]+)+) (?:said|told)")


def speaker_responder(body: dict):
    """Points at every sentence that names a speaker with 'X Y said', as a small model might."""
    statements = []
    for line in body["messages"][-1]["content"].splitlines():
        match = re.match(r"\[(\d+)\] (.*)", line)
        speaker = SPEAKER.search(match.group(2)) if match else None
        if speaker:
            statements.append({"s": int(match.group(1)), "who": speaker.group(1), "claim": match.group(2)[:150], "stance": "support"})
    return reply_json({"statements": statements[:24]})


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/fixtures/dev not present")
def test_eval_run_extracts_scores_and_gates(fake_openai, tmp_path, monkeypatch):
    fake_openai.responder = speaker_responder
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    run = tmp_path / "run"
    args = ["eval", "run", "--fixtures", str(DEV), "--out", str(run), "--base-url", fake_openai.base_url,
            "--model", "fake-model", "--workers", "4"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    metrics = json.loads((run / "metrics.json").read_text())
    micro = metrics["overall"]["micro"]
    assert micro["n_gold"] > 150 and micro["n_pred"] > 0
    assert 0 < micro["pair_precision"] <= 1 and 0 < micro["pair_recall"] < 1
    assert micro["grounding_rate"] == 1.0  # sentence pointers ground exactly
    assert len(list((run / "results").glob("*.json"))) == 9
    requests = fake_openai.count()

    # a rerun is served from the run folder: no model calls; an impossible floor fails the gate
    gated = CliRunner().invoke(app, [*args, "--min", "pair_f1=0.99"])
    assert gated.exit_code == 1
    assert "pair_f1" in gated.output
    assert fake_openai.count() == requests
