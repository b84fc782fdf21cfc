"""Run folders and eval results for the report tests to render, and a parser that reads the page back.

Run folders are built by hand (``make_result``/``write_run``): an article file
referenced by ``article.path`` and results whose evidence offsets are exact, so
each test knows which text a highlight must cover.
"""

from __future__ import annotations

import hashlib
import json
from html.parser import HTMLParser
from pathlib import Path

from stance.evals import ScoreOptions, gold_as_result
from stance.results import Actor, ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance, Usage

# --- building run folders ---------------------------------------------------

# (actor, claim id, claim text, stance, quotes, codebook id)
Statement = tuple[str, str, str, str, list[str]]


def exact(text: str, quote: str, occurrence: int = 0) -> Evidence:
    """Evidence at the quote's real offsets (the n-th occurrence)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return Evidence(quote=quote, start=start, end=start + len(quote), alignment="exact")


def make_result(path: str, text: str, statements: list[Statement], *, actors: list[Actor] | None = None,
                codebook: dict[str, str] | None = None, seconds: float = 12.5, model: str = "tiny-model",
                unlocated: dict[str, list[str]] | None = None) -> ArticleResult:
    """An ArticleResult for ``text`` whose evidence offsets are exact."""
    claims: dict[str, Claim] = {}
    for actor, cid, ctext, label, quotes in statements:
        claim = claims.setdefault(cid, Claim(id=cid, text=ctext, codebook_id=(codebook or {}).get(cid)))
        evidence = [exact(text, q) for q in quotes]
        evidence += [Evidence(quote=q) for q in (unlocated or {}).get(f"{actor}/{cid}", [])]
        claim.stances.append(Stance(actor=actor, stance=label, evidence=evidence))
    names = dict.fromkeys(s[0] for s in statements)
    return ArticleResult(
        article=ArticleInfo(id=Path(path).name, path=path, sha256=hashlib.sha256(text.encode()).hexdigest(),
                            title=text.splitlines()[0]),
        actors=actors if actors is not None else [Actor(name=n, type="person") for n in names],
        claims=list(claims.values()),
        provenance=Provenance(model=model, endpoint="embedded", prompt=PromptInfo(name="extract", hash="3f2a9c"),
                              params={"temperature": 0.0}, usage=Usage(prompt_tokens=2100, completion_tokens=640),
                              attempts=1, seconds=seconds),
    )


def write_run(run: Path, results: list[ArticleResult], failures: list[dict] | None = None,
              manifest: dict | None = None) -> Path:
    (run / "results").mkdir(parents=True, exist_ok=True)
    for i, result in enumerate(results):
        (run / "results" / f"{i:03d}.json").write_text(result.model_dump_json(indent=1), encoding="utf-8")
    for i, failure in enumerate(failures or []):
        (run / "failures").mkdir(exist_ok=True)
        (run / "failures" / f"{i:03d}.json").write_text(json.dumps(failure), encoding="utf-8")
    if manifest is not None:
        (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return run


COUNCIL = (
    "Council backs new bridge\n"
    "The mayor said the bridge will be built by 2026. "
    "\u201cWe will not fund it,\u201d said councillor Ada Park, adding that the budget is empty. "
    "The union declined to comment on the bridge."
)


def council_run(tmp_path: Path) -> tuple[Path, ArticleResult]:
    """One article with nested, overlapping spans of different stances, and one unlocated quote."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "council.txt").write_text(COUNCIL, encoding="utf-8")
    result = make_result("articles/council.txt", COUNCIL, [
        ("Mayor", "c1", "The bridge will be built by 2026.", "support", ["the bridge will be built by 2026"]),
        # overlaps the quote above on "built by 2026. \u201cWe will"
        ("Ada Park", "c1", "The bridge will be built by 2026.", "oppose",
         ["built by 2026. \u201cWe will not fund it"]),
        # nested inside Ada Park's first quote
        ("Ada Park", "c2", "The city budget is empty.", "support", ["the budget is empty"]),
        ("The union", "c1", "The bridge will be built by 2026.", "neutral", ["declined to comment on the bridge"]),
    ], unlocated={"Mayor/c1": ["a quote the model made up"]})
    return write_run(tmp_path / "r1", [result],
                     manifest={"model": "tiny-model", "prompt": {"name": "extract", "hash": "3f2a9c"}}), result


# --- reading the page back --------------------------------------------------


