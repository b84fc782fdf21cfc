"""``python -m stance``: the command line, as the ``stance`` script runs it."""

from stance.cli.app import app

app()
