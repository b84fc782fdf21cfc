"""Discourse Network Analyzer (DNA 3) databases: a run written as a ``.dna`` file, and hand-coded ones read back.

A ``.dna`` file is an SQLite database. We write what DNA itself writes when it
creates one (the tables and the default statement types, so the file opens in
DNA as if made there) plus one document per article and one statement per
(actor, claim, evidence span):

- the statement type "DNA Statement" with ``person`` / ``organization`` (the
  actor: a person actor goes in ``person``, every other type in
  ``organization``, the other one holds DNA's empty entity), ``concept`` (the
  claim text) and ``agreement`` (boolean: 1 support, 0 oppose);
- **neutral**: DNA's ``agreement`` is boolean, so we add an integer variable
  ``neutral`` to the same statement type: 1 when the actor addresses the claim
  without taking a side (``agreement`` is then 0), else 0. Filter it out in
  DNA's network export (exclude ``neutral`` = 1) so neutral statements do not
  count as disagreement. A database without the variable reads as support/oppose;
- ``Start``/``Stop`` count UTF-16 code units, as Java strings do (DNA's
  document text is a Java ``String``), not Python characters;
- entity attributes: ``Type`` holds our actor type, ``Alias`` the aliases
  (joined by ``; ``), ``Notes`` the role.

Reading back (``read_dna``) turns every document into an article and every
"DNA Statement" into evidence for (actor, concept, stance); the concepts become
the claims, shared across documents, so they are the codebook (``corpus.json``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from stance.files import atomic_path
from stance.results import ACTOR_TYPES, Actor, ArticleInfo, ArticleResult, Claim, Evidence, Stance

from ._articles import ExchangeError, SourcedResult, corrected_provenance
from ._offsets import Utf16Offsets

# The DNA 3 schema we rely on: tables, columns, SQLite types and constraints, as DNA
# creates them for SQLite in leifeld/dna, dna/src/main/java/sql/Sql.java, method
# Sql.createTables (DNA 3.0.8, 2022-06-16). Facts restated here, not DNA's code; tests
# check that every table and column we write or read is in this table with its type.
DNA_VERSION, DNA_DATE = "3.0.8", "2022-06-16"
_NN0, _NN1 = "NOT NULL DEFAULT 0", "NOT NULL DEFAULT 1"
_PERMISSIONS = (
    "AddDocuments", "EditDocuments", "DeleteDocuments", "ImportDocuments", "AddStatements", "EditStatements",
    "DeleteStatements", "EditAttributes", "EditRegex", "EditStatementTypes", "EditCoders", "EditCoderRelations",
    "ViewOthersDocuments", "EditOthersDocuments", "ViewOthersStatements", "EditOthersStatements",
)
_ID = ("ID", "INTEGER", "NOT NULL PRIMARY KEY")
DNA_TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "SETTINGS": (("Property", "TEXT", "PRIMARY KEY"), ("Value", "TEXT", "NOT NULL")),
    "CODERS": (_ID, ("Name", "TEXT", "NOT NULL"), ("Red", "INTEGER", _NN0), ("Green", "INTEGER", _NN0),
               ("Blue", "INTEGER", _NN0), ("Refresh", "INTEGER", _NN0), ("FontSize", "INTEGER", "NOT NULL DEFAULT 14"),
               ("Password", "TEXT", "NOT NULL"), ("PopupWidth", "INTEGER", "DEFAULT 300"), ("ColorByCoder", "INTEGER", _NN0),
               ("PopupDecoration", "INTEGER", _NN0), ("PopupAutoComplete", "INTEGER", _NN1),
               *((f"Permission{p}", "INTEGER", _NN1) for p in _PERMISSIONS)),
    "DOCUMENTS": (_ID, ("Title", "TEXT", "NOT NULL"), ("Text", "TEXT", "NOT NULL"), ("Coder", "INTEGER", "REFERENCES CODERS(ID)"),
                  ("Author", "TEXT", "NOT NULL DEFAULT ''"), ("Source", "TEXT", "NOT NULL DEFAULT ''"),
                  ("Section", "TEXT", "NOT NULL DEFAULT ''"), ("Notes", "TEXT", "NOT NULL DEFAULT ''"),
                  ("Type", "TEXT", "NOT NULL DEFAULT ''"), ("Date", "INTEGER", "NOT NULL")),
    "STATEMENTTYPES": (_ID, ("Label", "TEXT", "NOT NULL"), ("Red", "INTEGER", _NN0), ("Green", "INTEGER", _NN0), ("Blue", "INTEGER", _NN0)),
    "VARIABLES": (_ID, ("Variable", "TEXT", "NOT NULL"), ("DataType", "TEXT", "NOT NULL DEFAULT 'short text'"),
                  ("StatementTypeId", "INTEGER", "REFERENCES STATEMENTTYPES(ID)")),
    "VARIABLELINKS": (_ID, ("SourceVariableId", "INTEGER", "REFERENCES VARIABLES(ID)"),
                      ("TargetVariableId", "INTEGER", "REFERENCES VARIABLES(ID)")),
    "REGEXES": (("Label", "TEXT", "PRIMARY KEY"), ("Red", "INTEGER", _NN0), ("Green", "INTEGER", _NN0), ("Blue", "INTEGER", _NN0)),
    "CODERRELATIONS": (_ID, ("Coder", "INTEGER", "REFERENCES CODERS(ID)"), ("OtherCoder", "INTEGER", "REFERENCES CODERS(ID)"),
                       ("viewStatements", "INTEGER", _NN1), ("editStatements", "INTEGER", _NN1),
                       ("viewDocuments", "INTEGER", _NN1), ("editDocuments", "INTEGER", _NN1)),
    "STATEMENTS": (_ID, ("StatementTypeId", "INTEGER", "REFERENCES STATEMENTTYPES(ID)"),
                   ("DocumentId", "INTEGER", "REFERENCES DOCUMENTS(ID)"), ("Start", "INTEGER", "NOT NULL CHECK (Start >= 0)"),
                   ("Stop", "INTEGER", "NOT NULL CHECK (Stop > Start)"), ("Coder", "INTEGER", "REFERENCES CODERS(ID)")),
    "DATABOOLEAN": (_ID, ("StatementId", "INTEGER", "NOT NULL REFERENCES STATEMENTS(ID)"),
                    ("VariableId", "INTEGER", "NOT NULL REFERENCES VARIABLES(ID)"), ("Value", "INTEGER", _NN1)),
    "DATAINTEGER": (_ID, ("StatementId", "INTEGER", "NOT NULL REFERENCES STATEMENTS(ID)"),
                    ("VariableId", "INTEGER", "NOT NULL REFERENCES VARIABLES(ID)"), ("Value", "INTEGER", _NN0)),
    "ENTITIES": (_ID, ("VariableId", "INTEGER", "NOT NULL REFERENCES VARIABLES(ID)"),
                 ("Value", "TEXT", "NOT NULL DEFAULT '' CHECK (LENGTH(Value) < 191)"), ("Red", "INTEGER", ""),
                 ("Green", "INTEGER", ""), ("Blue", "INTEGER", ""), ("ChildOf", "INTEGER", "REFERENCES ENTITIES(ID)")),
    "DATASHORTTEXT": (_ID, ("StatementId", "INTEGER", "NOT NULL REFERENCES STATEMENTS(ID)"),
                      ("VariableId", "INTEGER", "NOT NULL REFERENCES VARIABLES(ID)"),
                      ("Entity", "INTEGER", "NOT NULL REFERENCES ENTITIES(ID)")),
    "DATALONGTEXT": (_ID, ("StatementId", "INTEGER", "NOT NULL REFERENCES STATEMENTS(ID)"),
                     ("VariableId", "INTEGER", "NOT NULL REFERENCES VARIABLES(ID)"), ("Value", "TEXT", "DEFAULT ''")),
    "ATTRIBUTEVARIABLES": (_ID, ("VariableId", "INTEGER", "NOT NULL REFERENCES VARIABLES(ID)"), ("AttributeVariable", "TEXT", "NOT NULL")),
    "ATTRIBUTEVALUES": (_ID, ("EntityId", "INTEGER", "NOT NULL REFERENCES ENTITIES(ID)"),
                        ("AttributeVariableId", "INTEGER", "NOT NULL REFERENCES ATTRIBUTEVARIABLES(ID)"),
                        ("AttributeValue", "TEXT", "NOT NULL DEFAULT ''")),
}
# Initial contents DNA writes in createTables: statement types (id, label, colour) and their variables.
DNA_STATEMENT_TYPES = ((1, "DNA Statement", (239, 208, 51)), (2, "NPF Story Element", (100, 200, 190)), (3, "Annotation", (211, 211, 211)))
DNA_VARIABLES = (
    (1, "person", "short text", 1), (2, "organization", "short text", 1), (3, "concept", "short text", 1),
    (4, "agreement", "boolean", 1), (5, "narrator", "short text", 2), (6, "victim", "short text", 2),
    (7, "villain", "short text", 2), (8, "plot", "short text", 2), (9, "hero", "short text", 2),
    (10, "policy solution", "short text", 2), (11, "note", "long text", 3),
)
DNA_ATTRIBUTES = ("Type", "Alias", "Notes")  # for variables 1-3 (person, organization, concept)
MAX_ENTITY_CHARS = 190  # ENTITIES.Value: CHECK (LENGTH(Value) < 191)

# Ours: the added variable that keeps "neutral" (see the module docstring).
NEUTRAL_VARIABLE = (12, "neutral", "integer", 1)
ADMIN_PASSWORD = "admin"  # the Admin coder's password in files we write (DNA asks for it on opening)


def _ddl(table: str) -> str:
    return f"CREATE TABLE {table} (" + ", ".join(" ".join(p for p in col if p) for col in DNA_TABLES[table]) + ")"


def jasypt_digest(password: str, salt: bytes | None = None) -> str:
    """``password`` hashed as DNA stores coder passwords (jasypt StrongPasswordEncryptor: SHA-256, 16-byte salt, 100000 rounds)."""
    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest()
    for _ in range(100000 - 1):
        digest = hashlib.sha256(digest).digest()
    return base64.b64encode(salt + digest).decode("ascii")


@dataclass
class DnaReport:
    """What ``write_dna`` wrote."""

    out: Path
    documents: int
    statements: int
    skipped: list[tuple[str, str]]


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, object]) -> int:
    cols = list(row)
    cur = conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", [row[c] for c in cols])
    return int(cur.lastrowid or 0)


class _Writer:
    """Fills an empty database: DNA's initial contents, then documents, entities and statements."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.entities: dict[tuple[int, str], int] = {}
        self.attributes: dict[tuple[int, str], int] = {}

    def create(self) -> None:
        for table in DNA_TABLES:
            self.conn.execute(_ddl(table))
        _insert(self.conn, "CODERS", {"ID": 1, "Name": "Admin", "Red": 255, "Green": 255, "Blue": 0, "Password": jasypt_digest(ADMIN_PASSWORD),
                                      "PermissionEditStatementTypes": 1, "PermissionEditCoders": 1,
                                      "PermissionEditOthersDocuments": 1, "PermissionEditOthersStatements": 1})
        _insert(self.conn, "SETTINGS", {"Property": "version", "Value": DNA_VERSION})
        _insert(self.conn, "SETTINGS", {"Property": "date", "Value": DNA_DATE})
        for sid, label, (r, g, b) in DNA_STATEMENT_TYPES:
            _insert(self.conn, "STATEMENTTYPES", {"ID": sid, "Label": label, "Red": r, "Green": g, "Blue": b})
        for vid, name, dtype, sid in (*DNA_VARIABLES, NEUTRAL_VARIABLE):
            _insert(self.conn, "VARIABLES", {"ID": vid, "Variable": name, "DataType": dtype, "StatementTypeId": sid})
        for attribute in DNA_ATTRIBUTES:
            for vid in (1, 2, 3):
                self.attributes[vid, attribute] = _insert(self.conn, "ATTRIBUTEVARIABLES", {"VariableId": vid, "AttributeVariable": attribute})

    def entity(self, variable: int, value: str, attributes: dict[str, str] | None = None) -> int:
        key = (variable, value)
        if key not in self.entities:
            self.entities[key] = eid = _insert(self.conn, "ENTITIES", {"VariableId": variable, "Value": value, "Red": 0, "Green": 0, "Blue": 0})
            for attribute in DNA_ATTRIBUTES:
                if (variable, attribute) in self.attributes:
                    _insert(self.conn, "ATTRIBUTEVALUES", {"EntityId": eid, "AttributeVariableId": self.attributes[variable, attribute],
                                                           "AttributeValue": (attributes or {}).get(attribute, "")[:MAX_ENTITY_CHARS]})
        return self.entities[key]

    def statement(self, document: int, start: int, stop: int, actor: Actor, concept: str, stance: str) -> None:
        sid = _insert(self.conn, "STATEMENTS", {"StatementTypeId": 1, "DocumentId": document, "Start": start, "Stop": stop, "Coder": 1})
        attrs = {"Type": actor.type, "Alias": "; ".join(actor.aliases), "Notes": actor.role or ""}
        person = actor.type == "person"
        for variable, value, a in ((1, actor.name if person else "", attrs if person else None),
                                   (2, "" if person else actor.name, None if person else attrs), (3, concept, None)):
            _insert(self.conn, "DATASHORTTEXT", {"StatementId": sid, "VariableId": variable, "Entity": self.entity(variable, value, a)})
        _insert(self.conn, "DATABOOLEAN", {"StatementId": sid, "VariableId": 4, "Value": int(stance == "support")})
        _insert(self.conn, "DATAINTEGER", {"StatementId": sid, "VariableId": NEUTRAL_VARIABLE[0], "Value": int(stance == "neutral")})


