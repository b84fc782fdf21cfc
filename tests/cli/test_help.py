"""Every command's ``--help`` reads well: value names instead of type labels, RUN not {run}, choices listed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from stance.cli.app import app
from stance.cli.export import ExportFormat, MergeMethod, Table

ROOT = typer.main.get_command(app)


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(ROOT))


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "220", "NO_COLOR": "1"}, terminal_width=220)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "stance")
def test_help_reads_well(path: tuple[str, ...]) -> None:
    command = dict(COMMANDS)[path]
    text = _help(path)
    assert not re.search(r"<[\w\[\]|, .]+>", text), "a type label such as <str> or <bool> is shown"
    assert "{" not in text and "}" not in text, "braces (usage {run} or a help text) are shown"
    assert not re.search(r" \.(\s|$)", text), "a description ends in ' .' (Rich ate a [...] in the help text)"
    for param in command.params:
        if getattr(param, "type_descriptor", None) is not None and param.type_descriptor.is_choice:
            for choice in param.type_descriptor.choices:
                assert choice.value in text, f"{param.name}: choice {choice.value} is not listed"
        if param.param_type_name == "argument":
            assert (param.name or "").upper() in text.split("Usage:")[1].splitlines()[0]


def test_export_help_says_where_files_go() -> None:
    text = " ".join(_help(("export",)).split())
    assert "RUN/exports/long.csv" in text
    assert "long|wide|actors|claims|network" in text and "csv|jsonl|parquet|xlsx|md|graphml|label-studio|dna" in text
    assert "TABLE.claims.FORMAT" in text


def test_export_choices_match_the_corpus() -> None:
    """Adding a format or table is one Enum member here plus one writer or table in stance.corpus."""
    from stance.corpus import FORMATS, METHODS, TABLES

    assert tuple(f.value for f in ExportFormat) == FORMATS + ("label-studio", "dna")  # the last two: stance.exchange
    assert tuple(t.value for t in Table) == TABLES
    assert tuple(m.value for m in MergeMethod) == tuple(METHODS)


def test_usage_lines_name_arguments_in_capitals() -> None:
    assert "Usage: stance export [OPTIONS] RUN" in _help(("export",))
    assert "Usage: stance extract [OPTIONS] INPUTS..." in _help(("extract",))
