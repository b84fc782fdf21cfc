"""The ``stance`` command: one module per command group, assembled here; each parses options and calls the Python API.

``stance.cli.app:app`` is the console script (pyproject ``[project.scripts]``), also run by
``python -m stance`` and ``python -m stance.cli``. Commands import what they call inside
the function, so ``stance --help`` starts without loading a model client.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from stance._version import __version__
from stance.cli.batch import batch_app
from stance.cli.claims import claims_command
from stance.cli.doctor import docs_command, doctor_command
from stance.cli.evals import eval_app
from stance.cli.export import export_command
from stance.cli.extract import extract
from stance.cli.fixtures import fixtures_app
from stance.cli.help import ReadableGroup
from stance.cli.report import report_command

app = typer.Typer(
    name="stance",
    cls=ReadableGroup,
    help="Extract who claims what, and who takes which side, from news articles.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stance {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Extract who claims what, and who takes which side, from news articles.

    With no endpoint configured the embedded model runs locally (no network, no key).
    Set OPENAI_BASE_URL, OPENAI_API_KEY and --model (or STANCE_MODEL) to use any
    OpenAI-compatible endpoint: OpenAI, vLLM, Ollama, llama.cpp server.
    """


app.command()(extract)
app.add_typer(eval_app, name="eval")
app.add_typer(fixtures_app, name="fixtures")
app.add_typer(batch_app, name="batch")
app.command("export")(export_command)
app.command("claims")(claims_command)
app.command("report")(report_command)
app.command("doctor")(doctor_command)
app.command("docs")(docs_command)


if __name__ == "__main__":  # pragma: no cover
    app()
