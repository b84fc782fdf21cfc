"""Typer command-line interface: parses options and calls the Python API. Nothing else."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="stance",
    help="Extract who claims what, and who takes which side, from news articles.",
    no_args_is_help=True,
    add_completion=False,
)

# --- extract ---------------------------------------------------------------

# --- eval ------------------------------------------------------------------

# --- export ----------------------------------------------------------------

# --- report ----------------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    app()
