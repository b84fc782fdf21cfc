"""``BatchError``: a problem with a run as a whole (inputs, run folder, prices file), not with one article."""

from __future__ import annotations


class BatchError(RuntimeError):
    """A problem with the run as a whole (inputs, run folder, prices file): exit status 2."""
