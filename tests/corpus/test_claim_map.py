"""The claim map: recurring claims across a run, negations with reversed stances, guards, corrections, the codebook."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from support.corpus_runs import IRAN, P, make_run
from support.paths import DEV

import stance.corpus as corpus
from stance.corpus.canon import CanonicalError, ExportError
from stance.corpus.claim_grouping import build_claim_map
from stance.extraction.codebook import load_codebook
from stance.model import embeddings as _embeddings
from stance.runs.reader import read_run

EMBED = pytest.mark.skipif(not _embeddings.available(), reason="embed extra not installed")
METHODS = ["lexical", pytest.param("embedding", marks=EMBED)]


def groups_of(claim_map: corpus.ClaimMap) -> set[frozenset[tuple[str, str, bool]]]:
    return {frozenset((m.article_id, m.claim_id, m.flip) for m in g.members) for g in claim_map.groups}


def results(run_dir: Path) -> list:
    return read_run(run_dir).results


@pytest.mark.parametrize("method", METHODS)
def test_a_claim_and_its_negation_are_one_recurring_claim(tmp_path: Path, method: str) -> None:
    run_dir = make_run(tmp_path, IRAN)
    claim_map = build_claim_map(results(run_dir), method=method)
    assert claim_map.method == method
    assert groups_of(claim_map) == {
        frozenset({("a1", "c1", True), ("a2", "c1", False), ("a3", "c1", False)}),
        frozenset({("a1", "c2", False), ("a2", "c2", True)}),
        frozenset({("a3", "c2", False)}),
    }
    deal = next(g for g in claim_map.groups if len(g.members) == 3)
    assert deal.name == "A U.S.-Iran agreement is in the offing."  # read positively: the negation is the flipped side
    assert deal.named_by == "central"


@pytest.mark.parametrize("method", METHODS)
def test_tables_read_stances_on_the_recurring_claim(tmp_path: Path, method: str) -> None:
    run_dir = make_run(tmp_path, IRAN)
    corpus.map_claims(run_dir, method=method)
    run = corpus.load_run(run_dir)
    assert run.canon.method == f"map ({method})"
    groups = corpus.claim_groups(run)
    cid, flip = groups[("a1", "c1")]
    assert flip and groups[("a2", "c1")] == (cid, False) and groups[("a3", "c1")] == (cid, False)

    wide = {row["actor"]: row for row in corpus.wide_table(run)}
    assert wide["Antony Blinken"][cid] == "oppose"  # "no agreement" (support) is against "an agreement is in the offing"
    assert wide["Ali Bagheri"][cid] == "support" and wide["Matthew Miller"][cid] == "oppose"
    long = [r for r in corpus.long_table(run) if r["claim_id"] == cid]
    blinken = next(r for r in long if r["actor"] == "Antony Blinken")
    assert (blinken["stance"], blinken["article_stance"], blinken["flipped"]) == ("oppose", "support", True)
    assert blinken["claim_text"] == "A U.S.-Iran agreement is in the offing."
    assert blinken["article_claim_text"] == "There is no U.S.-Iran agreement in the offing."
    edges = {(e["kind"], e["source"], e["target"]): e for e in corpus.network_edges(run) if e["source_type"] == e["target_type"]}
    assert edges[("congruence", "Antony Blinken", "Matthew Miller")]["claims"] == cid  # both deny that a deal is close
    assert edges[("congruence", "Ali Bagheri", "Suzanne DiMaggio")]["claims"] == cid
    # Bagheri and Blinken clash twice: on the deal, and on whether Iran should refrain (Bagheri's "should not")
    assert edges[("conflict", "Ali Bagheri", "Antony Blinken")]["weight"] == 2

    rows = corpus.recurring_claims(run)
    assert [(r["claim_id"], r["articles"], r["negated"]) for r in rows][0] == (cid, 3, 1)
    assert rows[0]["support"] == {"Ali Bagheri": 1, "Suzanne DiMaggio": 1}
    assert rows[0]["oppose"] == {"Antony Blinken": 1, "Matthew Miller": 1}


# Similar wording, different propositions, in different articles: never one recurring claim.
APART = [
    ("GateHouse laid off 60 employees this year.", "GateHouse laid off 600 employees this year."),
    ("Russia should ratify the nuclear test ban treaty.", "The United States should ratify the nuclear test ban treaty."),
    ("Home prices in the Bronx will rise after the rezoning.", "Home prices in the Bronx will fall after the rezoning."),
    ("The council should approve the Bruckner Boulevard rezoning.", "The council should reject the Bruckner Boulevard rezoning."),
    ("Garrett instigated the fight with Rudolph.", "Rudolph instigated the fight with Garrett."),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("a", "b"), APART)
def test_claims_that_differ_in_number_subject_direction_or_roles_stay_apart(tmp_path: Path, method: str, a: str, b: str) -> None:
    specs = [
        ("x1", [("Ann Lee", P, []), ("Russia", "country", [])], [("c1", a, [("Ann Lee", "support")]), ("c2", "The United States held talks with Russia.", [])]),
        ("x2", [("Bo Chen", P, []), ("United States", "country", [])], [("c1", b, [("Bo Chen", "support")]), ("c2", "The vote on the Bronx rezoning was delayed again.", [])]),
    ]  # fmt: skip
    claim_map = build_claim_map(results(make_run(tmp_path, specs)), method=method)
    assert all(len(g.members) == 1 for g in claim_map.groups), groups_of(claim_map)


@pytest.mark.parametrize("method", METHODS)
def test_claims_of_one_article_join_only_when_near_identical(tmp_path: Path, method: str) -> None:
    specs = [
        ("a1", [("Ann Lee", P, []), ("Bo Chen", P, [])], [
            ("c1", "The council should fund the new bus lanes.", [("Ann Lee", "support")]),
            ("c2", "The council should fund new bus lanes.", [("Bo Chen", "oppose")]),
            ("c3", "The council should fund the new bike lanes.", [("Bo Chen", "support")]),
        ]),
    ]  # fmt: skip
    claim_map = build_claim_map(results(make_run(tmp_path, specs)), method=method)
    assert groups_of(claim_map) == {
        frozenset({("a1", "c1", False), ("a1", "c2", False)}),
        frozenset({("a1", "c3", False)}),
    }


def test_the_lexical_measure_weighs_a_storys_own_words_least(tmp_path: Path) -> None:
    # the story's claims say "the internal market bill"; two say it will backfire on Britain, in other words
    specs = [
        ("a1", [("Ann Lee", P, [])], [
            ("c1", "The internal market bill will backfire on Britain.", [("Ann Lee", "support")]),
            ("c2", "The internal market bill protects the union.", [("Ann Lee", "support")])]),
        ("a2", [("Bo Chen", P, [])], [
            ("c1", "Critics fear it could backfire on Britain.", [("Bo Chen", "support")]),
            ("c2", "The internal market bill weakens devolution.", [("Bo Chen", "support")])]),
        ("a3", [("Cy Dunn", P, [])], [
            ("c1", "The internal market bill breaks international law.", [("Cy Dunn", "support")])]),
    ]  # fmt: skip
    claim_map = build_claim_map(results(make_run(tmp_path, specs)), method="lexical")
    joined = [g for g in claim_map.groups if len(g.members) > 1]
    assert groups_of(corpus.ClaimMap(method="lexical", threshold=0.4, created="", groups=joined)) == {
        frozenset({("a1", "c1", False), ("a2", "c1", False)})  # "backfire", "Britain": the others share only the bill
    }


@EMBED
def test_embeddings_merge_loose_paraphrases_the_lexical_measure_misses(tmp_path: Path) -> None:
    specs = [
        ("a1", [("Ann Lee", P, [])], [("c1", "No agreement with Iran is close.", [("Ann Lee", "support")])]),
        ("a2", [("Bo Chen", P, [])], [("c1", "A deal with Tehran is not within reach.", [("Bo Chen", "support")])]),
    ]  # fmt: skip
    run_dir = make_run(tmp_path, specs)
    assert len(build_claim_map(results(run_dir), method="lexical").groups) == 2
    assert groups_of(build_claim_map(results(run_dir), method="embedding")) == {
        frozenset({("a1", "c1", False), ("a2", "c1", False)})  # both deny it: no flip
    }


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_claims_csv_corrections_keep_winning_over_the_map(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, IRAN)
    report = corpus.map_claims(run_dir, method="lexical")
    rows = read_rows(report.mapping_files[1])
    by_key = {(r["article_id"], r["claim_id"]): r for r in rows}
    assert by_key[("a1", "c1")]["flip"] == by_key[("a1", "c1")]["auto_flip"] == "true"
    deal = by_key[("a2", "c1")]["canonical_id"]
    # The user says a3's claim is another proposition, and that a2's c2 does not negate a1's c2 after all.
    by_key[("a3", "c1")]["canonical_id"] = "deal-signed"
    by_key[("a2", "c2")]["flip"] = "false"
    by_key[("a2", "c1")]["canonical_text"] = "Washington and Tehran are close to a deal."
    write_rows(report.mapping_files[1], rows)

    again = corpus.map_claims(run_dir, method="lexical")  # the map is rebuilt: the corrections still win
    run = again.run
    groups = corpus.claim_groups(run)
    assert groups[("a3", "c1")] == ("deal-signed", False)
    assert groups[("a2", "c1")] == (deal, False)
    assert groups[("a2", "c2")][1] is False
    assert run.canon.claim_text[deal] == "Washington and Tehran are close to a deal."
    assert run.canon.user_claim_rows == 3
    export = corpus.export(run_dir, "wide", out=tmp_path / "wide.csv")
    wide = {r["actor"]: r for r in read_rows(export.out)}
    assert wide["Ali Bagheri"][groups[("a2", "c2")][0]] == "support"  # no flip any more: the article's own stance
    assert wide["Suzanne DiMaggio"]["deal-signed"] == "support"


def test_export_without_a_map_is_unchanged_and_method_map_needs_one(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, IRAN)
    run = corpus.load_run(run_dir, method="lexical")
    assert not any(run.canon.claim_flip.values())
    groups = corpus.claim_groups(run)
    assert groups[("a2", "c1")] == groups[("a3", "c1")]  # near-verbatim: export's own merging joins them
    assert len(set(run.canon.claim_of.values())) == 5  # but never a claim and its negation
    with pytest.raises(ExportError, match="no claim map; build it with: stance claims"):
        corpus.load_run(run_dir, method="map")
    corpus.map_claims(run_dir, method="lexical")
    assert len(set(corpus.load_run(run_dir).canon.claim_of.values())) == 3  # auto reads the map
    assert len(set(corpus.load_run(run_dir, method="lexical").canon.claim_of.values())) == 5  # an explicit method does not


def test_claims_changed_since_the_map_fall_back_to_similarity(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, IRAN)
    corpus.map_claims(run_dir, method="lexical")
    # a3 is extracted again and now words its claim differently; a4 is new
    more = IRAN[:2] + [
        ("a3", [("Suzanne DiMaggio", P, [])], [("c1", "An agreement between the U.S. and Iran is close.", [("Suzanne DiMaggio", "support")])]),
        ("a4", [("Ned Price", P, [])], [("c1", "An agreement between the U.S. and Iran is close.", [("Ned Price", "oppose")])]),
    ]  # fmt: skip
    for f in (run_dir / "results").glob("*.json"):
        f.unlink()
    make_run(tmp_path, more, name="run2")
    for f in (tmp_path / "run2" / "results").glob("*.json"):
        f.rename(run_dir / "results" / f.name)
    groups = corpus.claim_groups(corpus.load_run(run_dir))
    assert groups[("a3", "c1")][0] == groups[("a4", "c1")][0] != groups[("a2", "c1")][0]
    assert groups[("a1", "c1")] == (groups[("a2", "c1")][0], True)  # still mapped


def test_a_broken_map_is_one_line(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, IRAN)
    (run_dir / "claim_map.json").write_text('{"groups": 3}', encoding="utf-8")
    with pytest.raises(ExportError, match=r"claim_map.json: not a claim map .*run `stance claims` again or delete it"):
        corpus.load_run(run_dir)


def test_induced_codebook_loads_with_members_as_examples(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, IRAN)
    report = corpus.map_claims(run_dir, method="lexical")
    assert report.codebook_file == run_dir / "codebook.yaml"
    book = load_codebook(report.codebook_file)
    groups = corpus.claim_groups(report.run)
    deal, refrain = groups[("a2", "c1")][0], groups[("a1", "c2")][0]
    assert book.ids == sorted([deal, refrain])
    claim = book.get(deal)
    assert claim is not None and claim.text == "A U.S.-Iran agreement is in the offing."
    assert claim.examples.support == ["The U.S.-Iran agreement is in the offing."]
    assert claim.examples.oppose == ["There is no U.S.-Iran agreement in the offing."]
    assert report.codebook_file.read_text(encoding="utf-8").startswith("# Recurring claims of a run, induced by `stance claims`")
    assert corpus.induced_codebook(report.run, min_articles=4) is None


def test_an_empty_run_is_one_line(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, [])
    with pytest.raises(ExportError, match="no results to group"):
        corpus.map_claims(run_dir)
    with pytest.raises(CanonicalError, match="threshold must be in"):
        build_claim_map([], method="lexical", threshold=1.5)


@pytest.mark.skipif(not DEV.is_dir(), reason="dev fixtures not present")
def test_dev_gold_claims_are_all_distinct_and_stay_so(tmp_path: Path) -> None:
    """The 138 hand-labelled dev claims are distinct propositions on nine stories: the map joins none of them."""
    from support.gold_runs import dev_fixtures, write_gold_run

    run_dir = write_gold_run(tmp_path, dev_fixtures())
    before = corpus.wide_table(corpus.load_run(run_dir, method="lexical"))
    report = corpus.map_claims(run_dir)
    assert (report.claims, report.groups, report.recurring, report.codebook_file) == (138, 138, 0, None)
    after = corpus.wide_table(report.run)
    assert len(before[0]) == len(after[0]) == 1 + 3 * 138  # 415 columns before and after
    assert json.loads((run_dir / "claim_map.json").read_text())["method"] in {"embedding", "lexical"}
