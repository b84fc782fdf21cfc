"""Settings against the fake server, and reading a run folder back the way the run tests check it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from stance.config import Settings
from stance.results import ArticleResult, FailureRecord
from stance.runs.inputs import safe_file_name
from stance.runs.manifest import RunManifest
from support.fake_openai import FakeOpenAI
from support.paths import REPO

MARKER = "sk-test-MARKER-7f3a9c1e5b"


def make_settings(fake: FakeOpenAI, tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = dict(
        base_url=fake.base_url, model="fake-model", api_key=MARKER, cache_dir=tmp_path / "cache",
        max_retries=1, retry_initial_wait=0.01,
    )
    values.update(extra)
    return Settings(**values)


def extract_with_fake(text: str, name: str, prompt: str, responder: Any, tmp_path: Path
                      ) -> tuple[ArticleResult, list[dict[str, Any]]]:
    """One article extracted with ``prompt`` through the real openai client against the fake server answering
    with ``responder``: the result and the chat requests it sent."""
    from stance.extraction.api import extract_text
    from stance.extraction.article import article_info
    from stance.extraction.prompts import load_prompt
    from stance.model.client import connect

    with FakeOpenAI(responder=responder) as fake:
        settings = make_settings(fake, tmp_path, max_reasks=0, max_retries=0)
        with connect(settings) as llm:
            result = extract_text(text, article_info(text, name, name), llm=llm, prompt=load_prompt(prompt),
                                  settings=settings)
        return result, list(fake.chat_requests)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def results_of(run: Path) -> dict[str, ArticleResult]:
    out = {}
    for path in sorted((run / "results").glob("*.json")):
        result = ArticleResult.model_validate_json(path.read_bytes())
        assert path.stem == safe_file_name(result.article.id)
        assert result.article.id not in out
        out[result.article.id] = result
    return out


def failures_of(run: Path) -> dict[str, FailureRecord]:
    return {r.article_id: r for r in (FailureRecord.model_validate_json(p.read_bytes())
                                      for p in sorted((run / "failures").glob("*.json")))}


def events_of(run: Path) -> list[dict[str, Any]]:
    lines = (run / "events.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines if line]
    for event in events:
        assert set(event) == {"time", "event", "article_id", "details"}
    return events


def manifest_of(run: Path) -> RunManifest:
    return RunManifest.model_validate(read_json(run / "manifest.json"))


def assert_counts_add_up(run: Path) -> RunManifest:
    m = manifest_of(run)
    c = m.counts
    assert c.total == c.done + c.skipped + c.failed + c.pending
    assert c.cached <= c.done and c.kept_failed <= c.failed
    assert sum(m.failures_by_kind.values()) == c.failed
    return m


def comparable(result: ArticleResult) -> dict[str, Any]:
    """The result JSON without its timing, which varies from run to run."""
    data = result.model_dump(mode="json")
    data["provenance"].pop("seconds")
    return data


def uncached(result: ArticleResult) -> dict[str, Any]:
    """Also without the cache flag: a cached answer gives the same result."""
    data = comparable(result)
    data["provenance"].pop("cached")
    return data


def cli_command(inputs: Path, run: Path, fake: FakeOpenAI, workers: int) -> list[str]:
    """``python -m stance extract`` in a child process (the one that kill -9 and Ctrl-C tests stop)."""
    return [sys.executable, "-m", "stance", "extract", str(inputs), "--out", str(run),
            "--base-url", fake.base_url, "--model", "fake-model", "--workers", str(workers), "--quiet"]


def cli_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "STANCE_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": MARKER,
            "PYTHONPATH": str(REPO)}
