"""Corpus metrics (issue 16): claim-group B-cubed and the share of gold actor x recurring-claim cells a run reproduces.

Small hand-made fixtures and run folders whose numbers are worked out by hand
below; the run's claim groups come from a claim map (``RUN/claim_map.json``),
the way ``stance claims`` writes them, so each test says exactly how the run
grouped its claims.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from stance.corpus import ClaimMap, RecurringClaim
from stance.corpus.claim_map import MapMember, write_claim_map
from stance.evals import (
    EvalError,
    ScoreOptions,
    bcubed,
    compare_reports,
    comparison_markdown,
    gold_as_result,
    gold_claim_map,
    load_corpus,
    load_fixtures,
    report_markdown,
    score_run,
)
from stance.report.eval_page import render_compare_html, render_eval_html
from stance.results import ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance

CORPUS_FIXTURE = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "corpus-internal-market-bill"
OPTS = ScoreOptions(bootstrap_resamples=0)

# Three articles on one story. Recurring claims: P "The plan works." and T "Taxes rise.".
TEXTS = {
    "a1": "Head one\nAnn Lee said the plan works. Bo Kim said taxes rise.\n",
    "a2": "Head two\nAnn Lee said the plan works well. Cy Ross said the plan is no good. Cy Ross said rents fall.\n",
    "a3": "Head three\nDee Fox said the plan fails. Bo Kim said taxes will not rise.\n",
}
# (claim id, text, corpus id, flip, [(actor, stance, quote)])
GOLD = {
    "a1": [("c1", "The plan works.", "P", False, [("Ann Lee", "support", "the plan works")]),
           ("c2", "Taxes rise.", "T", False, [("Bo Kim", "support", "taxes rise")])],
    "a2": [("c1", "The plan works.", "P", False, [("Ann Lee", "support", "the plan works well"),
                                                 ("Cy Ross", "oppose", "the plan is no good")]),
           ("c2", "Rents fall.", None, False, [("Cy Ross", "support", "rents fall")])],
    "a3": [("c1", "The plan fails.", "P", True, [("Dee Fox", "support", "the plan fails")]),
           ("c2", "Taxes will not rise.", "T", True, [("Bo Kim", "support", "taxes will not rise")])],
}
# Gold cells: (Ann Lee, P) support, (Cy Ross, P) oppose, (Dee Fox, P) oppose (flipped), (Bo Kim, T) mixed.


def write_fixtures(d: Path) -> Path:
    d.mkdir()
    for name, claims in GOLD.items():
        (d / f"{name}.txt").write_text(TEXTS[name], encoding="utf-8")
        actors = sorted({a for *_, stances in claims for a, _, _ in stances})
        gold = {"article": f"{name}.txt", "actors": [{"name": a, "type": "person"} for a in actors], "claims": []}
        for cid, text, corpus_id, flip, stances in claims:
            c = {"id": cid, "text": text, "stances": [{"actor": a, "stance": s, "evidence": [q]} for a, s, q in stances]}
            if corpus_id:
                c["corpus_id"] = corpus_id
            if flip:
                c["corpus_flip"] = True
            gold["claims"].append(c)
        (d / f"{name}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    corpus = {"topic": "a plan and taxes", "claims": [{"id": "P", "text": "The plan works."}, {"id": "T", "text": "Taxes rise."}]}
    (d / "corpus.json").write_text(json.dumps(corpus), encoding="utf-8")
    return d


def result(name: str) -> ArticleResult:
    """A prediction equal to the gold (claim ids k1, k2 so they are the run's own)."""
    text = TEXTS[name]
    claims = []
    for i, (_, ctext, *_, stances) in enumerate(GOLD[name], 1):
        st = []
        for actor, label, quote in stances:
            s = text.index(quote)
            st.append(Stance(actor=actor, stance=label, evidence=[Evidence(quote=quote, start=s, end=s + len(quote), alignment="exact")]))  # type: ignore[arg-type]
        claims.append(Claim(id=f"k{i}", text=ctext, stances=st))
    return ArticleResult(
        article=ArticleInfo(id=f"{name}.txt", path=f"{name}.txt", sha256=hashlib.sha256(text.encode()).hexdigest(), title="h"),
        claims=claims,
        provenance=Provenance(model="m", endpoint="none", prompt=PromptInfo(name="p", hash="ppp")),
    )


def member(name: str, k: str, flip: bool = False) -> MapMember:
    text = next(c[1] for i, c in enumerate(GOLD[name], 1) if f"k{i}" == k)
    return MapMember(article_id=f"{name}.txt", claim_id=k, text=text, flip=flip)


def write_run(run: Path, groups: list[list[MapMember]]) -> Path:
    (run / "results").mkdir(parents=True)
    for name in GOLD:
        (run / "results" / f"{name}.json").write_text(result(name).model_dump_json(), encoding="utf-8")
    write_claim_map(run, ClaimMap(method="test", threshold=1.0, created="2020-09-30T00:00:00+00:00",
                                  groups=[RecurringClaim(name=g[0].text, members=g) for g in groups]))
    return run


def test_bcubed_by_hand():
    # Classes A (3 items) and B (2); clusters X = {a, a}, Y = {a, b}, Z = {b}.
    items = [("A", "X"), ("A", "X"), ("A", "Y"), ("B", "Y"), ("B", "Z")]
    p, r = bcubed(items)  # type: ignore[misc]
    assert p == pytest.approx((1 + 1 + 0.5 + 0.5 + 1) / 5)  # 0.8
    assert r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 / 2 + 1 / 2) / 5)  # 0.5333
    # A member of no class in X (an unrelated claim lumped in) lowers the precision of X's items only.
    p2, r2 = bcubed(items, {"X": 3})  # type: ignore[misc]
    assert p2 == pytest.approx((2 / 3 + 2 / 3 + 0.5 + 0.5 + 1) / 5)
    assert r2 == pytest.approx(r)
    assert bcubed([]) is None
    # One cluster per class is perfect; one cluster for everything has recall 1 and precision by class sizes.
    assert bcubed([("A", "1"), ("A", "1"), ("B", "2")]) == (1.0, 1.0)
    assert bcubed([("A", "1"), ("A", "1"), ("B", "1")]) == pytest.approx(((2 / 3 + 2 / 3 + 1 / 3) / 3, 1.0))


