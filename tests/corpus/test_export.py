"""Stance tables, writers, networks and the `stance export` command, on hand-built run folders."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from support.corpus_runs import ArticleSpec, P, make_result, make_run
from support.paths import DEV
from typer.testing import CliRunner

import stance.corpus as ex
from stance.cli.app import app
from stance.corpus.tables import LONG_COLUMNS, NETWORK_COLUMNS
from stance.results import Evidence

# Four actors, three claims; positions chosen so every network weight can be counted by hand:
#        K1        K2        K3
#   A    support   support   oppose
#   B    support   oppose    oppose
#   C    oppose    oppose    -
#   D    neutral   support   support (a1) + oppose (a2) -> mixed on K3
NETWORK_RUN: list[ArticleSpec] = [
    ("a1", [("Ann Alpha", P, []), ("Ben Beta", P, []), ("Cy Gamma", P, []), ("Di Delta", P, [])], [
        ("k1", "Taxes should be cut.", [("Ann Alpha", "support"), ("Ben Beta", "support"), ("Cy Gamma", "oppose"), ("Di Delta", "neutral")]),
        ("k2", "The bridge must be rebuilt.", [("Ann Alpha", "support"), ("Ben Beta", "oppose")]),
        ("k3", "Schools need more funding.", [("Ann Alpha", "oppose"), ("Di Delta", "support")]),
    ]),
    ("a2", [("Cy Gamma", P, []), ("Di Delta", P, []), ("Ben Beta", P, [])], [
        ("k2", "The bridge must be rebuilt.", [("Cy Gamma", "oppose"), ("Di Delta", "support")]),
        ("k3", "Schools need more funding.", [("Ben Beta", "oppose"), ("Di Delta", "oppose")]),
    ]),
]  # fmt: skip


@pytest.fixture
def network_run(tmp_path: Path) -> Path:
    return make_run(tmp_path, NETWORK_RUN)


def _ids(run: ex.Run) -> dict[str, str]:
    """Claim text -> canonical id."""
    return {row["text"]: row["claim_id"] for row in ex.claims_table(run)}


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def test_long_table_has_one_row_per_stance_with_evidence_and_provenance(network_run: Path) -> None:
    run = ex.load_run(network_run, method="lexical")
    rows = ex.long_table(run)
    assert len(rows) == 12
    assert list(rows[0]) == LONG_COLUMNS
    row = next(r for r in rows if r["article_id"] == "a2" and r["actor"] == "Di Delta" and r["stance"] == "oppose")
    assert row["article_claim_id"] == "k3"
    assert row["claim_text"] == "Schools need more funding."
    assert row["evidence_quote"] == "Di Delta said oppose"
    assert (row["evidence_start"], row["evidence_end"], row["evidence_alignment"]) == (0, 20, "exact")
    assert row["evidence_count"] == 1 and row["other_evidence"] is None
    assert (row["model"], row["prompt_name"], row["prompt_hash"]) == ("test-model", "extract", "abc123")
    assert row["article_title"] == "Title of a2" and row["article_path"] == "articles/a2"


def test_long_table_keeps_every_evidence_quote(tmp_path: Path) -> None:
    result = make_result("a1", [("Ann Alpha", P, [])], [("k1", "Taxes should be cut.", [("Ann Alpha", "support")])])
    result.claims[0].stances[0].evidence.append(Evidence(quote="second quote", start=40, end=52, alignment="fuzzy"))
    rows = ex.long_table(ex.load_run(make_run(tmp_path, [result]), method="lexical"))
    assert rows[0]["evidence_count"] == 2
    assert json.loads(rows[0]["other_evidence"]) == [["second quote", 40, 52, "fuzzy"]]


def test_wide_table_cells_and_counts(network_run: Path) -> None:
    run = ex.load_run(network_run, method="lexical")
    ids = _ids(run)
    k1, k2, k3 = ids["Taxes should be cut."], ids["The bridge must be rebuilt."], ids["Schools need more funding."]
    wide = {row["actor"]: row for row in ex.wide_table(run)}
    assert set(wide) == {"Ann Alpha", "Ben Beta", "Cy Gamma", "Di Delta"}
    d = wide["Di Delta"]
    assert (d[k1], d[k2], d[k3]) == ("neutral", "support", "mixed")
    assert (d[f"{k3} support"], d[f"{k3} oppose"]) == (1, 1)
    assert (d[f"{k1} support"], d[f"{k1} oppose"]) == (0, 0)
    c = wide["Cy Gamma"]
    assert (c[k1], c[k2], c[k3]) == ("oppose", "oppose", None)
    assert (c[f"{k2} support"], c[f"{k2} oppose"]) == (0, 1)
    assert list(d) == ["actor"] + [col for cid in sorted([k1, k2, k3]) for col in (cid, f"{cid} support", f"{cid} oppose")]


def test_actors_and_claims_tables_count_across_articles(network_run: Path) -> None:
    run = ex.load_run(network_run, method="lexical")
    actors = {row["actor"]: row for row in ex.actors_table(run)}
    assert actors["Di Delta"] | {} == {
        "actor": "Di Delta", "type": "person", "aliases": "", "articles": 2, "claims": 3,
        "stances": 4, "support": 2, "oppose": 1, "neutral": 1,
    }  # fmt: skip
    claims = {row["text"]: row for row in ex.claims_table(run)}
    k3 = claims["Schools need more funding."]
    assert (k3["articles"], k3["actors"], k3["stances"], k3["support"], k3["oppose"]) == (2, 3, 4, 1, 3)


def test_network_weights_match_hand_count(network_run: Path) -> None:
    run = ex.load_run(network_run, method="lexical")
    ids = _ids(run)
    k1, _k2, k3 = ids["Taxes should be cut."], ids["The bridge must be rebuilt."], ids["Schools need more funding."]
    edges = {(e["kind"], e["source"], e["target"], e["stance"]): e for e in ex.network_edges(run)}
    actor_edges = {(k, s, t): e["weight"] for (k, s, t, _), e in edges.items() if k != "stance"}
    # By hand, per claim (neutral is no position; Di Delta holds both sides of K3):
    #  K1: support {A,B}, oppose {C}    -> congruence A-B; conflict A-C, B-C
    #  K2: support {A,D}, oppose {B,C}  -> congruence A-D, B-C; conflict A-B, A-C, B-D, C-D
    #  K3: support {D},   oppose {A,B,D}-> congruence A-B, A-D, B-D; conflict A-D, B-D
    assert actor_edges == {
        ("congruence", "Ann Alpha", "Ben Beta"): 2,  # K1, K3
        ("congruence", "Ann Alpha", "Di Delta"): 2,  # K2, K3
        ("congruence", "Ben Beta", "Cy Gamma"): 1,  # K2
        ("congruence", "Ben Beta", "Di Delta"): 1,  # K3
        ("conflict", "Ann Alpha", "Ben Beta"): 1,  # K2
        ("conflict", "Ann Alpha", "Cy Gamma"): 2,  # K1, K2
        ("conflict", "Ann Alpha", "Di Delta"): 1,  # K3
        ("conflict", "Ben Beta", "Cy Gamma"): 1,  # K1
        ("conflict", "Ben Beta", "Di Delta"): 2,  # K2, K3
        ("conflict", "Cy Gamma", "Di Delta"): 1,  # K2
    }
    assert edges[("congruence", "Ann Alpha", "Ben Beta", "")]["claims"] == f"{k1}; {k3}"
    # Two-mode edges: one per (actor, claim, stance), weighted by articles.
    assert edges[("stance", "Di Delta", k3, "support")]["weight"] == 1
    assert edges[("stance", "Di Delta", k3, "oppose")]["weight"] == 1
    assert edges[("stance", "Di Delta", k1, "neutral")]["weight"] == 1
    assert sum(1 for k in edges if k[0] == "stance") == 12


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------


def test_graphml_parses_with_expected_nodes_and_edges(network_run: Path) -> None:
    nx = pytest.importorskip("networkx")
    out = network_run / "net.graphml"
    report = ex.export(network_run, "network", out=out, method="lexical")
    assert report.format == "graphml"
    graph = nx.read_graphml(out, force_multigraph=True)
    actors = {n for n, d in graph.nodes(data=True) if d["type"] == "actor"}
    claims = {n for n, d in graph.nodes(data=True) if d["type"] == "claim"}
    assert actors == {"actor:Ann Alpha", "actor:Ben Beta", "actor:Cy Gamma", "actor:Di Delta"}
    assert len(claims) == 3
    assert graph.nodes["actor:Di Delta"]["name"] == "Di Delta"
    assert graph.nodes["actor:Di Delta"]["actor_type"] == "person"
    kinds = [d["kind"] for _, _, d in graph.edges(data=True)]
    assert kinds.count("congruence") == 4 and kinds.count("conflict") == 6 and kinds.count("stance") == 12
    conflict_ac = [
        d for u, v, d in graph.edges(data=True) if {u, v} == {"actor:Ann Alpha", "actor:Cy Gamma"} and d["kind"] == "conflict"
    ]
    assert [d["weight"] for d in conflict_ac] == [2]
    assert report.rows == 22


def test_network_csv_edge_list(network_run: Path) -> None:
    out = network_run / "edges.csv"
    ex.export(network_run, "network", out=out, method="lexical")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == NETWORK_COLUMNS
    assert {"source": "Ann Alpha", "target": "Cy Gamma", "kind": "conflict", "weight": "2"}.items() <= rows[
        [i for i, r in enumerate(rows) if r["kind"] == "conflict" and r["target"] == "Cy Gamma"][0]
    ].items()
    assert len(rows) == 22


def test_parquet_round_trips(network_run: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    run = ex.load_run(network_run, method="lexical")
    for name in ("long", "wide"):
        rows = ex.table_rows(run, name)
        out = network_run / f"{name}.parquet"
        ex.write_table(rows, out, "parquet", ex.columns_of(name, rows))
        assert pq.read_table(out).to_pylist() == rows


def test_xlsx_opens_with_header_and_rows(network_run: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = network_run / "wide.xlsx"
    ex.export(network_run, "wide", out=out, method="lexical")
    sheet = openpyxl.load_workbook(out, read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "actor" and len(values) == 5
    assert {row[0] for row in values[1:]} == {"Ann Alpha", "Ben Beta", "Cy Gamma", "Di Delta"}


def test_xlsx_drops_control_characters(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "t.xlsx"
    ex.write_table([{"a": "bell\x07here", "b": 1}], out, "xlsx", ["a", "b"])
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A2"].value == "bellhere" and sheet["B2"].value == 1


def test_csv_jsonl_md_contents(network_run: Path) -> None:
    run = ex.load_run(network_run, method="lexical")
    rows = ex.actors_table(run)
    cols = ex.columns_of("actors", rows)
    ex.write_table(rows, network_run / "a.csv", "csv", cols)
    ex.write_table(rows, network_run / "a.jsonl", "jsonl", cols)
    ex.write_table(rows, network_run / "a.md", "md", cols)
    assert list(csv.DictReader((network_run / "a.csv").open(encoding="utf-8")))[0]["actor"] == "Ann Alpha"
    assert [json.loads(line) for line in (network_run / "a.jsonl").read_text().splitlines()] == rows
    md = (network_run / "a.md").read_text().splitlines()
    assert md[0] == "| " + " | ".join(cols) + " |" and md[1].count("---") == len(cols) and len(md) == 2 + len(rows)


def test_md_escapes_pipes_and_newlines(tmp_path: Path) -> None:
    ex.write_table([{"t": "a | b\nc"}], tmp_path / "t.md", "md", ["t"])
    assert (tmp_path / "t.md").read_text().splitlines()[2] == "| a \\| b c |"


def test_write_table_fills_missing_keys_with_empty_cells(tmp_path: Path) -> None:
    ex.write_table([{"a": 1, "b": "x"}, {"a": 2}], tmp_path / "t.csv", "csv", ["a", "b"])
    assert (tmp_path / "t.csv").read_text().splitlines() == ["a,b", "1,x", "2,"]


def test_empty_table_still_gets_a_header(tmp_path: Path) -> None:
    run = make_run(tmp_path, [("a1", [("Ann Alpha", P, [])], [])])
    ex.export(run, "long", out=tmp_path / "long.csv", method="lexical")
    assert (tmp_path / "long.csv").read_text().strip() == ",".join(LONG_COLUMNS)


def test_to_pandas(network_run: Path) -> None:
    pytest.importorskip("pandas")
    df = ex.to_pandas(ex.long_table(ex.load_run(network_run, method="lexical")))
    assert df.shape == (12, len(LONG_COLUMNS))
    assert df.groupby("stance").size().to_dict() == {"neutral": 1, "oppose": 6, "support": 5}


@pytest.mark.parametrize(
    ("module", "call"),
    [
        ("pyarrow", lambda run: ex.export(run, "long", "parquet", method="lexical")),
        ("openpyxl", lambda run: ex.export(run, "long", "xlsx", method="lexical")),
        ("networkx", lambda run: ex.export(run, "network", method="lexical")),
        ("pandas", lambda run: ex.to_pandas([])),
    ],
)
def test_missing_extra_gives_one_line_message(network_run: Path, monkeypatch, module: str, call) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` raise ImportError
    with pytest.raises(ex.ExportError, match=rf"need {module}, which is not installed: pip install 'stance\[export\]'"):
        call(network_run)


def test_csv_jsonl_md_need_no_extra(network_run: Path, monkeypatch) -> None:
    for module in ("pyarrow", "openpyxl", "networkx", "pandas", "numpy"):
        monkeypatch.setitem(sys.modules, module, None)
    for table in ex.TABLES:
        for fmt in ("csv", "jsonl", "md"):
            ex.export(network_run, table, fmt, method="lexical")
            assert (network_run / "exports" / f"{table}.{fmt}").stat().st_size > 0


def test_format_resolution() -> None:
    assert ex.resolve_format("long", None, None) == "csv"
    assert ex.resolve_format("network", None, None) == "graphml"
    assert ex.resolve_format("wide", None, Path("x/wide.XLSX")) == "xlsx"
    assert ex.resolve_format("network", "csv", Path("edges.csv")) == "csv"
    assert ex.resolve_format("long", "csv", Path("long.txt")) == "csv"
    for args, message in [
        (("long", "parquet", Path("a.csv")), "does not match"),
        (("long", None, Path("a.txt")), "cannot tell the format"),
        (("long", "graphml", None), "graphml holds networks only"),
        (("longer", None, None), "unknown table"),
        (("long", "xls", None), "unknown format"),
    ]:
        with pytest.raises(ex.ExportError, match=message):
            ex.resolve_format(*args)


def test_invalid_results_are_skipped_and_reported(network_run: Path) -> None:
    (network_run / "results" / "broken.json").write_text('{"article": {"id": "x"}}')
    (network_run / "results" / "garbage.json").write_text("not json")
    report = ex.export(network_run, "long", method="lexical")
    assert report.articles == 2 and report.rows == 12
    assert [name for name, _ in report.skipped] == ["broken.json", "garbage.json"]


def test_dev_fixture_articles_export(tmp_path: Path) -> None:
    """Gold labels of three real articles, as results: actors keep their names, tables line up."""
    results = []
    for name in ("blinken-iran-no-agreement", "doe-climate-workers-names", "bronx-rezoning-council-race"):
        gold = json.loads((DEV / f"{name}.gold.json").read_text(encoding="utf-8"))
        results.append(
            make_result(
                gold["article"],
                [(a["name"], a["type"], a.get("aliases", [])) for a in gold["actors"]],
                [(c["id"], c["text"], [(s["actor"], s["stance"]) for s in c["stances"]]) for c in gold["claims"]],
            )
        )
    run = ex.load_run(make_run(tmp_path, results), method="lexical")
    actors = {row["actor"]: row for row in ex.actors_table(run)}
    n_gold_actors = sum(len(r.actors) for r in results)
    assert len(actors) == n_gold_actors  # three unrelated articles: nobody merged across them
    assert "Blinken" in actors["Antony Blinken"]["aliases"]
    assert len(ex.claims_table(run)) == sum(len(r.claims) for r in results)
    assert len(ex.long_table(run)) == sum(r.stance_count() for r in results)


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------

runner = CliRunner()


def test_cli_export_default_output_and_mappings(network_run: Path) -> None:
    result = runner.invoke(app, ["export", str(network_run), "--method", "lexical"])
    assert result.exit_code == 0, result.output
    out = network_run / "exports" / "long.csv"
    assert str(out) in result.output and "12 rows" in result.output
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 12
    assert (network_run / "actors.csv").exists() and (network_run / "claims.csv").exists()


@pytest.mark.parametrize(("table", "suffix"), [("wide", "md"), ("actors", "jsonl"), ("claims", "csv"), ("network", "csv")])
def test_cli_export_tables_by_suffix(network_run: Path, table: str, suffix: str) -> None:
    out = network_run / f"t.{suffix}"
    result = runner.invoke(app, ["export", str(network_run), "-t", table, "-o", str(out), "--method", "lexical"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_cli_export_graphml_and_parquet(network_run: Path) -> None:
    pytest.importorskip("networkx")
    pytest.importorskip("pyarrow")
    for args in (["-t", "network"], ["-t", "wide", "-f", "parquet"]):
        result = runner.invoke(app, ["export", str(network_run), *args, "--method", "lexical"])
        assert result.exit_code == 0, result.output
    assert (network_run / "exports" / "network.graphml").exists()
    assert (network_run / "exports" / "wide.parquet").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{missing}"], "run folder not found"),
        (["{run}", "-t", "long", "-f", "graphml"], "graphml holds networks only"),
        (["{run}", "-o", "{run}/x.txt"], "cannot tell the format"),
        (["{run}", "--threshold", "7"], "threshold must be in (0, 1], got 7"),
    ],
)
def test_cli_export_errors_are_one_line(network_run: Path, args: list[str], message: str) -> None:
    argv = [a.format(run=network_run, missing=network_run / "nope") for a in args]
    result = runner.invoke(app, ["export", *argv])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_export_unknown_choice_is_a_usage_error(network_run: Path) -> None:
    """Choices are Enums: Typer refuses an unknown one with exit 2 and lists the valid ones."""
    result = runner.invoke(app, ["export", str(network_run), "--method", "magic"])
    assert result.exit_code == 2
    assert "magic" in result.output and "lexical" in result.output


def test_export_refuses_to_overwrite_a_mapping_file(network_run: Path) -> None:
    with pytest.raises(ex.ExportError, match="mapping file"):
        ex.export(network_run, "actors", out=network_run / "actors.csv", method="lexical")


def test_cli_export_empty_run_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "r" / "results").mkdir(parents=True)
    result = runner.invoke(app, ["export", str(tmp_path / "r")])
    assert result.exit_code == 1 and "no results to export" in result.output


def test_wide_export_writes_its_claim_texts_next_to_it(network_run: Path) -> None:
    """wide.csv keeps one header row of ids; wide.claims.csv gives each id's text (join on claim_id)."""
    result = runner.invoke(app, ["export", str(network_run), "-t", "wide", "--method", "lexical"])
    assert result.exit_code == 0, result.output
    wide = list(csv.DictReader((network_run / "exports" / "wide.csv").open(encoding="utf-8")))
    sidecar = list(csv.DictReader((network_run / "exports" / "wide.claims.csv").open(encoding="utf-8")))
    ids = [c for c in wide[0] if c != "actor" and " " not in c]
    assert ids and [r["claim_id"] for r in sidecar] == ids
    assert all(r["text"] for r in sidecar)
    assert "claim texts:" in result.output and "wide.claims.csv" in result.output
