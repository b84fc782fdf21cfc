"""A local fake OpenAI-compatible HTTP server for offline tests.

Why a real server instead of mocking the client: the code under test talks to
models through the real `openai` client, and the faults we must survive
(429 with Retry-After, 5xx, connection resets, read timeouts, broken bodies)
live in the transport. Only real sockets exercise the real retry, timeout and
parsing paths.

Usage::

    with FakeOpenAI() as fake:
        fake.script([status(429, headers={"Retry-After": "1"}), reply("hi")])
        client = openai.OpenAI(base_url=fake.base_url, api_key="test", max_retries=0)
        ...

What answers a `POST /v1/chat/completions`, in order:

1. with ``reject_json_schema=True``, a request whose ``response_format.type``
   is ``"json_schema"`` gets a 400 error (the queue is not consumed);
2. otherwise the next queued action (``script`` / ``push``), if any;
3. otherwise the responder: ``responder(request_body) -> Action``
   (default: ``reply("{}")``).

`GET /v1/models` lists the configured model and never consumes the queue.
Every request, to any path, is recorded.

The Batch API: `POST /v1/files` (multipart, purpose "batch") stores a file,
`GET /v1/files/{id}/content` returns one, `POST /v1/batches` answers every
line of its input file at once, each through the rules above (delays are not
waited for), into an output file of the Batch API's format, and
`GET /v1/batches/{id}` reports it "in_progress" for ``batch_polls_in_progress``
retrievals, then "completed".
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Union

__all__ = [
    "Action",
    "Delay",
    "EmptyChoices",
    "FakeOpenAI",
    "GarbageBody",
    "RecordedRequest",
    "Reply",
    "Reset",
    "Responder",
    "Status",
    "delay",
    "empty_choices",
    "error_body",
    "garbage_body",
    "length",
    "reply",
    "reply_json",
    "reset",
    "status",
    "truncated",
]

CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"
FILES_PATH = "/v1/files"
BATCHES_PATH = "/v1/batches"

# Bounds, so a mistaken script cannot hang a test run.
_MAX_DELAY_S = 30.0
_MAX_NESTED_DELAYS = 10
_MAX_BODY_BYTES = 16 * 1024 * 1024


# --------------------------------------------------------------------------
# Actions: what the server does with one chat-completions request.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A 200 chat.completion whose ``choices[0].message.content`` is `content`.

    ``usage=None`` omits the usage object (some servers do).
    """

    content: str
    finish_reason: str = "stop"
    usage: tuple[int, int] | None = (10, 5)


