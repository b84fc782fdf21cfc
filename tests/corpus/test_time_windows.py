"""Article dates in the tables, and networks cut by time window (--since/--until) or one per month (--per)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.corpus_runs import P, make_result, make_run
from typer.testing import CliRunner

import stance.corpus as corpus
from stance.cli.app import app
from stance.corpus.canon import ExportError

BILL = "The Internal Market Bill breaks international law."


def dated(article_id: str, date: str | None, actor: str, stance: str):
    result = make_result(article_id, [(actor, P, [])], [("c1", BILL, [(actor, stance)]), ("c2", "Trust in the UK is damaged.", [(actor, stance)])])
    result.article.date = date
    return result


ARTICLES = [
    dated("a1", "2020-09-08", "Brandon Lewis", "support"),
    dated("a2", "2020-09-14T10:00:00+01:00", "Keir Starmer", "support"),
    dated("a3", "2020-10-02", "Brandon Lewis", "oppose"),  # a change of mind a month later
    dated("a4", None, "Ed Davey", "support"),
]


def test_the_long_table_carries_article_dates(tmp_path: Path) -> None:
    run = corpus.load_run(make_run(tmp_path, ARTICLES), method="lexical")
    dates = {(r["article_id"], r["article_date"]) for r in corpus.long_table(run)}
    assert dates == {("a1", "2020-09-08"), ("a2", "2020-09-14T10:00:00+01:00"), ("a3", "2020-10-02"), ("a4", None)}


def test_a_run_cut_by_date_counts_only_those_articles(tmp_path: Path) -> None:
    run = corpus.load_run(make_run(tmp_path, ARTICLES), method="lexical")
    assert [r.article.id for r in run.between("2020-09", "2020-09").results] == ["a1", "a2"]  # all September
    assert [r.article.id for r in run.between(since="2020-09-14").results] == ["a2", "a3"]
    assert [r.article.id for r in run.between(until="2020-09-08").results] == ["a1"]
    assert run.periods("month") == ["2020-09", "2020-10"] and run.periods("year") == ["2020"]

    september = run.between("2020-09", "2020-09")
    wide = {r["actor"]: r for r in corpus.wide_table(september)}
    cid = run.canon.claim_of[("a1", "c1")]
    assert wide["Brandon Lewis"][cid] == "support" and "Ed Davey" not in wide
    assert corpus.wide_table(run)[0][cid] == "mixed"  # the whole run: Lewis both ways
    assert {r["actor"]: r["articles"] for r in corpus.actors_table(september)} == {"Brandon Lewis": 1, "Keir Starmer": 1}
    edges = {(e["kind"], e["source"], e["target"]): e["weight"] for e in corpus.network_edges(september)}
    assert edges[("congruence", "Brandon Lewis", "Keir Starmer")] == 2
    october = {(e["kind"], e["source"], e["target"]) for e in corpus.network_edges(run.between("2020-10", "2020-10"))}
    assert ("congruence", "Brandon Lewis", "Keir Starmer") not in october


def test_export_one_network_per_month(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, ARTICLES)
    pytest.importorskip("networkx")
    report = corpus.export(run_dir, "network", method="lexical", per="month")
    assert [(p, f.name) for p, f, _ in report.periods or []] == [
        ("2020-09", "network-2020-09.graphml"), ("2020-10", "network-2020-10.graphml"),
    ]  # fmt: skip
    assert report.undated == 1
    import networkx as nx

    september = nx.read_graphml(run_dir / "exports" / "network-2020-09.graphml")
    assert {d["name"] for _, d in september.nodes(data=True) if d["type"] == "actor"} == {"Brandon Lewis", "Keir Starmer"}
    october = nx.read_graphml(run_dir / "exports" / "network-2020-10.graphml")
    assert {d["name"] for _, d in october.nodes(data=True) if d["type"] == "actor"} == {"Brandon Lewis"}


def test_cli_since_until_and_per(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, ARTICLES)
    out = tmp_path / "long.csv"
    result = CliRunner().invoke(app, ["export", str(run_dir), "-t", "long", "-o", str(out), "--method", "lexical",
                                      "--since", "2020-09-10", "--until", "2020-10"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as fh:
        assert sorted({r["article_id"] for r in csv.DictReader(fh)}) == ["a2", "a3"]
    assert "1 articles have no date and are left out" in result.output

    per = CliRunner().invoke(app, ["export", str(run_dir), "-t", "wide", "-o", str(tmp_path / "w.csv"), "--method", "lexical",
                                   "--per", "month"])  # fmt: skip
    assert per.exit_code == 0, per.output
    assert "2 files, one per month" in per.output
    assert (tmp_path / "w-2020-09.csv").exists() and (tmp_path / "w-2020-09.claims.csv").exists()

    bad = CliRunner().invoke(app, ["export", str(run_dir), "--since", "September"])
    assert bad.exit_code == 1 and "--since 'September' is not a date; write 2020, 2020-09 or 2020-09-08" in bad.output


def test_a_bad_period_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown period 'week'"):
        corpus.export(make_run(tmp_path, ARTICLES), "long", method="lexical", per="week")
