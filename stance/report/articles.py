"""One article on the run page: its text read again, evidence views and highlights, claims by actor."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from stance.report.html import Span, highlight_html
from stance.results import Actor, ArticleInfo, ArticleResult, Evidence
from stance.runs.inputs import Article, reload_article
from stance.runs.reader import resolve_article_path


@dataclass
class ArticleTextView:
    """The text evidence offsets point into, or None with a note saying why it is not shown."""

    text: str | None
    path: Path | None
    note: str | None = None


def load_article_text(article: ArticleInfo, run_dir: Path | str, evidence: Sequence[Evidence] = ()) -> ArticleTextView:
    """Read the article again the way extraction read it, and check it is the same text.

    ``stance.runs.inputs.reload_article`` repeats the decoding, HTML extraction and
    JSON record lookup, so offsets line up for every input format; a file whose
    id does not match (e.g. copied elsewhere) is read as plain UTF-8 text. The
    text is trusted when its sha256 matches ``article.sha256`` (of the text or
    of the file bytes) or, failing that, when every exact evidence quote still
    sits at its offsets. Otherwise highlights would land on the wrong words,
    so the report lists the evidence without them.
    """
    path = resolve_article_path(article, run_dir)
    if path is None:
        return ArticleTextView(None, None, f"Article text not found at {article.path!r} (looked in the current folder and "
                           "beside the run folder), so the evidence is listed without highlighting.")
    loaded = reload_article(path.resolve(), article.id)
    if isinstance(loaded, Article):
        text = loaded.text
        digests = {loaded.sha256}
    elif loaded.kind == "missing":  # no article with this id in that file: read it as plain text
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return ArticleTextView(None, path, f"{path} is not UTF-8 text, so the evidence is listed without highlighting.")
        digests = {hashlib.sha256(raw).hexdigest(), hashlib.sha256(text.encode("utf-8")).hexdigest()}
    else:
        return ArticleTextView(None, path, f"{path} could not be read again ({loaded.message}), so the evidence is "
                           "listed without highlighting.")
    if article.sha256.lower() in digests:
        return ArticleTextView(text, path)
    exact = [e for e in evidence if e.alignment == "exact" and e.start is not None and e.end is not None]
    if exact and all(text[e.start:e.end] == e.quote for e in exact):
        return ArticleTextView(text, path, f"{path} differs from the extracted text (sha256), but every exact quote "
                           "is still at its offsets, so highlights are shown.")
    return ArticleTextView(None, path, f"{path} is not the text that was extracted (sha256 differs and the evidence "
                       "offsets do not line up), so the evidence is listed without highlighting.")


@dataclass
class EvidenceView:
    """One evidence quote with the actor, claim and stance it supports, as the page shows it."""

    id: str
    actor: str
    actor_key: str
    claim_id: str
    claim_key: str
    stance: str
    quote: str
    start: int | None
    end: int | None
    alignment: str
    located: bool = False  # has a span inside the shown text


@dataclass
class ActorEntry:
    claim_id: str  # the run-wide id (the export's C0001); article_claim_id is the result's own (c1)
    claim_text: str
    codebook_id: str | None
    stance: str
    evidence: list[EvidenceView]
    article_claim_id: str = ""


@dataclass
class ActorGroup:
    name: str
    type: str
    role: str | None
    aliases: list[str]
    entries: list[ActorEntry]


@dataclass
class ArticleCounts:
    actors: int
    claims: int
    stances: int
    evidence: int
    located: int  # evidence quotes found in the text (alignment other than "none")

    @property
    def grounding(self) -> float | None:
        """Share of evidence quotes located in the text; None when there is no evidence."""
        return self.located / self.evidence if self.evidence else None


@dataclass
class ArticleView:
    number: int
    anchor: str
    result: ArticleResult
    counts: ArticleCounts
    text_html: Markup | None
    note: str | None
    evidence: list[EvidenceView]
    unplaced: list[EvidenceView]  # evidence with no highlight in the shown text
    by_actor: list[ActorGroup]
    unattributed_claims: list[Any]


def article_counts(result: ArticleResult) -> ArticleCounts:
    """Counts shown in the index; grounding counts any alignment but ``none``."""
    evidence = result.evidence()
    located = sum(1 for e in evidence if e.alignment != "none" and e.start is not None and e.end is not None)
    return ArticleCounts(len(result.actors), len(result.claims), result.stance_count(), len(evidence), located)


def build_article_view(result: ArticleResult, number: int, run_dir: Path,
                       text: str | None = None, data: dict[str, Any] | None = None,
                       claim_ids: Mapping[str, str] | None = None) -> ArticleView:
    """Everything the page shows for one article; fills ``data`` (the page's JSON) as it goes.

    ``claim_ids`` maps the result's own claim ids (``c1``) to the run-wide ones of the
    stance table and ``stance export`` (``C0001``): the page shows those, so a claim
    read here is found under the same id in the table and in every exported file.
    """
    claim_ids = claim_ids or {}
    prefix = f"a{number}"
    note: str | None = None
    if text is None:
        loaded = load_article_text(result.article, run_dir, result.evidence())
        text, note = loaded.text, loaded.note
    data = data if data is not None else {"actors": {}, "claims": {}, "ev": {}, "articles": {}}
    data["articles"][prefix] = result.article.title or result.article.id

    actors: dict[str, Actor] = {a.name: a for a in result.actors}
    actor_keys: dict[str, str] = {}

    def actor_key(name: str) -> str:
        if name not in actor_keys:
            key = f"{prefix}/{len(actor_keys)}"
            actor_keys[name] = key
            actor = actors.get(name)
            data["actors"][key] = {"name": name, "type": actor.type if actor else None,
                                   "role": actor.role if actor else None}
        return actor_keys[name]

    for name in actors:
        actor_key(name)
    entries: dict[str, list[ActorEntry]] = {name: [] for name in actors}
    evidence: list[EvidenceView] = []
    unattributed = []
    for ci, claim in enumerate(result.claims):
        ckey = f"{prefix}/{ci}"
        run_id = claim_ids.get(claim.id, claim.id)
        data["claims"][ckey] = {"id": run_id, "article_id": claim.id, "text": claim.text}
        if not claim.stances:
            unattributed.append({"id": run_id, "text": claim.text, "article_id": claim.id})
        for st in claim.stances:
            views = []
            for ev in st.evidence:
                view = EvidenceView(
                    id=f"{prefix}-e{len(evidence) + 1}", actor=st.actor, actor_key=actor_key(st.actor),
                    claim_id=run_id, claim_key=ckey, stance=st.stance, quote=ev.quote,
                    start=ev.start, end=ev.end, alignment=ev.alignment,
                )
                view.located = (text is not None and ev.alignment != "none" and ev.start is not None
                                and ev.end is not None and 0 <= ev.start < ev.end <= len(text))
                evidence.append(view)
                views.append(view)
                data["ev"][view.id] = {"a": view.actor_key, "c": ckey, "stance": st.stance,
                                       "alignment": ev.alignment, "quote": ev.quote,
                                       "start": ev.start, "end": ev.end, "art": prefix}
            entries.setdefault(st.actor, []).append(ActorEntry(run_id, claim.text, claim.codebook_id, st.stance, views,
                                                               article_claim_id=claim.id))
    groups = []
    for name, items in entries.items():
        actor = actors.get(name)
        groups.append(ActorGroup(name, actor.type if actor else "not in the actor list",
                                 actor.role if actor else None, actor.aliases if actor else [], items))
    return ArticleView(
        number=number, anchor=f"article-{number}", result=result, counts=article_counts(result),
        text_html=highlight_html(text, [Span(e.id, e.start, e.end, f"st-{e.stance}") for e in evidence
                                        if e.located and e.start is not None and e.end is not None])
        if text is not None else None,
        note=note,
        evidence=evidence, unplaced=[e for e in evidence if not e.located],
        by_actor=groups, unattributed_claims=unattributed,
    )

