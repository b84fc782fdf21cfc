"""What one batch invocation did (``RunSummary``), its exit status, and the end-of-run table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from stance.results import FailureRecord
from stance.runs.manifest import RunCounts, RunManifest

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class RunSummary:
    """What one invocation did; ``manifest`` is what was written to ``manifest.json``."""

    out_dir: Path
    manifest: RunManifest
    failures: list[FailureRecord] = field(default_factory=list)  # sorted by article id, kept ones included
    abandoned: int = 0  # articles still running when a second Ctrl-C gave up on them
    notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> RunCounts:
        return self.manifest.counts

    @property
    def interrupted(self) -> bool:
        return self.manifest.interrupted

    @property
    def exit_code(self) -> int:
        """0 all done; 1 some articles failed; 2 aborted (configuration); 130 interrupted."""
        if self.manifest.status == "aborted":
            return EXIT_USAGE
        if self.manifest.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.counts.failed else EXIT_OK


def print_run_summary(summary: RunSummary, console: Console, max_failures: int = 10) -> None:
    """The end-of-run table: counts, failures by kind, requests, tokens, cost, time."""
    m, c = summary.manifest, summary.counts
    table = Table(title=f"stance extract → {summary.out_dir}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("articles", str(c.total))
    table.add_row("done", f"{c.done}" + (f" ({c.cached} from cache)" if c.cached else ""))
    table.add_row("skipped (done earlier)", str(c.skipped))
    failed = f"{c.failed}" + (f" ({c.kept_failed} kept from an earlier run)" if c.kept_failed else "")
    table.add_row("failed", f"[red]{failed}[/red]" if c.failed else failed)
    if c.pending or m.files_unread:
        unread = f" (+ {m.files_unread} files not read yet)" if m.files_unread else ""
        table.add_row("not finished", f"[yellow]{c.pending}{unread}[/yellow]")
    if m.failures_by_kind:
        table.add_row("failures by kind", ", ".join(f"{k} {n}" for k, n in m.failures_by_kind.items()))
    table.add_row("requests", f"{m.requests} ({m.retries} retries, {m.cache_hits} cache hits)")
    table.add_row("tokens", f"{m.usage.prompt_tokens:,} prompt + {m.usage.completion_tokens:,} completion")
    if m.cost is not None:
        table.add_row("cost (estimate)", f"{m.cost.total:.4f}" + (f" (saved {m.cost.saved_by_cache:.4f} by cache)"
                                                                   if m.cost.saved_by_cache else ""))
    rate = f", {throughput(c.done, m.seconds)}" if m.seconds > 0 and c.done else ""
    table.add_row("time", f"{m.seconds:.1f} s{rate}")
    console.print(table)
    for record in summary.failures[:max_failures]:
        console.print(f"[red]failed[/red] {record.article_id}: {record.kind}: {record.message}", highlight=False)
    if len(summary.failures) > max_failures:
        console.print(f"… and {len(summary.failures) - max_failures} more in {summary.out_dir / 'failures'}")
    for note in summary.notes:
        console.print(note, highlight=False)
    if m.status == "aborted":
        console.print(f"[red]stopped:[/red] {m.error}", highlight=False)
    elif m.interrupted:
        console.print("[yellow]interrupted[/yellow]: run the same command again to resume.")
    elif c.kept_failed:
        console.print("rerun with --retry-failed to try the failed articles again.")


def throughput(articles: int, seconds: float) -> str:
    """A rate that reads as a real number: articles/s when fast, articles/min, else s per article."""
    per_second = articles / seconds
    if per_second >= 1:
        return f"{per_second:.1f} articles/s"
    if per_second * 60 >= 1:
        return f"{per_second * 60:.1f} articles/min"
    return f"{seconds / articles:.0f} s per article"

