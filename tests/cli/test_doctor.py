"""``stance doctor`` prints what a bug report needs, without secrets; ``stance docs`` prints the packaged pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.paths import REPO
from typer.testing import CliRunner

from stance.cli.app import app


def test_doctor_names_paths_model_endpoint_extras_and_browser(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STANCE_", "OPENAI_"))}
    env.update(XDG_CACHE_HOME=str(tmp_path / "xdg"), OPENAI_API_KEY="sk-do-not-print-me",
               OPENAI_BASE_URL="http://user:hunter2@127.0.0.1:9/v1?key=abc")
    out = subprocess.run([sys.executable, "-m", "stance", "doctor"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    rows = dict(line.split(None, 1) if "  " not in line else [s.strip() for s in line.split("  ", 1)]
                for line in out.splitlines() if line.strip())
    assert rows["cache folder"] == f"{tmp_path / 'xdg' / 'stance'} (from XDG_CACHE_HOME)"
    assert rows["endpoint"] == "http://127.0.0.1:9/v1" and rows["api key"] == "set"
    assert "hunter2" not in out and "sk-do-not-print-me" not in out and "abc" not in out
    for key in ("stance", "python", "config file", "extra [export]", "extra [embed]", "report browser", "docs"):
        assert rows.get(key), (key, out)


def test_doctor_reports_the_embedded_model_file(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "embedded model" in result.output and "not assembled yet" in " ".join(result.output.split())
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "qwen2.5-coder-1.5b.gguf").write_bytes(b"short")
    assert "damaged" in CliRunner().invoke(app, ["doctor"]).output


def test_docs_lists_and_prints_the_pages() -> None:
    listing = CliRunner().invoke(app, ["docs"])
    assert listing.exit_code == 0 and "evals" in listing.output and "export" in listing.output
    page = CliRunner().invoke(app, ["docs", "evals"])
    assert page.exit_code == 0 and page.output == (REPO / "docs" / "evals.md").read_text(encoding="utf-8")
    missing = CliRunner().invoke(app, ["docs", "nope"])
    assert missing.exit_code == 2 and "pages:" in missing.output
