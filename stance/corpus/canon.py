"""What cross-article canonicalisation produces (``Canon``), and the names the corpus modules share.

Kept apart from the code that fills it (``actor_merge``, ``claim_merge``,
``mappings``, ``canonical``) so those can all use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Method = Literal["auto", "map", "lexical", "embedding"]
# auto: the run's claim map (RUN/claim_map.json, `stance claims`) when it has one, else embedding or lexical.
METHODS: tuple[str, ...] = ("auto", "map", "lexical", "embedding")
DEFAULT_LEXICAL_THRESHOLD = 0.85
DEFAULT_EMBEDDING_THRESHOLD = 0.87

ACTORS_FILE = "actors.csv"
CLAIMS_FILE = "claims.csv"
ACTOR_COLUMNS = ["surface", "article_id", "canonical", "auto_canonical", "aliases"]
CLAIM_COLUMNS = ["article_id", "claim_id", "text", "canonical_id", "canonical_text", "auto_id", "auto_text"]
# Written since the claim map; a claims.csv without them still reads (no flips).
CLAIM_FLIP_COLUMNS = ["flip", "auto_flip"]


class CanonicalError(Exception):
    """A problem the user can fix (bad mapping file, bad option); the message says how."""


class ExportError(Exception):
    """A problem the user can fix; the message says what and how, and the CLI prints only it."""


ActorKey = tuple[str, str]  # (article id, actor name as the result gives it)
ClaimKey = tuple[str, str]  # (article id, claim id within the article)


@dataclass
class Canon:
    """Who is who and what is what across a run; the tables read only this and the results."""

    actor_of: dict[ActorKey, str] = field(default_factory=dict)
    actor_auto: dict[ActorKey, str] = field(default_factory=dict)
    actor_type: dict[str, str] = field(default_factory=dict)
    actor_aliases: dict[str, list[str]] = field(default_factory=dict)
    claim_of: dict[ClaimKey, str] = field(default_factory=dict)
    claim_auto: dict[ClaimKey, str] = field(default_factory=dict)
    claim_text: dict[str, str] = field(default_factory=dict)
    claim_auto_text: dict[str, str] = field(default_factory=dict)  # automatic cluster id -> its text
    claim_base_text: dict[str, str] = field(default_factory=dict)  # canonical id -> text before user renames
    claim_codebook: dict[str, str | None] = field(default_factory=dict)
    claim_paraphrases: dict[str, list[str]] = field(default_factory=dict)
    # A claim that negates its canonical claim (claim map): its stances count reversed there.
    claim_flip: dict[ClaimKey, bool] = field(default_factory=dict)
    claim_flip_auto: dict[ClaimKey, bool] = field(default_factory=dict)
    method: str = "lexical"
    threshold: float = DEFAULT_LEXICAL_THRESHOLD
    user_actor_rows: int = 0
    user_claim_rows: int = 0
    # What write_mappings needs: every (article, actor) with its surface forms, every claim text,
    # and the rows read from the previous mapping files.
    actor_forms: dict[ActorKey, list[str]] = field(default_factory=dict, repr=False)
    claim_source_text: dict[ClaimKey, str] = field(default_factory=dict, repr=False)
    old_actor_rows: list[dict[str, str]] = field(default_factory=list, repr=False)
    old_claim_rows: list[dict[str, str]] = field(default_factory=list, repr=False)
