"""``LLMError``: how a model call fails for good, importable without the openai client.

Extraction and batch code catch and re-raise it; keeping it here means that
code (and the run reader, reports and exports that import the article type)
does not pay for importing ``openai``.
"""

from __future__ import annotations


class LLMError(RuntimeError):
    """A model call that failed for good; ``kind`` is short and machine-readable."""

    def __init__(self, kind: str, message: str, *, attempts: int = 0, raw_output: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.attempts = attempts
        self.raw_output = raw_output
