"""Batch output lines read back (stance.model.batch_api): both formats, errors, and a store that counts each once."""

from __future__ import annotations

import json
from pathlib import Path

from stance.model.batch_api import OutputStore, output_records


def line(custom_id: str, code: int | None, body: object = None, error: object = None) -> str:
    response = None if code is None else {"status_code": code, "request_id": "r", "body": body}
    return json.dumps({"id": "x", "custom_id": custom_id, "response": response, "error": error})


def completion(content: str) -> dict[str, object]:
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3}}


def test_output_lines_of_openai_and_vllm_with_their_errors() -> None:
    records = list(output_records([
        line("ok", 200, completion("{}")),
        line("openai-error", 429, {"error": {"message": "slow down"}}),
        line("vllm-error", 400, {"object": "error", "message": "bad schema", "code": 400}),
        line("no-response", None, error={"code": "batch_expired", "message": "expired"}),
        "not json", json.dumps({"no": "custom_id"}),
    ]))
    assert [(r["custom_id"], r["status_code"], r["error"]) for r in records] == [
        ("ok", 200, None), ("openai-error", 429, "HTTP 429: slow down"), ("vllm-error", 400, "HTTP 400: bad schema"),
        ("no-response", 0, "expired")]
    assert records[0]["body"]["choices"][0]["message"]["content"] == "{}"


def test_the_store_keeps_answers_over_errors_and_counts_an_error_once_per_round(tmp_path: Path) -> None:
    store = OutputStore(tmp_path / "outputs.sqlite")
    errors = list(output_records([line("a", 503, {"error": {"message": "busy"}})]))
    store.add(errors, 1)
    store.add(errors, 1)  # the same output collected twice
    got = store.get("a")
    assert got is not None and (got.errors, got.last_error, got.body) == (1, "HTTP 503: busy", None)
    store.add(errors, 2)
    assert store.get("a").errors == 2  # type: ignore[union-attr]
    store.add(list(output_records([line("a", 200, completion('{"x": 1}'))])), 3)
    answer = store.get("a")
    assert answer is not None and answer.body is not None
    assert answer.body["choices"][0]["message"]["content"] == '{"x": 1}' and answer.body["usage"]["prompt_tokens"] == 7
    assert store.get("never") is None
    store.close()