def test_perfect_grouping_scores_one(tmp_path: Path):
    fx = write_fixtures(tmp_path / "fx")
    run = write_run(tmp_path / "run", [[member("a1", "k1"), member("a2", "k1"), member("a3", "k1", flip=True)],
                                       [member("a1", "k2"), member("a3", "k2", flip=True)], [member("a2", "k2")]])
    c = score_run(run, fx, OPTS, write=False).corpus
    assert c is not None
    assert c.grouping == "map (test)"
    m = c.metrics
    assert (m["claim_bcubed_precision"], m["claim_bcubed_recall"], m["claim_bcubed_f1"]) == (1.0, 1.0, 1.0)
    assert (m["corpus_cells"], m["corpus_cells_reproduced"], m["corpus_cell_share"]) == (4, 4, 1.0)
    assert (m["corpus_pairs"], m["corpus_gold_pairs"]) == (6, 6)
    cells = {(x.actor, x.claim): (x.gold, x.run) for x in c.cells}
    assert cells == {("Ann Lee", "P"): ("support", "support"), ("Cy Ross", "P"): ("oppose", "oppose"),
                     ("Dee Fox", "P"): ("oppose", "oppose"), ("Bo Kim", "T"): ("mixed", "mixed")}


def test_split_and_lumped_groups_by_hand(tmp_path: Path):
    fx = write_fixtures(tmp_path / "fx")
    # P split: a3's negated instance alone; T lumped with the unrelated "Rents fall.".
    run = write_run(tmp_path / "run", [[member("a1", "k1"), member("a2", "k1")], [member("a3", "k1", flip=True)],
                                       [member("a1", "k2"), member("a3", "k2", flip=True), member("a2", "k2")]])
    c = score_run(run, fx, OPTS, write=False).corpus
    assert c is not None
    m = c.metrics
    # Items: P in G1 x3 (Ann a1, Ann a2, Cy a2), P in G3 x1 (Dee), T in G2 x2 (Bo a1, Bo a3); G2 also holds Cy's rents pair.
    precision = (1 + 1 + 1 + 1 + 2 / 3 + 2 / 3) / 6
    recall = (3 / 4 + 3 / 4 + 3 / 4 + 1 / 4 + 1 + 1) / 6
    assert m["claim_bcubed_precision"] == pytest.approx(precision)  # 0.889
    assert m["claim_bcubed_recall"] == pytest.approx(recall)  # 0.750
    assert m["claim_bcubed_f1"] == pytest.approx(2 * precision * recall / (precision + recall))  # 0.814
    # P's column is G1 (3 of its 4 pairs), which does not hold Dee Fox: 3 of 4 cells.
    assert (m["corpus_cells_reproduced"], m["corpus_cells"]) == (3, 4)
    missed = [x for x in c.cells if not x.reproduced]
    assert [(x.actor, x.claim, x.run) for x in missed] == [("Dee Fox", "P", None)]
    p = next(x for x in c.claims if x.id == "P")
    assert (p.matched, p.gold_pairs, p.articles, len(p.run_groups), p.reproduced, p.cells) == (4, 4, 3, 2, 2, 3)


