"""Article discovery, loading and bad-input handling (stance.runs.inputs). Offline, fast."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from support.paths import DEV

from stance.runs.inputs import (
    FAILURE_KINDS,
    Article,
    LoadFailure,
    LoadOptions,
    discover,
    iter_articles,
    load_file,
    reload_article,
    safe_file_name,
)

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Council rejects budget plan</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/politics">Politics</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Council rejects budget plan</h1>
<p>The city council voted on Tuesday to reject the mayor's budget plan, saying it would
leave the transport department without enough money to repair the northern bridges.</p>
<p>"This budget is unworkable," said council member Ana Ruiz, who led the opposition.
The mayor's office said it would present a revised plan within two weeks.</p>
<p>Residents at the meeting were divided. Some supported the council's decision, while others
said the delay would hurt schools that had been promised new funding this year.</p>
</article>
<footer>Copyright 2024 The Daily Example. All rights reserved.</footer>
</body></html>
"""


def one(items: list[Article | LoadFailure]) -> Article | LoadFailure:
    assert len(items) == 1, items
    return items[0]


def load(path: Path, **options: object) -> Article | LoadFailure:
    return one(load_file(path, path.parent, LoadOptions(**options)))  # type: ignore[arg-type]


def failure(path: Path, kind: str, **options: object) -> LoadFailure:
    item = load(path, **options)
    assert isinstance(item, LoadFailure), item
    assert item.kind == kind, item
    assert item.kind in FAILURE_KINDS
    assert "\n" not in item.message and item.message
    return item


def article(path: Path, **options: object) -> Article:
    item = load(path, **options)
    assert isinstance(item, Article), item
    return item


# ---------------------------------------------------------------------------
# Good text
# ---------------------------------------------------------------------------


def test_dev_fixtures_load_verbatim_so_gold_offsets_hold() -> None:
    texts = sorted(DEV.glob("*.txt"))
    assert len(texts) == 9
    for path in texts:
        got = article(path)
        raw = path.read_text(encoding="utf-8")
        assert got.text == raw.replace("\r\n", "\n")
        assert got.id == path.name and got.path == str(path)
        assert got.title == next(line.strip() for line in raw.splitlines() if line.strip())
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
        for claim in gold["claims"]:
            for stance in claim["stances"]:
                for quote in stance["evidence"]:
                    assert quote in got.text


def test_utf8_bom_is_stripped_and_newlines_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbfHeadline\r\nBody line one.\rBody line two.\r\n")
    got = article(path)
    assert got.text == "Headline\nBody line one.\nBody line two.\n"
    assert got.title == "Headline"
    assert got.encoding == "utf-8-sig"
    assert len(got.sha256) == 64


def test_latin1_decodes_to_the_right_characters(tmp_path: Path) -> None:
    text = "Le café de la gare était fermé.\nOù est Zoë ? « Très bien », dit-il.\n"
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    got = article(path)
    assert got.text == text
    assert got.encoding == "cp1252"


def test_other_legacy_encodings_are_not_forced_into_cp1252(tmp_path: Path) -> None:
    text = "Привет, как дела? Сегодня в Москве хорошая погода, сказал мэр.\n"
    path = tmp_path / "cyrillic.txt"
    path.write_bytes(text.encode("cp1251"))
    assert article(path).text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    text = "Über die Brücke\r\nzweite Zeile\n"
    path = tmp_path / "utf16.txt"
    path.write_bytes("\ufeff".encode(codec) + text.encode(codec))
    got = article(path)
    assert got.text == "Über die Brücke\nzweite Zeile\n"
    assert got.title == "Über die Brücke"


