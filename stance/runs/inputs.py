# Over 500 lines on purpose: one loader per file type plus the decoding rules they share, all saying what "the text" is.
"""Find article files and turn them into text the extractor can use.

A batch run over thousands of files must survive every bad one, so nothing here
raises for bad input: each file (or JSON record) becomes either an ``Article``
or a ``LoadFailure`` with a short machine ``kind`` and a one-line reason a
person can act on. The batch runner writes the failures; the run goes on.

What "the text" is, because evidence offsets index into it:

* bytes are decoded (UTF-8, with or without BOM; UTF-16/32 with BOM; anything
  else detected by charset-normalizer, ties broken toward cp1252 because
  Western legacy text is Latin-1/cp1252 far more often than its look-alikes);
* newlines are normalised to ``"\\n"`` (``\\r\\n`` and lone ``\\r`` both);
* nothing else is changed: no Unicode normalisation, no stripping.

For HTML the text is trafilatura's main-text extraction (boilerplate removed);
for JSON/JSONL it is the record's text field, newline-normalised.

Who a document speaks for (``Article.author``: a testimony's witness, an
op-ed's writer, a press release's organisation) comes from a record's
``speaker`` or ``author`` field (``LoadOptions.author_fields``), or from YAML
front matter at the top of a .txt/.md file (``---`` / ``author: ...`` /
``---``). Front matter is blanked, not cut: each of its characters except
newlines becomes a space, so the text keeps its length and every offset still
indexes the file as the user gave it, while no sentence is made of it. HTML
bylines are not read: a news page's author is its journalist, not its speaker.

When an article was published (``Article.date``, ISO 8601) comes from a
record's ``date`` or ``published`` field (``LoadOptions.date_fields``), front
matter's ``date``, or an HTML page's metadata (trafilatura); a value that is
not a date is a "bad_metadata" failure naming it.

``max_bytes`` limits what is read into memory: the whole file for .txt, .md,
.html and .json (checked with ``stat`` before reading), each line for .jsonl
(so a large collection is fine as JSON Lines), and each record's text.
"""

from __future__ import annotations

import codecs
import datetime
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import yaml

from stance.extraction.article import Article

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")

FAILURE_KINDS: tuple[str, ...] = (
    "empty",          # 0 bytes, or an empty text field
    "whitespace",     # nothing but whitespace
    "binary",         # not text at all
    "encoding",       # text, but its encoding cannot be decoded with confidence
    "too_large",      # over --max-bytes
    "unreadable",     # permission denied, a folder, another OS error
    "missing",        # gone between discovery and loading (or never there)
    "no_text",        # HTML without article text; JSON with no records
    "bad_json",       # JSON that does not parse, or a record that is not an object
    "missing_field",  # JSON record without a usable text field
    "unsupported",    # a file type we do not read
    "duplicate_id",   # an id already used by another article of the same run
    "bad_metadata",   # a speaker/author field or front matter entry that is not a name
)

# HTML whose extracted main text is shorter than this is navigation or a shell
# page, not an article (trafilatura returns link text for nav-only pages).
MIN_HTML_TEXT_CHARS = 100
# Decoded text with more C0/C1 control characters than this is binary.
MAX_CONTROL_FRACTION = 0.05
TITLE_MAX_CHARS = 200
AUTHOR_MAX_CHARS = 200


@dataclass(frozen=True)
class LoadFailure:
    """A file or record that cannot become an article, and why, in one line."""

    id: str
    path: str
    kind: str
    message: str


@dataclass(frozen=True)
class LoadOptions:
    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"
    max_bytes: int = 10_000_000
    # Fields (JSON/JSONL records, YAML front matter) naming who the document speaks for, first non-empty wins.
    # () reads none: for news records whose "author" is the journalist's byline, not a speaker.
    author_fields: tuple[str, ...] = ("speaker", "author")
    # Fields (JSON/JSONL records, YAML front matter) giving the publication date, first non-empty wins.
    date_fields: tuple[str, ...] = ("date", "published", "published_at", "publication_date", "pubdate")