def test_negation_merged_without_flip_costs_the_cell(tmp_path: Path):
    fx = write_fixtures(tmp_path / "fx")
    # All of P in one group, but "The plan fails." not marked as its negation: B-cubed is perfect, Dee Fox's cell is not.
    run = write_run(tmp_path / "run", [[member("a1", "k1"), member("a2", "k1"), member("a3", "k1")],
                                       [member("a1", "k2"), member("a3", "k2", flip=True)], [member("a2", "k2")]])
    c = score_run(run, fx, OPTS, write=False).corpus
    assert c is not None
    assert c.metrics["claim_bcubed_f1"] == 1.0
    cells = {(x.actor, x.claim): (x.gold, x.run) for x in c.cells}
    assert cells[("Dee Fox", "P")] == ("oppose", "support")
    assert c.metrics["corpus_cells_reproduced"] == 3


def test_group_negating_the_corpus_claim_is_read_reversed(tmp_path: Path):
    fx = write_fixtures(tmp_path / "fx")
    # The run's T group is named after the negation ("Taxes will not rise."): a1's claim is its flipped member.
    run = write_run(tmp_path / "run", [[member("a1", "k1"), member("a2", "k1"), member("a3", "k1", flip=True)],
                                       [member("a3", "k2"), member("a1", "k2", flip=True)], [member("a2", "k2")]])
    c = score_run(run, fx, OPTS, write=False).corpus
    assert c is not None
    t = next(x for x in c.claims if x.id == "T")
    assert t.column_flip is True
    assert c.metrics["corpus_cells_reproduced"] == 4


def test_unmatched_actor_and_missing_article(tmp_path: Path):
    fx = write_fixtures(tmp_path / "fx")
    run = write_run(tmp_path / "run", [[member("a1", "k1"), member("a2", "k1"), member("a3", "k1", flip=True)],
                                       [member("a1", "k2"), member("a3", "k2", flip=True)], [member("a2", "k2")]])
    (run / "results" / "a3.json").unlink()  # Dee Fox's only article and Bo Kim's negation are gone
    c = score_run(run, fx, OPTS, write=False).corpus
    assert c is not None
    cells = {(x.actor, x.claim): (x.run_actor, x.run, x.reproduced) for x in c.cells}
    assert cells[("Dee Fox", "P")] == (None, None, False)
    assert cells[("Bo Kim", "T")] == ("Bo Kim", "support", False)  # gold mixed
    assert (c.metrics["corpus_pairs"], c.metrics["corpus_gold_pairs"]) == (4, 6)


def test_no_corpus_file_no_corpus_scores(tmp_path: Path):
    fx = write_fixtures(tmp_path / "fx")
    (fx / "corpus.json").unlink()  # the gold's corpus ids are then plain labels
    run = write_run(tmp_path / "run", [[member("a1", "k1")]])
    report = score_run(run, fx, OPTS, write=False)
    assert report.corpus is None
    assert "claim groups B-cubed" not in report_markdown(report)


