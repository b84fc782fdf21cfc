"""When an article was published, read from its metadata (stance.runs.inputs): a JSON/JSONL record's date or
published field, YAML front matter, an HTML page's metadata; a value that is not a date is one failure."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from stance.runs.inputs import Article, LoadFailure, iter_articles, parse_date

TEXT = "Minister admits bill breaks international law\nBrandon Lewis said the bill breaks international law.\n"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2020-09-08", "2020-09-08"),
        ("8 September 2020", "2020-09-08"),
        ("Sep 8, 2020 14:05", "2020-09-08T14:05:00"),
        ("2020-09-08T14:05:00+01:00", "2020-09-08T14:05:00+01:00"),
        ("Tue, 08 Sep 2020 14:05:00 GMT", "2020-09-08T14:05:00+00:00"),
        ("September 2020", "2020-09"),  # as precise as given
        ("2020", "2020"),
        (datetime.date(2020, 9, 8), "2020-09-08"),  # YAML reads unquoted dates as dates
        ("Monday", None),
        ("soon", None),
        (20200908.5, None),
    ],
)
def test_parse_date(value: object, iso: str | None) -> None:
    assert parse_date(value) == iso


def test_json_and_jsonl_records_carry_their_date(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": TEXT, "date": "2020-09-08"},
        {"id": "b", "text": TEXT, "published": "9 September 2020"},
        {"id": "c", "text": TEXT},
        {"id": "d", "text": TEXT, "date": "", "published_at": "2020-09-10T08:00:00Z"},
    ]
    (tmp_path / "t.json").write_text(json.dumps(records), encoding="utf-8")
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for name in ("t.json", "t.jsonl"):
        items = list(iter_articles([tmp_path / name]))
        assert [(a.id.split("#")[1], a.date) for a in items if isinstance(a, Article)] == [
            ("a", "2020-09-08"), ("b", "2020-09-09"), ("c", None), ("d", "2020-09-10T08:00:00+00:00"),
        ]  # fmt: skip
        assert items[0].info.date == "2020-09-08"  # type: ignore[union-attr]  # what the result records


def test_front_matter_date(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(f"---\ndate: 2020-09-08\nauthor: Brandon Lewis\n---\n{TEXT}", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"---\npublished: '14 September 2020'\n---\n{TEXT}", encoding="utf-8")
    items = {a.id: a for a in iter_articles([tmp_path]) if isinstance(a, Article)}
    assert (items["a.md"].date, items["a.md"].author) == ("2020-09-08", "Brandon Lewis")
    assert items["b.txt"].date == "2020-09-14"


def test_a_date_that_is_not_one_is_a_failure_naming_it(tmp_path: Path) -> None:
    (tmp_path / "t.jsonl").write_text(json.dumps({"id": "a", "text": TEXT, "date": "last Tuesday-ish"}) + "\n"
                                      + json.dumps({"id": "b", "text": TEXT}) + "\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "c.md").write_text(f"---\ndate: someday\n---\n{TEXT}", encoding="utf-8")
    items = list(iter_articles([tmp_path]))
    failures = [i for i in items if isinstance(i, LoadFailure)]
    assert [(f.id, f.kind) for f in failures] == [("c.md", "bad_metadata"), ("t.jsonl#a", "bad_metadata")]
    assert "'date' is not a date ('last Tuesday-ish'); write it as 2020-09-08" in failures[1].message
    assert [a.id for a in items if isinstance(a, Article)] == ["t.jsonl#b"]  # the others load: nothing lost


def test_html_metadata_date(tmp_path: Path) -> None:
    body = " ".join(["The minister told MPs the bill breaks international law in a specific and limited way."] * 4)
    (tmp_path / "a.html").write_text(
        '<html><head><title>Bill row</title><meta property="article:published_time" content="2020-09-08T12:00:00Z">'
        f"</head><body><article><h1>Bill row</h1><p>{body}</p></article></body></html>",
        encoding="utf-8",
    )
    (article,) = iter_articles([tmp_path])
    assert isinstance(article, Article) and article.date == "2020-09-08"
