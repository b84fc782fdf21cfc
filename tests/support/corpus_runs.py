"""Hand-built run folders for the corpus tests: one exact evidence quote per stance."""

from __future__ import annotations

from pathlib import Path

from stance.results import Actor, ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance

# (article id, [(actor name, type, aliases)], [(claim id, text, [(actor, stance)])])
ArticleSpec = tuple[str, list[tuple[str, str, list[str]]], list[tuple[str, str, list[tuple[str, str]]]]]


def make_result(article_id: str, actors, claims, codebook: dict[str, str] | None = None) -> ArticleResult:
    """An ArticleResult with one exact evidence quote per stance ("<actor> said <stance>")."""
    return ArticleResult(
        article=ArticleInfo(id=article_id, path=f"articles/{article_id}", sha256="0" * 64, title=f"Title of {article_id}"),
        actors=[Actor(name=n, type=t, aliases=al) for n, t, al in actors],
        claims=[
            Claim(
                id=cid,
                text=text,
                codebook_id=(codebook or {}).get(cid),
                stances=[
                    Stance(actor=a, stance=s, evidence=[Evidence(quote=f"{a} said {s}", start=0, end=len(a) + 6 + len(s), alignment="exact")])
                    for a, s in stances
                ],
            )
            for cid, text, stances in claims
        ],
        provenance=Provenance(model="test-model", endpoint="embedded", prompt=PromptInfo(name="extract", hash="abc123")),
    )


def make_run(tmp_path: Path, articles: list[ArticleSpec | ArticleResult], name: str = "run") -> Path:
    """A run folder with one results/<id>.json per article."""
    run = tmp_path / name
    (run / "results").mkdir(parents=True)
    for spec in articles:
        result = spec if isinstance(spec, ArticleResult) else make_result(*spec)
        (run / "results" / f"{result.article.id}.json").write_text(result.model_dump_json(), encoding="utf-8")
    return run


P = "person"  # the actor type of most specs


# The example: a denial and an assertion of one proposition, in three articles on one story.
IRAN = [
    ("a1", [("Antony Blinken", P, [])], [
        ("c1", "There is no U.S.-Iran agreement in the offing.", [("Antony Blinken", "support")]),
        ("c2", "Iran should refrain from provocative actions.", [("Antony Blinken", "support")]),
    ]),
    ("a2", [("Ali Bagheri", P, []), ("Matthew Miller", P, [])], [
        ("c1", "A U.S.-Iran agreement is in the offing.", [("Ali Bagheri", "support"), ("Matthew Miller", "oppose")]),
        ("c2", "Iran should not refrain from provocative actions.", [("Ali Bagheri", "support")]),
    ]),
    ("a3", [("Suzanne DiMaggio", P, [])], [
        ("c1", "The U.S.-Iran agreement is in the offing.", [("Suzanne DiMaggio", "support")]),
        ("c2", "Russia should ratify the nuclear test ban treaty.", [("Suzanne DiMaggio", "support")]),
    ]),
]  # fmt: skip
