"""The run page: one self-contained HTML file of a run folder.

A report is one file (inline CSS and JS, nothing fetched), so it can be
mailed, archived or opened from a file share. The run is read as the corpus
sees it (``stance.corpus.load_run``): the stance table shows the same
canonical actors and claim ids as ``stance export``, and a file the run
reader could not read is listed on the page, never fatal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stance.corpus import ExportError, Run, load_run
from stance.report.articles import build_article_view
from stance.report.html import ReportError, environment, json_for_script, stance_version, write_html
from stance.report.stance_table import stance_table


def open_run(run_dir: Path | str) -> Run:
    """The run folder as the corpus reads it (results, failures, manifest, canonical actors and claims)."""
    try:
        return load_run(run_dir)
    except ExportError as exc:
        raise ReportError(str(exc)) from exc


def render_run_html(run: Run | Path | str, *, title: str | None = None,
                    texts: Mapping[str, str] | None = None,
                    max_actors: int | None = 40, max_claims: int | None = 30) -> str:
    """The run report as one self-contained HTML string.

    ``texts`` maps article id to article text, for a caller that already has
    the text (e.g. extracted from HTML); others are read from ``article.path``.
    """
    run = run if isinstance(run, Run) else open_run(run)
    data: dict[str, Any] = {"actors": {}, "claims": {}, "ev": {}, "articles": {}}
    texts = texts or {}
    claim_of = run.canon.claim_of  # (article id, its claim id) -> the run-wide id of the table and the export
    articles = [build_article_view(r, i, run.path, texts.get(r.article.id), data,
                                   {c.id: claim_of[(r.article.id, c.id)] for c in r.claims if (r.article.id, c.id) in claim_of})
                for i, r in enumerate(run.results, 1)]
    totals: dict[str, Any] = {
        "articles": len(articles),
        "actors": sum(a.counts.actors for a in articles),
        "claims": sum(a.counts.claims for a in articles),
        "stances": sum(a.counts.stances for a in articles),
        "evidence": sum(a.counts.evidence for a in articles),
        "located": sum(a.counts.located for a in articles),
        "prompt_tokens": sum(r.provenance.usage.prompt_tokens for r in run.results),
        "completion_tokens": sum(r.provenance.usage.completion_tokens for r in run.results),
        "seconds": sum(r.provenance.seconds for r in run.results),
    }
    totals["grounding"] = totals["located"] / totals["evidence"] if totals["evidence"] else None
    models = Counter(r.provenance.model for r in run.results).most_common()
    prompts = Counter(f"{r.provenance.prompt.name} {r.provenance.prompt.hash}" for r in run.results).most_common()
    template = environment().get_template("run.html.j2")
    return template.render(
        title=title or f"stance report: {run.path.resolve().name}", version=stance_version(), run_path=str(run.path),
        totals=totals, models=models, prompts=prompts, articles=articles,
        table=stance_table(run, max_actors, max_claims),
        failures=run.failures, invalid=run.invalid,
        manifest_json=json.dumps(run.manifest, indent=2, ensure_ascii=False) if run.manifest else None,
        data_json=json_for_script(data),
    )


def write_run_report(run_dir: Path | str, out: Path | str | None = None, **options: Any) -> Path:
    """Write the run report (default ``RUN/report.html``) and return its path."""
    run = open_run(run_dir)
    return write_html(render_run_html(run, **options), out if out is not None else run.path / "report.html")