def test_markdown_title_is_first_heading(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text("Filed at noon\n\n## Mayor resigns ##\n\nThe mayor resigned.\n", encoding="utf-8")
    got = article(path)
    assert got.title == "Mayor resigns"
    assert got.text.startswith("Filed at noon\n\n## Mayor resigns")


def test_html_main_text_and_title(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    got = article(path)
    assert got.title == "Council rejects budget plan"
    assert "This budget is unworkable" in got.text
    assert "new funding this year" in got.text
    assert "Copyright" not in got.text and "Politics" not in got.text


def test_names_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    folder = tmp_path / "dossier été"
    folder.mkdir()
    (folder / "café de Zoë 1.txt").write_text("Headline\nBody\n", encoding="utf-8")
    (folder / "北京 news.md").write_text("# 标题\nBody\n", encoding="utf-8")
    items = list(iter_articles([tmp_path]))
    assert [(i.id, i.title) for i in items if isinstance(i, Article)] == [
        ("dossier été/café de Zoë 1.txt", "Headline"),
        ("dossier été/北京 news.md", "标题"),
    ]
    names = [safe_file_name(i.id) for i in items]
    assert all(re.fullmatch(r"[a-z0-9._-]+", name) for name in names)


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that accepts non-UTF-8 names")
def test_file_name_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write(b"Headline\n")
    got = one(list(iter_articles([tmp_path])))
    assert isinstance(got, Article)
    assert got.id == "caf\\xe9.txt"
    got.id.encode("utf-8")
    got.path.encode("utf-8")


# ---------------------------------------------------------------------------
# Bad text files
# ---------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert failure(path, "empty").message == "file is empty (0 bytes)"


def test_whitespace_only(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_bytes(b" \n\t\r\n  \n")
    assert failure(path, "whitespace").message == "file contains only whitespace (8 bytes)"


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert failure(path, "binary").message.startswith("file looks binary, not text")


def test_binary_without_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    noise = bytes((i * 7919 + 13) % 255 + 1 for i in range(4000))  # deterministic, no NUL
    path.write_bytes(noise)
    assert failure(path, "binary").message.startswith("file looks binary, not text")


def test_mixed_utf8_and_latin1_is_an_encoding_failure(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("Le café est fermé. ".encode() * 3 + "Où est Zoë ? Très bien.".encode("latin-1"))
    message = failure(path, "encoding").message
    assert message == "file mixes UTF-8 with another encoding (invalid UTF-8 at byte 64); convert it to UTF-8"


def test_bad_utf16_after_bom_is_an_encoding_failure(tmp_path: Path) -> None:
    path = tmp_path / "broken16.txt"
    path.write_bytes(b"\xff\xfeA\x00\x00\xd8B\x00")  # a lone high surrogate
    assert failure(path, "encoding").message.startswith("file starts with a UTF-16 byte-order mark but is not valid UTF-16")


def test_over_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("x" * 2500, encoding="utf-8")
    message = failure(path, "too_large", max_bytes=1000).message
    assert message == "file is 2.5 kB, over the 1 kB limit (--max-bytes)"
    assert isinstance(load(path, max_bytes=2500), Article)


def test_fifty_megabytes_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # sparse: costs no disk and no time
        handle.truncate(52_400_000)
    assert failure(path, "too_large").message == "file is 52.4 MB, over the 10 MB limit (--max-bytes)"


def test_limit_message_shows_bytes_when_rounding_would_hide_the_excess(tmp_path: Path) -> None:
    path = tmp_path / "edge.txt"
    path.write_text("x" * 1001, encoding="utf-8")
    assert failure(path, "too_large", max_bytes=1000).message == "file is 1,001 bytes, over the 1 kB limit (--max-bytes)"


def test_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "nav.htm"
    path.write_text("<html><head><title>Site</title></head><body><nav><a href='/'>Home</a> "
                    "<a href='/news'>News</a></nav></body></html>", encoding="utf-8")
    message = failure(path, "no_text").message
    assert message == "no article text found in the HTML (trafilatura extracted only 9 characters: 'Home News')"
    shell = tmp_path / "app.html"
    shell.write_text("<html><body><div id='root'></div><script>render()</script></body></html>", encoding="utf-8")
    assert failure(shell, "no_text").message == "no article text found in the HTML (trafilatura extracted nothing)"


def test_unsupported_type_given_directly(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    pairs = discover([path])
    assert pairs == [(path, tmp_path)]
    assert failure(path, "unsupported").message == (
        "unsupported file type '.pdf' (supported: .txt, .md, .html, .htm, .json, .jsonl)")


def test_deleted_between_discovery_and_load(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("B\n", encoding="utf-8")
    pairs = discover([tmp_path])
    (tmp_path / "a.txt").unlink()
    items = [one(load_file(file, root, LoadOptions())) for file, root in pairs]
    assert isinstance(items[0], LoadFailure) and items[0].kind == "missing"
    assert items[0].message == "file not found (deleted or moved after it was found?)"
    assert items[0].id == "a.txt"
    assert isinstance(items[1], Article)


def test_missing_input_is_reported_not_dropped(tmp_path: Path) -> None:
    items = list(iter_articles([tmp_path / "typo.txt"]))
    assert [(i.id, i.kind) for i in items if isinstance(i, LoadFailure)] == [("typo.txt", "missing")]


def _run_unprivileged(work: object) -> object:
    """Run ``work()`` where file permissions are enforced: as ourselves, or as root in a child dropped to nobody.

    Root reads chmod-000 files anyway, so there the check runs in a forked child
    with the uid of 'nobody' — real permission errors, nothing simulated.
    """
    if os.geteuid() != 0:
        return work()  # type: ignore[operator]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            payload = pickle.dumps(work())  # type: ignore[operator]
        except BaseException as err:  # report anything to the parent, never run pytest twice
            payload = pickle.dumps(RuntimeError(repr(err)))
        with os.fdopen(write_end, "wb") as handle:
            handle.write(payload)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        payload = handle.read()
    os.waitpid(pid, 0)
    result = pickle.loads(payload)
    if isinstance(result, RuntimeError):
        raise result
    return result


def test_unreadable_file_and_folder() -> None:
    base = Path(tempfile.mkdtemp(prefix="stance-perm-"))  # not under pytest's root-only tmp dir
    try:
        base.chmod(0o755)
        (base / "locked.txt").write_text("secret\n", encoding="utf-8")
        (base / "locked.txt").chmod(0o000)
        (base / "closed").mkdir()
        (base / "closed" / "inside.txt").write_text("x\n", encoding="utf-8")
        (base / "closed").chmod(0o000)
        (base / "open.txt").write_text("Fine\n", encoding="utf-8")
        (base / "open.txt").chmod(0o644)

        def work() -> object:
            if os.access(base / "locked.txt", os.R_OK):
                return "permissions not enforced here"
            return [(i.id, type(i).__name__, getattr(i, "kind", ""), getattr(i, "message", "")) for i in iter_articles([base])]

        got = _run_unprivileged(work)
        if got == "permissions not enforced here":
            pytest.skip("this file system ignores permissions")
        assert got == [
            ("closed", "LoadFailure", "unreadable", "cannot list folder: permission denied"),
            ("locked.txt", "LoadFailure", "unreadable", "cannot read file: permission denied"),
            ("open.txt", "Article", "", ""),
        ]
    finally:
        (base / "closed").chmod(0o755)
        shutil.rmtree(base)


# ---------------------------------------------------------------------------
# JSON and JSON Lines
# ---------------------------------------------------------------------------


def test_jsonl_broken_line_and_the_others_still_load(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "a1", "title": "First", "text": "Alpha said yes."}\n'
        '{"id": "a2", "text": "Beta said no."\n'
        "\n"
        '{"text": "No id here.\\r\\nSecond line."}\n'
        '{"id": 7, "body": "wrong field"}\n'
        '{"id": "a1", "text": "same id again"}\n'
        "[1, 2]\n",
        encoding="utf-8",
    )
    items = load_file(path, tmp_path, LoadOptions())
    got = [(i.id, i.kind if isinstance(i, LoadFailure) else "ok") for i in items]
    assert got == [
        ("feed.jsonl#a1", "ok"),
        ("feed.jsonl#line-2", "bad_json"),
        ("feed.jsonl#line-4", "ok"),
        ("feed.jsonl#7", "missing_field"),
        ("feed.jsonl#line-6", "duplicate_id"),
        ("feed.jsonl#line-7", "bad_json"),
    ]
    assert items[0].title == "First" and items[0].text == "Alpha said yes."  # type: ignore[union-attr]
    assert items[1].message.startswith("line 2 is not valid JSON: Expecting ',' delimiter")  # type: ignore[union-attr]
    assert items[2].text == "No id here.\nSecond line." and items[2].title == "No id here."  # type: ignore[union-attr]
    assert items[3].message == "line 5 has no 'text' field (it has: id, body); choose one with --text-field"  # type: ignore[union-attr]
    assert items[4].message == "line 6: record id 'a1' is already used by line 1; ids must be unique within a file"  # type: ignore[union-attr]
    assert items[5].message == "line 7 is a JSON list, not an object"  # type: ignore[union-attr]


def test_jsonl_limit_is_per_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    long_line = json.dumps({"id": "long", "text": "y" * 3000})
    path.write_text(f'{{"id": "a", "text": "short"}}\n{long_line}\n{{"id": "b", "text": "after"}}\n', encoding="utf-8")
    items = load_file(path, tmp_path, LoadOptions(max_bytes=2000))
    assert [(i.id, type(i).__name__) for i in items] == [
        ("big.jsonl#a", "Article"), ("big.jsonl#line-2", "LoadFailure"), ("big.jsonl#b", "Article")]
    assert items[1].message == "line 2 is 3.0 kB, over the 2 kB limit (--max-bytes)"  # type: ignore[union-attr]


def test_json_record_without_text_field(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text('{"id": "x9", "headline": "H", "body": "B"}', encoding="utf-8")
    item = failure(path, "missing_field")
    assert item.id == "one.json#x9"
    assert item.message == "the record has no 'text' field (it has: id, headline, body); choose one with --text-field"
    got = article(path, text_field="body", title_field="headline")
    assert (got.id, got.title, got.text) == ("one.json#x9", "H", "B")


def test_json_list_with_custom_fields_and_bad_items(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([
        {"uid": "p1", "content": "First article."},
        {"content": "Second, no id."},
        {"uid": "p3", "content": 42},
        {"uid": "p4", "content": "   "},
        "not an object",
    ]), encoding="utf-8")
    items = load_file(path, tmp_path, LoadOptions(text_field="content", id_field="uid"))
    assert [(i.id, getattr(i, "kind", "ok")) for i in items] == [
        ("list.json#p1", "ok"),
        ("list.json#item-2", "ok"),
        ("list.json#p3", "missing_field"),
        ("list.json#p4", "whitespace"),
        ("list.json#item-5", "bad_json"),
    ]
    assert items[2].message == "item 3: field 'content' is a JSON number, not a string"  # type: ignore[union-attr]


def test_invalid_json_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"text": "a",\n "id": }', encoding="utf-8")
    assert failure(path, "bad_json").message == "not valid JSON: Expecting value (line 2, column 8)"


def test_deeply_nested_json_is_bad_json_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert failure(path, "bad_json").message == "JSON is nested too deeply to read"
    lines = tmp_path / "deep.jsonl"
    lines.write_text("[" * 100_000 + "]" * 100_000 + '\n{"text": "fine"}\n', encoding="utf-8")
    items = load_file(lines, tmp_path, LoadOptions())
    assert [getattr(i, "kind", "ok") for i in items] == ["bad_json", "ok"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_pipe_named_like_an_article_is_not_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    assert discover([tmp_path]) == []  # walking skips it
    assert failure(pipe, "unreadable").message == "not a regular file (a pipe, socket or device)"  # given directly


# ---------------------------------------------------------------------------
# Discovery, ids, file names
# ---------------------------------------------------------------------------


def _tree(root: Path) -> None:
    for rel in ["b.txt", "a.md", "sub/z.TXT", "sub/deeper/c.html", "A b.json", "notes.docx",
                ".hidden.txt", ".git/config.txt", "sub/.cache/x.txt", "feed.jsonl"]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n", encoding="utf-8")


def test_discovery_order_suffixes_and_hidden(tmp_path: Path) -> None:
    _tree(tmp_path)
    rels = [file.relative_to(root).as_posix() for file, root in discover([tmp_path])]
    assert rels == ["A b.json", "a.md", "b.txt", "feed.jsonl", "sub/deeper/c.html", "sub/z.TXT"]


def test_same_file_twice_is_loaded_once(tmp_path: Path) -> None:
    _tree(tmp_path)
    pairs = discover([tmp_path / "b.txt", tmp_path])
    assert pairs[0] == (tmp_path / "b.txt", tmp_path)
    assert len(pairs) == 6


def test_ids_are_stable_across_cwd_and_path_spelling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in" / "x").mkdir(parents=True)
    (tmp_path / "in" / "x" / "a.txt").write_text("A\n", encoding="utf-8")
    (tmp_path / "in" / "r.jsonl").write_text('{"id": "k", "text": "t"}\n', encoding="utf-8")
    absolute = [i.id for i in iter_articles([tmp_path / "in"])]
    monkeypatch.chdir(tmp_path)
    relative = [i.id for i in iter_articles([Path("in")])]
    monkeypatch.chdir(tmp_path / "in")
    dot = [i.id for i in iter_articles([Path(".")])]
    assert absolute == relative == dot == ["r.jsonl#k", "x/a.txt"]


def test_same_id_from_two_inputs_is_a_failure_not_an_overwrite(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(f"{folder}\n", encoding="utf-8")
    items = list(iter_articles([tmp_path / "one", tmp_path / "two"]))
    assert isinstance(items[0], Article) and items[0].id == "story.txt"
    second = items[1]
    assert isinstance(second, LoadFailure) and second.kind == "duplicate_id"
    assert second.id == str(tmp_path / "two" / "story.txt")
    assert second.message.startswith(f"id 'story.txt' is already used by {tmp_path / 'one' / 'story.txt'}")


def test_safe_file_name_is_stable_safe_and_unique() -> None:
    assert safe_file_name("blinken-iran-no-agreement.txt") == "blinken-iran-no-agreement.txt"
    assert safe_file_name("sub/x.txt") == "sub-x.txt-914678059c"  # literal: names must not drift between versions
    assert safe_file_name("CON.txt") == "_con.txt-09c8cc7edc"
    ids = ["a.txt", "A.txt", "a b.txt", "a-b.txt", "a/b.txt", "a\\b.txt", "a#b.txt", "a b.txt ", "café.txt",
           "cafe.txt", "cafe\u0301.txt", "CON.txt", "..", ".", "", "#", "x" * 300, "x" * 301,
           "feed.jsonl#1", "feed.jsonl#line-1", "北京.txt", "東京.txt", "a\udcff.txt"]
    names = [safe_file_name(i) for i in ids]
    assert len({n.lower() for n in names}) == len(ids)  # unique even on case-insensitive file systems
    for name in names:
        assert re.fullmatch(r"[a-z0-9_][a-z0-9._-]*", name), name
        assert len(name) <= 100 and name.split(".")[0] not in {"con", "nul", "aux", "prn"}
    assert [safe_file_name(i) for i in ids] == names


def test_reload_article_gives_back_the_same_text(tmp_path: Path) -> None:
    (tmp_path / "in" / "web").mkdir(parents=True)
    (tmp_path / "in" / "web" / "page #1.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / "in" / "feed.jsonl").write_text('{"id": "k", "text": "Kay said so."}\n{"id": "m", "text": "Em."}\n',
                                                encoding="utf-8")
    loaded = [i for i in iter_articles([tmp_path / "in"]) if isinstance(i, Article)]
    assert [a.id for a in loaded] == ["feed.jsonl#k", "feed.jsonl#m", "web/page #1.html"]
    for original in loaded:
        assert reload_article(original.path, original.id) == original
    gone = reload_article(loaded[0].path, "feed.jsonl#zz")
    assert isinstance(gone, LoadFailure) and gone.kind == "missing"
    (tmp_path / "in" / "feed.jsonl").unlink()
    assert getattr(reload_article(loaded[0].path, loaded[0].id), "kind", None) == "missing"