class Page(HTMLParser):
    """Collects per-article text and highlight marks, plus every tag and script seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, str] = {}  # section id -> article text as rendered
        self.marks: dict[str, list[tuple[str, str, str]]] = {}  # section id -> (data-ev, class, text)
        self.scripts: list[str] = []
        self._section: str | None = None
        self._in_text = 0
        self._mark: dict[str, str | None] | None = None
        self._mark_text = ""
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "section":
            self._section = a.get("id")
        if tag == "div" and "article-text" in (a.get("class") or "").split():
            self._in_text = 1
            self.texts[self._section or ""] = ""
        elif self._in_text and tag == "div":
            self._in_text += 1
        if tag == "mark" and self._in_text:
            self._mark, self._mark_text = a, ""
        if tag == "script":
            self._script = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._in_text:
            self._in_text -= 1
        if tag == "mark" and self._mark is not None:
            self.marks.setdefault(self._section or "", []).append(
                (self._mark.get("data-ev") or "", self._mark.get("class") or "", self._mark_text))
            self._mark = None
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._in_text:
            self.texts[self._section or ""] += data
        if self._mark is not None:
            self._mark_text += data
        if self._script is not None:
            self._script += data


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def page_data(page: Page) -> dict:
    [blob] = [s for s in page.scripts if s.lstrip().startswith("{")]
    return json.loads(blob)


def highlighted_text(page: Page, section: str, ev_id: str) -> str:
    """The text covered by one evidence id: the marks that list it, joined in order."""
    return "".join(text for ids, _, text in page.marks[section] if ev_id in ids.split())


# --- a run whose article and model text try to run scripts -------------------

SCRIPT_ARTICLE = (
    "Hackers <script>window.PWNED = 1; alert('x')</script> strike\n"
    "A note: </script><img src=x onerror=\"window.PWNED=2\"> and <b>bold</b> & friends.\n"
    "Spokesman Bob said \"<script>evil()</script>\" is harmless."
)


def script_run(tmp_path: Path) -> Path:
    (tmp_path / "x.txt").write_text(SCRIPT_ARTICLE, encoding="utf-8")
    result = make_result("x.txt", SCRIPT_ARTICLE, [
        ("Bob <i>the</i> spokesman", "c1", "</script><script>window.PWNED=3</script> is harmless",
         "support", ["<script>evil()</script>", "</script><img src=x onerror=\"window.PWNED=2\">"]),
    ], actors=[Actor(name="Bob <i>the</i> spokesman", role="<u>role</u>", aliases=["<b>Bob</b>"])],
        model="<script>m</script>")
    return write_run(tmp_path / "run", [result], failures=[
        {"article_id": "<script>f</script>.txt", "path": "f", "kind": "parse", "message": "<img src=y>",
         "attempts": 1, "raw_output": None}])


# --- eval results to render ---------------------------------------------------

NAMES = ("blinken-iran-no-agreement", "russia-ctbt-deratification")
OPTIONS = ScoreOptions(bootstrap_resamples=200)
SPURIOUS_ACTOR = "<script>window.PWNED=1</script>Mallory"


def degraded(fx) -> ArticleResult:
    """Gold, less its first pair (missed), with one label flipped and one invented pair (spurious)."""
    r = gold_as_result(fx, model="degraded")
    r.claims[0].stances.pop(0)
    flip = r.claims[1].stances[0]
    flip.stance = "oppose" if flip.stance != "oppose" else "support"
    sentence = fx.text.splitlines()[0][:40]  # the headline: no gold evidence there
    start = fx.text.index(sentence)
    r.claims.append(Claim(id="zz", text="<img src=x onerror=alert(1)> invented", stances=[
        Stance(actor=SPURIOUS_ACTOR, stance="neutral",
               evidence=[Evidence(quote=sentence, start=start, end=start + len(sentence), alignment="exact")])]))
    return r


def dev_gold_run(tmp_path: Path) -> Path:
    """A real multi-article run: the nine hand-labelled dev articles' gold labels as results, read in place.

    Real claims and names, several actors per claim and claims that recur across articles,
    so the stance table is wider than a screen and run-wide ids differ from the articles' own.
    """
    from stance.evals import load_fixtures
    from support.paths import DEV

    run = tmp_path / "dev-gold"
    (run / "results").mkdir(parents=True)
    for fx in load_fixtures(DEV):
        result = gold_as_result(fx)
        result.article.path = str(DEV / result.article.id)
        (run / "results" / f"{result.article.id}.json").write_text(result.model_dump_json(), encoding="utf-8")
    return run
