"""The claim map's format (``RUN/claim_map.json``), and the run's claim groups as evals read them.

The map groups the claims of a whole run into recurring claims, negations
included; ``stance.corpus.claim_grouping`` builds it, ``claim_names`` names its
groups with the model, and ``recurring`` is ``stance claims``. ``load_run``
groups claims by the map when the run has one; ``claims.csv`` corrections
still win.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from stance.corpus.canon import CanonicalError, ClaimKey
from stance.corpus.tables import CanonicalRun
from stance.files import write_atomic

MAP_FILE = "claim_map.json"
MAP_VERSION = 1


class MapMember(BaseModel):
    """One article's claim in a recurring claim."""

    article_id: str = Field(description="the article's id")
    claim_id: str = Field(description="the claim's id within the article (c1, ...)")
    text: str = Field(description="the claim's text in the article; the map applies only while it is unchanged")
    flip: bool = Field(False, description="the claim negates the recurring claim: its stances count reversed on it")


class RecurringClaim(BaseModel):
    """Claims of several articles (or one) that state one proposition, or its negation."""

    name: str = Field(description="the recurring claim as one short proposition; stances on it are read against this")
    named_by: Literal["central", "model"] = Field(
        "central", description="central: the text of the member closest to the group's centre; model: written by the model"
    )
    members: list[MapMember] = Field(description="the article claims in the group")

    @property
    def articles(self) -> set[str]:
        return {m.article_id for m in self.members}


class ClaimMap(BaseModel):
    """``RUN/claim_map.json``: every open claim of a run in exactly one group."""

    version: int = Field(MAP_VERSION, description="format version of this file")
    method: str = Field(description="embedding or lexical: how claim similarity was measured")
    threshold: float = Field(description="similarity a claim needed to join a group")
    created: str = Field(description="when the map was built (UTC, ISO 8601)")
    naming_model: str | None = Field(None, description="the model that wrote the names, if one did")
    naming_requests: int = Field(0, description="model requests made for names (cache hits included)")
    groups: list[RecurringClaim] = Field(description="the groups, in order of first appearance")

    def member_of(self) -> dict[ClaimKey, tuple[int, MapMember]]:
        """(article id, claim id) -> (group index, member)."""
        return {(m.article_id, m.claim_id): (i, m) for i, g in enumerate(self.groups) for m in g.members}


def map_path(run_dir: str | Path) -> Path:
    return Path(run_dir) / MAP_FILE


def read_claim_map(run_dir: str | Path) -> ClaimMap | None:
    """The run's ``claim_map.json``, or None when there is none; a broken file is a ``CanonicalError``."""
    path = map_path(run_dir)
    if not path.exists():
        return None
    try:
        return ClaimMap.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError) as exc:
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise CanonicalError(f"{path}: not a claim map ({first}); run `stance claims` again or delete it") from None
    except OSError as exc:
        raise CanonicalError(f"{path}: cannot read ({(exc.strerror or str(exc)).lower()})") from None


def write_claim_map(run_dir: str | Path, claim_map: ClaimMap) -> Path:
    return write_atomic(map_path(run_dir), claim_map.model_dump_json(indent=1) + "\n")


def claim_groups(run: CanonicalRun) -> dict[ClaimKey, tuple[str, bool]]:
    """(article id, claim id) -> (run-wide claim id, flip) for every claim of a run.

    The one place evals read the run's claim groups from: the claim map's
    groups when the run has one (``stance claims``), else export's merging,
    user corrections in ``claims.csv`` applied either way. ``flip`` is True
    when the claim negates the run-wide claim (its stances count reversed).
    """
    canon = run.canon
    return {key: (cid, canon.claim_flip.get(key, False)) for key, cid in canon.claim_of.items()}