def write_dna(items: Iterable[SourcedResult], out: str | Path) -> DnaReport:
    """Write the articles and their located evidence as a DNA 3 database (replacing ``out`` atomically)."""
    out = Path(out)
    skipped: list[tuple[str, str]] = []
    documents = statements = 0
    with atomic_path(out) as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            writer = _Writer(conn)
            writer.create()
            for item in items:
                art = item.result.article
                doc = _insert(conn, "DOCUMENTS", {"Title": art.title[:MAX_ENTITY_CHARS], "Text": item.text, "Coder": 1,
                                                  "Author": "", "Source": (item.source or art.path)[:MAX_ENTITY_CHARS],
                                                  "Notes": f"stance article id: {art.id}", "Type": "", "Date": 0})  # Date: seconds since 1970 UTC; a result has no publication date
                documents += 1
                units = Utf16Offsets(item.text)
                actors = {a.name: a for a in item.result.actors}
                for claim in item.result.claims:
                    if len(claim.text) > MAX_ENTITY_CHARS:
                        skipped.append((art.id, f"claim {claim.id}: longer than DNA's {MAX_ENTITY_CHARS}-character concept limit"))
                        continue
                    for st in claim.stances:
                        actor = actors.get(st.actor) or Actor(name=st.actor)
                        if len(actor.name) > MAX_ENTITY_CHARS:
                            skipped.append((art.id, f"actor {actor.name[:40]!r}...: longer than DNA's entity limit"))
                            continue
                        for ev in st.evidence:
                            if ev.start is None or ev.end is None or item.text[ev.start:ev.end] != ev.quote or ev.start >= ev.end:
                                skipped.append((art.id, f"claim {claim.id}, {st.actor}: evidence not located in the text: {ev.quote[:60]!r}"))
                                continue
                            writer.statement(doc, units.to_utf16(ev.start), units.to_utf16(ev.end), actor, claim.text, st.stance)
                            statements += 1
            conn.commit()
        finally:
            conn.close()
    return DnaReport(out=out, documents=documents, statements=statements, skipped=skipped)


