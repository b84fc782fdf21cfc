"""``stance claims`` as a function: build a run's claim map, name its groups, and what comes out of it.

    report = map_claims("runs/iran")                       # RUN/claim_map.json, claims.csv, codebook.yaml
    run = load_run("runs/iran")                            # tables now group claims by the map
    recurring_claims(run)                                  # rows: id, text, articles, actors for / against
    induced_codebook(run)                                  # the map as a codebook for stance extract --codebook

A separate step from ``stance export`` because it may ask a model (names) and
writes an artifact a user edits: the map is built once; every export, report
and eval after it reads the map, offline and fast. ``claims.csv`` corrections
keep winning over it (``stance.corpus.claim_merge``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from stance._gc import gc_paused
from stance.corpus.canon import CanonicalError, ExportError
from stance.corpus.claim_grouping import MapMethod, build_claim_map
from stance.corpus.claim_map import write_claim_map
from stance.corpus.mappings import write_mappings
from stance.corpus.run import Run, load_run
from stance.corpus.tables import STANCES, claim_sort_key
from stance.extraction.codebook import (
    MAX_EXAMPLES,
    MAX_TEXT_CHARS,
    Codebook,
    CodebookClaim,
    CodebookExamples,
)
from stance.files import write_atomic
from stance.runs.reader import RunFolderError, read_run

if TYPE_CHECKING:
    from stance.config import Settings

Naming = Literal["central", "model"]
CODEBOOK_FILE = "codebook.yaml"


@dataclass
class ClaimsReport:
    """What ``map_claims`` did, for the CLI to print and the benchmark to time."""

    run: Run
    map_file: Path
    mapping_files: tuple[Path, Path]
    codebook_file: Path | None
    articles: int
    claims: int  # open claims of the run
    groups: int  # recurring claims, singletons included
    recurring: int  # groups in at least min_articles articles
    method: str
    threshold: float
    grouping_seconds: float
    naming: Naming
    naming_model: str | None = None
    naming_requests: int = 0
    naming_cache_hits: int = 0
    naming_failures: list[tuple[int, str]] = field(default_factory=list)
    naming_seconds: float = 0.0


def map_claims(
    run_dir: str | Path,
    *,
    method: MapMethod = "auto",
    threshold: float | None = None,
    naming: Naming = "central",
    settings: Settings | None = None,
    codebook_out: str | Path | None = None,
    min_articles: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> ClaimsReport:
    """Build ``RUN/claim_map.json`` (named by the model when ``naming="model"``), rewrite ``claims.csv`` and
    write the induced codebook (default ``RUN/codebook.yaml``). Raises ``ExportError`` with one line.

    ``progress(done, total)`` is called as names arrive.
    """
    run_dir = Path(run_dir)
    with gc_paused():
        try:
            contents = read_run(run_dir)
        except RunFolderError as exc:
            raise ExportError(str(exc)) from exc
        if not contents.results:
            raise ExportError(f"{run_dir}: no results to group")
        started = time.monotonic()
        try:
            claim_map = build_claim_map(contents.results, method=method, threshold=threshold)
        except CanonicalError as exc:
            raise ExportError(str(exc)) from exc
        grouping_seconds = time.monotonic() - started
    report_naming: dict[str, Any] = {}
    if naming == "model":
        claim_map, report_naming = _name_with_model(claim_map, settings, progress)
    map_file = write_claim_map(run_dir, claim_map)
    run = load_run(run_dir, method="map")
    mapping_files = write_mappings(run_dir, run.canon)
    book = induced_codebook(run, min_articles=min_articles)
    codebook_file = None
    if book is not None:
        codebook_file = write_codebook_yaml(book, codebook_out or run_dir / CODEBOOK_FILE, source=run_dir)
    return ClaimsReport(
        run=run, map_file=map_file, mapping_files=mapping_files, codebook_file=codebook_file,
        articles=len(contents.results), claims=sum(len(g.members) for g in claim_map.groups),
        groups=len(claim_map.groups), recurring=sum(len(g.articles) >= min_articles for g in claim_map.groups),
        method=claim_map.method, threshold=claim_map.threshold, grouping_seconds=grouping_seconds,
        naming=naming, **report_naming,
    )  # fmt: skip


def _name_with_model(
    claim_map: Any, settings: Settings | None, progress: Callable[[int, int], None] | None
) -> tuple[Any, dict[str, Any]]:
    from stance.config import load_settings
    from stance.corpus.claim_names import name_groups, needs_name
    from stance.model.client import connect
    from stance.model.errors import LLMError

    settings = settings or load_settings()
    total = sum(needs_name(g) for g in claim_map.groups)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    started = time.monotonic()
    try:
        with connect(settings) as llm:
            named, naming = name_groups(claim_map, llm, parallel=settings.parallel, progress=tick)
    except LLMError as exc:
        raise ExportError(f"naming needs the model, which failed: {exc.message}") from None
    return named, {
        "naming_model": named.naming_model,
        "naming_requests": naming.requests,
        "naming_cache_hits": naming.cache_hits,
        "naming_failures": naming.failures,
        "naming_seconds": time.monotonic() - started,
    }


# ---------------------------------------------------------------------------
# What the map gives: recurring claims with their camps, and a codebook
# ---------------------------------------------------------------------------


def _members(run: Run) -> dict[str, list[tuple[str, str, bool]]]:
    """Canonical claim id -> [(article id, article's claim text, flip)] for open claims."""
    canon = run.canon
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for key, cid in canon.claim_of.items():
        if canon.claim_codebook.get(cid):
            continue
        out.setdefault(cid, []).append((key[0], canon.claim_source_text[key], canon.claim_flip.get(key, False)))
    return out


def recurring_claims(run: Run, *, min_articles: int = 2) -> list[dict[str, Any]]:
    """Claims in at least ``min_articles`` articles, busiest first, with who is for, against or neutral.

    Each row: ``claim_id``, ``text``, ``articles``, ``wordings`` (distinct texts), ``negated`` (article claims
    that negate it), and ``support`` / ``oppose`` / ``neutral``: actor -> number of articles, stances read on
    this claim (flips applied).
    """
    members = _members(run)
    camps: dict[str, dict[str, dict[str, int]]] = {}
    for (actor, cid), by_label in run.positions.items():
        for label in STANCES:
            if by_label[label]:
                camps.setdefault(cid, {s: {} for s in STANCES})[label][actor] = len(by_label[label])
    rows: list[dict[str, Any]] = []
    for cid, ms in members.items():
        articles = {a for a, _, _ in ms}
        if len(articles) < min_articles:
            continue
        sides = camps.get(cid, {s: {} for s in STANCES})
        rows.append(
            {
                "claim_id": cid,
                "text": run.canon.claim_text[cid],
                "articles": len(articles),
                "wordings": len({t for _, t, _ in ms}),
                "negated": sum(1 for _, _, f in ms if f),
                **{s: dict(sorted(sides[s].items(), key=lambda kv: (-kv[1], kv[0].casefold()))) for s in STANCES},
            }
        )
    rows.sort(key=lambda r: (-r["articles"], -sum(len(r[s]) for s in STANCES), claim_sort_key(r["claim_id"])))
    return rows


def induced_codebook(run: Run, *, min_articles: int = 2) -> Codebook | None:
    """The recurring claims as a codebook (ids = the run-wide ids): wordings that state a claim are its
    support examples, wordings that negate it its oppose examples. None when nothing recurs."""
    members = _members(run)
    claims = []
    for cid in sorted(members, key=claim_sort_key):
        ms = members[cid]
        articles = {a for a, _, _ in ms}
        text = run.canon.claim_text[cid]
        if len(articles) < min_articles or len(text) > MAX_TEXT_CHARS:
            continue
        support = _examples(t for _, t, f in ms if not f and t != text)
        oppose = _examples(t for _, t, f in ms if f)
        claims.append(
            CodebookClaim(
                id=cid,
                text=text,
                description=f"Recurring claim of {len(articles)} articles (stance claims); "
                "paraphrases count as support, denials as oppose.",
                examples=CodebookExamples(support=support, oppose=oppose),
            )
        )
    return Codebook(claims=claims) if claims else None


def _examples(texts: Iterator[str] | Any) -> list[str]:
    out: list[str] = []
    for text in texts:
        if text not in out and len(text) <= MAX_TEXT_CHARS:
            out.append(text)
    return out[:MAX_EXAMPLES]


def write_codebook_yaml(book: Codebook, path: str | Path, *, source: str | Path | None = None) -> Path:
    """Write a codebook as YAML that ``load_codebook`` reads back, atomically, with a header saying where it came from."""
    data = book.model_dump(mode="json", exclude_defaults=True)
    header = "# Recurring claims of a run, induced by `stance claims`" + (f" from {source}" if source else "") + ".\n"
    header += "# Edit freely (ids, texts, examples), then: stance extract ARTICLES --out RUN --codebook THIS_FILE\n"
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return write_atomic(Path(path), header + body)
