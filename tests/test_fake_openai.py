"""The fake OpenAI server, driven by the real `openai` client over real sockets."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import openai
import pytest
from support.fake_openai import (
    FakeOpenAI,
    delay,
    empty_choices,
    error_body,
    garbage_body,
    length,
    reply,
    reply_json,
    reset,
    status,
    truncated,
)

# One transport for all tests: building its TLS context costs ~0.1 s per client.
_HTTP = openai.DefaultHttpxClient()


def client_for(fake: FakeOpenAI, timeout: float = 5.0) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=fake.base_url, api_key="test", max_retries=0, timeout=timeout, http_client=_HTTP
    )


def ask(client: openai.OpenAI, text: str = "hello", **kwargs: Any) -> Any:
    return client.chat.completions.create(
        model="fake-model", messages=[{"role": "user", "content": text}], **kwargs
    )


def test_normal_reply_is_parsed_by_the_real_client(fake_openai: FakeOpenAI) -> None:
    fake_openai.push(reply("hi there", usage=(12, 3)))
    out = ask(client_for(fake_openai))
    assert out.choices[0].message.content == "hi there"
    assert out.choices[0].message.role == "assistant"
    assert out.choices[0].finish_reason == "stop"
    assert out.model == "fake-model"
    assert out.object == "chat.completion"
    assert out.id.startswith("chatcmpl-")
    assert (out.usage.prompt_tokens, out.usage.completion_tokens, out.usage.total_tokens) == (12, 3, 15)


def test_base_url_is_loopback_only(fake_openai: FakeOpenAI) -> None:
    assert fake_openai.base_url == f"http://127.0.0.1:{fake_openai.port}/v1"
    assert fake_openai._server.server_address[0] == "127.0.0.1"


def test_models_endpoint_lists_configured_model() -> None:
    with FakeOpenAI(model="tiny-1b") as fake:
        fake.push(reply("not for /models"))
        ids = [m.id for m in client_for(fake).models.list()]
        assert ids == ["tiny-1b"]
        assert fake.pending == 1  # listing models does not consume the script


def test_script_is_consumed_in_order_then_falls_back_to_responder(fake_openai: FakeOpenAI) -> None:
    fake_openai.script([reply("one"), reply("two")]).push(reply_json({"n": 3}))
    client = client_for(fake_openai)
    answers = [ask(client).choices[0].message.content for _ in range(4)]
    assert answers == ["one", "two", '{"n": 3}', "{}"]  # "{}" is the default responder
    assert fake_openai.pending == 0


def test_clear_script_drops_queued_actions(fake_openai: FakeOpenAI) -> None:
    fake_openai.script([reply("a"), reply("b")])
    fake_openai.clear_script()
    assert fake_openai.pending == 0
    assert ask(client_for(fake_openai)).choices[0].message.content == "{}"


def test_rate_limit_with_retry_after_surfaces_as_rate_limit_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script([status(429, headers={"Retry-After": "1"}), reply("after")])
    client = client_for(fake_openai)
    with pytest.raises(openai.RateLimitError) as info:
        ask(client)
    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "1"
    assert ask(client).choices[0].message.content == "after"


@pytest.mark.parametrize("code", [500, 503])
def test_server_errors_surface_as_internal_server_error(fake_openai: FakeOpenAI, code: int) -> None:
    fake_openai.push(status(code))
    with pytest.raises(openai.InternalServerError) as info:
        ask(client_for(fake_openai))
    assert info.value.status_code == code


def test_custom_error_body_reaches_the_client(fake_openai: FakeOpenAI) -> None:
    fake_openai.push(status(400, error_body("bad thing", code="bad_thing", param="messages")))
    with pytest.raises(openai.BadRequestError) as info:
        ask(client_for(fake_openai))
    assert info.value.code == "bad_thing"
    assert info.value.param == "messages"
    assert "bad thing" in str(info.value)


def test_reset_surfaces_as_connection_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script([reset(), reply("recovered")])
    client = client_for(fake_openai)
    with pytest.raises(openai.APIConnectionError) as info:
        ask(client)
    assert not isinstance(info.value, openai.APITimeoutError)
    assert ask(client).choices[0].message.content == "recovered"


def test_delay_beyond_client_timeout_surfaces_as_timeout(fake_openai: FakeOpenAI) -> None:
    fake_openai.script([delay(3.0, then=reply("too late")), reply("next")])
    client = client_for(fake_openai, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        ask(client)
    assert time.monotonic() - started < 2.0
    assert ask(client).choices[0].message.content == "next"


def test_delay_within_timeout_answers_with_then_or_responder(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda body: reply("from responder")
    fake_openai.script([delay(0.1, then=reply("late but fine")), delay(0.1)])
    client = client_for(fake_openai, timeout=5.0)
    started = time.monotonic()
    assert ask(client).choices[0].message.content == "late but fine"
    assert ask(client).choices[0].message.content == "from responder"
    assert time.monotonic() - started >= 0.2


def test_close_does_not_wait_for_a_pending_delay() -> None:
    fake = FakeOpenAI()
    fake.push(delay(20.0))
    outcome: list[object] = []

    def call() -> None:
        try:
            outcome.append(ask(client_for(fake)))
        except Exception as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    while fake.request_count == 0:
        time.sleep(0.01)
    started = time.monotonic()
    fake.close()
    fake.close()  # idempotent
    worker.join(timeout=5)
    assert time.monotonic() - started < 2.0
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], openai.APIConnectionError)


def test_closed_server_refuses_connections() -> None:
    fake = FakeOpenAI()
    client = client_for(fake)
    fake.close()
    with pytest.raises(openai.APIConnectionError):
        ask(client)


def schema_format() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "answer",
            "schema": {"type": "object", "properties": {"a": {"type": "integer"}}},
        },
    }


def test_reject_json_schema_gives_400_but_json_object_works() -> None:
    with FakeOpenAI(reject_json_schema=True) as fake:
        fake.push(reply_json({"a": 1}))
        client = client_for(fake)
        with pytest.raises(openai.BadRequestError) as info:
            ask(client, response_format=schema_format())
        assert info.value.status_code == 400
        assert info.value.param == "response_format"
        assert info.value.code == "unsupported_response_format"
        assert fake.pending == 1  # the rejection did not eat the scripted answer
        out = ask(client, response_format={"type": "json_object"})
        assert json.loads(out.choices[0].message.content) == {"a": 1}


def test_json_schema_is_accepted_by_default(fake_openai: FakeOpenAI) -> None:
    fake_openai.push(reply_json({"a": 2}))
    out = ask(client_for(fake_openai), response_format=schema_format())
    assert json.loads(out.choices[0].message.content) == {"a": 2}


def by_last_user_message(body: dict[str, Any]) -> Any:
    text = body["messages"][-1]["content"]
    return reply_json({"echo": text.upper()}) if "shout" in text else reply("quiet")


def test_responder_set_at_construction_answers_by_request_content() -> None:
    with FakeOpenAI(responder=by_last_user_message) as fake:
        client = client_for(fake)
        assert ask(client, "please shout this").choices[0].message.content == '{"echo": "PLEASE SHOUT THIS"}'
        assert ask(client, "whisper").choices[0].message.content == "quiet"


def test_responder_is_thread_safe_under_concurrent_requests(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda body: reply("answer:" + body["messages"][-1]["content"])
    client = client_for(fake_openai)
    results: dict[int, str] = {}

    def work(i: int) -> None:
        results[i] = ask(client, f"q{i}").choices[0].message.content

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert results == {i: f"answer:q{i}" for i in range(16)}
    assert fake_openai.count() == 16


def test_responder_that_raises_gives_500_and_is_recorded() -> None:
    def broken(body: dict[str, Any]) -> Any:
        raise KeyError("missing")

    with FakeOpenAI(responder=broken) as fake:
        with pytest.raises(openai.InternalServerError):
            ask(client_for(fake))
        assert len(fake.errors) == 1 and "KeyError" in fake.errors[0]


def test_requests_are_recorded_with_body_and_headers(fake_openai: FakeOpenAI) -> None:
    client = client_for(fake_openai)
    ask(client, "first", temperature=0)
    ask(client, "second", response_format={"type": "json_object"})
    client.models.list()

    assert fake_openai.request_count == 3
    assert fake_openai.count() == 2  # chat completions only
    assert fake_openai.count(path=None) == 3
    assert fake_openai.count(where=lambda r: "response_format" in r.body) == 1
    first, second, models = fake_openai.requests
    assert (first.method, first.path) == ("POST", "/v1/chat/completions")
    assert first.body["messages"] == [{"role": "user", "content": "first"}]
    assert first.body["temperature"] == 0
    assert first.headers["authorization"] == "Bearer test"
    assert json.loads(first.raw) == first.body
    assert (models.method, models.path, models.body) == ("GET", "/v1/models", None)
    assert [b["messages"][0]["content"] for b in fake_openai.chat_requests] == ["first", "second"]


def test_truncated_cuts_the_message_content(fake_openai: FakeOpenAI) -> None:
    full = {"claims": [{"text": "a long claim"}]}
    fake_openai.script([truncated(full), truncated("abcdef", at=2)])
    client = client_for(fake_openai)
    first = ask(client).choices[0]
    assert first.finish_reason == "stop"
    assert json.dumps(full).startswith(first.message.content)
    assert len(first.message.content) < len(json.dumps(full))
    with pytest.raises(json.JSONDecodeError):
        json.loads(first.message.content)
    assert ask(client).choices[0].message.content == "ab"


def test_length_sets_finish_reason(fake_openai: FakeOpenAI) -> None:
    fake_openai.push(length('{"claims": ['))
    choice = ask(client_for(fake_openai)).choices[0]
    assert (choice.finish_reason, choice.message.content) == ("length", '{"claims": [')


def test_empty_choices(fake_openai: FakeOpenAI) -> None:
    fake_openai.push(empty_choices())
    assert ask(client_for(fake_openai)).choices == []


def test_garbage_body_is_not_json(fake_openai: FakeOpenAI) -> None:
    # Labelled application/json, so this client version fails decoding it.
    fake_openai.script([garbage_body(), garbage_body("plain words", content_type="text/plain")])
    client = client_for(fake_openai)
    with pytest.raises(json.JSONDecodeError):
        ask(client)
    assert ask(client) == "plain words"  # the client hands back the text, unparsed


def test_unknown_path_is_404(fake_openai: FakeOpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client_for(fake_openai).embeddings.create(model="fake-model", input="x")
    assert fake_openai.requests[-1].path == "/v1/embeddings"


def test_invalid_actions_are_refused_early(fake_openai: FakeOpenAI) -> None:
    with pytest.raises(TypeError):
        fake_openai.push("just a string")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        reply({"not": "a string"})  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        truncated("abc", at=3)
    with pytest.raises(ValueError):
        delay(-1)
