"""Extract every fixture article into a run folder, then score it: one call for ``stance eval run``.

Reuses the batch machinery, so an eval run is resumable and cached like any
other run, and its folder can be exported, reported and compared.
"""

from __future__ import annotations

from pathlib import Path

from ._fixtures import load_fixtures
from ._options import ScoreOptions
from ._score import EvalReport, score_run


def extract_and_score(
    fixtures_dir: str | Path,
    out_dir: str | Path,
    settings=None,  # stance.config.Settings; untyped here to keep the import light
    options: ScoreOptions | None = None,
    *,
    workers: int | None = None,
    force: bool = False,
    quiet: bool = False,
) -> tuple[EvalReport, int]:
    """Run the extractor over the fixtures' articles, score, write metrics.json; returns (report, batch exit code).

    Mode ``codebook`` with no ``settings.codebook``: each fixture's gold claims
    are its codebook (``stance.extraction.codebook.extract_fixtures_with_gold_codebooks``).
    """
    from stance.extraction.codebook import extract_fixtures_with_gold_codebooks, run_codebook_batch
    from stance.config import load_settings

    settings = settings or load_settings()
    fixtures = load_fixtures(fixtures_dir)
    if options is not None and options.mode == "codebook" and settings.codebook is None:
        summary = extract_fixtures_with_gold_codebooks(
            fixtures, fixtures_dir, out_dir, settings, workers=workers, force=force, quiet=quiet
        )
    else:
        articles = [Path(fixtures_dir) / f.gold.article for f in fixtures]
        summary = run_codebook_batch(articles, out_dir, settings, workers=workers, force=force, quiet=quiet)
    return score_run(out_dir, fixtures_dir, options), summary.exit_code
