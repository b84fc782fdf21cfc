"""One claim, one id: a claim of a real multi-article run carries the same run-wide id (the export's ``C0001``...)
in the report's stance table, its article section and details data, and in the long, wide, claims and network exports.
And "mixed" means support plus oppose in every view (support plus neutral is support)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from support.corpus_runs import P, make_run
from support.paths import DEV
from support.report_pages import dev_gold_run, page_data, parse
from typer.testing import CliRunner

from stance.cli.app import app
from stance.corpus import load_run, wide_table
from stance.report import render_run_html
from stance.report.stance_table import stance_table

pytestmark = pytest.mark.skipif(not DEV.is_dir(), reason=f"needs the dev fixtures at {DEV}")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_one_claim_has_one_id_in_the_report_and_every_export(tmp_path: Path) -> None:
    run_dir = dev_gold_run(tmp_path)
    run = load_run(run_dir)
    # a claim of the fifth article: its run-wide id is not its id in the article (c1, c2, ...)
    result = run.results[4]
    claim = next(c for c in result.claims if c.stances)
    cid = run.canon.claim_of[(result.article.id, claim.id)]
    assert re.fullmatch(r"C\d{4}", cid) and cid.lower() != claim.id.lower()
    actor = run.canon.actor_of[(result.article.id, claim.stances[0].actor)]

    html = render_run_html(run, max_actors=None, max_claims=None)
    # the stance table: a column headed by the id, and the legend gives its text
    assert re.search(rf'<th class="col" title="[^"]*">{cid}</th>', html)
    assert f"<strong>{cid}</strong> {claim.text}" in html.replace("&#39;", "'").replace("&quot;", '"')
    # the article section and the details panel's data use the same id
    section = html[html.index('id="article-5"'):html.index('id="article-6"')]
    assert f'<span class="cid" title="{claim.id} in this article' in section and f">{cid}</span>" in section
    data = page_data(parse(html))
    assert {"id": cid, "article_id": claim.id, "text": claim.text} in data["claims"].values()
    # the same in stance_table(): the report's table is the corpus's
    assert cid in [c.id for c in stance_table(run, None, None).claims]

    for table in ("long", "wide", "claims"):
        out = CliRunner().invoke(app, ["export", str(run_dir), "-t", table])
        assert out.exit_code == 0, out.output
    out = CliRunner().invoke(app, ["export", str(run_dir), "-t", "network", "-o", str(run_dir / "exports" / "edges.csv")])
    assert out.exit_code == 0, out.output
    exports = run_dir / "exports"
    long_rows = [r for r in _rows(exports / "long.csv") if r["article_id"] == result.article.id
                 and r["article_claim_id"] == claim.id]
    assert long_rows and {r["claim_id"] for r in long_rows} == {cid}
    wide = {r["actor"]: r for r in _rows(exports / "wide.csv")}
    assert wide[actor][cid] in ("support", "oppose", "mixed", "neutral")
    assert {r["claim_id"]: r["text"] for r in _rows(exports / "wide.claims.csv")}[cid] == claim.text
    assert {r["claim_id"]: r["text"] for r in _rows(exports / "claims.csv")}[cid] == claim.text
    assert any(r["source"] == actor and r["target"] == cid for r in _rows(exports / "edges.csv"))


def test_mixed_means_support_and_oppose_in_every_view(tmp_path: Path) -> None:
    run_dir = make_run(tmp_path, [
        ("a1", [("Ann", P, []), ("Bo", P, [])], [("c1", "The bridge must be repaired", [("Ann", "support"), ("Bo", "support")])]),
        ("a2", [("Ann", P, []), ("Bo", P, [])], [("c1", "The bridge must be repaired", [("Ann", "oppose"), ("Bo", "neutral")])]),
    ])
    run = load_run(run_dir, method="lexical")
    (cid,) = set(run.canon.claim_of.values())
    wide = {r["actor"]: r[cid] for r in wide_table(run)}
    assert wide == {"Ann": "mixed", "Bo": "support"}
    table = stance_table(run)
    assert {a: table.cell(a, cid).label for a in ("Ann", "Bo")} == wide  # type: ignore[union-attr]
    html = render_run_html(run)
    assert re.search(rf'<td class="cell st-mixed" title="Ann — {cid}: [^"]*">±2</td>', html)
    assert re.search(rf'<td class="cell st-support" title="Bo — {cid}: [^"]*">\+2</td>', html)
