"""The corpus view of a run: who stands where on which claim, across all articles.

    from stance.corpus import load_run
    run = load_run("runs/iran")          # results, failures, manifest, canonical actors and claims
    run.table("wide")                    # actors x claims as a pandas DataFrame (export extra)
    wide_table(run)                      # the same rows as a list of dicts, no pandas needed

Modules: ``run`` (``Run``, ``load_run``), ``canonical`` (``canonicalize_run``:
one name per actor, one id per claim across a run, from ``actor_merge`` and
``claim_merge``), ``mappings`` (the editable ``actors.csv`` and ``claims.csv``),
``tables`` (long, wide, actors, claims, network rows) and ``writers`` (files,
and ``export`` as the CLI runs it). ``claim_map`` groups a whole run's claims
into recurring claims, negations included (``claim_names`` names them with the
model, ``recurring`` is ``stance claims``: the map, its camps and the induced
codebook); ``claim_groups(run)`` is where evals read the run's claim groups.
"""

from stance.corpus.canon import METHODS, Canon, CanonicalError, ExportError, Method
from stance.corpus.canonical import canonicalize_run
from stance.corpus.claim_grouping import build_claim_map
from stance.corpus.claim_map import ClaimMap, RecurringClaim, claim_groups, read_claim_map
from stance.corpus.mappings import write_mappings
from stance.corpus.recurring import ClaimsReport, induced_codebook, map_claims, recurring_claims, write_codebook_yaml
from stance.corpus.run import Run, load_run
from stance.corpus.tables import (
    STANCES,
    TABLES,
    actors_table,
    cell_label,
    claims_table,
    columns_of,
    long_table,
    network_edges,
    network_graph,
    table_rows,
    to_pandas,
    wide_table,
)
from stance.corpus.writers import FORMATS, ExportReport, export, resolve_format, write_graphml, write_table

__all__ = [
    "FORMATS",
    "METHODS",
    "STANCES",
    "TABLES",
    "Canon",
    "CanonicalError",
    "ClaimMap",
    "ClaimsReport",
    "ExportError",
    "ExportReport",
    "Method",
    "RecurringClaim",
    "Run",
    "actors_table",
    "build_claim_map",
    "canonicalize_run",
    "cell_label",
    "claim_groups",
    "claims_table",
    "columns_of",
    "export",
    "induced_codebook",
    "load_run",
    "long_table",
    "map_claims",
    "network_edges",
    "network_graph",
    "read_claim_map",
    "recurring_claims",
    "resolve_format",
    "table_rows",
    "to_pandas",
    "wide_table",
    "write_codebook_yaml",
    "write_graphml",
    "write_mappings",
    "write_table",
]
