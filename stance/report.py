"""HTML reports and plots: see what the model found, next to the article.

A report is one self-contained HTML file (inline CSS and JS, nothing fetched),
so it can be mailed, archived or opened from a file share. Safety rule: every
piece of article or model text reaches the page either through Jinja
autoescaping / ``markupsafe.escape`` or inside the JSON data block, which has
``<``, ``>`` and ``&`` escaped so that nothing can close the ``<script>`` tag;
the page script writes that data with ``textContent`` only. An article that
contains ``<script>`` is shown as text, never run.

Plots (``plot_stance_table``) need matplotlib, the optional ``report`` extra.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from pydantic import ValidationError

from stance.schema import Actor, ArticleInfo, ArticleResult, Evidence

TEMPLATES_DIR = Path(__file__).parent / "templates"
STANCE_SYMBOLS = {"support": "+", "oppose": "\u2212", "neutral": "0", "mixed": "\u00b1"}


class ReportError(Exception):
    """Input a report cannot be made from; the message is meant for the user."""


# ---------------------------------------------------------------------------
# Reading a run folder
# ---------------------------------------------------------------------------


@dataclass
class RunData:
    """What a report shows of a run folder: results, failures, manifest, unreadable files."""

    path: Path
    results: list[ArticleResult]
    failures: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)


def load_run(run_dir: Path | str) -> RunData:
    """Read ``RUN/results/*.json`` (and failures, manifest); a bad file is listed, not fatal."""
    run = Path(run_dir)
    if not run.is_dir():
        raise ReportError(f"run folder not found: {run}")
    results_dir = run / "results"
    if not results_dir.is_dir() and not (run / "failures").is_dir():
        raise ReportError(f"{run} is not a run folder: it has no results/ (see docs/result-format.md)")
    results: list[ArticleResult] = []
    invalid: list[tuple[str, str]] = []
    for path in sorted(results_dir.glob("*.json")) if results_dir.is_dir() else []:
        try:
            results.append(ArticleResult.model_validate_json(path.read_bytes()))
        except (ValidationError, ValueError, OSError) as exc:
            invalid.append((path.name, _short_error(exc)))
    results.sort(key=lambda r: r.article.id)
    failures: list[dict[str, Any]] = []
    for path in sorted((run / "failures").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            invalid.append((f"failures/{path.name}", _short_error(exc)))
            continue
        if isinstance(data, dict):
            failures.append(data)
    manifest: dict[str, Any] | None = None
    if (run / "manifest.json").is_file():
        try:
            loaded = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
            manifest = loaded if isinstance(loaded, dict) else None
        except (ValueError, OSError) as exc:
            invalid.append(("manifest.json", _short_error(exc)))
    return RunData(path=run, results=results, failures=failures, manifest=manifest, invalid=invalid)


def _short_error(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(text[:3])[:300] if text else type(exc).__name__


# ---------------------------------------------------------------------------
# Article text and evidence spans
# ---------------------------------------------------------------------------


def resolve_article_path(article: ArticleInfo, run_dir: Path | str) -> Path | None:
    """Where the article's text lives: ``article.path`` as given (absolute or from the
    current folder), else relative to the run folder's parent; None when neither exists."""
    given = Path(article.path)
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, Path(run_dir).resolve().parent / given]
    return next((p for p in candidates if p.is_file()), None)


@dataclass
class ArticleText:
    """The text evidence offsets point into, or None with a note saying why it is not shown."""

    text: str | None
    path: Path | None
    note: str | None = None


def load_article_text(article: ArticleInfo, run_dir: Path | str, evidence: Sequence[Evidence] = ()) -> ArticleText:
    """Read the article and check it is the text that was extracted.

    The text is trusted when its sha256 matches ``article.sha256`` (of the file
    bytes or of the UTF-8 text), or, failing that, when every exact evidence
    quote still sits at its offsets. Otherwise highlights would land on the
    wrong words, so the report lists the evidence without them.
    """
    path = resolve_article_path(article, run_dir)
    if path is None:
        return ArticleText(None, None, f"Article text not found at {article.path!r} (looked in the current folder and "
                           "beside the run folder), so the evidence is listed without highlighting.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ArticleText(None, path, f"{path} is not UTF-8 text, so the evidence is listed without highlighting.")
    digests = {hashlib.sha256(raw).hexdigest(), hashlib.sha256(text.encode("utf-8")).hexdigest()}
    if article.sha256.lower() in digests:
        return ArticleText(text, path)
    exact = [e for e in evidence if e.alignment == "exact" and e.start is not None and e.end is not None]
    if exact and all(text[e.start:e.end] == e.quote for e in exact):
        return ArticleText(text, path, f"{path} differs from the extracted text (sha256), but every exact quote "
                           "is still at its offsets, so highlights are shown.")
    return ArticleText(None, path, f"{path} is not the text that was extracted (sha256 differs and the evidence "
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


def highlight_segments(length: int, spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, list[str]]]:
    """Cut ``[0, length)`` at every span boundary; each piece lists the ids of the spans covering it.

    Overlapping and nested spans are handled by construction: a piece covered by
    two spans lists both, so the page can show both in the detail panel.
    """
    spans = [(s, e, i) for s, e, i in spans if 0 <= s < e <= length]
    bounds = sorted({0, length, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for lo, hi in zip(bounds, bounds[1:]):
        ids = [i for s, e, i in spans if s <= lo and hi <= e]
        pieces.append((lo, hi, ids))
    return pieces


def highlight_html(text: str, evidence: Sequence[EvidenceView]) -> Markup:
    """The article text, escaped, with ``<mark>`` around every located evidence span."""
    by_id = {ev.id: ev for ev in evidence}
    spans = [(ev.start, ev.end, ev.id) for ev in evidence if ev.located and ev.start is not None and ev.end is not None]
    out: list[str] = []
    for lo, hi, ids in highlight_segments(len(text), spans):
        chunk = escape(text[lo:hi])
        if not ids:
            out.append(chunk)
            continue
        stances = {by_id[i].stance for i in ids}
        label = stances.pop() if len(stances) == 1 else "mixed"
        multi = " multi" if len(ids) > 1 else ""
        out.append(f'<mark class="ev st-{label}{multi}" tabindex="0" data-ev="{" ".join(ids)}">{chunk}</mark>')
    return Markup("".join(out))


# ---------------------------------------------------------------------------
# The run's stance table (actors x claims)
# ---------------------------------------------------------------------------


@dataclass
class StanceCell:
    """How often one actor took each stance on one claim across the run."""

    counts: Counter[str] = field(default_factory=Counter)

    @property
    def label(self) -> str:
        present = [s for s in ("support", "oppose", "neutral") if self.counts[s]]
        return present[0] if len(present) == 1 else "mixed"

    @property
    def score(self) -> float:
        """Net position in [-1, 1]: (support - oppose) / all stances."""
        total = sum(self.counts.values())
        return (self.counts["support"] - self.counts["oppose"]) / total if total else 0.0

    def symbol(self) -> str:
        total = sum(self.counts.values())
        return STANCE_SYMBOLS[self.label] + (str(total) if total > 1 else "")

    def describe(self) -> str:
        return ", ".join(f"{n} {s}" for s, n in self.counts.most_common())


@dataclass
class TableClaim:
    key: str
    label: str  # C1, C2, ... in table order
    text: str
    articles: list[str]


@dataclass
class StanceTable:
    """Actors x claims across a run. Claims line up by codebook id when the run has
    them (codebook mode), else by identical text; rows and columns are ordered by
    how many stances they hold and may be cut to the busiest ones."""

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

    def cell(self, actor: str, claim_key: str) -> StanceCell | None:
        return self.cells.get((actor, claim_key))


def claim_key(claim_text: str, codebook_id: str | None) -> str:
    """The column a claim falls in: its codebook id, else its text case- and space-folded."""
    return f"codebook:{codebook_id}" if codebook_id else "text:" + " ".join(claim_text.casefold().split())


def stance_table(results: Sequence[ArticleResult], max_actors: int | None = 40,
                 max_claims: int | None = 30) -> StanceTable:
    """Build the run's actor x claim table (None for a limit means no limit)."""
    cells: dict[tuple[str, str], StanceCell] = {}
    texts: dict[str, str] = {}
    articles: dict[str, list[str]] = {}
    per_actor: Counter[str] = Counter()
    per_claim: Counter[str] = Counter()
    by_codebook = False
    for result in results:
        for claim in result.claims:
            key = claim_key(claim.text, claim.codebook_id)
            by_codebook |= claim.codebook_id is not None
            texts.setdefault(key, claim.text)
            if result.article.id not in articles.setdefault(key, []):
                articles[key].append(result.article.id)
            for st in claim.stances:
                cells.setdefault((st.actor, key), StanceCell()).counts[st.stance] += 1
                per_actor[st.actor] += 1
                per_claim[key] += 1
    claim_keys = sorted(per_claim, key=lambda k: (-per_claim[k], texts[k].casefold()))
    shown_claims = claim_keys[:max_claims] if max_claims is not None else claim_keys
    # rows: the actors with the most stances on the claims shown (none without one)
    in_shown: Counter[str] = Counter()
    for (actor, key), cell in cells.items():
        if key in shown_claims:
            in_shown[actor] += sum(cell.counts.values())
    actors = sorted(in_shown, key=lambda a: (-in_shown[a], -per_actor[a], a.casefold()))
    shown_actors = actors[:max_actors] if max_actors is not None else actors
    claims = [TableClaim(k, f"C{i}", texts[k], articles[k]) for i, k in enumerate(shown_claims, 1)]
    return StanceTable(shown_actors, claims, cells, len(per_actor), len(claim_keys), by_codebook)


# ---------------------------------------------------------------------------
# Per-article views
# ---------------------------------------------------------------------------


@dataclass
class ActorEntry:
    claim_id: str
    claim_text: str
    codebook_id: str | None
    stance: str
    evidence: list[EvidenceView]


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
                       text: str | None = None, data: dict[str, Any] | None = None) -> ArticleView:
    """Everything the page shows for one article; fills ``data`` (the page's JSON) as it goes."""
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
        data["claims"][ckey] = {"id": claim.id, "text": claim.text}
        if not claim.stances:
            unattributed.append(claim)
        for st in claim.stances:
            views = []
            for ev in st.evidence:
                view = EvidenceView(
                    id=f"{prefix}-e{len(evidence) + 1}", actor=st.actor, actor_key=actor_key(st.actor),
                    claim_id=claim.id, claim_key=ckey, stance=st.stance, quote=ev.quote,
                    start=ev.start, end=ev.end, alignment=ev.alignment,
                )
                view.located = (text is not None and ev.alignment != "none" and ev.start is not None
                                and ev.end is not None and 0 <= ev.start < ev.end <= len(text))
                evidence.append(view)
                views.append(view)
                data["ev"][view.id] = {"a": view.actor_key, "c": ckey, "stance": st.stance,
                                       "alignment": ev.alignment, "quote": ev.quote,
                                       "start": ev.start, "end": ev.end, "art": prefix}
            entries.setdefault(st.actor, []).append(ActorEntry(claim.id, claim.text, claim.codebook_id, st.stance, views))
    groups = []
    for name, items in entries.items():
        actor = actors.get(name)
        groups.append(ActorGroup(name, actor.type if actor else "not in the actor list",
                                 actor.role if actor else None, actor.aliases if actor else [], items))
    return ArticleView(
        number=number, anchor=f"article-{number}", result=result, counts=article_counts(result),
        text_html=highlight_html(text, evidence) if text is not None else None, note=note,
        evidence=evidence, unplaced=[e for e in evidence if not e.located],
        by_actor=groups, unattributed_claims=unattributed,
    )


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["pct"] = lambda x: "\u2014" if x is None else f"{100 * x:.0f}%"
    return env


def json_for_script(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` can end the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("stance")
    except Exception:  # not installed (source checkout): the version is cosmetic here
        return "dev"


def render_run_html(run: RunData | Path | str, *, title: str | None = None,
                    texts: Mapping[str, str] | None = None,
                    max_actors: int | None = 40, max_claims: int | None = 30) -> str:
    """The run report as one self-contained HTML string.

    ``texts`` maps article id to article text, for a caller that already has
    the text (e.g. extracted from HTML); others are read from ``article.path``.
    """
    run = run if isinstance(run, RunData) else load_run(run)
    data: dict[str, Any] = {"actors": {}, "claims": {}, "ev": {}, "articles": {}}
    texts = texts or {}
    articles = [build_article_view(r, i, run.path, texts.get(r.article.id), data)
                for i, r in enumerate(run.results, 1)]
    totals = {
        "articles": len(articles),
        "actors": sum(a.counts.actors for a in articles),
        "claims": sum(a.counts.claims for a in articles),
        "stances": sum(a.counts.stances for a in articles),
        "evidence": sum(a.counts.evidence for a in articles),
        "located": sum(a.counts.located for a in articles),
        "prompt_tokens": sum(r.provenance.usage.prompt_tokens for r in run.results),
        "completion_tokens": sum(r.provenance.usage.completion_tokens for r in run.results),
        "seconds": sum(r.provenance.seconds for r in run.results),
    }
    totals["grounding"] = totals["located"] / totals["evidence"] if totals["evidence"] else None
    models = Counter(r.provenance.model for r in run.results).most_common()
    prompts = Counter(f"{r.provenance.prompt.name} {r.provenance.prompt.hash}" for r in run.results).most_common()
    template = _environment().get_template("report/run.html.j2")
    return template.render(
        title=title or f"stance report: {run.path.resolve().name}", version=_version(), run_path=str(run.path),
        totals=totals, models=models, prompts=prompts, articles=articles,
        table=stance_table(run.results, max_actors, max_claims),
        failures=run.failures, invalid=run.invalid,
        manifest_json=json.dumps(run.manifest, indent=2, ensure_ascii=False) if run.manifest else None,
        data_json=json_for_script(data),
    )


def write_run_report(run_dir: Path | str, out: Path | str | None = None, **options: Any) -> Path:
    """Write the run report (default ``RUN/report.html``) and return its path."""
    run = load_run(run_dir)
    return write_html(render_run_html(run, **options), out if out is not None else run.path / "report.html")


def write_html(html: str, out: Path | str) -> Path:
    """Write a rendered report atomically (a reader never sees half a file)."""
    target = Path(out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target


# ---------------------------------------------------------------------------
# Plots (optional: matplotlib, the ``report`` extra)
# ---------------------------------------------------------------------------

PLOT_FORMATS = (".png", ".svg", ".pdf")


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ReportError("plots need matplotlib: pip install 'stance[report]'") from exc
    return Figure(figsize=(width, height), layout="constrained")


def _check_plot_target(out: Path) -> None:
    if out.suffix.lower() not in PLOT_FORMATS:
        raise ReportError(f"plot file must end in one of {', '.join(PLOT_FORMATS)}: {out}")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def plot_stance_table(run: RunData | Path | str, out: Path | str, *, max_actors: int | None = 30,
                      max_claims: int | None = 20) -> Path:
    """The run's actor x claim table as a heat-map image (PNG, SVG or PDF by suffix).

    Colour is the net stance, (support - oppose) / stances, from red (-1) to
    green (+1); a blank cell means the actor took no stance on that claim.
    """
    out = Path(out)
    _check_plot_target(out)
    run = run if isinstance(run, RunData) else load_run(run)
    table = stance_table(run.results, max_actors, max_claims)
    if not table.actors:
        raise ReportError(f"{run.path} has no stances to plot")
    import numpy as np  # matplotlib depends on numpy

    grid = np.full((len(table.actors), len(table.claims)), np.nan)
    for r, actor in enumerate(table.actors):
        for c, claim in enumerate(table.claims):
            cell = table.cell(actor, claim.key)
            if cell is not None:
                grid[r, c] = cell.score
    fig = _figure(max(4.5, 2.5 + 0.35 * len(table.claims)), max(3.5, 3.2 + 0.3 * len(table.actors)))
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="RdYlGn", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(table.claims)), [f"{c.label} {_shorten(c.text, 48)}" for c in table.claims],
                  rotation=90, fontsize=7)
    ax.set_yticks(range(len(table.actors)), [_shorten(a, 32) for a in table.actors])
    for r, actor in enumerate(table.actors):
        for c, claim in enumerate(table.claims):
            cell = table.cell(actor, claim.key)
            if cell is not None:
                ax.text(c, r, cell.symbol(), ha="center", va="center", fontsize=8)
    ax.set_title("Stances: actors \u00d7 claims")
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("net stance (oppose \u2212 \u2026 + support)")
    return _save(fig, out)


def _save(fig: Any, out: Path) -> Path:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, dpi=150)
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return out
