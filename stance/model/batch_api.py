"""Batch files: the requests an online run would send, written as lines, and their answers read back.

``BatchAnswers.resolve`` is ``LLMClient.complete_json`` with the network
replaced by a batch's output lines: the same request body (so the same
response cache key), the same validation of each answer, and the same re-ask
with the validation error in the conversation (bounded by ``max_reasks``). A
request with no answer yet comes back as ``Waiting``, the Batch API line to
send next. The Files and Batches calls (``submit_file``, ``batch_info``,
``file_text``) use the ``openai`` client, as every model call does.

A line's ``custom_id`` is ``<article file name>/<request>/<answer>/<body
digest>``: an answer only ever matches the exact request it was asked for.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
from pydantic import BaseModel, ValidationError

from stance.config import Settings
from stance.model.cache import ResponseCache, cache_key
from stance.model.client import ChatResult, InvalidAnswer, LLMClient, _describe_transport, _schema_of
from stance.model.errors import LLMError
from stance.results import Usage

CHAT_URL = "/v1/chat/completions"
OPENAI_URL = "https://api.openai.com/v1"  # the openai client's own default: where batch files go without --base-url


@dataclass(frozen=True)
class Waiting:
    """A request whose answer is not in any batch output yet: its Batch API line."""

    line: dict[str, Any]


@dataclass
class _Output:
    """What the batch outputs hold for one ``custom_id``: an answer, and how many error lines came first."""

    body: dict[str, Any] | None = None
    errors: int = 0
    last_error: str = ""


class OutputStore:
    """``RUN/batch/outputs.sqlite``: every answer and error line collected, by ``custom_id``.

    On disk rather than in memory, so collecting a million articles' answers
    keeps memory flat. An answer replaces any errors for its request; errors
    count once per round, so collecting the same output twice changes nothing.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(str(path))
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (custom_id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS errors (custom_id TEXT NOT NULL, round INTEGER NOT NULL, "
                         "message TEXT NOT NULL, PRIMARY KEY (custom_id, round))")

    def add(self, records: Iterable[dict[str, Any]], round_n: int) -> int:
        """Store ``output_records``; how many there were."""
        n = 0
        with self._db:
            for record in records:
                n += 1
                if record["body"] is not None:
                    body = record["body"]
                    kept = {"choices": [{"message": {"content": _answer_of(body)[0]},
                                         "finish_reason": _answer_of(body)[1]}] if body.get("choices") else [],
                            "usage": body.get("usage") or {}}
                    self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)",
                                     (record["custom_id"], json.dumps(kept, ensure_ascii=False)))
                else:
                    self._db.execute("INSERT OR IGNORE INTO errors VALUES (?, ?, ?)",
                                     (record["custom_id"], round_n, record["error"] or "no response"))
        return n

    def get(self, custom_id: str) -> _Output | None:
        row = self._db.execute("SELECT body FROM answers WHERE custom_id = ?", (custom_id,)).fetchone()
        if row is not None:
            return _Output(body=json.loads(row[0]))
        errors = self._db.execute("SELECT COUNT(*), MAX(message) FROM errors WHERE custom_id = ?",
                                  (custom_id,)).fetchone()
        return _Output(errors=errors[0], last_error=errors[1] or "") if errors[0] else None

    def close(self) -> None:
        self._db.close()


def output_records(lines: Iterable[str]) -> Iterable[dict[str, Any]]:
    """``{"custom_id", "status_code", "body", "error"}`` per line of an OpenAI or ``vllm run-batch`` output
    (or error) file; lines that are not such records are skipped."""
    for line in lines:
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("custom_id"), str):
            continue
        response = data.get("response") or {}
        body = response.get("body") if isinstance(response, dict) else None
        code = response.get("status_code", 200 if body else 0) if isinstance(response, dict) else 0
        error = data.get("error")
        if isinstance(body, dict) and code != 200:  # OpenAI: {"error": {...}}; vLLM: {"object": "error", "message"}
            error = error or (body["error"] if isinstance(body.get("error"), dict) else body)
        yield {"custom_id": data["custom_id"], "status_code": code, "body": body if code == 200 else None,
               "error": None if code == 200 and not error else _error_text(code, error)}


def _error_text(code: int, error: Any) -> str:
    message = error.get("message") if isinstance(error, dict) else error
    return f"HTTP {code}: {message}" if code else str(message or "no response")


