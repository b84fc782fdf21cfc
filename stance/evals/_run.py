"""Read a run folder (docs/result-format.md) and pair its articles with fixtures.

Evals only read runs; the batch module writes them. A result is linked to a
fixture by ``article.id`` (equal to the gold ``article`` file name, or ending
in it as a path), else by the file name of ``article.path``, else by the
sha256 of the article bytes. File names in ``results/`` are never parsed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, Field

from stance.results import ArticleResult, FailureRecord
from stance.runs.reader import RunContents, RunFolderError, read_run

from ._errors import EvalError
from ._fixtures import Fixture


class RunInfo(BaseModel):
    """Where a run came from: recorded in metrics.json so a number can be traced to its prompt and model."""

    path: str
    model: str | None = None
    endpoint: str | None = None
    prompt_name: str | None = None
    prompt_hash: str | None = None
    stance_version: str | None = None
    n_results: int = 0
    n_failures: int = 0
    wall_seconds: float | None = Field(
        default=None, description="the batch's wall time from manifest.json; per-article seconds overlap when articles run side by side"
    )


def read_scored_run(run_dir: str | Path) -> RunContents:
    """Read a run folder with the one run reader; a file it could not read stops scoring.

    A report may list a bad file and an export may skip it, but a score that
    silently left an article out would be wrong, so evals refuse the run.
    """
    try:
        run = read_run(run_dir)
    except RunFolderError as e:
        raise EvalError(str(e)) from e
    for name, why in run.invalid:
        path = run.path / name
        if name.startswith("results/"):
            raise EvalError(f"{path}: not a valid ArticleResult ({why})")
        if name.startswith("failures/"):
            raise EvalError(f"{path}: not a valid failure record ({why})")
        raise EvalError(f"{path}: not valid JSON ({why})")
    return run


def _most_common(values: list[str | None]) -> str | None:
    vals = [v for v in values if v]
    return Counter(vals).most_common(1)[0][0] if vals else None


def run_info(run: RunContents) -> tuple[RunInfo, list[str]]:
    """Model and prompt of a run, from manifest.json first, else from the results; plus warnings."""
    m = run.manifest or {}
    prompt = m.get("prompt")
    p_name = prompt.get("name") if isinstance(prompt, dict) else (prompt if isinstance(prompt, str) else None)
    p_hash = prompt.get("hash") if isinstance(prompt, dict) else m.get("prompt_hash")
    provs = [r.provenance for r in run.results]
    warnings = []
    for label, values in (
        ("models", {p.model for p in provs}),
        ("prompts", {(p.prompt.name, p.prompt.hash) for p in provs}),
    ):
        if len(values) > 1:
            warnings.append(f"results mix {len(values)} {label}: {sorted(map(str, values))}")
    info = RunInfo(
        path=str(run.path),
        model=m.get("model") if isinstance(m.get("model"), str) else _most_common([p.model for p in provs]),
        endpoint=m.get("endpoint") if isinstance(m.get("endpoint"), str) else _most_common([p.endpoint for p in provs]),
        prompt_name=p_name if isinstance(p_name, str) else _most_common([p.prompt.name for p in provs]),
        prompt_hash=p_hash if isinstance(p_hash, str) else _most_common([p.prompt.hash for p in provs]),
        stance_version=_most_common([p.stance_version for p in provs]),
        n_results=len(run.results),
        n_failures=len(run.failures),
        wall_seconds=m["seconds"] if isinstance(m.get("seconds"), (int, float)) else None,
    )
    return info, warnings


def _key_matches(article_id: str, path: str, fixture: Fixture) -> bool:
    target = fixture.gold.article
    for s in (article_id, path):
        if s and (s == target or PurePosixPath(s.replace("\\", "/")).name == target):
            return True
    return False


class Linked(BaseModel):
    """The run's articles assigned to fixtures by name."""

    results: dict[str, ArticleResult] = Field(default_factory=dict)
    failures: dict[str, FailureRecord] = Field(default_factory=dict)
    unmatched: list[str] = Field(default_factory=list, description="article ids that belong to no fixture")
    warnings: list[str] = Field(default_factory=list)


def link_run(fixtures: list[Fixture], run: RunContents) -> Linked:
    """Assign each result and failure to the fixture it extracted (see module doc for the rule)."""
    by_sha = {f.sha256: f for f in fixtures}
    out = Linked()

    def find(article_id: str, path: str, sha: str | None) -> Fixture | None:
        for f in fixtures:
            if _key_matches(article_id, path, f):
                return f
        return by_sha.get(sha) if sha else None

    for r in run.results:
        f = find(r.article.id, r.article.path, r.article.sha256)
        if f is None:
            out.unmatched.append(r.article.id)
        elif f.name in out.results:
            out.warnings.append(f"fixture {f.name}: two results ({r.article.id!r}); kept the first")
        else:
            out.results[f.name] = r
    for fl in run.failures:
        f = find(fl.article_id, fl.path, None)
        if f is None:
            out.unmatched.append(fl.article_id)
        elif f.name in out.results:
            out.warnings.append(f"fixture {f.name}: has both a result and a failure record; scored the result")
        else:
            out.failures.setdefault(f.name, fl)
    return out
