"""An article read once (issue 20): every request carries the whole article, then the sentences to answer for,
so llama.cpp's prompt cache reads the article once; an article's requests go to one server slot."""

from __future__ import annotations

import re
import threading
from typing import Any

from support.fake_openai import FakeOpenAI, reply_json

from stance.config import Settings
from stance.extraction.answers import PointerAnswer, model_answer_for
from stance.extraction.api import extract_text
from stance.extraction.article import Request, article_info, ask
from stance.extraction.prompts import load_prompt
from stance.model.client import LLMClient

ARTICLE = (
    "Council splits on bus lanes\n"
    "Mayor Dana Ortiz said on Monday that the bus lanes would cut commute times.\n"
    "The first lanes opened in 2019.\n"
    "Council member Raj Patel said the lanes would push traffic onto side streets.\n"
    "The council meets weekly.\n"
    "The Chamber of Commerce said that local shops depend on street parking.\n"
    "Ortiz said the city would pay for a parking study.\n"
)
ASKED = re.compile(r"Sentences to answer for: ((?:\[\d+\](?:, )?)+)\.")


def _last_user(body: dict[str, Any]) -> str:
    return body["messages"][-1]["content"]


def _every_candidate(body: dict[str, Any]) -> Any:
    """A model that answers for every numbered sentence of the article, asked or not."""
    numbers = [int(n) for n in re.findall(r"^\[(\d+)\]", _last_user(body), re.MULTILINE)]
    return reply_json({"statements": [[n, "Dana Ortiz" if n in (2, 7) else "Raj Patel" if n == 4 else
                                       "Chamber of Commerce", "support"] for n in numbers]})


def test_every_request_starts_with_the_same_whole_article_and_each_statement_comes_once(fake_openai: FakeOpenAI):
    fake_openai.responder = _every_candidate
    settings = Settings(base_url=fake_openai.base_url, model="m", use_cache=False, window_candidates=2,
                        prompt="extract-pointers-once")
    with_llm = LLMClient(settings, base_url=fake_openai.base_url, api_key="k", model_name="m", endpoint_label="fake")
    result = extract_text(ARTICLE, article_info(ARTICLE, "a", "a.txt"), llm=with_llm, settings=settings)

    bodies = [r.body for r in fake_openai.requests if r.path.endswith("/chat/completions") and r.body]
    assert len(bodies) == 2  # four candidates, two per window
    articles = {_last_user(b).split("Sentences to answer for:")[0] for b in bodies}
    assert len(articles) == 1  # the same prefix: the server reads it once
    (article,) = articles
    assert "[2] Mayor Dana Ortiz" in article and "[7] Ortiz said" in article and "The council meets weekly." in article
    asked = [ASKED.search(_last_user(b)).group(1) for b in bodies]  # type: ignore[union-attr]
    assert sorted(asked) == ["[2], [4]", "[6], [7]"]  # two at once: either may arrive first
    assert all(b["messages"][:-1] == bodies[0]["messages"][:-1] for b in bodies)  # system and examples too
    # each window answered for all four sentences; a window keeps only its own, so nothing is counted twice
    stances = sorted((s.actor, c.text) for c in result.claims for s in c.stances)
    assert len(stances) == 4 and len(set(stances)) == 4
    assert "id_slot" not in bodies[0]  # an endpoint's slots are not ours to pin


def test_the_old_prompt_still_sends_windows_with_context_only():
    prompt = load_prompt("extract-pointers")
    assert not prompt.article_once and load_prompt("extract-pointers-once").article_once
    (example_turn,) = [m for m in load_prompt("extract-pointers-once").messages("x", window="[9]")[1:-1]
                       if m["role"] == "user"]
    assert "Sentences to answer for: [2], [3]," in example_turn["content"]  # the example answers for its own


def _client(fake: FakeOpenAI, slots: int) -> LLMClient:
    settings = Settings(base_url=fake.base_url, model="m", use_cache=False)
    return LLMClient(settings, base_url=fake.base_url, api_key="k", model_name="m", endpoint_label="fake", slots=slots)


def _requests(count: int) -> list[Request]:
    return [Request(messages=[{"role": "user", "content": f"q{i}"}],
                    answer_model=model_answer_for(4, PointerAnswer), sentences=[]) for i in range(count)]


def test_an_articles_requests_go_to_one_slot_and_the_body_is_otherwise_unchanged(fake_openai: FakeOpenAI):
    fake_openai.responder = lambda body: reply_json({"statements": []})
    llm = _client(fake_openai, slots=2)
    ask(llm, _requests(3), parallel=2, one_slot=True)
    ask(llm, _requests(1), parallel=2)
    bodies = [r.body for r in fake_openai.requests if r.body]
    assert [b.get("id_slot") for b in bodies] == [0, 0, 0, None]
    assert all(b.get("cache_prompt") is True for b in bodies[:3]) and "cache_prompt" not in bodies[3]
    assert [_last_user(b) for b in bodies] == ["q0", "q1", "q2", "q0"]
    without = {k: v for k, v in bodies[0].items() if k not in ("id_slot", "cache_prompt")}
    assert without.keys() == bodies[3].keys()


def test_articles_at_once_hold_different_slots_and_give_them_back(fake_openai: FakeOpenAI):
    fake_openai.responder = lambda body: reply_json({"statements": []})
    llm = _client(fake_openai, slots=2)
    inside = threading.Barrier(2)
    held: list[int | None] = []

    def article() -> None:
        with llm.pinned_slot() as slot:
            held.append(slot)
            inside.wait(timeout=5)  # both hold a slot at once

    threads = [threading.Thread(target=article) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(held) == [0, 1]  # type: ignore[type-var]
    with llm.pinned_slot() as again:
        assert again in (0, 1)
    with _client(fake_openai, slots=0).pinned_slot() as none:
        assert none is None
