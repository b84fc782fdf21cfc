"""DNA databases: the schema facts we write, UTF-16 offsets, and the dev gold round trip (write, read back, same gold pairs)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from support.gold_runs import dev_fixtures, gold_pairs, sourced, validate
from support.paths import DEV

from stance.exchange import DNA_TABLES, SourcedResult, Utf16Offsets, read_dna, write_dna, write_fixtures
from stance.exchange.dna import NEUTRAL_VARIABLE, jasypt_digest
from stance.results import Actor, ArticleInfo, ArticleResult, Claim, Evidence, PromptInfo, Provenance, Stance


def _utf16_slice(text: str, start: int, stop: int) -> str:
    return text.encode("utf-16-le")[2 * start:2 * stop].decode("utf-16-le")


@given(st.text(alphabet=st.sampled_from("ab \n😀é𝄞中"), max_size=40), st.data())
def test_utf16_offsets_round_trip(text: str, data: st.DataObject) -> None:
    units = Utf16Offsets(text)
    i = data.draw(st.integers(0, len(text)))
    assert units.to_utf16(i) == len(text[:i].encode("utf-16-le")) // 2
    assert units.from_utf16(units.to_utf16(i)) == i


def _one(text: str, quote: str, stance: str = "support", actor: Actor | None = None) -> SourcedResult:
    s = text.index(quote)
    actor = actor or Actor(name="Ana Diaz", type="person", role="mayor", aliases=["Diaz"])
    result = ArticleResult(
        article=ArticleInfo(id="emoji.txt", path="emoji.txt", sha256=hashlib.sha256(text.encode()).hexdigest(), title="Head"),
        actors=[actor],
        claims=[Claim(id="c1", text="The fare should fall.", stances=[
            Stance(actor=actor.name, stance=stance, evidence=[Evidence(quote=quote, start=s, end=s + len(quote), alignment="exact")])])],  # type: ignore[arg-type]
        provenance=Provenance(model="m", endpoint="none", prompt=PromptInfo(name="p", hash="h")),
    )
    return SourcedResult(result, text, source="test", topic="fares")


def test_non_bmp_text_gets_utf16_offsets_and_reads_back(tmp_path: Path) -> None:
    text = "Head 😀\nAna Diaz 🚌 said the fare should fall 𝄞 soon.\n"
    quote = "the fare should fall"
    report = write_dna([_one(text, quote, "neutral")], tmp_path / "c.dna")
    assert report.statements == 1
    with sqlite3.connect(tmp_path / "c.dna") as conn:
        start, stop, doc = conn.execute("SELECT Start, Stop, d.Text FROM STATEMENTS s JOIN DOCUMENTS d ON d.ID = s.DocumentId").fetchone()
        neutral = conn.execute("SELECT Value FROM DATAINTEGER WHERE VariableId = ?", (NEUTRAL_VARIABLE[0],)).fetchone()[0]
    assert start == text.index(quote) + 2  # two emoji before it, each two UTF-16 units
    assert _utf16_slice(doc, start, stop) == quote
    assert neutral == 1
    items, concepts = read_dna(tmp_path / "c.dna")
    (item,) = items
    ev = item.result.claims[0].stances[0].evidence[0]
    assert item.text[ev.start:ev.end] == quote and item.result.claims[0].stances[0].stance == "neutral"
    assert item.result.actors == [Actor(name="Ana Diaz", type="person", role="mayor", aliases=["Diaz"])]
    assert list(concepts.values()) == ["The fare should fall."]


def test_every_table_and_column_written_is_in_the_dna_schema_with_its_type(tmp_path: Path) -> None:
    org = Actor(name="Transit Union", type="organization")
    write_dna([_one("Head\nThe union says the fare should fall.\n", "the fare should fall", "oppose", org)], tmp_path / "c.dna")
    with sqlite3.connect(tmp_path / "c.dna") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == set(DNA_TABLES)
        for table in tables:
            declared = {name: kind for name, kind, _ in DNA_TABLES[table]}
            columns = {row[1]: row[2] for row in conn.execute(f"PRAGMA table_info({table})")}
            assert columns == declared, table
            for column, kind in columns.items():  # every value stored has the declared type
                stored = {r[0] for r in conn.execute(f"SELECT DISTINCT typeof({column}) FROM {table}")}
                assert stored <= {kind.lower(), "null"}, (table, column, stored)
        # the default statement type and its variables, as DNA creates them, plus our neutral variable
        variables = conn.execute("SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = 1 ORDER BY ID").fetchall()
        assert variables == [(1, "person", "short text"), (2, "organization", "short text"), (3, "concept", "short text"),
                             (4, "agreement", "boolean"), (12, "neutral", "integer")]
        assert conn.execute("SELECT Label FROM STATEMENTTYPES WHERE ID = 1").fetchone() == ("DNA Statement",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # the organization actor sits in `organization`, `person` holds DNA's empty entity; oppose is agreement 0
        row = conn.execute(
            "SELECT (SELECT e.Value FROM DATASHORTTEXT d JOIN ENTITIES e ON e.ID = d.Entity WHERE d.VariableId = 1), "
            "(SELECT e.Value FROM DATASHORTTEXT d JOIN ENTITIES e ON e.ID = d.Entity WHERE d.VariableId = 2), "
            "(SELECT Value FROM DATABOOLEAN WHERE VariableId = 4)").fetchone()
        assert row == ("", "Transit Union", 0)


def test_admin_password_hash_has_jasypt_shape() -> None:
    digest = jasypt_digest("admin", salt=b"\x00" * 16)
    assert len(digest) == 64 and digest == jasypt_digest("admin", salt=b"\x00" * 16) != jasypt_digest("admin")


def test_dev_gold_to_dna_and_back_gives_the_same_gold_pairs(tmp_path: Path) -> None:
    fixtures = dev_fixtures()
    report = write_dna(sourced(fixtures), tmp_path / "corpus.dna")
    evidence = [(f.text, q) for f in fixtures for c in f.gold.claims for s in c.stances for q in s.evidence]
    assert (report.documents, report.statements, report.skipped) == (len(fixtures), len(evidence), [])
    with sqlite3.connect(tmp_path / "corpus.dna") as conn:  # one statement per (actor, claim, evidence), slicing exactly
        rows = conn.execute("SELECT d.Text, s.Start, s.Stop FROM STATEMENTS s JOIN DOCUMENTS d ON d.ID = s.DocumentId").fetchall()
    assert sorted(_utf16_slice(text, a, b) for text, a, b in rows) == sorted(q for _, q in evidence)
    items, concepts = read_dna(tmp_path / "corpus.dna")
    write_fixtures(items, tmp_path / "back", corpus=concepts, corpus_topic="dev")
    assert validate(tmp_path / "back") == ""
    assert gold_pairs(tmp_path / "back") == gold_pairs(DEV)
    assert len(concepts) == len({c.text for f in fixtures for c in f.gold.claims})
