"""``stance batch``: a run's model requests as Batch API files, and their answers back into the run folder.

    RUN/batch/state.json        inputs, load options, settings (no key, no endpoint credentials), rounds
    RUN/batch/round-N.jsonl     round N's requests (more parts: round-N-part2.jsonl, ...), each file at most
                                50,000 lines and 200 MB, the OpenAI Batch API's limits per input file
    RUN/batch/outputs.sqlite    every answer and error line collected so far, by custom_id

``prepare`` and ``collect`` are both an ordinary run (``run_batch``) whose
engine (``BatchFileEngine``) answers from the collected outputs instead of a
live model: an article whose requests all have valid answers is finished
exactly as online (results/, failures/, manifest, events; resume and
``--retry-failed`` as usual); an article still waiting writes nothing, and the
requests it waits for (its first ones, or a re-ask carrying the validation
error) go into the next round's file. The same answers give the same results
as an online run, and collected answers go into the response cache too.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Console

from stance.config import Settings
from stance.extraction.article import Article, article_result, plan_article
from stance.files import write_atomic
from stance.model.batch_api import (
    OPENAI_URL,
    BatchAnswers,
    OutputStore,
    Waiting,
    batch_info,
    file_text,
    output_records,
    submit_file,
)
from stance.model.errors import LLMError
from stance.results import ArticleResult
from stance.runs.batch import RunSummary, run_batch
from stance.runs.engine import Attempt, Engine, EngineSetup
from stance.runs.errors import BatchError
from stance.runs.inputs import LoadOptions, safe_file_name

MAX_LINES = 50_000  # requests per input file (OpenAI Batch API)
MAX_BYTES = 200 * 1024 * 1024  # bytes per input file (OpenAI Batch API)
RUNNING = ("validating", "in_progress", "finalizing", "cancelling")


class RoundFile(BaseModel):
    name: str = Field(description="file name under RUN/batch/")
    requests: int = Field(description="lines in the file")
    bytes: int = Field(description="size of the file")
    file_id: str | None = Field(None, description="the uploaded file's id (stance batch submit)")
    batch_id: str | None = Field(None, description="the batch created for it (stance batch submit)")


class Round(BaseModel):
    n: int = Field(description="1 for the first requests; later rounds carry re-asks and retries")
    files: list[RoundFile] = Field(description="the round's request files")
    collected: bool = Field(False, description="its answers were read back by stance batch collect")


class BatchState(BaseModel):
    """``RUN/batch/state.json``: what ``submit``, ``status`` and ``collect`` need without the original flags."""

    inputs: list[str] = Field(description="article files and folders, absolute")
    load_options: dict[str, Any] = Field(description="how the inputs are read (LoadOptions)")
    settings: dict[str, Any] = Field(description="the run's settings, without the API key and base URL")
    endpoint: str = Field(description="where the batches go, without credentials")
    rounds: list[Round] = Field(default_factory=list)


@dataclass
class BatchReport:
    """What a prepare or collect did, and what comes next."""

    summary: RunSummary
    waiting: int  # articles still waiting for answers
    round: Round | None  # the round file(s) just written, if any
    next_steps: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# The engine: articles answered from batch outputs
# ---------------------------------------------------------------------------


class BatchFileEngine:
    """Plans each article and resolves its requests from ``answers``; collects the lines still to send."""

    name = "batch"

    def __init__(self, answers: BatchAnswers) -> None:
        self.answers = answers
        self.setup: EngineSetup | None = None  # given by the runner when the first article needs it
        self.model, self.endpoint = answers.model_name, answers.endpoint_label
        self.capacity = 1  # no model waits here: each article is worked on at once
        self.lines: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def __call__(self, setup: EngineSetup) -> Engine:  # the runner's EngineFactory
        self.setup = setup
        return self

    def submit(self, article: Article) -> Future[Attempt]:
        future: Future[Attempt] = Future()
        future.set_result(self._work(article))
        return future

    def _work(self, article: Article) -> Attempt:
        assert self.setup is not None
        if self.setup.stop.is_set():
            return Attempt(started=False)
        started, mode, settings = time.monotonic(), self.setup.mode, self.setup.settings
        name = safe_file_name(article.id)
        try:
            info, plan = plan_article(mode, article.text, article.info, settings)
            resolved = [self.answers.resolve(r.messages, r.answer_model, f"{name}/{i}")
                        for i, r in enumerate(plan.requests)]
            waiting = [r.line for r in resolved if isinstance(r, Waiting)]
            if waiting:
                with self._lock:
                    self.lines.extend(waiting)
                return Attempt(waiting=len(waiting))
            answers = [r for r in resolved if not isinstance(r, Waiting)]
            result: ArticleResult = article_result(mode, plan, answers, info, llm=self.answers.client,
                                                   settings=settings, started=started)
        except LLMError as exc:  # ExtractionError (an empty article) included
            return Attempt(kind=exc.kind, message=exc.message, attempts=exc.attempts, raw_output=exc.raw_output)
        except Exception as exc:
            return Attempt(kind="internal", message=f"{type(exc).__name__}: {exc}")
        return Attempt(result=result)

    def stats(self) -> tuple[int, int, int]:
        s = self.answers.client.stats
        return (self.answers.read, s.cache_hits, 0)

    def close(self, *, wait: bool) -> None:
        pass


# ---------------------------------------------------------------------------
# The run folder's batch/ part
# ---------------------------------------------------------------------------


def _folder(out: Path) -> Path:
    return Path(out) / "batch"


def load_state(out: Path) -> BatchState:
    path = _folder(out) / "state.json"
    try:
        return BatchState.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise BatchError(f"{out} has no prepared batch: run stance batch prepare INPUTS --out {out}") from None
    except ValueError as exc:
        raise BatchError(f"{path} is damaged: {str(exc).splitlines()[0]}") from None


def _save_state(out: Path, state: BatchState) -> None:
    write_atomic(_folder(out) / "state.json", state.model_dump_json(indent=2).encode("utf-8") + b"\n")


def settings_of(state: BatchState, base_url: str | None = None) -> Settings:
    """The run's settings again: the key from ``OPENAI_API_KEY``, the endpoint from ``base_url``, the
    environment or the state file (which never holds credentials)."""
    url = base_url or os.environ.get("OPENAI_BASE_URL") or state.endpoint
    return Settings.model_validate({**state.settings, "base_url": url, "api_key": os.environ.get("OPENAI_API_KEY")})


def _write_round(out: Path, n: int, lines: Sequence[dict[str, Any]], max_lines: int, max_bytes: int) -> Round:
    """Round ``n``'s lines in files of at most ``max_lines`` lines and ``max_bytes`` bytes, each written atomically."""
    parts: list[list[bytes]] = [[]]
    size = 0
    for line in sorted(lines, key=lambda item: item["custom_id"]):
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        if len(data) > max_bytes:
            raise BatchError(f"one request ({line['custom_id']}) is {len(data)} bytes, over the {max_bytes} per file")
        if parts[-1] and (len(parts[-1]) >= max_lines or size + len(data) > max_bytes):
            parts.append([])
            size = 0
        parts[-1].append(data)
        size += len(data)
    files = []
    for k, part in enumerate(parts, start=1):
        name = f"round-{n}.jsonl" if k == 1 else f"round-{n}-part{k}.jsonl"
        blob = b"".join(part)
        write_atomic(_folder(out) / name, blob)
        files.append(RoundFile(name=name, requests=len(part), bytes=len(blob)))
    return Round(n=n, files=files)