@dataclass(frozen=True)
class Status:
    """An HTTP error (or any status) with a JSON, text or default error body."""

    code: int
    body: dict[str, Any] | list[Any] | str | bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Sleep `seconds`, then perform `then` (None: whatever the responder says)."""

    seconds: float
    then: Action | None = None


@dataclass(frozen=True)
class Reset:
    """Close the socket abruptly (TCP RST) without sending any response."""


@dataclass(frozen=True)
class EmptyChoices:
    """A 200 chat.completion with ``"choices": []``."""


@dataclass(frozen=True)
class GarbageBody:
    """A 200 whose HTTP body is not JSON at all."""

    body: str = "<html><body>502 Bad Gateway</body></html>"
    content_type: str = "application/json"


Action = Union[Reply, Status, Delay, Reset, EmptyChoices, GarbageBody]
Responder = Callable[[dict[str, Any]], Action]


def reply(
    content: str,
    finish_reason: str = "stop",
    usage: tuple[int, int] | None = (10, 5),
) -> Reply:
    """A normal chat completion answering `content`."""
    if not isinstance(content, str):
        raise TypeError(f"reply() content must be str, got {type(content).__name__}; use reply_json() for objects")
    return Reply(content, finish_reason, usage)


def reply_json(
    obj: Any,
    finish_reason: str = "stop",
    usage: tuple[int, int] | None = (10, 5),
) -> Reply:
    """A chat completion whose content is `obj` serialised as JSON."""
    return Reply(json.dumps(obj, ensure_ascii=False), finish_reason, usage)


def length(content: str, usage: tuple[int, int] | None = (10, 5)) -> Reply:
    """A completion cut off by the token limit: ``finish_reason="length"``."""
    return reply(content, finish_reason="length", usage=usage)


def truncated(content: str | dict[str, Any] | list[Any], at: int | None = None) -> Reply:
    """A 200 whose message content (JSON text) stops mid-way, with finish_reason "stop".

    `content` may be a string or a JSON-able object (serialised first). The
    content is cut to its first `at` characters (default: half).
    """
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    cut = len(text) // 2 if at is None else at
    if not 0 <= cut < len(text):
        raise ValueError(f"truncated(): at={cut} does not cut a {len(text)}-character content")
    return Reply(text[:cut], "stop")


def error_body(
    message: str,
    type: str = "invalid_request_error",  # noqa: A002 - the OpenAI field name
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """An OpenAI-style error body: ``{"error": {"message", "type", "param", "code"}}``."""
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def status(
    code: int,
    body: dict[str, Any] | list[Any] | str | bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Status:
    """An HTTP status response, e.g. ``status(429, headers={"Retry-After": "1"})``.

    `body`: a dict/list is sent as JSON, str/bytes as-is; None sends a default
    OpenAI-style error body naming the status.
    """
    return Status(code, body, dict(headers or {}))


def delay(seconds: float, then: Action | None = None) -> Delay:
    """Wait `seconds` before answering with `then` (None: the responder's answer)."""
    if not 0 <= seconds <= _MAX_DELAY_S:
        raise ValueError(f"delay() seconds must be within 0..{_MAX_DELAY_S}, got {seconds}")
    return Delay(seconds, then)


def reset() -> Reset:
    """Drop the connection without a response (the client sees a connection error)."""
    return Reset()


def empty_choices() -> EmptyChoices:
    """A 200 chat completion with no choices."""
    return EmptyChoices()


def garbage_body(
    body: str = "<html><body>502 Bad Gateway</body></html>",
    content_type: str = "application/json",
) -> GarbageBody:
    """A 200 with a non-JSON body (by default still labelled application/json)."""
    return GarbageBody(body, content_type)


def _multipart(raw: bytes, content_type: str) -> dict[str, bytes]:
    """The fields of a multipart/form-data body (what the openai client sends to /v1/files)."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw)
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = part.get_payload(decode=True) or b""
    return fields


def _default_responder(request_body: dict[str, Any]) -> Action:
    return reply("{}")


_ACTION_TYPES = (Reply, Status, Delay, Reset, EmptyChoices, GarbageBody)


def _check_action(action: object) -> Action:
    if not isinstance(action, _ACTION_TYPES):
        raise TypeError(f"not a fake_openai action: {action!r}")
    return action


# --------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it.

    `headers` has lower-cased names. `body` is the parsed JSON body (None when
    there was no body or it was not JSON; `raw` keeps the bytes).
    """

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    raw: bytes


# --------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 drops connections under 8+ concurrent clients
    fake: FakeOpenAI

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and hung up is expected in these tests;
        # anything else is a bug in the fake and is kept for the test to see.
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        self.fake._record_error(f"unhandled error in fake server: {exc!r}")


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so a reset or a stale pooled
    # connection never leaks from one scripted answer into the next.
    protocol_version = "HTTP/1.0"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test output quiet

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        fake = self.server.fake
        raw = self._read_body()
        body: dict[str, Any] | None = None
        if raw:
            try:
                parsed = json.loads(raw)
                body = parsed if isinstance(parsed, dict) else None
            except ValueError:
                body = None
        path = self.path.split("?", 1)[0].rstrip("/")
        fake._record(
            RecordedRequest(
                method=self.command,
                path=path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                raw=raw,
            )
        )

        if self.command == "GET" and path == MODELS_PATH:
            self._send_json(200, fake._models_payload())
            return
        if self.command == "POST" and path == CHAT_PATH:
            if body is None:
                self._send_json(400, error_body("request body is not a JSON object"))
                return
            self._perform(fake._choose_action(body), body)
            return
        if path.startswith((FILES_PATH, BATCHES_PATH)):
            answer = fake._batch_api(self.command, path, body, raw, self.headers.get("Content-Type") or "")
            if answer is not None:
                code, payload = answer
                if isinstance(payload, bytes):
                    self._send_bytes(code, payload, "application/octet-stream")
                else:
                    self._send_json(code, payload)
                return
        self._send_json(404, error_body(f"no route for {self.command} {path}", code="not_found"))

    def _read_body(self) -> bytes:
        size = int(self.headers.get("Content-Length") or 0)
        if size <= 0:
            return b""
        return self.rfile.read(min(size, _MAX_BODY_BYTES))

    def _perform(self, action: Action, body: dict[str, Any]) -> None:
        fake = self.server.fake
        for _ in range(_MAX_NESTED_DELAYS):
            if not isinstance(action, Delay):
                break
            if fake._closing.wait(action.seconds):
                self._reset()  # shutting down: do not hold the test up
                return
            action = action.then if action.then is not None else fake._respond(body)
        else:
            fake._record_error(f"more than {_MAX_NESTED_DELAYS} nested delay() actions")
            self._send_json(500, error_body("fake server: too many nested delays", type="server_error"))
            return

        model = str(body.get("model") or fake.model)
        if isinstance(action, Reply):
            self._send_json(200, fake._completion(model, action.content, action.finish_reason, action.usage))
        elif isinstance(action, EmptyChoices):
            payload = fake._completion(model, "", "stop", (10, 0))
            payload["choices"] = []
            self._send_json(200, payload)
        elif isinstance(action, Status):
            self._send_status(action)
        elif isinstance(action, Reset):
            self._reset()
        elif isinstance(action, GarbageBody):
            self._send_bytes(200, action.body.encode("utf-8"), action.content_type)
        else:  # pragma: no cover - _check_action guards this
            raise TypeError(f"unknown action {action!r}")

    def _send_status(self, action: Status) -> None:
        body = action.body
        if body is None:
            kind = "server_error" if action.code >= 500 else "invalid_request_error"
            if action.code == 429:
                kind = "rate_limit_exceeded"
            body = error_body(f"fake server status {action.code}", type=kind, code=str(action.code))
        if isinstance(body, (dict, list)):
            data, content_type = json.dumps(body).encode("utf-8"), "application/json"
        elif isinstance(body, str):
            data, content_type = body.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            data, content_type = body, "application/octet-stream"
        self._send_bytes(action.code, data, content_type, action.headers)

    def _send_json(self, code: int, payload: Any) -> None:
        self._send_bytes(code, json.dumps(payload).encode("utf-8"), "application/json")

    def _send_bytes(
        self, code: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.connection.close()


class FakeOpenAI:
    """A scripted OpenAI-compatible server on 127.0.0.1 (see module docstring).

    Thread-safe: requests are served concurrently and every public method
    may be called while requests are in flight.
    """

    def __init__(
        self,
        *,
        model: str = "fake-model",
        responder: Responder | None = None,
        reject_json_schema: bool = False,
    ) -> None:
        self.model = model
        self.reject_json_schema = reject_json_schema
        self._lock = threading.Lock()
        self._queue: deque[Action] = deque()
        self._responder: Responder = responder or _default_responder
        self._requests: list[RecordedRequest] = []
        self._errors: list[str] = []
        self._counter = 0
        self._closing = threading.Event()
        self._closed = False
        self._files: dict[str, bytes] = {}
        self._batches: dict[str, dict[str, Any]] = {}
        self._batch_polls: dict[str, int] = {}
        self.batch_polls_in_progress = 0  # GET /v1/batches/{id} says "in_progress" this many times first

        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeOpenAI:{self.port}",
            daemon=True,
        )
        self._thread.start()

    # -- lifecycle ---------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: pass to ``openai.OpenAI(base_url=...)``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        """Stop serving and free the port; idempotent. Pending delays end at once."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scripting ---------------------------------------------------------

    def push(self, action: Action) -> FakeOpenAI:
        """Queue one action for the next unanswered chat request."""
        _check_action(action)
        with self._lock:
            self._queue.append(action)
        return self

    def script(self, actions: Iterable[Action]) -> FakeOpenAI:
        """Queue several actions in order (appends to anything already queued)."""
        checked = [_check_action(a) for a in actions]
        with self._lock:
            self._queue.extend(checked)
        return self

    def clear_script(self) -> None:
        """Drop all queued actions."""
        with self._lock:
            self._queue.clear()

    @property
    def pending(self) -> int:
        """How many queued actions have not been consumed yet."""
        with self._lock:
            return len(self._queue)

    @property
    def responder(self) -> Responder:
        """``(request_body) -> Action``: answers when the queue is empty."""
        return self._responder

    @responder.setter
    def responder(self, fn: Responder | None) -> None:
        self._responder = fn or _default_responder

    # -- recording ---------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        """Number of requests received so far (all paths)."""
        with self._lock:
            return len(self._requests)

    def count(
        self,
        path: str | None = CHAT_PATH,
        where: Callable[[RecordedRequest], bool] | None = None,
    ) -> int:
        """Count recorded requests to `path` (None: any path) matching `where`."""
        with self._lock:
            snapshot = list(self._requests)
        return sum(
            1 for r in snapshot if (path is None or r.path == path) and (where is None or where(r))
        )

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of chat-completions requests, in arrival order."""
        return [r.body for r in self.requests if r.path == CHAT_PATH and r.body is not None]

    @property
    def errors(self) -> list[str]:
        """Problems inside the fake itself (a responder that raised, a bad action)."""
        with self._lock:
            return list(self._errors)

    # -- internals (called from handler threads) ---------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _record_error(self, message: str) -> None:
        with self._lock:
            self._errors.append(message)

    def _choose_action(self, body: dict[str, Any]) -> Action:
        if self.reject_json_schema:
            fmt = body.get("response_format")
            if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
                return Status(
                    400,
                    error_body(
                        "response_format type 'json_schema' is not supported by this server",
                        type="invalid_request_error",
                        code="unsupported_response_format",
                        param="response_format",
                    ),
                )
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        return self._respond(body)

    def _respond(self, body: dict[str, Any]) -> Action:
        try:
            return _check_action(self._responder(body))
        except Exception as exc:  # surfaced via .errors; the client sees a 500
            self._record_error(f"responder failed: {exc!r}")
            return Status(500, error_body(f"fake responder failed: {exc!r}", type="server_error"))

    def _completion(
        self, model: str, content: str, finish_reason: str, usage: tuple[int, int] | None
    ) -> dict[str, Any]:
        with self._lock:
            self._counter += 1
            n = self._counter
        payload: dict[str, Any] = {
            "id": f"chatcmpl-fake-{n}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                    "logprobs": None,
                }
            ],
        }
        if usage is not None:
            prompt_tokens, completion_tokens = usage
            payload["usage"] = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            }
        return payload

    # -- the Batch API (called from handler threads) -----------------------

    def _batch_api(self, method: str, path: str, body: dict[str, Any] | None, raw: bytes,
                   content_type: str) -> tuple[int, dict[str, Any] | bytes] | None:
        parts = path.split("/")  # "", "v1", "files"|"batches", id, "content"
        if method == "POST" and path == FILES_PATH:
            fields = _multipart(raw, content_type)
            if "file" not in fields:
                return 400, error_body("multipart field 'file' is missing")
            return 200, self._store_file(fields["file"], fields.get("purpose", b"").decode() or "batch")
        if method == "GET" and path.startswith(FILES_PATH + "/") and len(parts) == 5 and parts[4] == "content":
            with self._lock:
                data = self._files.get(parts[3])
            return (200, data) if data is not None else (404, error_body(f"no file {parts[3]}", code="not_found"))
        if method == "POST" and path == BATCHES_PATH and body is not None:
            with self._lock:
                data = self._files.get(str(body.get("input_file_id")))
            if data is None:
                return 400, error_body("input_file_id is not a stored file")
            return 200, self._run_batch(data, str(body.get("endpoint")))
        if method == "GET" and path.startswith(BATCHES_PATH + "/") and len(parts) == 4:
            with self._lock:
                batch = self._batches.get(parts[3])
                if batch is None:
                    return 404, error_body(f"no batch {parts[3]}", code="not_found")
                polls = self._batch_polls.get(parts[3], 0)
                self._batch_polls[parts[3]] = polls + 1
                done = polls >= self.batch_polls_in_progress
            shown = dict(batch)
            if not done:
                shown.update(status="in_progress", output_file_id=None, error_file_id=None)
            return 200, shown
        return None

    def _store_file(self, data: bytes, purpose: str) -> dict[str, Any]:
        with self._lock:
            self._counter += 1
            file_id = f"file-fake-{self._counter}"
            self._files[file_id] = data
        return {"id": file_id, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                "filename": f"{file_id}.jsonl", "purpose": purpose, "status": "processed"}

    def _run_batch(self, data: bytes, endpoint: str) -> dict[str, Any]:
        """Answer each input line now, as chat completions would, into an output (and error) file."""
        outputs, errors = [], []
        for n, line in enumerate(data.decode("utf-8").splitlines()):
            if not line.strip():
                continue
            request = json.loads(line)
            action = self._choose_action(request["body"])
            for _ in range(_MAX_NESTED_DELAYS):
                if not isinstance(action, Delay):
                    break
                action = action.then if action.then is not None else self._respond(request["body"])
            record: dict[str, Any] = {"id": f"batch_req_{n}", "custom_id": request["custom_id"], "error": None}
            model = str(request["body"].get("model") or self.model)
            if isinstance(action, Reply):
                completion = self._completion(model, action.content, action.finish_reason, action.usage)
                record["response"] = {"status_code": 200, "request_id": f"req_{n}", "body": completion}
                outputs.append(record)
            elif isinstance(action, Status):
                err = action.body if isinstance(action.body, dict) else error_body(f"fake status {action.code}")
                record["response"] = {"status_code": action.code, "request_id": f"req_{n}", "body": err}
                errors.append(record)
            else:  # a reset, garbage or empty choices: no response for this line
                record["response"] = None
                record["error"] = {"code": "server_error", "message": f"fake: {type(action).__name__}"}
                errors.append(record)
        output = self._store_file("".join(json.dumps(r) + "\n" for r in outputs).encode(), "batch_output")
        error = self._store_file("".join(json.dumps(r) + "\n" for r in errors).encode(), "batch_output") \
            if errors else None
        with self._lock:
            self._counter += 1
            batch_id = f"batch_fake_{self._counter}"
            now = int(time.time())
            self._batches[batch_id] = {
                "id": batch_id, "object": "batch", "endpoint": endpoint, "errors": None,
                "input_file_id": "", "completion_window": "24h", "status": "completed",
                "output_file_id": output["id"], "error_file_id": error["id"] if error else None,
                "created_at": now, "completed_at": now,
                "request_counts": {"total": len(outputs) + len(errors), "completed": len(outputs),
                                   "failed": len(errors)},
            }
            return dict(self._batches[batch_id])

    def _models_payload(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": self.model, "object": "model", "created": 0, "owned_by": "fake"}],
        }