class BatchAnswers:
    """Answers to model requests, read from batch outputs (``records``) and the response cache."""

    def __init__(self, settings: Settings, model_name: str, endpoint_label: str,
                 outputs: OutputStore | None = None, cache: ResponseCache | None = None) -> None:
        if cache is None and settings.use_cache:
            cache = ResponseCache(settings.cache_dir / "responses.sqlite")
        # a client that never connects: it builds request bodies and parses answers exactly as online
        self.client = LLMClient(settings, base_url=settings.base_url or OPENAI_URL, api_key="unused",
                                model_name=model_name, endpoint_label=endpoint_label, cache=cache)
        self.settings = settings
        self.outputs = outputs
        self.read = 0  # output lines read in this collect (the manifest's "requests")

    @property
    def model_name(self) -> str:
        return self.client.model_name

    @property
    def endpoint_label(self) -> str:
        return self.client.endpoint_label

    def resolve(self, messages: list[dict[str, str]], answer_model: type[BaseModel], prefix: str) -> ChatResult | Waiting:
        """The valid answer to ``messages`` as the online client would give it, or the line still to send.

        Raises ``LLMError`` as the online client does: ``invalid_output`` after
        the re-asks, ``http_error`` after ``max_retries`` error lines for one request.
        """
        client, settings = self.client, self.settings
        schema = _schema_of(answer_model)
        key = cache_key({"model": client.model_name, "messages": messages, "params": settings.request_params(),
                         "schema": schema})
        use_cache = client.cache is not None and settings.use_cache
        if use_cache and client.cache is not None and (hit := client.cache.get(key)) is not None:
            try:
                answer = answer_model.model_validate_json(hit["raw"])
            except ValidationError:
                pass
            else:
                client.stats.add(cache_hits=1)
                return ChatResult(answer=answer, raw=hit["raw"], usage=Usage(**hit["usage"]),
                                  attempts=hit["attempts"], cached=True)
        conversation = list(messages)
        usage, last_error, last_raw = Usage(), "", None
        max_answers = 1 + max(0, settings.max_reasks)
        for attempt in range(1, max_answers + 1):
            body = client._request_kwargs(conversation, schema)
            digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()[:16]
            custom_id = f"{prefix}/{attempt}/{digest}"
            out = self.outputs.get(custom_id) if self.outputs is not None else None
            if out is None or out.body is None:
                if out is not None and out.errors > settings.max_retries:
                    raise LLMError("http_error", f"the batch answered {out.last_error} (after {out.errors} tries)",
                                   attempts=out.errors)
                return Waiting({"custom_id": custom_id, "method": "POST", "url": CHAT_URL, "body": body})
            raw, finish_reason, call_usage = _answer_of(out.body)
            usage = usage + call_usage
            try:
                answer = client._parse(raw, finish_reason, answer_model)
            except InvalidAnswer as exc:
                last_error, last_raw = str(exc), exc.raw
                conversation = [*conversation]
                if raw:
                    conversation.append({"role": "assistant", "content": raw[:4000]})
                conversation.append({"role": "user", "content": client._reask_text(last_error)})
                continue
            if use_cache and client.cache is not None:
                client.cache.put(key, {"raw": raw or "", "usage": usage.model_dump(), "attempts": attempt})
            return ChatResult(answer=answer, raw=raw or "", usage=usage, attempts=attempt)
        raise LLMError("invalid_output", f"no valid answer after {max_answers} attempts: {last_error}",
                       attempts=max_answers, raw_output=last_raw)


def _answer_of(body: dict[str, Any]) -> tuple[str | None, str | None, Usage]:
    """(content, finish_reason, usage) of a chat completion body, as the online client reads them."""
    usage = body.get("usage") or {}
    tokens = Usage(prompt_tokens=usage.get("prompt_tokens") or 0, completion_tokens=usage.get("completion_tokens") or 0)
    choices = body.get("choices") or []
    if not choices:
        return None, None, tokens
    choice = choices[0] or {}
    return (choice.get("message") or {}).get("content"), choice.get("finish_reason"), tokens


# ---------------------------------------------------------------------------
# The Files and Batches API
# ---------------------------------------------------------------------------


def _api(settings: Settings) -> openai.OpenAI:
    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
    return openai.OpenAI(base_url=settings.base_url or OPENAI_URL, api_key=key,
                         max_retries=max(0, settings.max_retries), timeout=max(settings.timeout_s, 120))


def _failed(exc: openai.APIError, settings: Settings) -> LLMError:
    kind, message = _describe_transport(exc)
    key = settings.api_key.get_secret_value() if settings.api_key else ""
    return LLMError(kind, message.replace(key, "***") if len(key) >= 6 else message)


def submit_file(settings: Settings, path: Path) -> tuple[str, str]:
    """Upload one round file (purpose ``batch``) and create its batch; (file id, batch id)."""
    api = _api(settings)
    try:
        with path.open("rb") as fh:
            uploaded = api.files.create(file=fh, purpose="batch")
        batch = api.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h")
    except openai.APIError as exc:
        raise _failed(exc, settings) from None
    return uploaded.id, batch.id


def batch_info(settings: Settings, batch_id: str) -> dict[str, Any]:
    """A batch's status, request counts and output/error file ids."""
    try:
        batch = _api(settings).batches.retrieve(batch_id)
    except openai.APIError as exc:
        raise _failed(exc, settings) from None
    counts = batch.request_counts
    return {"status": batch.status, "output_file_id": batch.output_file_id, "error_file_id": batch.error_file_id,
            "completed": counts.completed if counts else 0, "failed": counts.failed if counts else 0,
            "total": counts.total if counts else 0}


def file_text(settings: Settings, file_id: str) -> str:
    """The content of an output or error file."""
    try:
        return _api(settings).files.content(file_id).text
    except openai.APIError as exc:
        raise _failed(exc, settings) from None
