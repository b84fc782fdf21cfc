"""Hand-labelled fixtures: ``NAME.txt`` + ``NAME.gold.json`` (see shared/fixtures/FORMAT.md).

Gold files are validated with Pydantic models of the gold format, plus the
cross-checks a model cannot express (every stance actor is a listed actor,
every evidence string is a verbatim substring of the article). A fixture that
fails them is refused with a message naming the file: scoring against broken
gold would produce numbers nobody can trust.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stance.results import (
    Actor,
    ActorType,
    ArticleInfo,
    ArticleResult,
    Claim,
    Evidence,
    PromptInfo,
    Provenance,
    Stance,
    StanceLabel,
)

from ._errors import EvalError

GOLD_SUFFIX = ".gold.json"


class GoldActor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    type: ActorType
    role: str | None = None
    aliases: list[str] = Field(default_factory=list)


class GoldStance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str = Field(min_length=1)
    stance: StanceLabel
    evidence: list[str] = Field(min_length=1)


class GoldClaim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    stances: list[GoldStance] = Field(min_length=1)
    # The corpus layer (FORMAT.md): left out of dumps when unset, so gold digests of
    # fixtures without it stay what they were.
    corpus_id: str | None = Field(None, min_length=1, exclude_if=lambda v: v is None,
                                  description="id of the claim in the folder's corpus.json this claim is an instance of")
    corpus_flip: bool | None = Field(None, exclude_if=lambda v: v is None,
                                     description="true when this claim negates its corpus claim")


class GoldFile(BaseModel):
    """The content of one ``NAME.gold.json``."""

    model_config = ConfigDict(extra="forbid")

    article: str = Field(min_length=1)
    source: str = ""
    topic: str = ""
    actors: list[GoldActor]
    claims: list[GoldClaim]

    def actor(self, name: str) -> GoldActor:
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(name)


class Fixture(BaseModel):
    """One labelled article: its name (file stem), its text and its gold labels."""

    name: str
    text: str
    gold: GoldFile
    sha256: str = Field(description="sha256 of the UTF-8 text (as stance.runs.inputs computes an article's sha256)")
    words: int = Field(-1, description="whitespace-separated words of the text (computed when not given)")
    gold_sha256: str = Field("", description="sha256 of the gold labels as canonical JSON (computed when not given)")

    def model_post_init(self, __context: object) -> None:
        # Computed once, when the fixture is made, not each time it is scored.
        if self.words < 0:
            self.words = len(self.text.split())
        if not self.gold_sha256:
            self.gold_sha256 = hashlib.sha256(self.gold.model_dump_json().encode()).hexdigest()

    def gold_pair_count(self) -> int:
        return sum(len(c.stances) for c in self.gold.claims)


def find_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Every occurrence of ``needle`` in ``text`` as (start, end), overlapping ones included."""
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    i = text.find(needle)
    while i != -1:
        spans.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return spans


def _check(gold: GoldFile, text: str, where: str) -> None:
    names = [a.name for a in gold.actors]
    dup = {n for n in names if names.count(n) > 1}
    problems = [f"actor {n!r} listed twice" for n in sorted(dup)]
    ids = [c.id for c in gold.claims]
    problems += [f"claim id {i!r} repeated" for i in sorted({i for i in ids if ids.count(i) > 1})]
    known = set(names)
    for c in gold.claims:
        for s in c.stances:
            if s.actor not in known:
                problems.append(f"claim {c.id}: stance actor {s.actor!r} is not in actors[]")
            for e in s.evidence:
                if e not in text:
                    problems.append(f"claim {c.id}: evidence is not a verbatim substring of the article: {e[:80]!r}")
    if problems:
        raise EvalError(f"{where}: invalid gold labels:\n  " + "\n  ".join(problems))


