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
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from pydantic import ValidationError

from stance.evals._render import fmt as _fmt_eval_metric
from stance.runs.inputs import Article, reload_article
from stance.results import Actor, ArticleInfo, ArticleResult, Evidence

if TYPE_CHECKING:  # stance.evals is imported where it is used: the run report does not need it
    from stance.evals import Comparison, EvalReport

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
        return ArticleText(None, None, f"Article text not found at {article.path!r} (looked in the current folder and "
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
            return ArticleText(None, path, f"{path} is not UTF-8 text, so the evidence is listed without highlighting.")
        digests = {hashlib.sha256(raw).hexdigest(), hashlib.sha256(text.encode("utf-8")).hexdigest()}
    else:
        return ArticleText(None, path, f"{path} could not be read again ({loaded.message}), so the evidence is "
                           "listed without highlighting.")
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


@dataclass(frozen=True)
class Span:
    """A highlight: evidence ``id`` covering ``text[start:end]``, coloured by CSS class ``css``."""

    id: str
    start: int
    end: int
    css: str


def highlight_html(text: str, spans: Sequence[Span], mixed_css: str = "st-mixed") -> Markup:
    """The text, escaped, with a ``<mark>`` per piece covered by spans.

    A piece covered by spans of different colours gets ``mixed_css``; one
    covered by several spans also gets ``multi`` (underlined). ``data-ev``
    lists every covering span id, for the detail panel.
    """
    css = {sp.id: sp.css for sp in spans}
    out: list[str] = []
    for lo, hi, ids in highlight_segments(len(text), [(sp.start, sp.end, sp.id) for sp in spans]):
        chunk = escape(text[lo:hi])
        if not ids:
            out.append(chunk)
            continue
        ids = list(dict.fromkeys(ids))  # one id may cover a piece twice (a quote found twice)
        colours = {css[i] for i in ids}
        colour = colours.pop() if len(colours) == 1 else mixed_css
        multi = " multi" if len(ids) > 1 else ""
        out.append(f'<mark class="ev {colour}{multi}" tabindex="0" data-ev="{" ".join(ids)}">{chunk}</mark>')
    return Markup("".join(out))


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every occurrence of a quote in the text (overlapping ones too), as (start, end)."""
    found: list[tuple[int, int]] = []
    i = text.find(quote) if quote else -1
    while i != -1:
        found.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return found


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
        text_html=highlight_html(text, [Span(e.id, e.start, e.end, f"st-{e.stance}") for e in evidence
                                        if e.located and e.start is not None and e.end is not None])
        if text is not None else None,
        note=note,
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
    env.globals["fmt"] = fmt_metric
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
    template = _environment().get_template("run.html.j2")
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
# Eval reports (stance.evals): metrics with intervals, gold vs predicted per fixture
# ---------------------------------------------------------------------------

COUNT_METRICS = ("tp", "fp", "fn", "n_pred", "n_gold")
fmt_metric = _fmt_eval_metric  # one formatter for terminal, Markdown and HTML
OUTCOME_LEGEND = {
    "eval": [("out-matched", "matched"), ("out-missed", "missed (gold only)"),
             ("out-spurious", "spurious (predicted only)"), ("out-mixed", "overlapping")],
    "compare": [("out-gained", "gained by B"), ("out-lost", "lost by B"), ("out-kept", "matched by both"),
                ("out-missed", "missed by both"), ("out-spurious", "spurious (A or B)"), ("out-mixed", "overlapping")],
}


@dataclass
class CiBar:
    """Where to draw a value and its interval on a 0-100 % track (rates in [0, 1], differences in [-1, 1])."""

    point: float
    lo: float
    width: float
    centred: bool  # differences: 0 sits in the middle


def _ci_bar(value: float | None, ci: Sequence[float] | None, centred: bool) -> CiBar | None:
    if value is None or ci is None:
        return None

    def pos(x: float) -> float:
        x = (x + 1) / 2 if centred else x
        return round(100 * min(1.0, max(0.0, x)), 1)

    return CiBar(pos(value), pos(ci[0]), round(pos(ci[1]) - pos(ci[0]), 1), centred)


@dataclass
class PairCell:
    """One side of a row: a gold or predicted (actor, claim, stance) with its evidence quotes."""

    actor: str
    stance: str
    claim_id: str
    claim: str
    evidence: list[tuple[str, str, bool]]  # (evidence id, quote, found in the text)


@dataclass
class PairRow:
    kind: str  # matched | missed | spurious (eval); gained | lost | kept | missed | spurious (compare)
    tag: str
    cells: list[PairCell | None]
    note: str = ""


@dataclass
class FixtureView:
    number: int
    anchor: str
    name: str
    status: str
    failure: str | None
    summary: str
    text_html: Markup | None
    note: str | None
    rows: list[PairRow]


class _PairPage:
    """Collects the page's JSON data and the highlight spans of one fixture while rows are built."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {"actors": {}, "claims": {}, "ev": {}, "articles": {}}
        self.spans: list[Span] = []
        self.text: str | None = None
        self.prefix = ""
        self._n = 0

    def start_fixture(self, prefix: str, title: str, text: str | None) -> None:
        self.prefix, self.text, self.spans, self._n = prefix, text, [], 0
        self.data["articles"][prefix] = title

    def cell(self, ref: Any, side: str, outcome: str, kind: str) -> PairCell:
        """Register a PairRef's claim and quotes; ``outcome`` colours its highlights."""
        claim_key = f"{self.prefix}/{side}/{ref.claim_id}"
        self.data["claims"][claim_key] = {"id": ref.claim_id, "text": ref.claim}
        evidence = []
        for quote in ref.evidence:
            self._n += 1
            ev_id = f"{self.prefix}-e{self._n}"
            found = find_quote(self.text, quote) if self.text is not None else []
            for start, end in found:
                self.spans.append(Span(ev_id, start, end, f"out-{outcome}"))
            self.data["ev"][ev_id] = {"a": ref.actor, "c": claim_key, "stance": ref.stance, "quote": quote,
                                      "start": found[0][0] if found else None, "end": found[0][1] if found else None,
                                      "kind": kind, "art": self.prefix}
            evidence.append((ev_id, quote, bool(found)))
        return PairCell(ref.actor, ref.stance, ref.claim_id, ref.claim, evidence)

    def text_html(self) -> Markup | None:
        return highlight_html(self.text, self.spans, "out-mixed") if self.text is not None else None


def _fixture_text(fixtures_dir: Path | None, article: str) -> tuple[str | None, str | None]:
    """The fixture article's text, or None and why (the evidence is then listed without highlights)."""
    if fixtures_dir is None:
        return None, "The fixtures folder is not known, so the evidence is listed without highlighting."
    path = fixtures_dir / article
    try:
        return path.read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return None, f"Fixture text {path} cannot be read ({reason}), so the evidence is listed without highlighting."


def _rules(m: Any) -> str:
    how = f"actor by {m.actor_rule}, claim by {m.claim_rule}"
    if m.claim_rule == "evidence" and m.overlap_chars:
        how += f" ({m.overlap_chars} chars overlap)"
    elif m.claim_rule == "paraphrase":
        how += f" (similarity {m.similarity:.2f})"
    return how


def _eval_fixture_rows(score: Any, page: _PairPage) -> list[PairRow]:
    rows = []
    for m in score.matched:
        right = m.pred.stance == m.gold.stance
        rows.append(PairRow("matched", "matched" if right else "matched, wrong stance", [
            page.cell(m.gold, "gold", "matched", "gold \u00b7 matched"),
            page.cell(m.pred, "pred", "matched", "predicted \u00b7 matched" + ("" if right else ", wrong stance")),
        ], _rules(m)))
    for ref in score.missed:
        rows.append(PairRow("missed", "missed", [page.cell(ref, "gold", "missed", "gold \u00b7 missed"), None]))
    for ref in score.spurious:
        rows.append(PairRow("spurious", "spurious",
                            [None, page.cell(ref, "pred", "spurious", "predicted \u00b7 spurious")]))
    return rows


def _fixture_summary(score: Any) -> str:
    m, c = score.metrics, score.counts
    parts = [f"{c.n_gold} gold, {c.n_pred} predicted, {c.tp} matched"]
    parts += [f"{k.replace('_', ' ')} {fmt_metric(k, m.get(k))}" for k in ("pair_precision", "pair_recall", "pair_f1",
                                                                           "stance_accuracy", "grounding_rate")]
    return " \u00b7 ".join(parts)


def _fixtures_dir(given: Path | str | None, recorded: str | None) -> Path | None:
    if given is not None:
        return Path(given)
    return Path(recorded) if recorded else None


def render_eval_html(report: EvalReport, *, fixtures_dir: Path | str | None = None, title: str | None = None) -> str:
    """An ``EvalReport`` as one self-contained HTML page.

    Metric table (micro with bootstrap interval, macro), a per-fixture table,
    and per fixture the article with gold and predicted evidence highlighted
    as matched / missed / spurious next to a gold-vs-predicted pair table.
    The fixture texts are read from ``fixtures_dir`` (default: the folder
    recorded in the report).
    """
    from stance.evals import CI_KEYS, METRIC_DOCS

    folder = _fixtures_dir(fixtures_dir, report.fixtures_dir)
    o = report.overall
    metrics = [{
        "key": k, "doc": METRIC_DOCS[k], "micro": fmt_metric(k, o.micro.get(k)),
        "ci": (f"[{fmt_metric(k, o.ci[k][0])}, {fmt_metric(k, o.ci[k][1])}]" if o.ci.get(k) else ""),
        "macro": "" if k in COUNT_METRICS else fmt_metric(k, o.macro.get(k)),
        "bar": _ci_bar(o.micro.get(k), o.ci.get(k), centred=False) if k in CI_KEYS else None,
    } for k in METRIC_DOCS]
    page = _PairPage()
    fixtures = []
    for i, score in enumerate(report.fixtures, 1):
        text, note = _fixture_text(folder, score.article)
        page.start_fixture(f"f{i}", score.name, text)
        rows = _eval_fixture_rows(score, page)
        fixtures.append(FixtureView(i, f"fixture-{i}", score.name, score.status, score.failure,
                                    _fixture_summary(score), page.text_html(), note, rows))
    run = report.run
    template = _environment().get_template("eval.html.j2")
    return template.render(
        title=title or f"stance eval: {run.path if run else 'report'}", version=_version(), report=report,
        run=run, metrics=metrics, fixtures=fixtures, per_fixture=_per_fixture_rows(report),
        legend=OUTCOME_LEGEND["eval"], fixtures_dir=str(folder) if folder else None,
        level=f"{report.options.confidence:.0%}", data_json=json_for_script(page.data),
    )


def _per_fixture_rows(report: Any) -> list[dict[str, Any]]:
    keys = ("pair_precision", "pair_recall", "pair_f1", "stance_accuracy", "grounding_rate", "seconds_per_article")
    return [{"number": i, "name": f.name, "status": f.status, "gold": f.counts.n_gold, "pred": f.counts.n_pred,
             "tp": f.counts.tp, "cells": [fmt_metric(k, f.metrics.get(k)) for k in keys]}
            for i, f in enumerate(report.fixtures, 1)]


def _compare_reports(cmp: Comparison, fixtures_dir: Path | str | None) -> tuple[EvalReport, EvalReport]:
    """The two reports behind a comparison, scored the way ``compare_runs`` scored them.

    With ``fixtures_dir`` both runs are rescored (nothing written); otherwise
    each run's ``metrics.json`` is read, and rescored against its recorded
    fixtures when it was scored with other options than the comparison.
    """
    from stance.evals import EvalError, load_report, score_run

    reports = []
    for label in (cmp.a, cmp.b):
        run = Path(label)
        try:
            if fixtures_dir is not None:
                reports.append(score_run(run, fixtures_dir, cmp.options, write=False))
                continue
            report = load_report(run)
            if report.options != cmp.options and report.fixtures_dir and Path(report.fixtures_dir).is_dir():
                report = score_run(run, report.fixtures_dir, cmp.options, write=False)
            reports.append(report)
        except EvalError as exc:
            raise ReportError(f"cannot show the pairs of {label}: {exc}") from exc
    return reports[0], reports[1]


def _compare_fixture_rows(fa: Any, fb: Any, page: _PairPage) -> list[PairRow]:
    """One row per gold pair (A's and B's prediction beside it), then each run's spurious pairs."""
    def key(ref: Any) -> tuple[str, str]:
        return ref.claim_id, ref.actor

    a_matched = {key(m.gold): m for m in fa.matched}
    b_matched = {key(m.gold): m for m in fb.matched}
    gold = {key(m.gold): m.gold for m in fa.matched} | {key(r): r for r in fa.missed}
    rows = []
    for k, ref in gold.items():
        ma, mb = a_matched.get(k), b_matched.get(k)
        if ma and mb:
            ok_a, ok_b = ma.pred.stance == ref.stance, mb.pred.stance == ref.stance
            outcome = "kept"
            tag = "stance fixed" if ok_b and not ok_a else "stance broken" if ok_a and not ok_b else "matched by both"
        elif mb:
            outcome, tag = "gained", "gained"
        elif ma:
            outcome, tag = "lost", "lost"
        else:
            outcome, tag = "missed", "missed by both"
        cells = [page.cell(ref, "gold", outcome, f"gold \u00b7 {tag}")]
        for side, m in (("a", ma), ("b", mb)):
            cells.append(page.cell(m.pred, side, outcome, f"{side.upper()} \u00b7 {tag}") if m else None)
        rows.append(PairRow(outcome, tag, cells))
    for side, score in (("a", fa), ("b", fb)):
        for ref in score.spurious:
            cell = page.cell(ref, side, "spurious", f"{side.upper()} \u00b7 spurious")
            rows.append(PairRow("spurious", f"spurious in {side.upper()}", [None, cell, None] if side == "a"
                                else [None, None, cell]))
    return rows


def render_compare_html(cmp: Comparison, report_a: EvalReport | None = None,
                        report_b: EvalReport | None = None, *,
                        fixtures_dir: Path | str | None = None, title: str | None = None) -> str:
    """A ``Comparison`` as one self-contained HTML page.

    Metric table (A, B, B - A with its paired-bootstrap interval, verdict),
    per-fixture wins and losses, and per fixture the article with each gold
    pair coloured by what B changed (gained / lost / kept / missed by both),
    beside A's and B's predictions. The two ``EvalReport``s hold the pairs;
    without them they are read or rescored from the run folders (``cmp.a``,
    ``cmp.b``) as ``compare_runs`` did.
    """
    from stance.evals import CI_KEYS

    if report_a is None or report_b is None:
        report_a, report_b = _compare_reports(cmp, fixtures_dir)
    folder = _fixtures_dir(fixtures_dir, report_b.fixtures_dir or report_a.fixtures_dir)
    metrics = [{
        "key": m.metric, "a": fmt_metric(m.metric, m.a), "b": fmt_metric(m.metric, m.b),
        "diff": fmt_metric(m.metric, m.diff, signed=True),
        "ci": f"[{fmt_metric(m.metric, m.ci[0], True)}, {fmt_metric(m.metric, m.ci[1], True)}]" if m.ci else "",
        "verdict": m.verdict,
        "bar": _ci_bar(m.diff, m.ci, centred=True) if m.metric in CI_KEYS else None,
    } for m in cmp.metrics]
    fa = {f.name: f for f in report_a.fixtures}
    fb = {f.name: f for f in report_b.fixtures}
    diffs = {d.name: d for d in cmp.per_fixture}
    page = _PairPage()
    fixtures = []
    for i, name in enumerate(cmp.fixtures, 1):
        if name not in fa or name not in fb:
            continue
        text, note = _fixture_text(folder, fb[name].article)
        page.start_fixture(f"f{i}", name, text)
        rows = _compare_fixture_rows(fa[name], fb[name], page)
        d = diffs.get(name)
        summary = (f"pair F1 {fmt_metric('pair_f1', d.a)} \u2192 {fmt_metric('pair_f1', d.b)} ({d.outcome} for B)"
                   if d else "")
        status = fa[name].status if fa[name].status == fb[name].status else f"{fa[name].status} / {fb[name].status}"
        fixtures.append(FixtureView(i, f"fixture-{i}", name, status, None, summary, page.text_html(), note, rows))
    template = _environment().get_template("compare.html.j2")
    return template.render(
        title=title or "stance eval compare", version=_version(), cmp=cmp, metrics=metrics, fixtures=fixtures,
        legend=OUTCOME_LEGEND["compare"], fixtures_dir=str(folder) if folder else None,
        level=f"{cmp.options.confidence:.0%}", data_json=json_for_script(page.data),
        counts={"gained": len(cmp.gained), "lost": len(cmp.lost), "fixed": len(cmp.stance_fixed),
                "broken": len(cmp.stance_broken)},
    )


def write_eval_html(report: EvalReport, out: Path | str, **options: Any) -> Path:
    """Render ``render_eval_html`` into a file."""
    return write_html(render_eval_html(report, **options), out)


def write_compare_html(cmp: Comparison, out: Path | str, **options: Any) -> Path:
    """Render ``render_compare_html`` into a file."""
    return write_html(render_compare_html(cmp, **options), out)


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


def plot_eval_metrics(result: EvalReport | Comparison, out: Path | str) -> Path:
    """Eval metrics as an image (PNG, SVG or PDF by suffix).

    For an ``EvalReport``: each interval metric's micro value as a bar with its
    bootstrap interval. For a ``Comparison``: B - A per metric with its
    paired-bootstrap interval around a line at 0 (a forest plot), green where
    B is better, red where worse, grey where the interval holds 0.
    """
    from stance.evals import CI_KEYS, Comparison

    out = Path(out)
    _check_plot_target(out)
    keys = list(CI_KEYS)
    fig = _figure(6.5, 1.2 + 0.32 * len(keys))
    ax = fig.add_subplot()
    y = list(range(len(keys)))[::-1]
    if isinstance(result, Comparison):
        by_key = {m.metric: m for m in result.metrics}
        colour = {"better": "#2e7d32", "worse": "#c62828", "same": "#888888", "unclear": "#888888"}
        for yi, k in zip(y, keys):
            m = by_key[k]
            if m.diff is None:
                continue
            lo, hi = (m.ci if m.ci else (m.diff, m.diff))
            ax.errorbar(m.diff, yi, xerr=[[m.diff - lo], [hi - m.diff]], fmt="o", color=colour[m.verdict], capsize=3)
        ax.axvline(0, color="#444444", linewidth=0.8, linestyle="--")
        ax.set_xlabel(f"B \u2212 A ({result.options.confidence:.0%} paired-bootstrap interval)")
        ax.set_title(_shorten(f"B = {result.b}  vs  A = {result.a}", 90), fontsize=9)
    else:
        micro, ci = result.overall.micro, result.overall.ci
        values = [micro.get(k) for k in keys]
        ax.barh(y, [v or 0.0 for v in values], color="#8fa9d6")
        for yi, k, v in zip(y, keys, values):
            if v is not None and ci.get(k):
                lo, hi = ci[k]
                ax.errorbar(v, yi, xerr=[[v - lo], [hi - v]], fmt="none", color="#1a3f80", capsize=3)
            ax.text(0.01, yi, fmt_metric(k, v), va="center", fontsize=7)
        ax.set_xlim(0, 1)
        ax.set_xlabel(f"micro value ({result.options.confidence:.0%} bootstrap interval over fixtures)")
        run = result.run
        ax.set_title(_shorten(f"{run.path if run else 'eval'} \u00b7 {run.model if run else ''}", 90), fontsize=9)
    ax.set_yticks(y, keys, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, out)
