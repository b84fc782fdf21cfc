"""The one place that talks to a model: any OpenAI-compatible endpoint, or the embedded one.

Two kinds of failure are handled differently:

* transport errors (connection, timeout, 429, 5xx) are retried with tenacity,
  exponential backoff with jitter, honouring ``Retry-After``, bounded;
* invalid answers (not JSON, schema violation, cut off, no choices) are
  re-asked with the validation error in the conversation, bounded.

Everything that still fails ends in an ``LLMError`` with a kind, a one-line
message, the attempts made and the raw output, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import json
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from stance.config import Settings
from stance.model.cache import ResponseCache, cache_key
from stance.model.embedded import EmbeddedServer, resolve_model
from stance.model.errors import LLMError
from stance.results import Usage

T = TypeVar("T", bound=BaseModel)


@functools.cache
def _schema_of(answer_model: type[BaseModel]) -> dict[str, Any]:
    return answer_model.model_json_schema()

_TRANSIENT_STATUS = {408, 409, 429, 500, 502, 503, 504}


class GarbledResponse(Exception):
    """The endpoint answered with an HTTP body that is not a chat completion (a proxy's HTML page, say)."""


class InvalidAnswer(ValueError):
    def __init__(self, message: str, raw: str | None) -> None:
        super().__init__(message)
        self.raw = raw


@dataclass
class ChatResult:
    answer: BaseModel
    raw: str
    usage: Usage
    attempts: int  # model answers requested (1 = valid on the first try)
    transport_retries: int = 0
    cached: bool = False
    seconds: float = 0.0


@dataclass
class CallStats:
    """Counters shared across threads, for manifests and summaries."""

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError, GarbledResponse)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _TRANSIENT_STATUS or exc.status_code >= 500
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    for name in ("retry-after-ms", "retry-after"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value)
        except ValueError:
            continue
        return seconds / 1000 if name.endswith("ms") else seconds
    return None


