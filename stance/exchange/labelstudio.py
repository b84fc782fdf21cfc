"""Label Studio: a run as a labeling project with pre-annotations, and the corrected export read back.

The labeling screen is shaped for correcting, not labelling from scratch
(docs/corrections.md shows it):

- each evidence quote is a span on the article, **labelled by its stance**
  (support / oppose / neutral, hotkeys 1 / 2 / 3, coloured as in the run
  report), so the stances can be checked at a glance and changed with two
  actions (click the span, press a key);
- when a span is selected, its **actor** and its **claim** are one click each:
  radio lists filled per article from the run's actors and claims (in
  codebook mode, the codebook's claims). A new actor or a new claim is typed
  in the text box below the list, which wins over the choice;
- deleting a span is selecting it and pressing Backspace; adding one is a
  hotkey, a drag over the words, and one click each for actor and claim.

Region ids link a span's three parts (``labels``, ``choices`` for actor and
claim, and the optional ``textarea``s), in predictions and in exports alike.
Offsets are Python string indices (Label Studio stores code points); reading an
export checks each span's text and falls back to UTF-16 units or to the quote's
nearest occurrence, so a span is never silently moved.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from stance.files import write_atomic
from stance.results import STANCE_LABELS, Actor, ArticleInfo, ArticleResult, Claim, Evidence, Provenance, Stance

from ._articles import ExchangeError, SourcedResult, corrected_provenance
from ._offsets import Utf16Offsets

TEXT, STANCE, ACTOR, CLAIM, NEW_ACTOR, NEW_CLAIM = "text", "stance", "actor", "claim", "new_actor", "new_claim"
COLOURS = {"support": "#2e7d32", "oppose": "#c62828", "neutral": "#757575"}  # as the run report's st-* classes
CONFIG_FILE, TASKS_FILE = "label_config.xml", "tasks.json"


def label_config(codebook: bool = False) -> str:
    """The labeling config (XML): stance-labelled spans, and actor and claim per span (a new claim box in open mode)."""
    labels = "\n".join(
        f'    <Label value="{s}" background="{COLOURS[s]}" hotkey="{i}"/>' for i, s in enumerate(STANCE_LABELS, start=1)
    )
    new_claim = "" if codebook else (
        f'\n    <TextArea name="{NEW_CLAIM}" toName="{TEXT}" perRegion="true" maxSubmissions="1" rows="1" '
        'placeholder="or type a new claim (one sentence)"/>'
    )
    return f"""<View>
  <Header value="$title"/>
  <Labels name="{STANCE}" toName="{TEXT}" showInline="true">
{labels}
  </Labels>
  <Text name="{TEXT}" value="$text"/>
  <View visibleWhen="region-selected">
    <Header value="Actor of the selected span" size="5"/>
    <Choices name="{ACTOR}" toName="{TEXT}" perRegion="true" value="$actor_options" choice="single"/>
    <TextArea name="{NEW_ACTOR}" toName="{TEXT}" perRegion="true" maxSubmissions="1" rows="1" placeholder="or type a new actor"/>
    <Header value="{"Codebook claim" if codebook else "Claim"} of the selected span" size="5"/>
    <Choices name="{CLAIM}" toName="{TEXT}" perRegion="true" value="$claim_options" choice="single"/>{new_claim}
  </View>
</View>
"""


class TaskMeta(BaseModel):
    """What a task carries for the way back (``data.stance``): the article, its actors and claims, and the run's provenance."""

    article: ArticleInfo
    actors: list[Actor]
    claims: list[Claim]  # without stances: ids, texts and codebook ids
    choices: dict[str, str]  # claim choice text -> claim id
    provenance: Provenance | None = None
    source: str = ""
    topic: str = ""
    codebook: bool = False


def _choice(claim: Claim) -> str:
    return f"{claim.codebook_id or claim.id}: {claim.text}"


def _regions(item: SourcedResult) -> Iterable[dict[str, Any]]:
    n = 0
    for claim in item.result.claims:
        for st in claim.stances:
            for ev in st.evidence:
                if ev.start is None or ev.end is None or item.text[ev.start:ev.end] != ev.quote or ev.start >= ev.end:
                    continue
                n += 1
                span = {"start": ev.start, "end": ev.end, "text": ev.quote}
                rid = f"e{n}"
                yield {"id": rid, "from_name": STANCE, "to_name": TEXT, "type": "labels", "value": {**span, "labels": [st.stance]}}
                yield {"id": rid, "from_name": ACTOR, "to_name": TEXT, "type": "choices", "value": {**span, "choices": [st.actor]}}
                yield {"id": rid, "from_name": CLAIM, "to_name": TEXT, "type": "choices", "value": {**span, "choices": [_choice(claim)]}}


