"""Extract every fixture article into a run folder, then score it: one call for ``stance eval run``.

Reuses the batch machinery, so an eval run is resumable and cached like any
other run, and its folder can be exported, reported and compared. In
codebook mode without a codebook of the user's, each fixture's gold claims
are its codebook: eval-only code, so it lives here, not in extraction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from stance.config import Settings, load_settings
from stance.extraction.codebook import Codebook, CodebookClaim, CodebookError, write_codebook
from stance.extraction.modes import CodebookModes, load_codebook_mode
from stance.extraction.prompts import PromptError
from stance.model.client import LLMClient, connect
from stance.model.embedded import EmbeddedModelError
from stance.model.errors import LLMError
from stance.runs.batch import BatchError, RunSummary, expected_model_name, run_batch
from stance.runs.folder import RunFolder
from stance.runs.inputs import Article, iter_articles, safe_file_name
from stance.runs.manifest import combine_manifests
from stance.runs.summary import print_run_summary

from ._errors import EvalError
from ._fixtures import Fixture, load_fixtures
from ._options import ScoreOptions
from ._score import EvalReport, score_run


def extract_and_score(
    fixtures_dir: str | Path,
    out_dir: str | Path,
    settings: Settings | None = None,
    options: ScoreOptions | None = None,
    *,
    workers: int | None = None,
    force: bool = False,
    quiet: bool = False,
) -> tuple[EvalReport, int]:
    """Run the extractor over the fixtures' articles, score, write metrics.json; returns (report, batch exit code).

    Mode ``codebook`` with no ``settings.codebook``: each fixture's gold claims
    are its codebook (``extract_fixtures_with_gold_codebooks``).
    """
    settings = settings or load_settings()
    if options is not None and options.mode == "codebook" and settings.codebook is not None:
        # codebook scoring matches a coded claim to the gold claim of its id: a codebook of one's own (one induced by
        # `stance claims`) has other ids, and every pair would be lost without a word why
        raise EvalError(f"--mode codebook scores each fixture against its own gold claims as the codebook; to score "
                        f"a run coded with {settings.codebook}, leave --mode out: its claims then match gold by "
                        f"evidence and paraphrase, as open mode's do")
    fixtures = load_fixtures(fixtures_dir)
    if options is not None and options.mode == "codebook" and settings.codebook is None:
        summary = extract_fixtures_with_gold_codebooks(
            fixtures, fixtures_dir, out_dir, settings, workers=workers, force=force, quiet=quiet
        )
    else:
        articles = [Path(fixtures_dir) / f.gold.article for f in fixtures]
        summary = run_batch(articles, out_dir, settings, workers=workers, force=force, quiet=quiet)
    return score_run(out_dir, fixtures_dir, options), summary.exit_code


def gold_codebook(fixture: Fixture) -> Codebook:
    """A fixture's gold claims as a codebook (id and text), as codebook-mode evals give them to the extractor."""
    return Codebook(claims=[CodebookClaim(id=c.id, text=c.text) for c in fixture.gold.claims])


def _done_already(out: Path, path: Path, mode: CodebookModes, model: str) -> bool:
    """Whether the run folder holds a current result for every article in ``path`` (so no model is needed)."""
    folder = RunFolder(out)
    for item in iter_articles([path]):
        if not isinstance(item, Article):
            return False
        result = folder.read_result(safe_file_name(item.id)) if folder.results.is_dir() else None
        if result is None or result.article.sha256 != item.sha256 or result.article.author != item.author \
                or result.provenance.model != model \
                or result.provenance.prompt.hash != mode.prompt_info.hash:
            return False
    return True


def extract_fixtures_with_gold_codebooks(
    fixtures: Sequence[Fixture],
    fixtures_dir: str | Path,
    out_dir: str | Path,
    settings: Settings,
    *,
    workers: int | None = None,
    force: bool = False,
    quiet: bool = False,
    console: Console | None = None,
) -> RunSummary:
    """Codebook-mode eval extraction: each fixture's article with its own gold claims as the codebook.

    The codebooks are written to ``OUT/codebooks/NAME.json``; every article
    goes through ``run_batch`` (resumable, cached) into the one run folder,
    sharing one model connection, and ``OUT/manifest.json`` sums them up.
    """
    out = Path(out_dir)
    plans: list[tuple[Path, CodebookModes, Settings]] = []
    for fixture in fixtures:
        book = write_codebook(gold_codebook(fixture), out / "codebooks" / f"{fixture.name}.json")
        fixture_settings = settings.model_copy(update={"codebook": book})
        try:
            plans.append((Path(fixtures_dir) / fixture.gold.article, load_codebook_mode(fixture_settings), fixture_settings))
        except (CodebookError, PromptError) as exc:
            raise BatchError(f"fixture {fixture.name}: {exc}") from None

    model = expected_model_name(settings)
    needs_model = force or not all(_done_already(out, path, mode, model) for path, mode, _ in plans)
    shown = None if quiet else (console or Console(stderr=True))
    summaries: list[RunSummary] = []
    with contextlib.ExitStack() as stack:
        llm: LLMClient | None = None
        if needs_model:  # one connection for all fixtures: the embedded server starts once
            try:
                llm = stack.enter_context(connect(settings))
            except (LLMError, EmbeddedModelError) as exc:
                raise BatchError(str(exc)) from None
        for i, (path, _, fixture_settings) in enumerate(plans, start=1):
            summary = run_batch([path], out, fixture_settings, workers=workers, force=force, quiet=True, llm=llm)
            summaries.append(summary)
            if shown is not None:
                c = summary.counts
                shown.print(f"codebook eval {i}/{len(plans)} {path.name}: done {c.done}, skipped {c.skipped}, "
                            f"failed {c.failed} ({summary.manifest.seconds:.1f} s)", highlight=False)
            if summary.manifest.status != "finished":
                break
    first = plans[0][1]
    manifest = combine_manifests([s.manifest for s in summaries],
                                 first.base_prompt,
                                 {"codebooks": "per fixture (gold claims), in codebooks/"})
    RunFolder(out).write_manifest(manifest)
    merged = RunSummary(out_dir=out, manifest=manifest, failures=[f for s in summaries for f in s.failures],
                        abandoned=sum(s.abandoned for s in summaries))
    if shown is not None:
        print_run_summary(merged, shown)
    return merged
