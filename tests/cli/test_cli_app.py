"""The command line as assembled in stance/cli/app.py: its commands, their options, its entry points."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from stance import __version__
from stance.cli.app import app

# The options each command takes: users' scripts depend on these names, so a change is deliberate.
OPTIONS = {
    "extract": "--also-open --author-field --base-url --claims-in --codebook --codebook-method --config --engine "
               "--force --id-field --language --max-bytes --model --no-cache --out --prices --prompt --quiet "
               "--ray-address --retry-failed --speaker --text-field --title-field --workers -m -o -q -w",
    "export": "--format --method --no-mappings --out --per --since --table --threshold --until -f -o -t",
    "claims": "--base-url --codebook --config --method --min-articles --model --names --no-cache --show --threshold -m",
    "report": "--max-actors --max-claims --out --plot --title -o",
    "doctor": "--base-url --config --model --verify -m",
    "docs": "",
    "eval": "",
    "eval score": "--baseline --fixtures --html --json --markdown --max-drop --min --min-overlap-chars --mode "
                  "--paraphrase-threshold --plot --resamples --seed -f",
    "eval run": "--also-open --base-url --baseline --claims-in --codebook --codebook-method --config --fixtures "
                "--force --html --json --language --markdown --max-drop --min --mode --model --no-cache --out --plot "
                "--prompt --quiet --workers -f -m -o -q",
    "eval compare": "--examples --fail-on-regression --fixtures --html --json --markdown --max-drop --plot -f",
    "fixtures": "",
    "fixtures import": "--as-run --out -o",
    "fixtures draft": "--out -o",
    "batch": "",
    "batch prepare": "--base-url --claims-in --codebook --config --language --model --no-cache --out --prompt --quiet "
                     "--retry-failed -m -o -q",
    "batch submit": "--base-url",
    "batch status": "--base-url",
    "batch collect": "--base-url --output --quiet -q",
}


def command_options(group: Any, prefix: str = "") -> dict[str, str]:
    """Every command under ``group`` (by its full name) with its sorted option flags."""
    found = {}
    for name in group.list_commands(None):
        command = group.commands[name]
        key = f"{prefix} {name}".strip()
        found[key] = " ".join(sorted(o for p in command.params for o in getattr(p, "opts", []) if o.startswith("-")))
        if hasattr(command, "commands"):
            found.update(command_options(command, key))
    return found


def test_every_command_keeps_its_options() -> None:
    assert command_options(typer.main.get_command(app)) == OPTIONS


def test_help_lists_the_commands_and_loads_no_model_client() -> None:
    code = ("import sys; from stance.cli.app import app; "
            "print(sorted(m for m in ('openai', 'pydantic', 'stance.runs.batch') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert loaded.strip() == "[]"
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("extract", "export", "report", "eval"):
        assert command in result.output


@pytest.mark.parametrize("module", ["stance", "stance.cli"])
def test_python_dash_m_runs_the_same_app(module: str) -> None:
    done = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"stance {__version__}"