def task(item: SourcedResult, codebook_claims: list[Claim] | None = None) -> dict[str, Any]:
    """One Label Studio task: the article text, the choice lists, our bookkeeping, and the run's answer as a prediction."""
    r = item.result
    claims = [c.model_copy(update={"stances": []}) for c in (codebook_claims if codebook_claims is not None else r.claims)]
    actor_names = list(dict.fromkeys([a.name for a in r.actors] + [s.actor for c in r.claims for s in c.stances]))
    meta = TaskMeta(article=r.article, actors=r.actors, claims=claims, choices={_choice(c): c.id for c in claims},
                    provenance=r.provenance, source=item.source, topic=item.topic, codebook=codebook_claims is not None)
    return {
        "data": {
            TEXT: item.text,
            "title": r.article.title or r.article.id,
            "actor_options": [{"value": n} for n in actor_names],
            "claim_options": [{"value": _choice(c)} for c in claims],
            "stance": meta.model_dump(mode="json"),
        },
        "predictions": [{"model_version": r.provenance.model, "result": list(_regions(item))}],
    }


@dataclass
class LabelStudioExport:
    """What ``write_label_studio`` wrote."""

    config: Path
    tasks: Path
    n_tasks: int
    n_spans: int


def write_label_studio(items: list[SourcedResult], out_dir: str | Path) -> LabelStudioExport:
    """Write ``label_config.xml`` and ``tasks.json`` (one task per article, the run as predictions) into ``out_dir``.

    A run in codebook mode (every claim has a codebook id) gets the codebook's
    claims as the claim choices, the same list for every article.
    """
    out = Path(out_dir)
    codebook = bool(items) and all(c.codebook_id for it in items for c in it.result.claims) and any(it.result.claims for it in items)
    shared: list[Claim] | None = None
    if codebook:
        by_id: dict[str, Claim] = {}
        for it in items:
            for c in it.result.claims:
                by_id.setdefault(c.codebook_id or c.id, Claim(id=c.codebook_id or c.id, text=c.text, codebook_id=c.codebook_id))
        shared = list(by_id.values())
    tasks = [task(it, shared) for it in items]
    config = write_atomic(out / CONFIG_FILE, label_config(codebook=codebook))
    path = write_atomic(out / TASKS_FILE, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    spans = sum(1 for t in tasks for x in t["predictions"][0]["result"] if x["from_name"] == STANCE)
    return LabelStudioExport(config=config, tasks=path, n_tasks=len(tasks), n_spans=spans)


@dataclass
class _Region:
    start: int | None = None
    end: int | None = None
    text: str = ""
    stance: str | None = None
    actor: str | None = None
    claim: str | None = None
    new_actor: str = ""
    new_claim: str = ""


@dataclass
class ImportedTasks:
    """What ``read_label_studio`` made of an export: corrected articles, and (task, why) for what it left out."""

    items: list[SourcedResult] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def _locate(text: str, units: Utf16Offsets, reg: _Region) -> tuple[int, int] | None:
    """The span's Python offsets: as given, else as UTF-16 units, else the quote's occurrence nearest to them."""
    if reg.start is None or reg.end is None:
        return None
    if text[reg.start:reg.end] == reg.text and reg.start < reg.end:
        return reg.start, reg.end
    try:
        s, e = units.from_utf16(reg.start), units.from_utf16(reg.end)
        if text[s:e] == reg.text and s < e:
            return s, e
    except ValueError:
        pass
    if not reg.text:
        return None
    hits, i = [], text.find(reg.text)
    while i != -1:
        hits.append(i)
        i = text.find(reg.text, i + 1)
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - reg.start))  # type: ignore[operator]
    return best, best + len(reg.text)


def _annotation(t: dict[str, Any]) -> dict[str, Any] | None:
    done = [a for a in t.get("annotations") or [] if not a.get("was_cancelled")]
    return max(done, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0)) if done else None


