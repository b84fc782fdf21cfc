"""Three tiny eval fixtures and hand-built runs A and B scored against them (compare, gate, eval CLI tests)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from stance.evals import score_run
from stance.results import ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance

# Three tiny fixtures, each with two gold pairs (actor X says A, actor Y says B).
ARTICLES = {
    f"n{i}": f"Head {i}\nAnna Berg{i} said plan {i} works. Carl Dunn{i} said plan {i} fails.\n" for i in range(3)
}


def gold(i: int) -> dict:
    return {
        "article": f"n{i}.txt",
        "actors": [{"name": f"Anna Berg{i}", "type": "person"}, {"name": f"Carl Dunn{i}", "type": "person"}],
        "claims": [
            {"id": "c1", "text": f"Plan {i} works.", "stances": [
                {"actor": f"Anna Berg{i}", "stance": "support", "evidence": [f"plan {i} works"]},
                {"actor": f"Carl Dunn{i}", "stance": "oppose", "evidence": [f"plan {i} fails"]},
            ]},
        ],
    }


def prediction(i: int, pairs: list[tuple[str, str, str]], prompt: str = "p") -> ArticleResult:
    """pairs: (actor, stance, quote) under one claim."""
    text = ARTICLES[f"n{i}"]
    stances = []
    for actor, stance, quote in pairs:
        s = text.index(quote)
        stances.append(Stance(actor=actor, stance=stance, evidence=[Evidence(quote=quote, start=s, end=s + len(quote), alignment="exact")]))  # type: ignore[arg-type]
    return ArticleResult(
        article=ArticleInfo(id=f"n{i}.txt", path=f"n{i}.txt", sha256=hashlib.sha256(text.encode()).hexdigest(), title="h"),
        claims=[Claim(id="k1", text=f"Plan {i} works.", stances=stances)],
        provenance=Provenance(model="m", endpoint="embedded", prompt=PromptInfo(name=prompt, hash=prompt * 3), seconds=2.0),
    )


def write_run(run: Path, results: list[ArticleResult]) -> Path:
    (run / "results").mkdir(parents=True)
    for r in results:
        (run / "results" / (r.article.id + ".json")).write_text(r.model_dump_json(), encoding="utf-8")
    return run


FULL = lambda i: [(f"Anna Berg{i}", "support", f"plan {i} works"), (f"Carl Dunn{i}", "oppose", f"plan {i} fails")]  # noqa: E731


def write_fixtures(d: Path) -> Path:
    """The three fixtures (text and gold) in folder ``d``."""
    d.mkdir()
    for i in range(3):
        (d / f"n{i}.txt").write_text(ARTICLES[f"n{i}"], encoding="utf-8")
        (d / f"n{i}.gold.json").write_text(json.dumps(gold(i)), encoding="utf-8")
    return d


def scored_runs(tmp_path: Path, fixtures_dir: Path) -> tuple[Path, Path]:
    """Runs A and B, each scored (metrics.json) against ``fixtures_dir``."""
    # A: n0 full, n1 only Anna, n2 full but Carl's label wrong.
    # B: n0 full, n1 full, n2 only Anna.
    a = write_run(tmp_path / "A", [
        prediction(0, FULL(0), "a"),
        prediction(1, FULL(1)[:1], "a"),
        prediction(2, [FULL(2)[0], ("Carl Dunn2", "support", "plan 2 fails")], "a"),
    ])
    b = write_run(tmp_path / "B", [prediction(0, FULL(0), "b"), prediction(1, FULL(1), "b"), prediction(2, FULL(2)[:1], "b")])
    score_run(a, fixtures_dir)
    score_run(b, fixtures_dir)
    return a, b