def _dna_tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0].upper() for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def read_dna(path: str | Path) -> tuple[list[SourcedResult], dict[str, str]]:
    """Documents and "DNA Statement"s of a DNA 3 database as results, plus the concepts as a codebook (id -> text).

    Each statement is evidence: its actor is its ``person`` or else its
    ``organization`` entity, its claim its ``concept``, its stance from
    ``agreement`` (and ``neutral`` when the database has that variable).
    Statements with no actor or no concept are left out (listed by ``read_dna_skipped``).
    """
    path = Path(path)
    if not path.is_file():
        raise ExchangeError(f"{path}: DNA database not found")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = _dna_tables(conn)
    except sqlite3.DatabaseError as exc:
        raise ExchangeError(f"{path}: not an SQLite database ({exc})") from None
    try:
        missing = {"DOCUMENTS", "STATEMENTS", "STATEMENTTYPES", "VARIABLES", "ENTITIES", "DATASHORTTEXT", "DATABOOLEAN"} - tables
        if missing:
            raise ExchangeError(f"{path}: not a DNA 3 database (no {', '.join(sorted(missing))} table)")
        return _read(conn, tables)
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, tables: set[str]) -> tuple[list[SourcedResult], dict[str, str]]:
    type_row = conn.execute("SELECT ID FROM STATEMENTTYPES WHERE Label = 'DNA Statement' ORDER BY ID LIMIT 1").fetchone()
    if type_row is None:
        raise ExchangeError("the database has no 'DNA Statement' statement type")
    variables = {name: vid for vid, name in conn.execute("SELECT ID, Variable FROM VARIABLES WHERE StatementTypeId = ?", type_row)}
    short: dict[tuple[int, int], str] = {}
    for sid, vid, value in conn.execute(
        "SELECT d.StatementId, d.VariableId, e.Value FROM DATASHORTTEXT d JOIN ENTITIES e ON e.ID = d.Entity"
    ):
        short[sid, vid] = value or ""
    booleans = {(s, v): x for s, v, x in conn.execute("SELECT StatementId, VariableId, Value FROM DATABOOLEAN")}
    integers = {(s, v): x for s, v, x in conn.execute("SELECT StatementId, VariableId, Value FROM DATAINTEGER")} if "DATAINTEGER" in tables else {}
    attributes: dict[tuple[int, str, str], str] = {}
    if {"ATTRIBUTEVALUES", "ATTRIBUTEVARIABLES"} <= tables:
        for var, value, name, attr in conn.execute(
            "SELECT e.VariableId, e.Value, a.AttributeVariable, v.AttributeValue FROM ATTRIBUTEVALUES v "
            "JOIN ATTRIBUTEVARIABLES a ON a.ID = v.AttributeVariableId JOIN ENTITIES e ON e.ID = v.EntityId"
        ):
            attributes[var, value, name] = attr or ""
    concepts: dict[str, str] = {}
    items: list[SourcedResult] = []
    docs = conn.execute("SELECT ID, Title, Text, Source, Notes FROM DOCUMENTS ORDER BY ID").fetchall()
    for doc_id, title, text, source, notes in docs:
        text = text or ""
        units = Utf16Offsets(text)
        article_id = notes.split("stance article id: ", 1)[1].strip() if "stance article id: " in (notes or "") else f"dna-{doc_id}.txt"
        actors: dict[str, Actor] = {}
        claims: dict[str, Claim] = {}
        rows = conn.execute("SELECT ID, Start, Stop FROM STATEMENTS WHERE DocumentId = ? AND StatementTypeId = ? ORDER BY Start, ID",
                            (doc_id, type_row[0])).fetchall()
        for sid, start, stop in rows:
            person = short.get((sid, variables.get("person", -1)), "")
            org = short.get((sid, variables.get("organization", -1)), "")
            concept = short.get((sid, variables.get("concept", -1)), "")
            name, var = (person, variables.get("person", -1)) if person else (org, variables.get("organization", -1))
            if not name or not concept:
                continue
            try:
                s, e = units.from_utf16(start), units.from_utf16(stop)
            except ValueError:
                continue
            if not 0 <= s < e <= len(text):
                continue
            neutral = integers.get((sid, variables.get("neutral", -1)), 0) == 1
            agree = booleans.get((sid, variables.get("agreement", -1)), 1) == 1
            label = "neutral" if neutral else "support" if agree else "oppose"
            if name not in actors:
                kind = attributes.get((var, name, "Type"), "")
                kind = kind if kind in ACTOR_TYPES else ("person" if person else "organization")
                aliases = [a.strip() for a in attributes.get((var, name, "Alias"), "").split(";") if a.strip()]
                actors[name] = Actor(name=name, type=kind, role=attributes.get((var, name, "Notes"), "") or None, aliases=aliases)
            cid = concepts.setdefault(concept, _concept_id(concept, concepts))
            claim = claims.setdefault(concept, Claim(id=f"c{len(claims) + 1}", text=concept, codebook_id=cid))
            stance = next((x for x in claim.stances if x.actor == name and x.stance == label), None)
            if stance is None:
                stance = Stance(actor=name, stance=label)
                claim.stances.append(stance)
            stance.evidence.append(Evidence(quote=text[s:e], start=s, end=e, alignment="exact"))
        info = ArticleInfo(id=article_id, path=article_id, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                           title=title or text.split("\n", 1)[0].strip())
        result = ArticleResult(article=info, actors=list(actors.values()), claims=list(claims.values()),
                               provenance=corrected_provenance(None, "DNA"))
        items.append(SourcedResult(result, text, source=source or "DNA database", topic=title or ""))
    return items, {cid: text for text, cid in concepts.items()}


def _concept_id(concept: str, known: dict[str, str]) -> str:
    """A stable, readable codebook id for a concept: ``k1``, ``k2``, ... in order of first use."""
    return f"k{len(known) + 1}"
