"""``--engine ray`` against the fake server: the same run folder as a local run, and a killed worker loses nothing.

One local Ray instance (2 CPUs, no dashboard) is shared by the module's tests:
starting Ray takes several seconds.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.articles import answer_for, write_articles
from support.fake_openai import Action, FakeOpenAI, reply_json
from support.runs import MARKER, assert_counts_add_up, comparable, events_of, make_settings, results_of
from typer.testing import CliRunner

from stance.cli.app import app
from stance.runs.batch import run_batch

ray = pytest.importorskip("ray", reason="the Ray engine's tests need Ray: pip install -e '.[ray]'")

from stance.runs.ray_engine import ACTOR_PREFIX  # noqa: E402 - only once Ray is known to be there


@pytest.fixture(scope="module", autouse=True)
def ray_cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield
    finally:
        ray.shutdown()


def responder(body: dict[str, Any]) -> Action:
    return reply_json(answer_for(body), usage=(100, 20))


def test_ray_run_gives_the_same_result_files_as_local(tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", 50)
    with FakeOpenAI(responder=responder) as fake:
        settings = make_settings(fake, tmp_path, use_cache=False)
        local = run_batch([tmp_path / "in"], tmp_path / "local", settings, workers=4, quiet=True)
        on_ray = run_batch([tmp_path / "in"], tmp_path / "ray", settings, workers=4, quiet=True, engine="ray")
        assert not fake.errors
        assert fake.count() == 100

    assert local.exit_code == on_ray.exit_code == 0
    ray_results = results_of(tmp_path / "ray")
    assert sorted(ray_results) == ids
    assert {k: comparable(v) for k, v in ray_results.items()} == \
        {k: comparable(v) for k, v in results_of(tmp_path / "local").items()}
    m = assert_counts_add_up(tmp_path / "ray")
    assert (m.status, m.counts.done, m.requests, m.options["engine"]) == ("finished", 50, 50, "ray")
    assert m.usage.prompt_tokens == 50 * 100
    for path in (tmp_path / "ray").rglob("*"):  # the key went to the actors, and was written nowhere
        if path.is_file():
            assert MARKER not in path.read_text(encoding="utf-8", errors="replace")

    again = run_batch([tmp_path / "in"], tmp_path / "ray", settings, workers=4, quiet=True, engine="ray")
    assert (again.counts.skipped, again.counts.done) == (50, 0)  # resume holds


def test_a_worker_killed_mid_run_loses_nothing_and_does_nothing_twice(tmp_path: Path) -> None:
    ids = write_articles(tmp_path / "in", 50)
    killed: list[int] = []
    lock = threading.Lock()

    def kill_worker_once(body: dict[str, Any]) -> Action:
        with lock:
            seen = fake.count()
            if seen >= 20 and not killed:  # kill -9 the actor's process while articles are in flight
                name = next(n for n in ray.util.list_named_actors() if n.startswith(ACTOR_PREFIX))
                pid = ray.get(ray.get_actor(name).hello.remote(), timeout=30)["pid"]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        return responder(body)

    with FakeOpenAI(responder=kill_worker_once) as fake:
        settings = make_settings(fake, tmp_path, use_cache=False)
        summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, workers=4, quiet=True, engine="ray")
        requests = fake.count()

    assert killed, "the worker was never killed"
    assert summary.exit_code == 0, summary.failures
    assert sorted(results_of(tmp_path / "run")) == ids
    done = Counter(e["article_id"] for e in events_of(tmp_path / "run") if e["event"] == "article_done")
    assert sorted(done) == ids and set(done.values()) == {1}  # every article done, and done once
    m = assert_counts_add_up(tmp_path / "run")
    assert (m.status, m.counts.done, m.counts.failed) == ("finished", 50, 0)
    assert 50 < requests <= 50 + 4  # only the articles in flight at the kill were asked again


def test_an_unreachable_endpoint_aborts_the_ray_run_and_records_nothing(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    with FakeOpenAI(responder=responder) as fake:
        settings = make_settings(fake, tmp_path, base_url="http://127.0.0.1:9/v1", max_retries=0)
    summary = run_batch([tmp_path / "in"], tmp_path / "run", settings, quiet=True, engine="ray")
    assert summary.exit_code == 2 and summary.manifest.status == "aborted" and summary.manifest.error
    assert not list((tmp_path / "run" / "failures").iterdir()) and not list((tmp_path / "run" / "results").iterdir())


def test_cli_engine_ray_and_its_address_option(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 5)
    env = {"STANCE_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": MARKER}
    with FakeOpenAI(responder=responder) as fake:
        base = ["extract", str(tmp_path / "in"), "--out", str(tmp_path / "run"), "--base-url", fake.base_url,
                "--model", "fake-model", "--quiet"]
        wrong = CliRunner().invoke(app, [*base, "--ray-address", "auto"], env=env)
        assert wrong.exit_code == 2 and "--ray-address needs --engine ray" in wrong.output
        done = CliRunner().invoke(app, [*base, "--engine", "ray"], env=env)
    assert done.exit_code == 0, done.output
    m = assert_counts_add_up(tmp_path / "run")
    assert (m.counts.done, m.options["engine"]) == (5, "ray")
