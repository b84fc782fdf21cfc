"""A run as typed objects: results, failures, manifest, and its actors and claims lined up across articles.

    from stance.corpus import load_run
    run = load_run("runs/iran")
    run.table("wide")          # a pandas DataFrame (needs the export extra)

The run folder is read by the one run reader (``stance.runs.reader``); a
result file that does not validate is skipped and listed in ``invalid``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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

    def between(self, since: str | None = None, until: str | None = None) -> Run:
        """The run cut to the articles published from ``since`` to ``until`` (ISO dates, both included):
        every table of the cut counts only their stances, with the same actors and claim ids.

        Articles without a date (``article.date``) are left out of any cut. A bound
        compares with as much of the date as it gives ("2020-09" is the whole month).
        """
        def inside(date: str | None) -> bool:
            if not date:
                return False
            return (since is None or date[: len(since)] >= since) and (until is None or date[: len(until)] <= until)

        return replace(self, results=[r for r in self.results if inside(r.article.date)])

    def periods(self, per: str = "month") -> list[str]:
        """The months (``2020-09``), years (``2020``) or days the run's dated articles fall in, in order."""
        width = {"year": 4, "month": 7, "day": 10}.get(per)
        if width is None:
            raise ExportError(f"unknown period {per!r}; use year, month or day")
        return sorted({r.article.date[:width] for r in self.results if r.article.date and len(r.article.date) >= width})


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
