"""Label Studio round trip against a real server: export the dev gold run, correct one article, export, import back.

The annotation changes one stance, deletes one span and adds one; exactly those
three changes must arrive, as fixtures and as a run folder (``--as-run``).
A second article is submitted unchanged and must come back identical.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from support.gold_runs import dev_fixtures, validate, write_gold_run
from support.label_studio import LS_BIN, drive, label_studio
from typer.testing import CliRunner

from stance.cli.app import app
from stance.evals import load_fixtures, score_run
from stance.exchange import read_label_studio

EDITED, UNCHANGED = "blinken-iran-no-agreement", "russia-ctbt-deratification"
NEW_QUOTE = "denied that there was any sort of imminent agreement with Iran"  # not gold evidence; added as Blinken's support of c1


def _stances(folder: Path, name: str) -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    (f,) = [f for f in load_fixtures(folder) if f.name == name]
    return {(c.text, s.actor): (s.stance, frozenset(s.evidence)) for c in f.gold.claims for s in c.stances}


def _edit(task: dict) -> tuple[list[dict], dict]:
    """The predictions with three edits: one stance flipped, one span deleted, one span added. Also what was done.

    The flipped span is the only evidence of its (actor, claim), so the flip cannot conflict with a
    sibling span; the added span gives Blinken a stance on a claim he had none on.
    """
    result = [dict(r) for r in task["predictions"][0]["result"]]
    regions: dict[str, dict[str, dict]] = {}
    for r in result:
        regions.setdefault(r["id"], {})[r["from_name"]] = r
    pair = {rid: (reg["actor"]["value"]["choices"][0], reg["claim"]["value"]["choices"][0]) for rid, reg in regions.items()}
    alone = [rid for rid in regions if list(pair.values()).count(pair[rid]) == 1]
    flip_id = alone[0]
    drop_id = next(rid for rid in regions if rid != flip_id)
    flip = regions[flip_id]
    flip["stance"]["value"] = {**flip["stance"]["value"], "labels": [
        "oppose" if flip["stance"]["value"]["labels"] != ["oppose"] else "support"]}
    result = [r for r in result if r["id"] != drop_id]
    blinken_claims = {c for a, c in pair.values() if a == "Antony Blinken"}
    claim = next(o["value"] for o in task["data"]["claim_options"] if o["value"] not in blinken_claims)
    text = task["data"]["text"]
    start = text.index(NEW_QUOTE)
    span = {"start": start, "end": start + len(NEW_QUOTE), "text": NEW_QUOTE}
    result += [
        {"id": "added1", "from_name": "stance", "to_name": "text", "type": "labels", "value": {**span, "labels": ["support"]}},
        {"id": "added1", "from_name": "actor", "to_name": "text", "type": "choices", "value": {**span, "choices": ["Antony Blinken"]}},
        {"id": "added1", "from_name": "claim", "to_name": "text", "type": "choices", "value": {**span, "choices": [claim]}},
    ]
    done = {"flipped": flip["stance"]["value"]["text"], "flip_to": flip["stance"]["value"]["labels"][0],
            "flipped_pair": pair[flip_id], "dropped": regions[drop_id]["stance"]["value"]["text"], "claim": claim}
    return result, done


@pytest.mark.skipif(not LS_BIN.exists(), reason=f"label-studio is not installed in {LS_BIN.parent.parent} (bash scripts/test.sh installs it)")
def test_label_studio_round_trip_brings_back_exactly_the_three_edits(tmp_path: Path) -> None:
    t0 = time.monotonic()
    fixtures = dev_fixtures()
    run = write_gold_run(tmp_path, fixtures)
    work = tmp_path / "ls"
    cli = CliRunner()
    out = cli.invoke(app, ["export", str(run), "--format", "label-studio", "--out", str(work)])
    assert out.exit_code == 0, out.output
    tasks = {t["data"]["stance"]["article"]["id"]: t for t in json.loads((work / "tasks.json").read_text(encoding="utf-8"))}
    edited, done = _edit(tasks[f"{EDITED}.txt"])
    unchanged = tasks[f"{UNCHANGED}.txt"]["predictions"][0]["result"]
    (work / "annotations.json").write_text(json.dumps({f"{EDITED}.txt": edited, f"{UNCHANGED}.txt": unchanged}), encoding="utf-8")

    with label_studio(tmp_path / "ls-data") as server:
        t1 = time.monotonic()
        drive(server, work)
        print(f"label-studio: started in {server.seconds_to_start:.1f} s, driven in {time.monotonic() - t1:.1f} s")
    exported = work / "export.json"
    assert len(json.loads(exported.read_text(encoding="utf-8"))) == len(fixtures)  # every task, two of them annotated

    imported = read_label_studio(exported)
    assert len(imported.items) == 2 and len(imported.problems) == len(fixtures) - 2  # the others: not annotated
    out = cli.invoke(app, ["fixtures", "import", str(exported), "--out", str(tmp_path / "fx"), "--as-run", str(tmp_path / "run2")])
    assert out.exit_code == 0, out.output
    assert validate(tmp_path / "fx") == ""

    from support.paths import DEV

    assert _stances(tmp_path / "fx", UNCHANGED) == _stances(DEV, UNCHANGED)
    before, after = _stances(DEV, EDITED), _stances(tmp_path / "fx", EDITED)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    text_of = {o: o.split(": ", 1)[1] for o in (done["claim"], done["flipped_pair"][1])}
    flipped = (text_of[done["flipped_pair"][1]], done["flipped_pair"][0])
    dropped = next(k for k, (_, ev) in before.items() if done["dropped"] in ev)
    added = (text_of[done["claim"]], "Antony Blinken")
    assert changed == {flipped, dropped, added} and added not in before
    assert after[flipped] == (done["flip_to"], before[flipped][1])  # 1. same evidence, the other stance
    assert dropped not in after or after[dropped][1] == before[dropped][1] - {done["dropped"]}  # 2. that span is gone
    assert after[added] == ("support", frozenset([NEW_QUOTE]))  # 3. the new span, with its actor, claim and stance
    assert [p for p in imported.problems if "not annotated" not in p[1] and "no submitted annotation" not in p[1]] == []

    # the corrected run folder: eval scores it against the corrected fixtures as perfect, export reads it
    report = score_run(tmp_path / "run2", tmp_path / "fx")
    assert report.overall.micro["pair_f1"] == 1.0
    out = cli.invoke(app, ["export", str(tmp_path / "run2"), "--out", str(tmp_path / "long.csv"), "--method", "lexical"])
    assert out.exit_code == 0, out.output
    assert time.monotonic() - t0 < 120
