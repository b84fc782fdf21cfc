"""`stance claims`: names from the model (one request per group) through the fake server, or none at all; the induced
codebook codes more articles through `stance extract --codebook`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from support.corpus_runs import IRAN, make_run
from support.fake_openai import FakeOpenAI, reply_json, status
from typer.testing import CliRunner

from stance.cli.app import app
from stance.extraction.codebook import load_codebook


def namer(body: dict[str, Any]):
    """Names a group after the words its wordings share, as a model might."""
    wordings = re.findall(r"^\d+\. (?:\(negated\) )?(.+)$", body["messages"][-1]["content"], flags=re.M)
    if "offing" in wordings[0]:
        return reply_json({"name": "The United States and Iran are close to an agreement."})
    return reply_json({"name": "Iran should refrain from provocations."})


def invoke(*args: str):
    return CliRunner().invoke(app, ["claims", *args])


def test_names_are_one_request_per_group_through_the_model(fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    fake_openai.responder = namer
    run = make_run(tmp_path, IRAN)
    result = invoke(str(run), "--method", "lexical", "--base-url", fake_openai.base_url, "--model", "fake-model")
    assert result.exit_code == 0, result.output
    # two groups have several wordings; the treaty claim names itself
    assert fake_openai.count() == 2
    sent = [b["messages"][-1]["content"] for b in fake_openai.chat_requests]
    assert any("(negated) There is no U.S.-Iran agreement in the offing." in m for m in sent)
    claim_map = json.loads((run / "claim_map.json").read_text())
    named = {g["name"]: g["named_by"] for g in claim_map["groups"]}
    assert named == {
        "The United States and Iran are close to an agreement.": "model",
        "Iran should refrain from provocations.": "model",
        "Russia should ratify the nuclear test ban treaty.": "central",
    }
    assert (claim_map["naming_model"], claim_map["naming_requests"]) == ("fake-model", 2)
    assert "names: 2 requests to fake-model (0 from the cache" in result.output
    # what a user sees: each recurring claim with its actors for and against
    assert re.search(
        r"C\d{4}  The United States and Iran are close to an agreement\.  \(3 articles; 3 wordings, 1 negating it\)\n"
        r"    for:     Ali Bagheri, Suzanne DiMaggio\n"
        r"    against: Antony Blinken, Matthew Miller\n",
        result.output,
    ), result.output

    again = invoke(str(run), "--method", "lexical", "--base-url", fake_openai.base_url, "--model", "fake-model")
    assert again.exit_code == 0 and fake_openai.count() == 2  # names come from the response cache
    assert "names: 2 requests to fake-model (2 from the cache" in again.output


def test_without_a_model_configured_groups_are_named_by_their_central_wording(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no stance.toml
    run = make_run(tmp_path, IRAN)
    result = invoke(str(run), "--method", "lexical")
    assert result.exit_code == 0, result.output
    assert "names:" not in result.output
    assert "A U.S.-Iran agreement is in the offing.  (3 articles" in result.output
    claim_map = json.loads((run / "claim_map.json").read_text())
    assert {g["named_by"] for g in claim_map["groups"]} == {"central"} and claim_map["naming_requests"] == 0


def test_a_failed_name_keeps_the_central_wording_and_the_run_goes_on(fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))

    def flaky(body: dict[str, Any]):  # 400 is not retried
        return status(400, {"error": {"message": "bad request"}}) if "offing" in body["messages"][-1]["content"] else namer(body)

    fake_openai.responder = flaky
    run = make_run(tmp_path, IRAN)
    result = invoke(str(run), "--method", "lexical", "--base-url", fake_openai.base_url, "--model", "fake-model", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "1 failed (named by their central wording)" in result.output
    names = {g["name"] for g in json.loads((run / "claim_map.json").read_text())["groups"]}
    assert "A U.S.-Iran agreement is in the offing." in names and "Iran should refrain from provocations." in names


def test_errors_are_one_line(tmp_path: Path) -> None:
    missing = invoke(str(tmp_path / "nope"), "--method", "lexical")
    assert missing.exit_code == 1 and missing.output.startswith("error: ") and len(missing.output.strip().splitlines()) == 1
    empty = invoke(str(make_run(tmp_path, [], name="empty")), "--method", "lexical")
    assert empty.exit_code == 1 and "no results to group" in empty.output


ARTICLE = """Talks stall again
Antony Blinken said there is no agreement with Iran in the offing.
Ali Bagheri said an agreement with the United States is in the offing.
"""


def coder(body: dict[str, Any]):
    """A model for either way codebook mode asks: coding 'X said' sentences against the codebook's first claim
    (support, or oppose when the sentence says 'no'), or finding them as open statements worded as the codebook's
    examples (for coding by retrieval)."""
    defs = body["response_format"]["json_schema"]["schema"].get("$defs", {})
    statements = []
    for n, sentence in re.findall(r"^\[(\d+)\] (.+)$", body["messages"][-1]["content"], flags=re.M):
        who = re.match(r"(\w+ \w+) said", sentence)
        if not who:
            continue
        denies = " no " in sentence
        if "CodebookStatement" in defs:
            cid = defs["CodebookStatement"]["properties"]["c"]["enum"][0]
            statements.append({"s": int(n), "who": who.group(1), "c": cid, "stance": "oppose" if denies else "support"})
        else:
            claim = "There is no U.S.-Iran agreement in the offing." if denies else "A U.S.-Iran agreement is in the offing."
            statements.append({"s": int(n), "who": who.group(1), "claim": claim, "stance": "support"})
    return reply_json({"statements": statements})


def test_the_induced_codebook_codes_more_articles(fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch) -> None:
    """Open mode finds the claims, the map induces a codebook, codebook mode codes a new article against it."""
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    run = make_run(tmp_path, IRAN)
    assert invoke(str(run), "--method", "lexical", "--codebook", str(tmp_path / "iran.yaml")).exit_code == 0
    book = load_codebook(tmp_path / "iran.yaml")
    deal = book.claims[0]
    assert deal.text == "A U.S.-Iran agreement is in the offing."
    assert deal.examples.oppose == ["There is no U.S.-Iran agreement in the offing."]

    fake_openai.responder = coder
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "talks.txt").write_text(ARTICLE, encoding="utf-8")
    coded = tmp_path / "coded"
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "new"), "--out", str(coded), "--codebook", str(tmp_path / "iran.yaml"),
                                      "--base-url", fake_openai.base_url, "--model", "fake-model"])  # fmt: skip
    assert result.exit_code == 0, result.output
    (result_file,) = (coded / "results").glob("*.json")
    claims = json.loads(result_file.read_text())["claims"]
    assert [(c["codebook_id"], c["text"]) for c in claims] == [(deal.id, deal.text)]
    assert ("Ali Bagheri", "support") in {(s["actor"], s["stance"]) for s in claims[0]["stances"]}