def load_fixture(gold_path: str | Path) -> Fixture:
    """Load and validate one fixture from its ``NAME.gold.json`` path."""
    gold_path = Path(gold_path)
    if not gold_path.name.endswith(GOLD_SUFFIX):
        raise EvalError(f"{gold_path}: a gold file's name must end in {GOLD_SUFFIX}")
    try:
        raw = gold_path.read_text(encoding="utf-8")
    except OSError as e:
        raise EvalError(f"{gold_path}: cannot read: {e.strerror or e}") from e
    try:
        gold = GoldFile.model_validate_json(raw)
    except ValidationError as e:
        lines = [f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in e.errors()]
        raise EvalError(f"{gold_path}: not a valid gold file:\n  " + "\n  ".join(lines[:10])) from e
    txt_path = gold_path.parent / gold.article
    try:
        data = txt_path.read_bytes()
    except OSError as e:
        raise EvalError(f"{gold_path}: article file {gold.article!r} not found beside it") from e
    try:
        # The text as the extractor reads it (stance.runs.inputs): BOM dropped, newlines normalised to "\n".
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as e:
        raise EvalError(f"{txt_path}: not UTF-8 ({e})") from e
    _check(gold, text, str(gold_path))
    name = gold_path.name[: -len(GOLD_SUFFIX)]
    return Fixture(name=name, text=text, gold=gold, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def load_fixtures(fixtures_dir: str | Path) -> list[Fixture]:
    """Load every ``*.gold.json`` in a folder (not recursive), sorted by name."""
    d = Path(fixtures_dir)
    if not d.is_dir():
        raise EvalError(f"{d}: fixtures folder not found")
    paths = sorted(d.glob("*" + GOLD_SUFFIX))
    if not paths:
        raise EvalError(f"{d}: no *{GOLD_SUFFIX} files (a fixture is NAME.txt + NAME.gold.json)")
    return [load_fixture(p) for p in paths]


CORPUS_FILE = "corpus.json"


class CorpusClaim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="stable id that gold claims name in corpus_id")
    text: str = Field(min_length=1, description="the recurring claim as one proposition")


class GoldCorpus(BaseModel):
    """A fixture folder's ``corpus.json``: the claims that recur across its articles (FORMAT.md, corpus layer)."""

    model_config = ConfigDict(extra="forbid")

    topic: str = ""
    claims: list[CorpusClaim] = Field(min_length=1)
    sha256: str = Field("", exclude=True, description="sha256 of the file's bytes (set when loaded)")

    def text(self, claim_id: str) -> str:
        return next(c.text for c in self.claims if c.id == claim_id)


def load_corpus(fixtures_dir: str | Path, fixtures: list[Fixture]) -> GoldCorpus | None:
    """The folder's ``corpus.json`` (None when it has none), checked against the fixtures' ``corpus_id``s."""
    path = Path(fixtures_dir) / CORPUS_FILE
    if not path.is_file():
        return None
    try:
        data = path.read_bytes()
        corpus = GoldCorpus.model_validate_json(data)
    except OSError as e:
        raise EvalError(f"{path}: cannot read: {e.strerror or e}") from e
    except ValidationError as e:
        lines = [f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in e.errors()]
        raise EvalError(f"{path}: not a valid corpus file:\n  " + "\n  ".join(lines[:10])) from e
    ids = [c.id for c in corpus.claims]
    problems = [f"claim id {i!r} repeated" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"{f.gold.article} claim {c.id}: corpus_id {c.corpus_id!r} is not in {CORPUS_FILE}"
                 for f in fixtures for c in f.gold.claims if c.corpus_id is not None and c.corpus_id not in ids]
    if problems:
        raise EvalError(f"{path}: invalid corpus layer:\n  " + "\n  ".join(problems))
    corpus.sha256 = hashlib.sha256(data).hexdigest()
    return corpus


def fixtures_digest(fixtures: list[Fixture]) -> str:
    """One hash over every fixture's text and gold: tells whether two reports used the same gold."""
    h = hashlib.sha256()
    for f in sorted(fixtures, key=lambda f: f.name):
        h.update(f.name.encode())
        h.update(f.sha256.encode())
        h.update(f.gold_sha256.encode())
    return h.hexdigest()


def gold_as_result(fixture: Fixture, *, model: str = "gold", seconds: float = 0.0) -> ArticleResult:
    """The gold labels written as an ``ArticleResult`` (evidence located exactly in the text).

    A perfect extractor's output: it scores 1.0 on every quality metric, which is
    what the trust tests check, and it is a convenient oracle run for demos.
    """
    claims = []
    for c in fixture.gold.claims:
        stances = []
        for s in c.stances:
            ev = []
            for q in s.evidence:
                start = fixture.text.find(q)
                ev.append(Evidence(quote=q, start=start, end=start + len(q), alignment="exact"))
            stances.append(Stance(actor=s.actor, stance=s.stance, evidence=ev))
        claims.append(Claim(id=c.id, text=c.text, stances=stances))
    title = fixture.text.split("\n", 1)[0].strip()
    return ArticleResult(
        article=ArticleInfo(id=fixture.gold.article, path=fixture.gold.article, sha256=fixture.sha256, title=title),
        actors=[Actor(name=a.name, type=a.type, role=a.role, aliases=list(a.aliases)) for a in fixture.gold.actors],
        claims=claims,
        provenance=Provenance(model=model, endpoint="none", prompt=PromptInfo(name="gold", hash="-"), seconds=seconds),
    )
