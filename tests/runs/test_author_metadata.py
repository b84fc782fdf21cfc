"""Who a document speaks for, read from its metadata (stance.runs.inputs): a JSON/JSONL record's speaker or
author field, YAML front matter in .txt/.md files; bad metadata is one failure, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.runs.inputs import FAILURE_KINDS, Article, LoadFailure, LoadOptions, iter_articles, load_file, reload_article

TESTIMONY = (
    "Testimony on the Rural Broadband Act\n"
    "I am the director of the Prairie Library Network. We urge Congress to pass the bill this year.\n"
)


def load_all(path: Path, **options: object) -> list[Article | LoadFailure]:
    return load_file(path, path.parent, LoadOptions(**options))  # type: ignore[arg-type]


def test_json_and_jsonl_records_name_their_author(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": TESTIMONY, "author": "Ruth Okafor"},
        {"id": "b", "text": TESTIMONY, "speaker": "Prairie Library Network", "author": "Staff writer"},  # speaker first
        {"id": "c", "text": TESTIMONY},
        {"id": "d", "text": TESTIMONY, "author": "  ", "speaker": None},  # empty values: no author, no failure
        {"id": "e", "text": TESTIMONY, "author": "  Ruth\n  Okafor "},  # whitespace tidied
    ]
    (tmp_path / "t.json").write_text(json.dumps(records), encoding="utf-8")
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for name in ("t.json", "t.jsonl"):
        items = list(iter_articles([tmp_path / name]))
        assert [(a.id.split("#")[1], a.author) for a in items if isinstance(a, Article)] == [
            ("a", "Ruth Okafor"), ("b", "Prairie Library Network"), ("c", None), ("d", None), ("e", "Ruth Okafor"),
        ]
        assert items[0].info.author == "Ruth Okafor"  # type: ignore[union-attr]  # what the result records


def test_author_fields_can_be_chosen_or_switched_off(tmp_path: Path) -> None:
    """News records often carry the journalist's byline as "author": --author-field '' reads no field."""
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps({"text": TESTIMONY, "author": "Reporter", "witness": "Ruth Okafor"}) + "\n",
                    encoding="utf-8")
    (article,) = load_all(path, author_fields=())
    assert isinstance(article, Article) and article.author is None
    (article,) = load_all(path, author_fields=("witness",))
    assert isinstance(article, Article) and article.author == "Ruth Okafor"


@pytest.mark.parametrize(("value", "says"), [
    (["Ruth Okafor", "Sam Lee"], "'author' is a list, not a name"),
    (42, "'author' is a number, not a name"),
    ("x" * 300, "'author' is 300 characters long, not a name"),
])
def test_an_author_that_is_not_a_name_fails_that_record_only(tmp_path: Path, value: object, says: str) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "bad", "text": TESTIMONY, "author": value}) + "\n"
                    + json.dumps({"id": "good", "text": TESTIMONY, "author": "Ruth Okafor"}) + "\n", encoding="utf-8")
    bad, good = load_all(path)
    assert isinstance(bad, LoadFailure) and bad.kind == "bad_metadata" and bad.kind in FAILURE_KINDS
    assert bad.message.startswith("line 1: ") and says in bad.message and "\n" not in bad.message
    assert isinstance(good, Article) and good.author == "Ruth Okafor"


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_front_matter_is_read_and_blanked_so_offsets_index_the_file(tmp_path: Path, suffix: str) -> None:
    raw = "---\nauthor: Ruth Okafor\ntitle: Testimony of Ruth Okafor\ndate: 2024-03-05\n---\n" + TESTIMONY
    path = tmp_path / f"okafor{suffix}"
    path.write_text(raw, encoding="utf-8")
    (article,) = load_all(path)
    assert isinstance(article, Article)
    assert article.author == "Ruth Okafor" and article.title == "Testimony of Ruth Okafor"
    assert len(article.text) == len(raw)  # same length: an offset into the text is an offset into the file
    assert article.text.endswith(TESTIMONY) and raw.index("We urge") == article.text.index("We urge")
    head = article.text[: len(raw) - len(TESTIMONY)]
    assert head.strip() == "" and head.count("\n") == 5  # blank lines where the front matter was
    again = reload_article(path, article.id)  # reports re-read the same text
    assert isinstance(again, Article) and again.text == article.text and again.author == "Ruth Okafor"


def test_front_matter_speaker_and_what_is_not_front_matter(tmp_path: Path) -> None:
    speaker = tmp_path / "speaker.md"
    speaker.write_text("---\nspeaker: Prairie Library Network\nauthor: Comms team\n---\n# Statement\nWe object.\n",
                       encoding="utf-8")
    (article,) = load_all(speaker)
    assert isinstance(article, Article) and article.author == "Prairie Library Network" and article.title == "Statement"

    rule = tmp_path / "rule.md"  # a Markdown rule above a paragraph is text, not metadata
    rule.write_text("---\nThe council met on Monday.\n---\nMore text.\n", encoding="utf-8")
    (article,) = load_all(rule)
    assert isinstance(article, Article) and article.author is None and article.text.startswith("---\nThe council")

    no_author = tmp_path / "plain.txt"
    no_author.write_text(TESTIMONY, encoding="utf-8")
    (article,) = load_all(no_author)
    assert isinstance(article, Article) and article.author is None and article.text == TESTIMONY


def test_bad_front_matter_is_one_failure(tmp_path: Path) -> None:
    listed = tmp_path / "listed.md"
    listed.write_text("---\nauthor: [Ruth Okafor, Sam Lee]\n---\nWe object.\n", encoding="utf-8")
    (item,) = load_all(listed)
    assert isinstance(item, LoadFailure) and item.kind == "bad_metadata"
    assert item.message == ("front matter: 'author' is a list, not a name; give one name as a string "
                            "(or choose the field with --author-field)")
    unquoted = tmp_path / "unquoted.md"  # an unquoted ": " inside a value: YAML cannot read it
    unquoted.write_text("---\nauthor: Ruth Okafor\nsource: hearing record: page 4\n---\nWe object.\n", encoding="utf-8")
    (item,) = load_all(unquoted)
    assert isinstance(item, LoadFailure) and item.kind == "bad_metadata"
    assert item.message == ("front matter is not valid YAML: mapping values are not allowed here (line 3); "
                            "quote values that hold ': ' or '#'")
    only = tmp_path / "only.md"
    only.write_text("---\nauthor: Ruth Okafor\n---\n\n", encoding="utf-8")
    (item,) = load_all(only)
    assert isinstance(item, LoadFailure) and item.kind == "whitespace"


def test_the_first_person_fixture_names_its_speaker_and_its_evidence_indexes_what_is_read() -> None:
    """evals/fixtures/first-person: the gold evidence sits at the same offsets in the file and in the text the
    extractor reads (front matter blanked), so scoring needs nothing special."""
    folder = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "first-person"
    gold = json.loads((folder / "obama-sotu-2016-excerpt.gold.json").read_text(encoding="utf-8"))
    raw = (folder / gold["article"]).read_text(encoding="utf-8")
    (article,) = iter_articles([folder / gold["article"]])
    assert isinstance(article, Article) and article.author == "Barack Obama" and len(article.text) == len(raw)
    quotes = [e for c in gold["claims"] for s in c["stances"] for e in s["evidence"]]
    assert len(quotes) == 29
    for quote in quotes:
        assert raw.index(quote) == article.text.index(quote)