def test_bad_corpus_file_is_refused(tmp_path: Path):
    fx = write_fixtures(tmp_path / "fx")
    (fx / "corpus.json").write_text(json.dumps({"claims": [{"id": "P", "text": "The plan works."}]}), encoding="utf-8")
    with pytest.raises(EvalError, match=r"corpus_id 'T' is not in corpus.json"):
        load_corpus(fx, load_fixtures(fx))
    (fx / "corpus.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(EvalError, match="not a valid corpus file"):
        load_corpus(fx, load_fixtures(fx))


def test_views_show_the_corpus_scores(tmp_path: Path):
    fx = write_fixtures(tmp_path / "fx")
    a = score_run(write_run(tmp_path / "a", [[member("a1", "k1"), member("a2", "k1")], [member("a3", "k1", flip=True)],
                                             [member("a1", "k2"), member("a3", "k2", flip=True), member("a2", "k2")]]), fx, OPTS)
    b = score_run(write_run(tmp_path / "b", [[member("a1", "k1"), member("a2", "k1"), member("a3", "k1", flip=True)],
                                             [member("a1", "k2"), member("a3", "k2", flip=True)], [member("a2", "k2")]]), fx, OPTS)
    md = report_markdown(a)
    assert "claim groups B-cubed P 0.889 R 0.750 F1 0.814" in md
    assert "cells 3 of 4 reproduced (0.750)" in md
    assert "| P | 3 | 4 | 4 | 2 | C" in md  # P: 3 articles, 4 gold pairs, 4 matched, over 2 run claims
    stored = json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert stored["corpus"]["metrics"]["corpus_cells_reproduced"] == 3
    cmp = compare_reports(a, b)
    diffs = {m.metric: m for m in cmp.corpus}
    assert diffs["claim_bcubed_f1"].verdict == "better" and diffs["corpus_cells"].verdict == "same"
    assert diffs["corpus_cells_reproduced"].diff == 1
    assert "| corpus_cell_share | 0.750 | 1.000 | +0.250 | better |" in comparison_markdown(cmp)
    html = render_eval_html(a, fixtures_dir=fx)
    assert 'id="corpus"' in html and "cells 3 of 4 reproduced" in html and "Dee Fox" in html
    assert 'id="corpus"' in render_compare_html(cmp, a, b, fixtures_dir=fx)


def test_corpus_fixture_is_valid_and_recurring():
    fixtures = load_fixtures(CORPUS_FIXTURE)
    corpus = load_corpus(CORPUS_FIXTURE, fixtures)
    assert corpus is not None and len(fixtures) >= 8
    articles: dict[str, set[str]] = {}
    for f in fixtures:
        assert f.gold.source and f.text.split("\n", 1)[0].strip()
        for c in f.gold.claims:
            if c.corpus_id:
                articles.setdefault(c.corpus_id, set()).add(f.name)
    assert 10 <= len(corpus.claims) <= 20
    assert all(len(articles.get(c.id, ())) >= 2 for c in corpus.claims)


def test_gold_run_with_gold_groups_scores_one_and_without_them_less(tmp_path: Path):
    fixtures = load_fixtures(CORPUS_FIXTURE)
    corpus = load_corpus(CORPUS_FIXTURE, fixtures)
    assert corpus is not None
    run = tmp_path / "gold"
    (run / "results").mkdir(parents=True)
    for f in fixtures:
        (run / "results" / f"{f.name}.json").write_text(gold_as_result(f).model_dump_json(), encoding="utf-8")
    plain = score_run(run, CORPUS_FIXTURE, OPTS.model_copy(update={"corpus_method": "lexical"}), write=False).corpus
    write_claim_map(run, gold_claim_map(fixtures, corpus, created="2020-09-30T00:00:00+00:00"))
    gold = score_run(run, CORPUS_FIXTURE, OPTS, write=False).corpus
    assert gold is not None and plain is not None
    assert gold.metrics["claim_bcubed_f1"] == 1.0 and gold.metrics["corpus_cell_share"] == 1.0
    assert gold.metrics["corpus_pairs"] == gold.metrics["corpus_gold_pairs"]
    # Export's text merging on the gold's own claim texts leaves recurring claims split over articles.
    assert plain.metrics["claim_bcubed_recall"] < 1.0  # type: ignore[operator]
    assert plain.metrics["corpus_cells_reproduced"] < plain.metrics["corpus_cells"]  # type: ignore[operator]
