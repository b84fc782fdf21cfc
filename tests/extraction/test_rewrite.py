"""The opt-in model step (issue 15): one request per article rewrites long claims and names shared propositions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from support.fake_openai import FakeOpenAI, reply, reply_json

from stance.config import Settings, load_settings
from stance.extraction.api import extract_text
from stance.extraction.article import ExtractionError, article_info
from stance.extraction.prompts import load_prompt
from stance.extraction.rewrite import SYSTEM, RewriteAnswer, apply_rewrite, needs_rewrite, rewrite_messages
from stance.model.client import connect
from stance.results import ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance

ARTICLE = (
    "Ferry levy divides Port Calder\n"
    "Mayor Dana Ortiz said the ferry levy would keep the harbour ferries running through the long winter months, "
    "when the coast road is closed by snow and ice for weeks at a time.\n"
    "“It is a tax on islanders who already pay more for everything,” said Councillor Mira Osei.\n"
)
SPEAKERS = {2: "Dana Ortiz", 3: "Mira Osei"}
REWRITE = {"rewrites": [[2, "The ferry levy is an unfair tax on islanders."], [7, "not shown: ignored"]],
           "pairs": [[1, 2, "opposite"], [2, 9, "same"]]}


def _is_rewrite(body: dict[str, Any]) -> bool:
    return body["messages"][0]["content"] == SYSTEM


def _responder(rewrite: Any = REWRITE):
    def respond(body: dict[str, Any]) -> Any:
        if _is_rewrite(body):
            return rewrite if not isinstance(rewrite, dict) else reply_json(rewrite)
        last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        rows = [[int(n), SPEAKERS.get(int(n), "Dana Ortiz"), "support"]
                for n, _ in re.findall(r"^\[(\d+)\] (.+)$", last, flags=re.M)]
        return reply_json({"statements": rows})
    return respond


def _extract(tmp_path: Path, fake: FakeOpenAI, *, rewrite: bool) -> ArticleResult:
    settings = Settings(base_url=fake.base_url, model="fake-model", cache_dir=tmp_path / "cache", max_reasks=0,
                        max_retries=0, rewrite_claims=rewrite)
    with connect(settings) as llm:
        return extract_text(ARTICLE, article_info(ARTICLE, "levy.txt", "levy.txt"), llm=llm,
                            prompt=load_prompt("extract-pointers"), settings=settings)


def test_off_by_default_and_on_it_sends_one_request_per_article(tmp_path: Path) -> None:
    assert Settings().rewrite_claims is False
    with FakeOpenAI(responder=_responder()) as fake:
        plain = _extract(tmp_path, fake, rewrite=False)
        assert not any(_is_rewrite(b) for b in fake.chat_requests)  # off: the requests of today, nothing more
        n = len(fake.chat_requests)
        rewritten = _extract(tmp_path, fake, rewrite=True)
        extra = fake.chat_requests[n:]
        assert [_is_rewrite(b) for b in extra] == [True]  # the windows come from the cache; one new request
        user = extra[0]["messages"][1]["content"]
        assert "[1] Dana Ortiz: The ferry levy would keep" in user and "[1] REWRITE" not in user
        assert "[2] REWRITE Mira Osei: It is a tax on islanders" in user  # opens with a pronoun: marked
        n = len(fake.chat_requests)
        again = _extract(tmp_path, fake, rewrite=True)
        assert len(fake.chat_requests) == n and again == rewritten.model_copy(
            update={"provenance": again.provenance})  # a rerun is served by the cache
    assert [c.text for c in plain.claims] == [
        "The ferry levy would keep the harbour ferries running through the long winter months.",
        "It is a tax on islanders who already pay more for everything."]
    # the rewrite's pair: Osei's claim states the opposite of Ortiz's, so she opposes it; her text was rewritten
    # but her claim joined Ortiz's, so the shared claim keeps Ortiz's words
    (claim,) = rewritten.claims
    assert claim.text == plain.claims[0].text
    assert [(s.actor, s.stance) for s in claim.stances] == [("Dana Ortiz", "support"), ("Mira Osei", "oppose")]
    # no evidence moved: the same spans, exact
    assert sorted((e.start, e.end) for e in rewritten.evidence()) == sorted((e.start, e.end) for e in plain.evidence())
    for e in rewritten.evidence():
        assert e.alignment == "exact" and ARTICLE[e.start:e.end] == e.quote
    assert rewritten.provenance.params["rewrite_claims"] is True
    assert rewritten.provenance.usage.prompt_tokens == plain.provenance.usage.prompt_tokens + 10


def test_a_bad_rewrite_answer_fails_the_article_with_one_line(tmp_path: Path) -> None:
    with FakeOpenAI(responder=_responder(reply("not json at all"))) as fake, pytest.raises(ExtractionError) as exc:
        _extract(tmp_path, fake, rewrite=True)
    assert "\n" not in str(exc.value)


def _result(*claims: tuple[str, list[tuple[str, str]]]) -> ArticleResult:
    ev = Evidence(quote="q", start=0, end=1, alignment="exact")
    return ArticleResult(
        article=article_info("q", "a.txt", "a.txt"),
        claims=[Claim(id=f"c{i}", text=text, stances=[Stance(actor=a, stance=s, evidence=[ev]) for a, s in stances])
                for i, (text, stances) in enumerate(claims, 1)],
        provenance=Provenance(model="m", endpoint="e", prompt=PromptInfo(name="p", hash="h")))


def test_apply_rewrite_follows_chains_and_never_drops_a_stance() -> None:
    result = _result(("Fares should rise.", [("A", "support")]),
                     ("They should not.", [("B", "support")]),
                     ("Fares must go up this year.", [("C", "support"), ("B", "neutral")]),
                     ("The depot is too small for the new fleet of buses that arrives in the spring of next year.",
                      [("D", "support")]))
    assert [needs_rewrite(c.text) for c in result.claims] == [False, True, False, True]
    answer = RewriteAnswer(rewrites=[(4, "The depot is too small."), (1, "not marked: kept")],
                           pairs=[(1, 2, "opposite"), (2, 3, "opposite"), (3, 1, "same"), (2, 3, "same")])
    out = apply_rewrite(result, answer)
    assert [c.text for c in out.claims] == ["Fares should rise.", "The depot is too small."]
    # 2 is the opposite of 1; 3 is the opposite of 2, so the same as 1 (a later pair for 3 is ignored)
    assert [(s.actor, s.stance) for s in out.claims[0].stances] == [
        ("A", "support"), ("B", "oppose"), ("C", "support"), ("B", "neutral")]
    assert sum(len(c.stances) for c in out.claims) == sum(len(c.stances) for c in result.claims)


def test_nothing_to_ask_sends_nothing_and_the_flag_reads_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    assert rewrite_messages(_result(("Fares should rise.", [("A", "support")]))) is None
    monkeypatch.chdir(tmp_path)  # no stance.toml here
    assert load_settings().rewrite_claims is False
    monkeypatch.setenv("STANCE_REWRITE_CLAIMS", "1")
    assert load_settings().rewrite_claims is True