def _corrected(t: dict[str, Any], where: str, problems: list[tuple[str, str]]) -> SourcedResult | None:
    data = t.get("data") or {}
    try:
        meta = TaskMeta.model_validate(data.get("stance"))
    except ValidationError:
        problems.append((where, "not a task written by `stance export --format label-studio` (no data.stance)"))
        return None
    text = data.get(TEXT)
    if not isinstance(text, str):
        problems.append((where, "the task has no text"))
        return None
    name = meta.article.id
    ann = _annotation(t)
    if ann is None:
        problems.append((name, "no submitted annotation: not corrected, left out"))
        return None
    regions: dict[str, _Region] = {}
    for res in ann.get("result") or []:
        value = res.get("value") or {}
        reg = regions.setdefault(str(res.get("id")), _Region())
        if "start" in value:
            reg.start, reg.end, reg.text = value.get("start"), value.get("end"), value.get("text") or reg.text
        frm = res.get("from_name")
        if frm == STANCE and value.get("labels"):
            reg.stance = value["labels"][0]
        elif frm == ACTOR and value.get("choices"):
            reg.actor = value["choices"][0]
        elif frm == CLAIM and value.get("choices"):
            reg.claim = value["choices"][0]
        elif frm in (NEW_ACTOR, NEW_CLAIM):
            typed = " ".join(x.strip() for x in value.get("text") or [] if x.strip())
            setattr(reg, frm, typed)
    units = Utf16Offsets(text)
    actors = {a.name: a for a in meta.actors}
    claims = {c.id: c.model_copy(update={"stances": []}) for c in meta.claims}
    new_claims: dict[str, Claim] = {}
    for rid, reg in regions.items():
        actor = reg.new_actor or reg.actor
        label = f"span {reg.text[:40]!r}" if reg.text else f"region {rid}"
        if reg.stance not in STANCE_LABELS:
            problems.append((name, f"{label}: no stance label, left out"))
            continue
        if not actor:
            problems.append((name, f"{label}: no actor chosen, left out"))
            continue
        located = _locate(text, units, reg)
        if located is None:
            problems.append((name, f"{label}: its text is not in the article, left out"))
            continue
        if reg.new_claim:
            claim = new_claims.get(reg.new_claim)
            if claim is None:
                claim = new_claims[reg.new_claim] = Claim(id=f"c{len(claims) + len(new_claims) + 1}", text=reg.new_claim)
                while claim.id in claims:
                    claim.id = f"{claim.id}x"
        elif reg.claim in meta.choices:
            claim = claims[meta.choices[reg.claim]]
        else:
            problems.append((name, f"{label}: no claim chosen, left out"))
            continue
        if actor not in actors:
            actors[actor] = Actor(name=actor)
        st = next((s for s in claim.stances if s.actor == actor), None)
        if st is None:
            st = Stance(actor=actor, stance=reg.stance)
            claim.stances.append(st)
        elif st.stance != reg.stance:
            problems.append((name, f"{label}: {actor} is both {st.stance} and {reg.stance} on claim {claim.id}; kept {st.stance}"))
            continue
        s, e = located
        st.evidence.append(Evidence(quote=text[s:e], start=s, end=e, alignment="exact"))
    kept = [c for c in [*claims.values(), *new_claims.values()] if c.stances]
    for c in kept:
        for st in c.stances:
            st.evidence.sort(key=lambda ev: ev.start or 0)
    used = {s.actor for c in kept for s in c.stances}
    if meta.codebook:
        kept = [c.model_copy(update={"codebook_id": c.codebook_id or c.id}) for c in kept]
    result = ArticleResult(article=meta.article, actors=[a for a in actors.values() if a.name in used], claims=kept,
                           provenance=corrected_provenance(meta.provenance, "Label Studio"))
    return SourcedResult(result, text, source=meta.source, topic=meta.topic)


def read_label_studio(export: str | Path) -> ImportedTasks:
    """Read a Label Studio JSON export (the "JSON" format: a list of tasks with annotations) of tasks we wrote.

    Each task's latest submitted annotation is the corrected article: its spans
    become the evidence, grouped into (claim, actor, stance). A task without an
    annotation, and a span without stance, actor or claim, is left out and listed.
    """
    path = Path(export)
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot read: {(exc.strerror or str(exc)).lower()}") from None
    except ValueError as exc:
        raise ExchangeError(f"{path}: not JSON ({exc})") from None
    if not isinstance(tasks, list):
        raise ExchangeError(f"{path}: not a Label Studio JSON export (expected a list of tasks; export with the JSON format)")
    out = ImportedTasks()
    for i, t in enumerate(tasks):
        item = _corrected(t if isinstance(t, dict) else {}, f"task {i + 1}", out.problems)
        if item is not None:
            out.items.append(item)
    return out
