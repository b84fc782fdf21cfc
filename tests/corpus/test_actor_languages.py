"""Actors across articles in different languages (issue 21): a person's titles in any language are dropped, so
"Bundeskanzler Olaf Scholz" and "Chancellor Olaf Scholz" are one actor; two names for one institution
("die Bundesregierung", "the German government") are one actor only when the user's mapping says so."""

from __future__ import annotations

import csv
from pathlib import Path

from support.corpus_runs import P, make_run

import stance.corpus as ex

G = "government"


def scholz_run(tmp_path: Path) -> Path:
    return make_run(
        tmp_path,
        [
            ("de-1", [("Bundeskanzler Olaf Scholz", P, []), ("die Bundesregierung", G, [])],
             [("c1", "Die Steuern steigen nicht.", [("Bundeskanzler Olaf Scholz", "support"),
                                                   ("die Bundesregierung", "support")])]),
            ("en-1", [("Chancellor Olaf Scholz", P, []), ("the German government", G, [])],
             [("c1", "Taxes will not rise.", [("Chancellor Olaf Scholz", "support"),
                                              ("the German government", "support")])]),
            ("fr-1", [("le chancelier Olaf Scholz", P, [])],
             [("c1", "Les impôts n'augmenteront pas.", [("le chancelier Olaf Scholz", "support")])]),
            ("es-1", [("el canciller alemán, Olaf Scholz", P, [])],
             [("c1", "No subirán los impuestos.", [("el canciller alemán, Olaf Scholz", "support")])]),
        ],
    )


def test_one_person_whatever_the_language_of_the_title(tmp_path: Path) -> None:
    names = ex.load_run(scholz_run(tmp_path), method="lexical").canon.actor_of
    scholz = {names[(a, n)] for a, n in [("de-1", "Bundeskanzler Olaf Scholz"), ("en-1", "Chancellor Olaf Scholz"),
                                         ("fr-1", "le chancelier Olaf Scholz"),
                                         ("es-1", "el canciller alemán, Olaf Scholz")]}
    assert scholz == {"Olaf Scholz"}


def test_one_institution_in_two_languages_only_by_the_users_mapping(tmp_path: Path) -> None:
    run_dir = scholz_run(tmp_path)
    names = ex.load_run(run_dir, method="lexical").canon.actor_of
    assert names[("de-1", "die Bundesregierung")] != names[("en-1", "the German government")]

    ex.export(run_dir, "long", method="lexical")  # writes actors.csv, the mapping the user edits
    with (run_dir / "actors.csv").open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(["die Bundesregierung", "", "German government", "", ""])  # every article
    names = ex.load_run(run_dir, method="lexical").canon.actor_of
    assert names[("de-1", "die Bundesregierung")] == names[("en-1", "the German government")] == "German government"
    wide = {row["actor"]: row for row in ex.wide_table(ex.load_run(run_dir, method="lexical"))}
    assert "German government" in wide and "die Bundesregierung" not in wide and "Bundesregierung" not in wide
