"""The one error type evals raise for bad input, so the CLI can print it without a traceback."""

from __future__ import annotations


class EvalError(Exception):
    """Bad input to the eval harness (missing folder, invalid gold file, unreadable run...).

    The message is written for the user: it names the file and says what is wrong.
    """
