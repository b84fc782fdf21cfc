"""Trust tests for scoring (issue 4): perfect, halved, flipped and empty predictions on the
real dev fixtures; a hand-computed example; run folders; metrics.json; determinism."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from support.paths import DEV

from stance.evals import (
    CI_KEYS,
    EvalError,
    ScoreOptions,
    bootstrap_ci,
    gold_as_result,
    load_fixture,
    load_fixtures,
    load_report,
    report_markdown,
    score_results,
    score_run,
)
from stance.results import Actor, ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance, Usage

QUALITY = (
    "pair_precision", "pair_recall", "pair_f1", "actor_precision", "actor_recall", "actor_f1",
    "stance_accuracy", "stance_macro_f1", "stance_strict_accuracy", "grounding_rate", "grounding_any_rate",
)
FLIP = {"support": "oppose", "oppose": "support", "neutral": "support"}

needs_dev = pytest.mark.skipif(not DEV.is_dir(), reason="shared dev fixtures not beside the repo")


@pytest.fixture(scope="module")
def dev():
    return load_fixtures(DEV)


def write_run(run: Path, results: list[ArticleResult], failures: list[dict] = (), manifest: dict | None = None) -> Path:  # type: ignore[assignment]
    (run / "results").mkdir(parents=True)
    for i, r in enumerate(results):
        (run / "results" / f"r{i}.json").write_text(r.model_dump_json(), encoding="utf-8")
    if failures:
        (run / "failures").mkdir()
        for i, f in enumerate(failures):
            (run / "failures" / f"f{i}.json").write_text(json.dumps(f), encoding="utf-8")
    if manifest is not None:
        (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return run


# --- trust tests on the real dev fixtures ----------------------------------


@needs_dev
def test_gold_as_predictions_scores_one_on_every_quality_metric(dev) -> None:
    report = score_results(dev, {f.name: gold_as_result(f) for f in dev})
    for k in QUALITY:
        assert report.overall.micro[k] == 1.0, k
        assert report.overall.macro[k] == 1.0, k
        if k in CI_KEYS:
            assert report.overall.ci[k] == (1.0, 1.0), k
    for f in report.fixtures:
        assert f.status == "ok" and f.missed == [] and f.spurious == []
        assert all(m.gold.claim_id == m.pred.claim_id and m.gold.actor == m.pred.actor for m in f.matched)
    assert report.overall.micro["n_gold"] == sum(f.gold_pair_count() for f in dev) > 150


@needs_dev
def test_dropping_half_the_gold_stances_halves_recall_keeps_precision(dev) -> None:
    results, kept = {}, 0
    for f in dev:
        r = gold_as_result(f)
        i = 0
        for c in r.claims:
            keep = []
            for s in c.stances:
                if i % 2 == 0:
                    keep.append(s)
                i += 1
            c.stances = keep
        kept += r.stance_count()
        results[f.name] = r
    m = score_results(dev, results).overall.micro
    assert m["pair_precision"] == 1.0
    assert m["pair_recall"] == kept / m["n_gold"]
    assert m["pair_recall"] == pytest.approx(0.5, abs=0.05)
    assert m["stance_accuracy"] == 1.0 and m["actor_precision"] == 1.0


@needs_dev
def test_flipping_every_stance_zeroes_stance_accuracy_and_keeps_f1(dev) -> None:
    results = {}
    for f in dev:
        r = gold_as_result(f)
        for c in r.claims:
            for s in c.stances:
                s.stance = FLIP[s.stance]  # type: ignore[assignment]
        results[f.name] = r
    m = score_results(dev, results).overall.micro
    assert m["stance_accuracy"] == 0.0 and m["stance_macro_f1"] == 0.0 and m["stance_strict_accuracy"] == 0.0
    assert m["pair_f1"] == 1.0 and m["pair_precision"] == 1.0 and m["pair_recall"] == 1.0


@needs_dev
def test_empty_predictions_score_zero_recall(dev) -> None:
    results = {}
    for f in dev:
        r = gold_as_result(f)
        r.claims = []
        results[f.name] = r
    report = score_results(dev, results)
    m = report.overall.micro
    assert m["pair_recall"] == 0.0 and m["pair_f1"] == 0.0 and m["tp"] == 0
    assert m["pair_precision"] is None  # nothing predicted: undefined, not a made-up number
    assert report.not_scored == []  # results exist, they are just empty


@needs_dev
def test_robust_predictions_still_match(dev) -> None:
    """Widened evidence (whole sentences), reworded claims and surnames still match every pair."""
    results = {}
    for f in dev:
        r = gold_as_result(f)
        persons = {a.name for a in f.gold.actors if a.type == "person" and len(a.name.split()) > 1}
        for c in r.claims:
            c.text = "reworded " + c.id
            for s in c.stances:
                if s.actor in persons:
                    s.actor = s.actor.split()[-1]
                for e in s.evidence:
                    lo = max(f.text.rfind(".", 0, e.start) + 1, f.text.rfind("\n", 0, e.start) + 1)  # type: ignore[arg-type]
                    hi = f.text.find(".", e.end)
                    hi = len(f.text) if hi < 0 else hi + 1
                    e.start, e.end, e.quote = lo, hi, f.text[lo:hi]
        results[f.name] = r
    m = score_results(dev, results).overall.micro
    assert m["pair_recall"] == 1.0 and m["pair_precision"] == 1.0
    # (with claim text carrying no information, two claims of one actor in one sentence are
    # indistinguishable, so which of them a prediction pairs with - and its label - may swap)


# --- a small hand-computed example -------------------------------------------

TEXT = (
    "Senate vote looms\n"
    "Senator Jane Roe said the bill will cut taxes. "
    "The White House denied that the bill cuts taxes. "
    "Acme Corp declined to comment on the bill. "
    "Bob Lee said the vote should be delayed.\n"
)
GOLD = {
    "article": "hand.txt",
    "source": "hand-built",
    "topic": "test",
    "actors": [
        {"name": "Jane Roe", "type": "person"},
        {"name": "White House", "type": "government"},
        {"name": "Acme Corp", "type": "organization"},
        {"name": "Bob Lee", "type": "person"},
    ],
    "claims": [
        {"id": "c1", "text": "The bill will cut taxes.", "stances": [
            {"actor": "Jane Roe", "stance": "support", "evidence": ["the bill will cut taxes"]},
            {"actor": "White House", "stance": "oppose", "evidence": ["denied that the bill cuts taxes"]},
            {"actor": "Acme Corp", "stance": "neutral", "evidence": ["declined to comment on the bill"]},
        ]},
        {"id": "c2", "text": "The Senate vote should be delayed.", "stances": [
            {"actor": "Bob Lee", "stance": "support", "evidence": ["the vote should be delayed"]},
        ]},
    ],
}
GOLD_B = {
    "article": "other.txt",
    "actors": [{"name": "Ann Poe", "type": "person"}],
    "claims": [{"id": "c1", "text": "It will rain.", "stances": [
        {"actor": "Ann Poe", "stance": "support", "evidence": ["it will rain"]}]}],
}


def ev(quote: str, alignment: str = "exact") -> Evidence:
    i = TEXT.index(quote)
    return Evidence(quote=quote, start=i, end=i + len(quote), alignment=alignment)


def hand_prediction() -> ArticleResult:
    return ArticleResult(
        article=ArticleInfo(id="hand.txt", path="in/hand.txt", sha256="-", title="Senate vote looms"),
        actors=[Actor(name="Roe", type="person"), Actor(name="White House", type="government"),
                Actor(name="Acme", type="organization"), Actor(name="Mayor Smith", type="person")],
        claims=[
            # p1: surname + evidence overlap -> matches (c1, Jane Roe), right label
            Claim(id="p1", text="Bill cuts taxes", stances=[
                Stance(actor="Roe", stance="support", evidence=[ev("Jane Roe said the bill will cut taxes")])]),
            # p2: no located evidence, identical claim text -> paraphrase match (c1, White House), wrong label
            Claim(id="p2", text="The bill will cut taxes.", stances=[
                Stance(actor="White House", stance="support", evidence=[Evidence(quote="they deny it")])]),
            # p3: actor matches Acme Corp, but evidence is the headline and the claim is unrelated -> spurious
            Claim(id="p3", text="A vote is near", stances=[
                Stance(actor="Acme", stance="neutral", evidence=[ev("Senate vote looms")])]),
            # p4: evidence overlaps Jane Roe's, but the actor is nobody in gold -> spurious
            Claim(id="p4", text="Taxes are too high", stances=[
                Stance(actor="Mayor Smith", stance="oppose", evidence=[ev("cut taxes", "fuzzy")])]),
        ],
        provenance=Provenance(model="m1", endpoint="embedded", prompt=PromptInfo(name="extract", hash="abc123"),
                              usage=Usage(prompt_tokens=100, completion_tokens=50), attempts=2, seconds=3.0),
    )


@pytest.fixture
def hand_fixtures(tmp_path: Path) -> Path:
    d = tmp_path / "fx"
    d.mkdir()
    (d / "hand.txt").write_text(TEXT, encoding="utf-8")
    (d / "hand.gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
    (d / "other.txt").write_text("Weather\nAnn Poe said it will rain.\n", encoding="utf-8")
    (d / "other.gold.json").write_text(json.dumps(GOLD_B), encoding="utf-8")
    return d


def test_hand_computed_example(hand_fixtures: Path) -> None:
    fx = load_fixture(hand_fixtures / "hand.gold.json")
    report = score_results([fx], {"hand": hand_prediction()})
    f = report.fixtures[0]
    assert sorted((m.pred.claim_id, m.gold.claim_id, m.gold.actor, m.claim_rule) for m in f.matched) == [
        ("p1", "c1", "Jane Roe", "evidence"), ("p2", "c1", "White House", "paraphrase")]
    assert sorted(p.claim_id for p in f.spurious) == ["p3", "p4"]
    assert sorted((p.claim_id, p.actor) for p in f.missed) == [("c1", "Acme Corp"), ("c2", "Bob Lee")]
    m = f.metrics
    expected = {
        "tp": 2, "fp": 2, "fn": 2, "n_pred": 4, "n_gold": 4,
        "pair_precision": 0.5, "pair_recall": 0.5, "pair_f1": 0.5,
        "actor_precision": 0.75, "actor_recall": 0.75, "actor_f1": 0.75,  # Roe, White House, Acme of 4 each
        "stance_accuracy": 0.5,
        # support: 1 right of (1 gold + 2 predicted) -> F1 2/3; oppose: 0 -> 0; neutral absent
        "stance_macro_f1": 1 / 3,
        "stance_strict_accuracy": 0.25,
        "grounding_rate": 0.5, "grounding_any_rate": 0.75,  # exact, none, exact, fuzzy
        "valid_first_attempt": 0.0, "valid_rate": 1.0, "mean_attempts": 2.0,
        "seconds_per_article": 3.0, "seconds_per_1k_words": 3.0 / (len(TEXT.split()) / 1000),
        "prompt_tokens_per_article": 100.0, "completion_tokens_per_article": 50.0, "cached_rate": 0.0,
        # claim texts, stopwords dropped: p1 "bill cuts taxes" vs "bill cut taxes" -> 2*2/6; p2 identical -> 1
        "claim_text_f1": (0.667 + 1.0) / 2, "text_pair_f1": 2 * 2 / (4 + 4),
        "claim_words": (3 + 5 + 4 + 4) / 4, "gold_claim_words": (5 + 6) / 2,
        # gold support: Roe (right), Lee (missed); oppose: White House (said support); neutral: Acme (missed)
        "support_recall": 0.5, "oppose_recall": 0.0, "neutral_recall": 0.0,
        "multi_actor_share": 0.0, "gold_multi_actor_share": 0.5,  # c1 has three actors
    }
    assert set(m) == set(expected)
    for k, v in expected.items():
        assert m[k] == pytest.approx(v), k
    assert f.counts.confusion == [1, 0, 0, 1, 0, 0, 0, 0, 0]


def test_score_run_with_a_failure_micro_and_macro(hand_fixtures: Path, tmp_path: Path) -> None:
    run = write_run(
        tmp_path / "run",
        [hand_prediction()],
        failures=[{"article_id": "other.txt", "path": "x/other.txt", "kind": "invalid_output",
                   "message": "no JSON", "attempts": 3, "raw_output": "…"}],
        manifest={"model": "m-manifest", "endpoint": "embedded", "prompt": {"name": "extract", "hash": "h-manifest"},
                  "seconds": 12.5},
    )
    report = score_run(run, hand_fixtures)
    assert [(f.name, f.status) for f in report.fixtures] == [("hand", "ok"), ("other", "failed")]
    assert report.not_scored == ["other: failed (invalid_output: no JSON)"]
    mi, ma = report.overall.micro, report.overall.macro
    assert (mi["tp"], mi["n_pred"], mi["n_gold"]) == (2, 4, 5)
    assert mi["pair_recall"] == pytest.approx(0.4) and mi["pair_precision"] == 0.5
    assert mi["pair_f1"] == pytest.approx(4 / 9)
    assert ma["pair_recall"] == pytest.approx(0.25)  # mean of 0.5 and 0
    assert ma["pair_precision"] == 0.5  # the failed fixture has no precision: skipped, not zero
    assert mi["valid_rate"] == 0.5 and mi["mean_attempts"] == 2.5 and mi["valid_first_attempt"] == 0.0
    assert report.run is not None
    assert (report.run.model, report.run.prompt_name, report.run.prompt_hash) == ("m-manifest", "extract", "h-manifest")
    assert (report.run.n_results, report.run.n_failures) == (1, 1)
    # the batch's wall time, not the sum of per-article seconds (articles run side by side)
    assert report.run.wall_seconds == 12.5
    words = sum(f.counts.words for f in report.fixtures)
    assert f"wall 12 s ({1000 * 12.5 / words:.1f} s per 1,000 words)" in report_markdown(report)
    # metrics.json is written beside the results and reads back to the same report
    written = json.loads((run / "metrics.json").read_text())
    assert written["overall"]["micro"]["pair_f1"] == pytest.approx(4 / 9)
    assert written["fixtures"][0]["matched"][0]["gold"]["actor"] == "Jane Roe"
    assert load_report(run) == report


def test_missing_result_counts_as_empty_and_is_listed(hand_fixtures: Path, tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", [hand_prediction()])
    report = score_run(run, hand_fixtures, write=False)
    assert report.not_scored == ["other: missing"]
    assert report.fixture("other").metrics["pair_recall"] == 0.0
    assert not (run / "metrics.json").exists()


def test_provenance_falls_back_to_results_without_manifest(hand_fixtures: Path, tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", [hand_prediction()])
    info = score_run(run, hand_fixtures, write=False).run
    assert info is not None and (info.model, info.prompt_name, info.prompt_hash) == ("m1", "extract", "abc123")


def test_results_link_by_sha_and_unknown_articles_are_reported(hand_fixtures: Path, tmp_path: Path) -> None:
    import hashlib

    by_sha = hand_prediction()
    by_sha.article = ArticleInfo(id="renamed.txt", path="renamed.txt", sha256=hashlib.sha256(TEXT.encode()).hexdigest(), title="t")
    stranger = hand_prediction()
    stranger.article = ArticleInfo(id="stranger.txt", path="stranger.txt", sha256="0", title="t")
    report = score_run(write_run(tmp_path / "run", [by_sha, stranger]), hand_fixtures, write=False)
    assert report.fixture("hand").status == "ok"
    assert report.unmatched_results == ["stranger.txt"]
    assert any("match no fixture" in w for w in report.warnings)


# --- determinism and the bootstrap -------------------------------------------


def test_bootstrap_is_deterministic_with_a_seed(hand_fixtures: Path) -> None:
    fxs = load_fixtures(hand_fixtures)
    rng = random.Random(1)
    counts = []
    for _ in range(30):
        r = score_results(fxs[:1], {"hand": hand_prediction()}, options=ScoreOptions(bootstrap_resamples=0))
        c = r.fixtures[0].counts.model_copy()
        c.tp = rng.randint(0, 4)  # vary the fixtures so intervals are not degenerate
        counts.append(c)
    a = bootstrap_ci(counts, seed=7)
    assert a == bootstrap_ci(counts, seed=7)
    assert a != bootstrap_ci(counts, seed=8)
    lo, hi = a["pair_recall"]  # type: ignore[misc]
    point = sum(c.tp for c in counts) / sum(c.n_gold for c in counts)
    assert lo < point < hi
    assert bootstrap_ci(counts, resamples=0)["pair_f1"] is None


def test_score_run_is_deterministic(hand_fixtures: Path, tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", [hand_prediction()])
    score_run(run, hand_fixtures)
    first = (run / "metrics.json").read_bytes()
    score_run(run, hand_fixtures)
    assert (run / "metrics.json").read_bytes() == first


# --- bad input ---------------------------------------------------------------


def test_bad_inputs_give_clear_errors(hand_fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="fixtures folder not found"):
        load_fixtures(tmp_path / "nope")
    with pytest.raises(EvalError, match="not a run folder"):
        score_run(tmp_path, hand_fixtures)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.txt").write_text("Head\nbody\n", encoding="utf-8")
    (bad / "x.gold.json").write_text(json.dumps({**GOLD_B, "article": "x.txt"}), encoding="utf-8")
    with pytest.raises(EvalError, match="not a verbatim substring"):
        load_fixtures(bad)
    (bad / "x.gold.json").write_text(json.dumps({"article": "x.txt", "actors": [], "claims": [{"id": "c1"}]}))
    with pytest.raises(EvalError, match="claims.0.text"):
        load_fixtures(bad)
    run = tmp_path / "run"
    (run / "results").mkdir(parents=True)
    (run / "results" / "a.json").write_text('{"article": {}}', encoding="utf-8")
    with pytest.raises(EvalError, match="not a valid ArticleResult"):
        score_run(run, hand_fixtures)


def test_fixture_text_is_read_like_the_loaders(tmp_path: Path) -> None:
    """BOM dropped and CRLF normalised, so offsets agree with what the extractor was fed."""
    (tmp_path / "w.txt").write_bytes("\ufeffWeather\r\nAnn Poe said it will rain.\r\n".encode("utf-8"))
    (tmp_path / "w.gold.json").write_text(json.dumps({**GOLD_B, "article": "w.txt"}), encoding="utf-8")
    fx = load_fixture(tmp_path / "w.gold.json")
    assert fx.text == "Weather\nAnn Poe said it will rain.\n"
    assert fx.text.index("it will rain") == 21  # 8 + 13: no BOM, one character per newline


def test_scoring_leaves_the_garbage_collector_as_it_found_it(hand_fixtures: Path) -> None:
    import gc

    fxs = load_fixtures(hand_fixtures)
    assert gc.isenabled()
    score_results(fxs, {"hand": hand_prediction()})
    assert gc.isenabled()
    gc.disable()
    try:
        score_results(fxs, {"hand": hand_prediction()})
        assert not gc.isenabled()
    finally:
        gc.enable()
