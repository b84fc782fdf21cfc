"""The model client against a real local OpenAI-compatible server: answers, faults, re-asks, fallbacks."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from support.fake_openai import (
    delay,
    empty_choices,
    garbage_body,
    length,
    reply,
    reply_json,
    reset,
    status,
    truncated,
)

from stance.config import Settings
from stance.extraction.answers import ModelAnswer
from stance.model.cache import ResponseCache
from stance.model.client import LLMClient, LLMError, connect

GOOD = {"statements": [{"s": 1, "who": "Dana Ortiz", "claim": "Bus lanes cut commute times.", "stance": "support"}]}
MESSAGES = [{"role": "system", "content": "You find claims."}, {"role": "user", "content": "[1] Text."}]


def make_client(fake, tmp_path: Path | None = None, **overrides) -> LLMClient:
    settings = Settings(
        base_url=fake.base_url, api_key="sk-test", model="fake-model", retry_initial_wait=0.01,
        use_cache=tmp_path is not None, timeout_s=overrides.pop("timeout_s", 5.0), **overrides,
    )
    cache = ResponseCache(tmp_path / "cache.sqlite") if tmp_path is not None else None
    return LLMClient(
        settings, base_url=fake.base_url, api_key="sk-test", model_name="fake-model",
        endpoint_label=settings.public_endpoint, cache=cache,
    )


def test_valid_answer_first_time(fake_openai):
    fake_openai.push(reply_json(GOOD, usage=(120, 30)))
    result = make_client(fake_openai).complete_json(MESSAGES, ModelAnswer)
    assert result.answer.items()[0].who == "Dana Ortiz"
    assert result.attempts == 1
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (120, 30)
    body = fake_openai.chat_requests[0]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == ModelAnswer.model_json_schema()
    assert body["temperature"] == 0.0


@pytest.mark.parametrize(
    "bad",
    [
        reply("this is not json"),
        reply_json({"statements": [{"s": 1, "who": "X", "claim": "Something.", "stance": "maybe"}]}),
        truncated(json.dumps(GOOD)),
        empty_choices(),
        length(json.dumps(GOOD)[:40]),
    ],
    ids=["invalid-json", "schema-violation", "truncated", "empty-choices", "finish-length"],
)
def test_invalid_then_valid_reasks_with_the_error(fake_openai, bad):
    fake_openai.script([bad, reply_json(GOOD)])
    result = make_client(fake_openai).complete_json(MESSAGES, ModelAnswer)
    assert result.attempts == 2
    reask = fake_openai.chat_requests[1]["messages"][-1]
    assert reask["role"] == "user" and "could not be used" in reask["content"]
    assert len(fake_openai.chat_requests[1]["messages"]) > len(MESSAGES)


def test_schema_violation_message_names_the_field(fake_openai):
    fake_openai.script([reply_json({"statements": [{"s": 1, "who": "X", "claim": "Something.", "stance": "maybe"}]}), reply_json(GOOD)])
    make_client(fake_openai).complete_json(MESSAGES, ModelAnswer)
    assert "statements.0.stance" in fake_openai.chat_requests[1]["messages"][-1]["content"]


def test_reasks_exhausted_is_a_clear_error(fake_openai):
    fake_openai.script([reply("nope"), reply("still no"), reply("{not json")])
    with pytest.raises(LLMError) as info:
        make_client(fake_openai, max_reasks=2).complete_json(MESSAGES, ModelAnswer)
    assert info.value.kind == "invalid_output"
    assert info.value.attempts == 3
    assert info.value.raw_output == "{not json"
    assert "no valid answer after 3 attempts" in info.value.message
    assert fake_openai.count() == 3


def test_429_honours_retry_after(fake_openai):
    fake_openai.script([status(429, headers={"Retry-After": "1"}), reply_json(GOOD)])
    started = time.monotonic()
    result = make_client(fake_openai).complete_json(MESSAGES, ModelAnswer)
    assert time.monotonic() - started >= 0.95
    assert result.transport_retries == 1 and result.attempts == 1


def test_500_then_success(fake_openai):
    fake_openai.script([status(500), status(503), reply_json(GOOD)])
    result = make_client(fake_openai).complete_json(MESSAGES, ModelAnswer)
    assert result.transport_retries == 2
    assert fake_openai.count() == 3


def test_connection_reset_then_success(fake_openai):
    fake_openai.script([reset(), garbage_body(), reply_json(GOOD)])
    assert make_client(fake_openai).complete_json(MESSAGES, ModelAnswer).transport_retries == 2


def test_timeout_retried_then_clear_error(fake_openai):
    fake_openai.script([delay(2, reply_json(GOOD)), delay(2, reply_json(GOOD))])
    with pytest.raises(LLMError) as info:
        make_client(fake_openai, timeout_s=0.3, max_retries=1).complete_json(MESSAGES, ModelAnswer)
    assert info.value.kind == "timeout"
    assert "after 2 tries" in info.value.message


def test_transport_retries_are_bounded(fake_openai):
    fake_openai.script([status(503)] * 10)
    with pytest.raises(LLMError) as info:
        make_client(fake_openai, max_retries=3).complete_json(MESSAGES, ModelAnswer)
    assert info.value.kind == "http_error" and "503" in info.value.message
    assert fake_openai.count() == 4


def test_client_errors_are_not_retried(fake_openai):
    fake_openai.script([status(401)])
    with pytest.raises(LLMError) as info:
        make_client(fake_openai).complete_json(MESSAGES, ModelAnswer)
    assert info.value.kind == "auth"
    assert fake_openai.count() == 1


def test_json_schema_rejected_falls_back_to_json_object(fake_openai):
    fake_openai.reject_json_schema = True
    fake_openai.script([reply_json(GOOD), reply_json(GOOD)])
    client = make_client(fake_openai)
    assert client.complete_json(MESSAGES, ModelAnswer).attempts == 1
    assert client.response_format_mode == "json_object"
    fallback = fake_openai.chat_requests[-1]
    assert fallback["response_format"] == {"type": "json_object"}
    assert '"statements"' in fallback["messages"][0]["content"]  # the schema travels in the prompt
    client.complete_json(MESSAGES[:1] + [{"role": "user", "content": "[1] Other."}], ModelAnswer)
    assert fake_openai.chat_requests[-1]["response_format"] == {"type": "json_object"}  # remembered


@pytest.mark.parametrize("mode", ["json_schema", "json_object"])
def test_request_body_is_the_sdks_byte_for_byte(fake_openai, mode):
    """Messages go as extra_body (skipping the SDK's per-message walk): the bytes sent stay what create() sends."""
    messages = [*MESSAGES, {"role": "assistant", "content": "{}"}, {"role": "user", "content": "Ünïcode \"quoted\"\n[2] More."}]
    fake_openai.script([reply_json(GOOD), reply_json(GOOD)])
    client = make_client(fake_openai)
    client.response_format_mode = mode
    client.complete_json(messages, ModelAnswer)
    kwargs = client._request_kwargs(messages, ModelAnswer.model_json_schema())
    client._client.chat.completions.create(**kwargs)  # the SDK's own way, messages walked
    ours, sdks = [r for r in fake_openai.requests if r.path.endswith("/chat/completions")]
    assert ours.raw == sdks.raw
    assert ours.headers["authorization"] == sdks.headers["authorization"] == "Bearer sk-test"
    assert json.loads(ours.raw)["messages"][-1]["content"] == messages[-1]["content"]


def test_cache_hit_makes_no_request_and_errors_are_not_cached(fake_openai, tmp_path):
    fake_openai.script([reply("garbage"), reply_json(GOOD)])
    client = make_client(fake_openai, tmp_path)
    first = client.complete_json(MESSAGES, ModelAnswer)
    assert not first.cached and fake_openai.count() == 2
    again = make_client(fake_openai, tmp_path).complete_json(MESSAGES, ModelAnswer)
    assert again.cached and again.attempts == 2
    assert fake_openai.count() == 2
    assert "sk-test" not in (tmp_path / "cache.sqlite").read_bytes().decode("latin-1")


def test_remote_connect_needs_a_model(fake_openai):
    settings = Settings(base_url=fake_openai.base_url, use_cache=False)
    with pytest.raises(LLMError, match="needs a model name"):
        with connect(settings):
            pass


def test_public_endpoint_drops_credentials():
    settings = Settings(base_url="https://user:secret@api.example.com/v1?key=abc", model="m")
    assert settings.public_endpoint == "https://api.example.com/v1"
    assert Settings().public_endpoint == "embedded"
