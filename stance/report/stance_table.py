"""The run page's actor x claim heat-map, read from the corpus tables.

The actors, claim ids (``C0001``, ... or codebook ids) and cell labels are the
ones ``stance export`` writes: they come from ``stance.corpus`` (one
canonicalisation, one definition of "mixed"). This module only picks the
busiest rows and columns and says how to draw each cell.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from stance.corpus import STANCES, Run, cell_label
from stance.report.html import STANCE_SYMBOLS


@dataclass
class StanceCell:
    """How many articles show each stance of one actor on one claim (as in the export's wide table)."""

    counts: Counter[str] = field(default_factory=Counter)

    @property
    def label(self) -> str:
        """support, oppose, mixed (both) or neutral: ``stance.corpus.cell_label``."""
        return cell_label(self.counts["support"], self.counts["oppose"], self.counts["neutral"]) or "neutral"

    @property
    def score(self) -> float:
        """Net position in [-1, 1]: (support - oppose) / all stances."""
        total = sum(self.counts.values())
        return (self.counts["support"] - self.counts["oppose"]) / total if total else 0.0

    def symbol(self) -> str:
        """The label's sign, then the number of stances when more than one ("+3", "±2")."""
        total = sum(self.counts.values())
        return STANCE_SYMBOLS[self.label] + (str(total) if total > 1 else "")

    def describe(self) -> str:
        """E.g. "2 oppose, 1 support" (numbers of articles)."""
        return ", ".join(f"{n} {s}" for s, n in self.counts.most_common() if n)


@dataclass
class TableClaim:
    """A column: a canonical claim id (the export's), its text and the articles that state it."""

    id: str
    text: str
    articles: list[str]


@dataclass
class StanceTable:
    """Actors x claims across a run, busiest rows and columns first, possibly cut to the busiest ones."""

    actors: list[str]
    claims: list[TableClaim]
    cells: dict[tuple[str, str], StanceCell]
    total_actors: int
    total_claims: int
    claims_by_codebook: bool

    @property
    def shown_actors(self) -> int:
        return len(self.actors)

    @property
    def shown_claims(self) -> int:
        return len(self.claims)

    def cell(self, actor: str, claim_id: str) -> StanceCell | None:
        return self.cells.get((actor, claim_id))


def stance_table(run: Run, max_actors: int | None = 40, max_claims: int | None = 30) -> StanceTable:
    """Build the run's actor x claim table from the corpus positions (None for a limit means no limit)."""
    canon = run.canon
    cells: dict[tuple[str, str], StanceCell] = {}
    per_actor: Counter[str] = Counter()
    per_claim: Counter[str] = Counter()
    for (actor, cid), by_label in run.positions.items():
        cell = StanceCell(Counter({label: len(by_label[label]) for label in STANCES}))
        cells[(actor, cid)] = cell
        per_actor[actor] += sum(cell.counts.values())
        per_claim[cid] += sum(cell.counts.values())
    articles: dict[str, list[str]] = {}
    for (aid, _claim), cid in canon.claim_of.items():
        if aid not in articles.setdefault(cid, []):
            articles[cid].append(aid)
    claim_ids = sorted(per_claim, key=lambda c: (-per_claim[c], canon.claim_text[c].casefold(), c))
    shown_claims = claim_ids[:max_claims] if max_claims is not None else claim_ids
    shown = set(shown_claims)
    # rows: the actors with the most stances on the claims shown (none without one)
    in_shown: Counter[str] = Counter()
    for (actor, cid), cell in cells.items():
        if cid in shown:
            in_shown[actor] += sum(cell.counts.values())
    actors = sorted(in_shown, key=lambda a: (-in_shown[a], -per_actor[a], a.casefold()))
    shown_actors = actors[:max_actors] if max_actors is not None else actors
    claims = [TableClaim(c, canon.claim_text[c], sorted(articles.get(c, []))) for c in shown_claims]
    by_codebook = any(canon.claim_codebook.get(c) for c in claim_ids)
    return StanceTable(shown_actors, claims, cells, len(per_actor), len(claim_ids), by_codebook)