def _next_steps(out: Path, state: BatchState, new: Round | None, summary: RunSummary) -> list[str]:
    if new is None:
        c = summary.counts
        steps = [f"nothing left to ask: {c.done + c.skipped} articles done, {c.failed} failed"]
        if c.failed:
            steps.append(f"see {out}/failures/; stance batch prepare ... --out {out} --retry-failed asks again")
        return steps
    files = " ".join(str(_folder(out) / f.name) for f in new.files)
    model = state.settings.get("model") or "MODEL"
    return [
        f"round {new.n}: {sum(f.requests for f in new.files)} requests in {files}",
        f"next: stance batch submit {out}   (the OpenAI Batch API; then stance batch status {out}, "
        f"stance batch collect {out})",
        f"  or: vllm run-batch -i {_folder(out) / new.files[0].name} -o out-{new.n}.jsonl --model {model}, "
        f"then stance batch collect {out} --output out-{new.n}.jsonl",
    ]


def _run(inputs: Sequence[str | Path], out: Path, settings: Settings, state: BatchState, *,
         load_options: LoadOptions, retry_failed: bool, quiet: bool, console: Console | None,
         max_lines: int, max_bytes: int, ingested: int = 0) -> BatchReport:
    """One pass of the runner over the inputs, answering from the outputs; then the next round's file."""
    store = OutputStore(_folder(out) / "outputs.sqlite")
    try:
        answers = BatchAnswers(settings, settings.model or "", settings.public_endpoint, outputs=store)
        answers.read = ingested
        engine = BatchFileEngine(answers)
        summary = run_batch(inputs, out, settings, workers=1, retry_failed=retry_failed, quiet=quiet,
                            load_options=load_options, console=console, engine=engine)
    finally:
        store.close()
    new = None
    if engine.lines:
        new = _write_round(out, (state.rounds[-1].n if state.rounds else 0) + 1, engine.lines, max_lines, max_bytes)
        state.rounds.append(new)
    _save_state(out, state)
    waiting = summary.counts.total - summary.counts.done - summary.counts.skipped - summary.counts.failed
    return BatchReport(summary=summary, waiting=waiting, round=new, next_steps=_next_steps(out, state, new, summary))


# ---------------------------------------------------------------------------
# The four steps
# ---------------------------------------------------------------------------