def _describe_transport(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, openai.APITimeoutError):
        return "timeout", "the endpoint did not answer in time"
    if isinstance(exc, openai.APIConnectionError):
        return "connection", f"could not reach the endpoint ({type(exc.__cause__ or exc).__name__})"
    if isinstance(exc, openai.RateLimitError):
        return "rate_limited", "the endpoint kept answering 429 Too Many Requests"
    if isinstance(exc, openai.AuthenticationError):
        return "auth", "the endpoint rejected the API key (401)"
    if isinstance(exc, openai.NotFoundError):
        return "not_found", f"the endpoint answered 404: {_error_message(exc)}"
    if isinstance(exc, openai.APIStatusError):
        return "http_error", f"the endpoint answered HTTP {exc.status_code}: {_error_message(exc)}"
    if isinstance(exc, GarbledResponse):
        return "garbled_response", f"the endpoint's answer is not a chat completion ({exc})"
    return "error", str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _error_message(exc: openai.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    message = body.get("message") or (body.get("error") or {}).get("message") if body else None
    return str(message or exc.message)[:200]


def _rejects_json_schema(exc: openai.APIStatusError) -> bool:
    if exc.status_code not in (400, 422, 500, 501):
        return False
    text = (str(exc.body) + " " + exc.message).lower()
    return any(word in text for word in ("response_format", "json_schema", "schema", "grammar"))


class LLMClient:
    """Structured JSON answers from one model on one endpoint."""

    def __init__(
        self,
        settings: Settings,
        *,
        base_url: str,
        api_key: str,
        model_name: str,
        endpoint_label: str,
        cache: ResponseCache | None = None,
        slots: int = 0,
    ) -> None:
        self.settings = settings
        self.model_name = model_name
        self.endpoint_label = endpoint_label
        self.cache = cache
        self.stats = CallStats()
        self.response_format_mode = "json_schema"  # falls back to json_object once rejected
        self._base_url = base_url
        self._api_key = api_key
        self._client_instance: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        # llama.cpp slots (the embedded server's parallel requests); 0: an endpoint whose slots are not ours
        self._free_slots: queue.SimpleQueue[int] = queue.SimpleQueue()
        for slot in range(slots):
            self._free_slots.put(slot)
        self.slots = slots
        self._pinned = threading.local()

    @contextlib.contextmanager
    def pinned_slot(self) -> Iterator[int | None]:
        """Send this thread's requests to one free server slot until the block ends (None: no slots to pin).

        A slot keeps the prompt it last read (``cache_prompt``), so requests sharing a long prefix (an article
        read once, asked about window by window) reuse it only when they land in the same slot (issue 20).
        """
        if not self.slots:
            yield None
            return
        slot = self._free_slots.get()
        self._pinned.slot = slot
        try:
            yield slot
        finally:
            self._pinned.slot = None
            self._free_slots.put(slot)

    @property
    def _client(self) -> openai.OpenAI:
        """Created on first use: a run served wholly from the cache never builds one."""
        with self._client_lock:
            if self._client_instance is None:
                self._client_instance = openai.OpenAI(
                    base_url=self._base_url, api_key=self._api_key, max_retries=0, timeout=self.settings.timeout_s
                )
            return self._client_instance

    # -- public ------------------------------------------------------------

    def complete_json(self, messages: list[dict[str, str]], answer_model: type[T]) -> ChatResult:
        schema = _schema_of(answer_model)
        key = cache_key(
            {"model": self.model_name, "messages": messages, "params": self.settings.request_params(), "schema": schema}
        )
        if self.cache is not None and self.settings.use_cache:
            hit = self.cache.get(key)
            if hit is not None:
                try:
                    answer = answer_model.model_validate_json(hit["raw"])
                except ValidationError:
                    answer = None
                if answer is not None:
                    self.stats.add(cache_hits=1)
                    return ChatResult(
                        answer=answer, raw=hit["raw"], usage=Usage(**hit["usage"]),
                        attempts=hit["attempts"], cached=True,
                    )
        started = time.monotonic()
        result = self._ask_until_valid(messages, answer_model, schema)
        result.seconds = time.monotonic() - started
        if self.cache is not None and self.settings.use_cache:
            self.cache.put(key, {"raw": result.raw, "usage": result.usage.model_dump(), "attempts": result.attempts})
        return result

    # -- internals -----------------------------------------------------------

    def _ask_until_valid(self, messages: list[dict[str, str]], answer_model: type[T], schema: dict) -> ChatResult:
        conversation = list(messages)
        usage = Usage()
        retries = 0
        last_error = ""
        last_raw: str | None = None
        max_answers = 1 + max(0, self.settings.max_reasks)
        for attempt in range(1, max_answers + 1):
            raw, finish_reason, call_usage, call_retries = self._call(conversation, schema)
            usage = usage + call_usage
            retries += call_retries
            try:
                answer = self._parse(raw, finish_reason, answer_model)
            except InvalidAnswer as exc:
                last_error, last_raw = str(exc), exc.raw
                conversation = [*conversation]
                if raw:
                    conversation.append({"role": "assistant", "content": raw[:4000]})
                conversation.append({"role": "user", "content": self._reask_text(last_error)})
                continue
            return ChatResult(answer=answer, raw=raw or "", usage=usage, attempts=attempt, transport_retries=retries)
        raise LLMError(
            "invalid_output",
            f"no valid answer after {max_answers} attempts: {last_error}",
            attempts=max_answers,
            raw_output=last_raw,
        )

    @staticmethod
    def _reask_text(error: str) -> str:
        return (
            "Your answer could not be used: "
            + error
            + "\nAnswer again with only a JSON object that matches the schema. Keep it short."
        )

    @staticmethod
    def _parse(raw: str | None, finish_reason: str | None, answer_model: type[T]) -> T:
        if raw is None:
            raise InvalidAnswer("the endpoint returned no answer (empty choices)", None)
        if finish_reason == "length":
            raise InvalidAnswer("the answer was cut off at max_tokens (finish_reason=length); give fewer items", raw)
        text = raw.strip()
        if text.startswith("```"):
            text = text.strip("`")
            text = text[text.find("{"):] if "{" in text else text
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidAnswer(f"not valid JSON ({exc.msg} at char {exc.pos})", raw) from None
        try:
            return answer_model.model_validate(data)
        except ValidationError as exc:
            locate = getattr(answer_model, "error_location", lambda loc: ".".join(str(p) for p in loc))
            problems = "; ".join(f"{locate(err['loc']) or 'answer'}: {err['msg']}" for err in exc.errors()[:5])
            raise InvalidAnswer(f"schema violation: {problems}", raw) from None

    def _request_kwargs(self, conversation: list[dict[str, str]], schema: dict) -> dict[str, Any]:
        params = self.settings.request_params()
        kwargs: dict[str, Any] = {
            "model": self.model_name,
            "messages": conversation,
            "temperature": params["temperature"],
            "max_tokens": params["max_tokens"],
            "seed": params["seed"],
        }
        slot = getattr(self._pinned, "slot", None)
        if slot is not None:  # llama.cpp's server options; never part of the cache key
            kwargs["extra_body"] = {"id_slot": slot, "cache_prompt": True}
        if self.response_format_mode == "json_schema":
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema, "strict": False},
            }
        else:
            hint = "Answer with a JSON object that matches this JSON schema:\n" + json.dumps(schema)
            first = conversation[0]
            if first.get("role") == "system":
                conversation = [{"role": "system", "content": first["content"] + "\n\n" + hint}, *conversation[1:]]
            else:
                conversation = [{"role": "system", "content": hint}, *conversation]
            kwargs["messages"] = conversation
            kwargs["response_format"] = {"type": "json_object"}
        return kwargs

    def _call(self, conversation: list[dict[str, str]], schema: dict) -> tuple[str | None, str | None, Usage, int]:
        """One answer from the model, retrying transport errors; returns (content, finish_reason, usage, retries)."""
        retries = 0

        def wait(state: RetryCallState) -> float:
            suggested = retry_after_seconds(state.outcome.exception() if state.outcome else None)
            if suggested is not None:
                return min(max(suggested, 0.0), 120.0)
            return wait_exponential_jitter(
                multiplier=self.settings.retry_initial_wait, jitter=self.settings.retry_initial_wait, max=30
            )(state)

        retrying = Retrying(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(1 + max(0, self.settings.max_retries)),
            wait=wait,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if attempt.retry_state.attempt_number > 1:
                        retries += 1
                        self.stats.add(retries=1)
                    response = self._create(conversation, schema)
        except (openai.APIError, GarbledResponse) as exc:
            kind, message = _describe_transport(exc)
            tries = 1 + retries
            raise LLMError(kind, f"{self._without_key(message)} (after {tries} tries)", attempts=tries) from None
        usage = Usage(
            prompt_tokens=getattr(response.usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(response.usage, "completion_tokens", 0) or 0,
        )
        if not response.choices:
            return None, None, usage, retries
        choice = response.choices[0]
        return choice.message.content, choice.finish_reason, usage, retries

    def _without_key(self, text: str) -> str:
        """An endpoint may quote the API key back in an error (some proxies do): never pass it on."""
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        return text.replace(key, "***") if len(key) >= 6 else text

    def _create(self, conversation: list[dict[str, str]], schema: dict) -> Any:
        self.stats.add(requests=1)
        try:
            response = self._send(self._request_kwargs(conversation, schema))
        except openai.APIStatusError as exc:
            if not (self.response_format_mode == "json_schema" and _rejects_json_schema(exc)):
                raise
            self.response_format_mode = "json_object"
            self.stats.add(requests=1)
            response = self._send(self._request_kwargs(conversation, schema))
        except ValueError as exc:  # an HTTP body that does not parse as JSON
            raise GarbledResponse(f"{type(exc).__name__}: {str(exc)[:80]}") from None
        if not hasattr(response, "choices"):  # a non-JSON content type comes back as a plain string
            raise GarbledResponse(f"got {type(response).__name__} instead of a chat completion")
        return response

    def _send(self, kwargs: dict[str, Any]) -> Any:
        """One chat completion request, its messages passed as ``extra_body``: the same body, byte for byte.

        The SDK walks ``messages`` through every TypedDict shape a message may
        take before sending (~0.12 ms of CPU per message, half of what a
        request costs here); for plain role/content strings that walk changes
        nothing. ``extra_body`` is merged over the body unwalked, and a key
        already there keeps its place, so the bytes sent are the same
        (tests/model/test_client.py compares them).
        """
        extra = {**kwargs.pop("extra_body", {}), "messages": kwargs["messages"]}
        return self._client.chat.completions.create(**{**kwargs, "messages": []}, extra_body=extra)


PREFLIGHT_TIMEOUT_S = 3.0


def preflight(base_url: str, api_key: str, label: str) -> None:
    """Fail at once, before any article, when nothing answers at ``base_url`` (refused, no such host).

    One ``GET {base_url}/models``: any HTTP answer (200, 401, 404 from servers without
    the route, such as some llama.cpp or proxy setups) shows that something listens and the
    run goes on. Only a connection that cannot be made is fatal (an ``LLMError`` of kind
    ``unreachable``, which the CLI maps to exit 2); a slow answer is left to the retries
    of the real requests, which are for endpoints that answered before.
    """
    probe = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=PREFLIGHT_TIMEOUT_S)
    try:
        probe.models.list()
    except openai.APITimeoutError:
        return  # it listens but is slow: the real requests retry and report
    except openai.APIConnectionError as exc:
        cause = exc.__cause__
        if cause is None or type(cause).__name__ != "ConnectError":
            return  # it answered, then dropped or garbled the connection: left to the retries
        reason = str(cause).split("] ")[-1] or type(cause).__name__
        raise LLMError(
            "unreachable",
            f"could not reach the endpoint {label} ({reason}): is the server running, and do --base-url / "
            "OPENAI_BASE_URL point to it (scheme, host, port, /v1)?",
        ) from None
    except Exception:  # noqa: BLE001 - any answer at all (401, 404, not JSON) shows something listens
        return
    finally:
        probe.close()


@contextlib.contextmanager
def connect(settings: Settings, cache: ResponseCache | None = None) -> Iterator[LLMClient]:
    """An ``LLMClient`` for the configured endpoint, starting (and stopping) the embedded model if none is set."""
    if cache is None and settings.use_cache:
        cache = ResponseCache(settings.cache_dir / "responses.sqlite")
    if not settings.is_embedded:
        api_key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
        if not settings.model:
            raise LLMError("config", "a remote endpoint needs a model name: --model or STANCE_MODEL")
        preflight(settings.base_url or "", api_key, settings.public_endpoint)
        yield LLMClient(
            settings, base_url=settings.base_url or "", api_key=api_key, model_name=settings.model,
            endpoint_label=settings.public_endpoint, cache=cache,
        )
        return
    model_path, label = resolve_model(settings.model, settings.cache_dir)
    with EmbeddedServer(
        model_path, threads=settings.threads, parallel=settings.parallel, context=settings.context
    ) as server:
        yield LLMClient(
            settings, base_url=server.base_url, api_key="embedded", model_name=label,
            endpoint_label=settings.public_endpoint, cache=cache, slots=settings.parallel,
        )