class _Fail(Exception):
    """Internal: stops loading one file or record with a failure kind and message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


# ---------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------


def discover(inputs: Sequence[Path]) -> list[tuple[Path, Path]]:
    """(file, root) pairs for every article file under ``inputs``, in a stable order.

    Files given directly are kept whatever their suffix (``load_file`` then
    says "unsupported" or "missing", so a typo is reported rather than lost);
    their root is their own folder, so their id is their file name. Folders
    are walked recursively, in sorted order, keeping supported suffixes
    (case-insensitive) and skipping hidden files and folders; symlinked
    folders are not followed. A sub-folder that cannot be listed is returned
    as a pair too, so ``load_file`` reports it. The same file reached twice
    is returned once (first wins).
    """
    pairs: list[tuple[Path, Path]] = []
    seen: set[str] = set()

    def add(file: Path, root: Path) -> None:
        key = os.path.realpath(file)
        if key not in seen:
            seen.add(key)
            pairs.append((file, root))

    for given in inputs:
        given = Path(given)
        if not _is_dir(given):
            add(given, given.parent)
            continue
        found: list[Path] = []

        def unreadable(err: OSError, found: list[Path] = found) -> None:
            found.append(Path(err.filename))

        for folder, dirs, files in os.walk(given, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                path = Path(folder) / name
                if name.startswith(".") or path.suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
                try:
                    regular = path.is_file()  # skips FIFOs, sockets and broken links
                except OSError:  # cannot even stat it: let load_file say why
                    regular = True
                if regular:
                    found.append(path)
        for path in sorted(found, key=lambda p: p.relative_to(given).parts):
            add(path, given)
    return pairs


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # e.g. a parent folder we may not enter; load_file reports it
        return False


def file_id(file: Path, root: Path) -> str:
    """The stable id of a file: its path relative to ``root``, with '/' separators."""
    try:
        rel = file.relative_to(root).as_posix()
    except ValueError:
        rel = file.name
    return _path_text(rel if rel != "." else file.name)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def iter_articles(inputs: Sequence[Path], options: LoadOptions | None = None) -> Iterator[Article | LoadFailure]:
    """Every article (or failure) under ``inputs``, in discovery order.

    Two files with the same id (same relative path under two input folders)
    would overwrite each other's results, so the second is a "duplicate_id"
    failure (its id is then its path) and is not loaded.
    """
    options = options or LoadOptions()
    used: dict[str, str] = {}
    for file, root in discover(inputs):
        fid = file_id(file, root)
        if fid in used:
            path = _path_text(str(file))
            yield LoadFailure(
                path, path, "duplicate_id",
                f"id '{fid}' is already used by {used[fid]} (same relative path in another input); "
                "rename one or run the inputs separately",
            )
            continue
        used[fid] = _path_text(str(file))
        if file.suffix.lower() == ".jsonl" and not _is_dir(file):
            yield from _stream_jsonl(file, fid, options)  # record by record: a big archive is never all in memory
        else:
            yield from load_file(file, root, options)


def load_file(file: Path, root: Path, options: LoadOptions | None = None) -> list[Article | LoadFailure]:
    """Load one file: one item for text/HTML files, one per record for JSON/JSONL.

    Never raises for bad input; returns failures instead.
    """
    options = options or LoadOptions()
    fid = file_id(file, root)
    path = _path_text(str(file))
    suffix = file.suffix.lower()
    try:
        if suffix not in SUPPORTED_SUFFIXES and not _is_dir(file):
            what = f"'{file.suffix}'" if file.suffix else "without an extension"
            raise _Fail("unsupported", f"unsupported file type {what} (supported: {', '.join(SUPPORTED_SUFFIXES)})")
        if suffix == ".jsonl":
            return _load_jsonl(file, fid, path, options)
        data = _read_bytes(file, options.max_bytes, hint=suffix == ".json")
        text, encoding = decode_bytes(data)
        if not text.strip():
            raise _Fail("whitespace", f"file contains only whitespace ({_size(len(data))})")
        if suffix == ".json":
            return _load_json(text, fid, path, options)
        if suffix in (".html", ".htm"):
            return [_from_html(text, fid, path, encoding)]
        text, meta = _front_matter(text, options)
        if not text.strip():
            raise _Fail("whitespace", "file holds only front matter, no text")
        title = meta.title or (_markdown_title(text) if suffix == ".md" else _first_line(text))
        return [_article(fid, path, title, text, encoding, meta.author, meta.date)]
    except _Fail as fail:
        return [LoadFailure(fid, path, fail.kind, fail.message)]


def reload_article(path: str | Path, article_id: str, options: LoadOptions | None = None) -> Article | LoadFailure:
    """Load again the article a result names (``article.path`` + ``article.id``), e.g. for reports.

    Gives exactly the text the offsets refer to (same decoding, HTML extraction,
    JSON record); compare ``sha256`` to know the file has not changed since.
    """
    options = options or LoadOptions()
    file = Path(path)
    for root in file.parents:
        fid = file_id(file, root)
        if article_id == fid or article_id.startswith(fid + "#"):
            items = load_file(file, root, options)
            match = [item for item in items if item.id == article_id]
            if match:
                return match[0]
            if len(items) == 1 and isinstance(items[0], LoadFailure):  # the whole file failed
                return items[0]
            break
    return LoadFailure(article_id, _path_text(str(file)), "missing", f"no article with id '{article_id}' in {file}")


def _read_bytes(file: Path, max_bytes: int, hint: bool) -> bytes:
    """The file's bytes, after checking with stat that it exists, is a file and is small enough."""
    info = _stat(file)
    if info.st_size == 0:
        raise _Fail("empty", "file is empty (0 bytes)")
    if info.st_size > max_bytes:
        raise _Fail("too_large", _too_large("file", info.st_size, max_bytes, hint))
    try:
        with open(file, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        raise _os_failure(err) from None
    if len(data) > max_bytes:  # grew after stat; we stopped reading, so its size is unknown
        raise _Fail("too_large", f"file grew past the {_limit(max_bytes)} limit while being read (--max-bytes)")
    if not data:
        raise _Fail("empty", "file is empty (0 bytes)")
    return data


def _stat(file: Path) -> os.stat_result:
    try:
        info = os.stat(file)
    except OSError as err:
        raise _os_failure(err) from None
    if stat.S_ISDIR(info.st_mode):
        try:
            os.listdir(file)
        except OSError as err:
            raise _Fail("unreadable", f"cannot list folder: {_reason(err)}") from None
        raise _Fail("unreadable", "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _Fail("unreadable", "not a regular file (a pipe, socket or device)")
    return info


def _os_failure(err: OSError) -> _Fail:
    if isinstance(err, FileNotFoundError):
        return _Fail("missing", "file not found (deleted or moved after it was found?)")
    if isinstance(err, IsADirectoryError):
        return _Fail("unreadable", "is a folder, not a file")
    return _Fail("unreadable", f"cannot read file: {_reason(err)}")


def _reason(err: OSError) -> str:
    return (err.strerror or type(err).__name__).lower()


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_UTF8_LATIN = re.compile(rb"[\xc2\xc3][\x80-\xbf]")  # UTF-8 for U+0080..U+00FF (é, ü, ©, nbsp ...)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding) for raw file bytes, newlines normalised to "\\n".

    Raises ``_Fail`` ("binary" or "encoding") when the bytes are not text we
    can decode with confidence.
    """
    text: str | None = None
    encoding = ""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(codec), codec
            except UnicodeDecodeError as err:
                name = codec.removesuffix("-sig").upper()
                raise _Fail("encoding", f"file starts with a {name} byte-order mark but is not valid {name} "
                                        f"(bad bytes at offset {err.start})") from None
            break
    if text is None and b"\x00" not in data:  # NULs: maybe UTF-16 without BOM; let detection decide
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if text is None:
        text, encoding = _detect(data)
        if len(text) == len(data) and len(_UTF8_LATIN.findall(data)) >= 2:
            # A single-byte guess over bytes that hold UTF-8 "é"s: part UTF-8, part
            # something else. Any one decoding would be mojibake somewhere.
            bad = _utf8_error_offset(data)
            raise _Fail("encoding", f"file mixes UTF-8 with another encoding (invalid UTF-8 at byte {bad}); "
                                    "convert it to UTF-8")
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_FRACTION * len(text):
        raise _Fail("binary", f"file looks binary, not text ({controls / len(text):.0%} control characters)")
    return _normalise_newlines(text), encoding


def _detect(data: bytes) -> tuple[str, str]:
    """Decode non-UTF-8 bytes with charset-normalizer, preferring cp1252 among equally good guesses."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        if b"\x00" in data:
            raise _Fail("binary", "file looks binary, not text (contains NUL bytes and no text encoding fits)")
        printable = sum(1 for b in data if 32 <= b < 127 or b in b"\t\n\r")
        if printable >= 0.7 * len(data):
            raise _Fail("encoding", "cannot tell the text encoding: not UTF-8, and charset-normalizer "
                                    "found no confident match; convert the file to UTF-8")
        raise _Fail("binary", "file looks binary, not text (no text encoding fits)")
    # Short Latin-1 text ties between cp1250, cp1252, cp1257 ... and charset-normalizer
    # picks arbitrarily ("Où" became "Oů"); among the tied best guesses take cp1252.
    tied = [m for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence - 0.05]
    if any("cp1252" in m.could_be_from_charset or m.encoding == "cp1252" for m in tied):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8d, ...)
            pass
    return str(best), best.encoding


def _utf8_error_offset(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start
    return -1


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------


def _article(fid: str, path: str, title: str, text: str, encoding: str, author: str | None = None,
             date: str | None = None) -> Article:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(id=fid, path=path, title=title, text=text, sha256=digest, encoding=encoding, author=author,
                   date=date)


@dataclass(frozen=True)
class _Meta:
    """What front matter says about a document."""

    author: str | None = None
    title: str | None = None
    date: str | None = None


# "---" alone on the first line, YAML, then "---" (or "...") alone on a line.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.S | re.M)


def _front_matter(text: str, options: LoadOptions) -> tuple[str, _Meta]:
    """The text with its YAML front matter blanked (same length, newlines kept), and what it said.

    A block that parses as a YAML mapping is front matter; one that parses as
    something else (a Markdown rule "---" above a paragraph) is left as text;
    one that does not parse is a "bad_metadata" failure naming the YAML error,
    so a misquoted author is never silently dropped.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return text, _Meta()
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(err, "problem", None) or type(err).__name__
        raise _Fail("bad_metadata", f"front matter is not valid YAML: {problem}{where}; quote values that hold "
                                    "': ' or '#'") from None
    if not isinstance(data, dict):
        return text, _Meta()
    author = _author_of(data, options, "front matter")
    date = _date_of(data, options, "front matter")
    title = data.get("title")
    blank = re.sub(r"[^\n]", " ", match.group(0))
    return blank + text[match.end():], _Meta(
        author=author, title=_short(" ".join(title.split())) if isinstance(title, str) and title.strip() else None,
        date=date)


def _author_of(record: dict[object, object], options: LoadOptions, where: str) -> str | None:
    """The first non-empty ``options.author_fields`` value as a name; raises ``_Fail`` for one that is not a name."""
    for field in options.author_fields:
        value = record.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str):
            raise _Fail("bad_metadata", f"{where}: '{field}' is a {_json_type(value)}, not a name; give one name "
                                        "as a string (or choose the field with --author-field)")
        name = " ".join(_printable(value).split())
        if len(name) > AUTHOR_MAX_CHARS:
            raise _Fail("bad_metadata", f"{where}: '{field}' is {len(name)} characters long, not a name "
                                        f"(at most {AUTHOR_MAX_CHARS})")
        return name
    return None


def _date_of(record: dict[object, object], options: LoadOptions, where: str) -> str | None:
    """The first non-empty ``options.date_fields`` value as an ISO 8601 date; raises ``_Fail`` for one that is not."""
    for field in options.date_fields:
        value = record.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        date = parse_date(value)
        if date is None:
            shown = _printable(str(value))[:40]
            raise _Fail("bad_metadata", f"{where}: '{field}' is not a date ({shown!r}); write it as 2020-09-08 "
                                        "(ISO 8601)")
        return date
    return None


def parse_date(value: object) -> str | None:
    """A publication date as ISO 8601: the date alone when no time is given ("8 September 2020" ->
    "2020-09-08"), the date and time as given (offset kept), or less when less is given ("June 2023" ->
    "2023-06"); None when ``value`` is not a date.

    YAML front matter gives ``datetime.date`` objects; strings go through dateutil, which reads
    ISO 8601, RFC 2822 and the written forms news datasets use ("Sep 8, 2020 14:05").
    """
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    from dateutil import parser as date_parser

    text = value.strip()
    try:
        first = date_parser.parse(text, default=datetime.datetime(1, 1, 1))
        second = date_parser.parse(text, default=datetime.datetime(2, 2, 2, 2, 2, 2))
    except (ValueError, OverflowError):
        return None
    if first.year != second.year:  # no year in it ("Monday"): not a date we can place
        return None
    if first.month != second.month:  # a year alone: kept at that precision
        return f"{first.year:04d}"
    if first.day != second.day:  # a month ("June 2023")
        return f"{first.year:04d}-{first.month:02d}"
    if (first.hour, first.minute, first.second) == (0, 0, 0) and second.hour == 2:  # no time given
        return first.date().isoformat()
    return first.isoformat()


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return _short(line.strip())
    return ""


def _markdown_title(text: str) -> str:
    """The first ATX heading ("# Title") without its '#' marks; else the first line."""
    for line in text.split("\n"):
        match = re.match(r" {0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$", line)
        if match and match.group(1).strip():
            return _short(match.group(1).strip())
    return _first_line(text)


def _short(title: str) -> str:
    return title if len(title) <= TITLE_MAX_CHARS else title[: TITLE_MAX_CHARS - 1] + "…"


def _from_html(html: str, fid: str, path: str, encoding: str) -> Article:
    try:
        import trafilatura  # imported only for HTML: it costs ~0.3 s at start-up

        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as err:  # lxml/trafilatura errors on malformed markup must not stop a run
        raise _Fail("no_text", f"HTML could not be parsed ({type(err).__name__}: {err})") from None
    text = _normalise_newlines(doc.text or "") if doc is not None else ""  # type: ignore[union-attr]  # with_metadata: a Document
    if len(text.strip()) < MIN_HTML_TEXT_CHARS:
        found = f"only {len(text.strip())} characters: {text.strip()[:60]!r}" if text.strip() else "nothing"
        raise _Fail("no_text", f"no article text found in the HTML (trafilatura extracted {found})")
    title = (doc.title or "").strip() if doc is not None else ""  # type: ignore[union-attr]
    date = parse_date(doc.date) if doc is not None and doc.date else None  # type: ignore[union-attr]  # the page's metadata
    return _article(fid, path, _short(title) or _first_line(text), text, encoding, date=date)


def _load_json(text: str, fid: str, path: str, options: LoadOptions) -> list[Article | LoadFailure]:
    """A .json file: one object (one article) or a list of objects (one each)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise _Fail("bad_json", f"not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})") from None
    except RecursionError:
        raise _Fail("bad_json", "JSON is nested too deeply to read") from None
    if isinstance(data, dict):
        return [_record(data, fid, path, "item-1", "the record", options, single=True)]
    if not isinstance(data, list):
        raise _Fail("bad_json", f"top level is a JSON {_json_type(data)}; expected an object or a list of objects")
    if not data:
        raise _Fail("no_text", "JSON file holds an empty list: no records")
    items: list[Article | LoadFailure] = []
    used: dict[str, int] = {}
    for number, record in enumerate(data, start=1):
        item = _record(record, fid, path, f"item-{number}", f"item {number}", options)
        items.append(_unique(item, used, number, fid, "item"))
    return items


def _load_jsonl(file: Path, fid: str, path: str, options: LoadOptions) -> list[Article | LoadFailure]:
    """A .jsonl file: one object per line, read line by line; each line stands alone."""
    return list(_jsonl_items(file, fid, path, options))


def _stream_jsonl(file: Path, fid: str, options: LoadOptions) -> Iterator[Article | LoadFailure]:
    """``_jsonl_items`` for ``iter_articles``: a problem with the file as a whole ends it as one failure."""
    path = _path_text(str(file))
    try:
        yield from _jsonl_items(file, fid, path, options)
    except _Fail as fail:
        yield LoadFailure(fid, path, fail.kind, fail.message)


def _jsonl_items(file: Path, fid: str, path: str, options: LoadOptions) -> Iterator[Article | LoadFailure]:
    """Each line's article or failure, as read; raises ``_Fail`` for the file as a whole (empty, UTF-16,
    unreadable, no records)."""
    if _stat(file).st_size == 0:
        raise _Fail("empty", "file is empty (0 bytes)")
    any_items = False
    used: dict[str, int] = {}
    limit = options.max_bytes
    try:
        with open(file, "rb") as handle:
            head = handle.read(4)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise _Fail("encoding", "JSON Lines file is UTF-16; JSON Lines must be UTF-8 "
                                        "(convert it, e.g. iconv -f UTF-16 -t UTF-8)")
            handle.seek(len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0)
            number = 0
            while line := handle.readline(limit + 2):
                number += 1
                where, rid = f"line {number}", f"{fid}#line-{number}"
                size = len(line.rstrip(b"\r\n"))
                if not line.endswith(b"\n") and len(line) == limit + 2:  # longer than we read: skip the rest
                    while more := handle.readline(1 << 20):
                        size += len(more.rstrip(b"\r\n"))
                        if more.endswith(b"\n"):
                            break
                if size > limit:
                    any_items = True
                    yield LoadFailure(rid, path, "too_large", _too_large(where, size, limit))
                    continue
                if not line.strip():
                    continue
                try:
                    decoded, _ = decode_bytes(line)
                    record = json.loads(decoded)
                except _Fail as fail:
                    any_items = True
                    yield LoadFailure(rid, path, fail.kind, f"{where}: {fail.message}")
                    continue
                except json.JSONDecodeError as err:
                    any_items = True
                    yield LoadFailure(rid, path, "bad_json", f"{where} is not valid JSON: {err.msg} (column {err.colno})")
                    continue
                except RecursionError:
                    any_items = True
                    yield LoadFailure(rid, path, "bad_json", f"{where}: JSON is nested too deeply to read")
                    continue
                item = _record(record, fid, path, f"line-{number}", where, options)
                any_items = True
                yield _unique(item, used, number, fid, "line")
    except OSError as err:
        raise _os_failure(err) from None
    if not any_items:
        raise _Fail("whitespace", "file contains only blank lines: no records")


def _record(record: object, fid: str, path: str, position: str, where: str, options: LoadOptions,
            single: bool = False) -> Article | LoadFailure:
    """One JSON record -> an Article, or a failure naming the record and the field."""
    if not isinstance(record, dict):
        return LoadFailure(f"{fid}#{position}", path, "bad_json", f"{where} is a JSON {_json_type(record)}, not an object")
    rid = record.get(options.id_field)
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or not str(rid).strip():
        aid = fid if single else f"{fid}#{position}"
    else:
        aid = f"{fid}#{_printable(str(rid))}"
    field = options.text_field
    if field not in record:
        fields = ", ".join(list(record)[:8]) + (", …" if len(record) > 8 else "")
        return LoadFailure(aid, path, "missing_field",
                           f"{where} has no '{field}' field (it has: {fields or 'no fields'}); choose one with --text-field")
    text = record[field]
    if not isinstance(text, str):
        return LoadFailure(aid, path, "missing_field", f"{where}: field '{field}' is a JSON {_json_type(text)}, not a string")
    if not text:
        return LoadFailure(aid, path, "empty", f"{where}: field '{field}' is empty")
    if not text.strip():
        return LoadFailure(aid, path, "whitespace", f"{where}: field '{field}' contains only whitespace")
    text = _normalise_newlines(text)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return LoadFailure(aid, path, "encoding", f"{where}: field '{field}' holds an invalid \\u escape (a lone surrogate)")
    if size > options.max_bytes:
        return LoadFailure(aid, path, "too_large", _too_large(f"{where}: field '{field}'", size, options.max_bytes))
    try:
        author = _author_of(record, options, where)
        date = _date_of(record, options, where)
    except _Fail as fail:
        return LoadFailure(aid, path, fail.kind, fail.message)
    title = record.get(options.title_field)
    title = _short(_printable(title.strip())) if isinstance(title, str) and title.strip() else _first_line(text)
    return _article(aid, path, title, text, "json", author, date)


def _unique(item: Article | LoadFailure, used: dict[str, int], number: int, fid: str, unit: str) -> Article | LoadFailure:
    """Turn a second article with an id already used in this file into a failure (it would overwrite)."""
    if isinstance(item, LoadFailure):
        return item
    if item.id in used:
        return LoadFailure(f"{fid}#{unit}-{number}", item.path, "duplicate_id",
                           f"{unit} {number}: record id '{item.id.split('#', 1)[1]}' is already used by "
                           f"{unit} {used[item.id]}; ids must be unique within a file")
    used[item.id] = number
    return item


def _json_type(value: object) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


# ---------------------------------------------------------------------------
# Names and sizes
# ---------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def safe_file_name(article_id: str) -> str:
    """A file-name-safe, stable, unique name for ``results/<name>.json``.

    Lower-case ASCII letters, digits, '.', '_' and '-' only, starting with a
    letter, digit or '_' (safe on every file system, case-insensitive ones and
    Windows' reserved names included). An id that is already such a name
    is kept as is; any other id is slugified and gets the first 10 hex digits of
    its SHA-256, so ids that slugify alike ("a/b", "a b", "A-b") stay distinct.
    Read ``article.id`` from the JSON; never parse these names.
    """
    folded = unicodedata.normalize("NFKD", article_id).encode("ascii", "ignore").decode("ascii").lower()
    slug = _UNSAFE.sub("-", folded).strip("-.")[:80].rstrip("-.")
    reserved = slug.split(".")[0] in _WINDOWS_RESERVED  # "con.txt" is unusable on Windows
    if slug and slug == article_id and not reserved:
        return slug
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{'_' if reserved else ''}{slug or 'article'}-{digest}"


def _printable(text: str) -> str:
    """Make a str safe to write as UTF-8: a lone surrogate (from a bad JSON escape) becomes a \\u escape."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _path_text(path: str) -> str:
    """A path as text that encodes as UTF-8: file-name bytes that are not UTF-8 become \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} byte" + ("" if n == 1 else "s")
    if n < 1_000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1_000_000:.1f} MB"


def _limit(n: int) -> str:
    return _size(n).replace(".0 ", " ")


def _too_large(what: str, size: int, limit: int, json_hint: bool = False) -> str:
    shown = _size(size)
    if shown == _size(limit) or shown.replace(".0 ", " ") == _limit(limit):  # rounding would hide the excess
        shown = f"{size:,} bytes"
    hint = "; for large collections use .jsonl, which is limited per line" if json_hint else ""
    return f"{what} is {shown}, over the {_limit(limit)} limit (--max-bytes){hint}"