def prepare(inputs: Sequence[str | Path], out: str | Path, settings: Settings, *, load_options: LoadOptions | None = None,
            retry_failed: bool = False, quiet: bool = False, console: Console | None = None,
            max_lines: int = MAX_LINES, max_bytes: int = MAX_BYTES) -> BatchReport:
    """Write the first requests of every article not done yet into the next round's file(s)."""
    out = Path(out)
    if not settings.model:
        raise BatchError("batch files need a model name: --model or STANCE_MODEL")
    if settings.base_url is None:  # batch files never use the embedded model
        settings = settings.model_copy(update={"base_url": OPENAI_URL})
    try:
        state = load_state(out)
    except BatchError:
        state = None
    if state is not None and state.rounds and not state.rounds[-1].collected:
        raise BatchError(f"round {state.rounds[-1].n} in {out}/batch/ is not collected yet: "
                         f"stance batch collect {out} (or remove {out}/batch/ to start over)")
    options = load_options or LoadOptions()
    _folder(out).mkdir(parents=True, exist_ok=True)
    state = BatchState(
        inputs=[str(Path(p).resolve()) for p in inputs], load_options=asdict(options),
        settings=settings.model_dump(mode="json", exclude={"api_key", "base_url"}),
        endpoint=settings.public_endpoint, rounds=state.rounds if state else [],
    )
    return _run(inputs, out, settings, state, load_options=options, retry_failed=retry_failed, quiet=quiet,
                console=console, max_lines=max_lines, max_bytes=max_bytes)


def submit(out: str | Path, *, base_url: str | None = None) -> Round:
    """Upload the latest round's files and create a batch for each (files already submitted are skipped)."""
    out = Path(out)
    state = load_state(out)
    if not state.rounds or state.rounds[-1].collected:
        raise BatchError(f"nothing to submit in {out}: run stance batch prepare first")
    settings = settings_of(state, base_url)
    current = state.rounds[-1]
    for f in current.files:
        if f.batch_id is None:
            try:
                f.file_id, f.batch_id = submit_file(settings, _folder(out) / f.name)
            except LLMError as exc:
                raise BatchError(f"submitting {f.name}: {exc.message}") from None
            _save_state(out, state)  # each batch id is kept as soon as it exists
    return current


def status(out: str | Path, *, base_url: str | None = None) -> list[tuple[RoundFile, dict[str, Any] | None]]:
    """Each file of the latest round with its batch's status (None: not submitted)."""
    out = Path(out)
    state = load_state(out)
    if not state.rounds:
        return []
    settings = settings_of(state, base_url)
    rows = []
    for f in state.rounds[-1].files:
        try:
            rows.append((f, batch_info(settings, f.batch_id) if f.batch_id else None))
        except LLMError as exc:
            raise BatchError(f"status of {f.batch_id}: {exc.message}") from None
    return rows


def collect(out: str | Path, *, output: Sequence[Path] = (), base_url: str | None = None, retry_failed: bool = False,
            quiet: bool = False, console: Console | None = None, max_lines: int = MAX_LINES,
            max_bytes: int = MAX_BYTES) -> BatchReport:
    """Read the latest round's answers (``output`` files, else downloaded), finish what they complete, and
    write the next round for what still waits."""
    out = Path(out)
    state = load_state(out)
    if not state.rounds:
        raise BatchError(f"nothing prepared in {out}: run stance batch prepare first")
    current = state.rounds[-1]
    if current.collected:
        raise BatchError(f"round {current.n} in {out}/batch/ is collected already; nothing waits")
    settings = settings_of(state, base_url)
    ingested = 0
    store = OutputStore(_folder(out) / "outputs.sqlite")  # each file is stored as it is read: memory stays flat
    try:
        if output:
            for path in output:
                try:
                    with Path(path).open(encoding="utf-8") as fh:
                        ingested += store.add(output_records(fh), current.n)
                except OSError as exc:
                    raise BatchError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from None
        else:
            for f in current.files:
                if f.batch_id is None:
                    raise BatchError(f"{f.name} is not submitted: stance batch submit {out}, or run it elsewhere "
                                     f"and stance batch collect {out} --output FILE")
                try:
                    info = batch_info(settings, f.batch_id)
                    if info["status"] in RUNNING:
                        raise BatchError(f"batch {f.batch_id} ({f.name}) is {info['status']} ({info['completed']} "
                                         f"of {info['total']} done): run stance batch collect {out} again later")
                    for file_id in (info["output_file_id"], info["error_file_id"]):
                        if file_id:
                            ingested += store.add(output_records(file_text(settings, file_id).splitlines()),
                                                  current.n)
                except LLMError as exc:
                    raise BatchError(f"reading batch {f.batch_id}: {exc.message}") from None
    finally:
        store.close()
    current.collected = True
    options = LoadOptions(**state.load_options)
    return _run(state.inputs, out, settings, state, load_options=options, retry_failed=retry_failed, quiet=quiet,
                console=console, max_lines=max_lines, max_bytes=max_bytes, ingested=ingested)
