"""A run as typed objects: results, failures, manifest, and its actors and claims lined up across articles.

    from stance.corpus import load_run
    run = load_run("runs/iran")
    run.table("wide")          # a pandas DataFrame (needs the export extra)

The run folder is read by the one run reader (``stance.runs.reader``); a
result file that does not validate is skipped and listed in ``invalid``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from stance._gc import gc_paused
from stance.corpus.canon import Canon, CanonicalError, ExportError, Method
from stance.corpus.canonical import canonicalize_run
from stance.corpus.tables import Positions, columns_of, stance_positions, table_rows, to_pandas
from stance.results import ArticleResult, FailureRecord
from stance.runs.reader import RunFolderError, read_run


@dataclass
class Run:
    """A run folder's contents plus the cross-article canonicalisation the tables use."""

    path: Path
    results: list[ArticleResult]
    canon: Canon
    failures: list[FailureRecord] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (file inside the run folder, why)

    @property
    def skipped(self) -> list[tuple[str, str]]:
        """Result files that did not validate, as (file name in ``results/``, why)."""
        return [(name.removeprefix("results/"), why) for name, why in self.invalid if name.startswith("results/")]

    @cached_property
    def positions(self) -> Positions:
        """(canonical actor, canonical claim) -> stance label -> ids of the articles that show it."""
        return stance_positions(self.results, self.canon)

    def table(self, name: str) -> Any:
        """The named table (long, wide, actors, claims, network) as a pandas DataFrame."""
        rows = table_rows(self, name)
        return to_pandas(rows, columns_of(name, rows))


def load_run(run_dir: str | Path, *, method: Method = "auto", threshold: float | None = None) -> Run:
    """Read a run folder and canonicalise its actors and claims (user corrections applied).

    ``method`` picks how paraphrased claims are found: ``lexical`` (rapidfuzz
    token-set similarity), ``embedding`` (needs the ``embed`` extra) or
    ``auto`` (embedding when installed). ``threshold`` is in (0, 1]. Nothing is
    written; ``export`` writes the mapping files.
    """
    with gc_paused():
        try:
            contents = read_run(run_dir)
            canon = canonicalize_run(contents.results, contents.path, method=method, threshold=threshold)
        except (RunFolderError, CanonicalError) as exc:
            raise ExportError(str(exc)) from exc
    return Run(
        path=contents.path,
        results=contents.results,
        canon=canon,
        failures=contents.failures,
        manifest=contents.manifest,
        invalid=contents.invalid,
    )
