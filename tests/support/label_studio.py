"""A real Label Studio server for tests: started from .venv-ls/ on a free port with a temp data folder and SQLite.

Label Studio pins Django and older openai/numpy, so scripts/test.sh installs it
into its own environment; its SDK runs there too (``label_studio_driver.py``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.paths import REPO

LS_VENV = REPO / ".venv-ls"
LS_BIN = LS_VENV / "bin" / "label-studio"
LS_PYTHON = LS_VENV / "bin" / "python"
DRIVER = Path(__file__).with_name("label_studio_driver.py")
USER, PASSWORD, TOKEN = "corrector@example.com", "stance-test-pass", "stance0test0token0label0studio0"
START_TIMEOUT_S = 150  # a fresh data folder runs Django's migrations first (about 50 s measured here)
# A migrated, empty database kept beside the environment after the first start, so later starts skip
# the migrations (the server still checks them); delete it to test a first start.
TEMPLATE_DB = LS_VENV / "stance-test-template.sqlite3"
DB_NAME = "label_studio.sqlite3"


@dataclass
class Server:
    url: str
    token: str
    seconds_to_start: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def label_studio(data_dir: Path) -> Iterator[Server]:
    """Start ``label-studio`` and wait (bounded) until /health answers; stop it (its process group) afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "DJANGO_DB": "sqlite",
        "LABEL_STUDIO_USERNAME": USER,
        "LABEL_STUDIO_PASSWORD": PASSWORD,
        "LABEL_STUDIO_USER_TOKEN": TOKEN,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",  # the SDK and the test authenticate with the token above
        "LATEST_VERSION_CHECK": "false",  # no request to pypi.org at start
        "COLLECT_ANALYTICS": "false",
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    if TEMPLATE_DB.is_file():
        shutil.copyfile(TEMPLATE_DB, data_dir / DB_NAME)
    log = (data_dir / "server.log").open("wb")
    t0 = time.monotonic()
    proc = subprocess.Popen([str(LS_BIN), "start", "--no-browser", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"label-studio exited with {proc.returncode}; log: {data_dir / 'server.log'}")
            if time.monotonic() - t0 > START_TIMEOUT_S:
                raise RuntimeError(f"label-studio did not answer within {START_TIMEOUT_S} s; log: {data_dir / 'server.log'}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        started = time.monotonic() - t0
        if not TEMPLATE_DB.is_file() and (data_dir / DB_NAME).is_file():
            with sqlite3.connect(data_dir / DB_NAME) as src, sqlite3.connect(f"{TEMPLATE_DB}.tmp") as dst:
                src.backup(dst)
            os.replace(f"{TEMPLATE_DB}.tmp", TEMPLATE_DB)
        yield Server(url, TOKEN, started)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def drive(server: Server, work: Path) -> None:
    """Run the SDK driver (in .venv-ls) on ``work``: project from label_config.xml, tasks.json, annotations.json -> export.json."""
    proc = subprocess.run([str(LS_PYTHON), str(DRIVER), server.url, server.token, str(work)], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"label-studio driver failed:\n{proc.stdout}\n{proc.stderr}")
