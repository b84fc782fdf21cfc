"""Codebook mode: the user names the claims; the model says which actors take which stance on each.

A codebook is a small file of claims with ids (YAML, JSON or one claim per
line in .txt, see docs/codebook.md). Every result claim then carries the
codebook id (``Claim.id == Claim.codebook_id``) and the codebook text, so
tables line up across thousands of articles.

The model answers in the same cheap way as open mode: per item a sentence
number, an actor, a claim id and a stance (``CodebookAnswer``, bounded). Ids
the codebook does not have are dropped; an actor who does not address a claim
gets no stance. Evidence is the quotation in the sentence pointed at (or the
sentence itself), exact by construction, as in ``stance.extraction.pipeline``.

The prompt identity recorded in provenance (and compared by batch resume)
hashes the templates together with the codebook's canonical JSON, and the
codebook text is part of every request (so of every response-cache key): runs
with different codebooks never mix.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from stance.text.actors import canonicalise
from stance.config import Settings
from stance.extraction.prompts import Prompt, PromptError, fence_text, load_prompt
from stance.extraction.answers import MAX_NAME_CHARS
from stance.results import Actor, ArticleInfo, ArticleResult, Claim, PromptInfo, Stance, StanceLabel, Usage
from stance.text.sentences import Sentence, number_sentences, split_sentences

if TYPE_CHECKING:  # stance.extraction.pipeline and stance.model.client (openai: ~1 s to import) load only when an article is extracted
    from rich.console import Console

    from stance.model.client import ChatResult, LLMClient
    from stance.extraction.pipeline import Chunk

    from stance.runs.batch import RunSummary
    from stance.evals import Fixture
    from stance.runs.manifest import RunManifest

CODEBOOK_PROMPT = "codebook"  # prompts/codebook/
CODEBOOK_SUFFIXES = (".yaml", ".yml", ".json", ".txt")
MAX_ID_CHARS = 40
MAX_TEXT_CHARS = 400
MAX_DESCRIPTION_CHARS = 1000
MAX_EXAMPLES = 5
# Sentences a pointer may move per point of word overlap: in codebook mode the
# claim text is the user's, not the model's paraphrase of the sentence, so a
# number is trusted more than in open mode. Measured on the dev fixtures with
# gold pointers: 163/185 correct numbers kept (88%, vs 134 with open mode's
# 2 per sentence) and 141/185 off-by-one numbers repaired (vs 131).
POINTER_DISTANCE_PENALTY = 12
# Items per answer: 8 + 3 per codebook claim, at most 40 (~25 tokens each, within max_tokens 1200).
# Open mode's 24 cut off 7 of the 185 dev-fixture pairs with gold codebooks (two articles hold 27 and 28).
MAX_CODEBOOK_STATEMENTS = 40


class CodebookError(ValueError):
    """A codebook that cannot be used; the message is one line naming the file."""


# ---------------------------------------------------------------------------
# The codebook file
# ---------------------------------------------------------------------------


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class CodebookExamples(BaseModel):
    """Short illustrations of what taking each side sounds like (shown to the model)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    support: list[str] = Field(default_factory=list, max_length=MAX_EXAMPLES)
    oppose: list[str] = Field(default_factory=list, max_length=MAX_EXAMPLES)

    _one_string_is_a_list = field_validator("support", "oppose", mode="before")(_as_list)

    @field_validator("support", "oppose")
    @classmethod
    def _short_non_empty(cls, values: list[str]) -> list[str]:
        for value in values:
            if not value:
                raise ValueError("an example is empty")
            if len(value) > MAX_TEXT_CHARS:
                raise ValueError(f"an example is longer than {MAX_TEXT_CHARS} characters")
        return values


class CodebookClaim(BaseModel):
    """One claim of interest: ``id`` is what results and tables are keyed by."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(
        min_length=1, max_length=MAX_ID_CHARS, pattern=r"^\w[\w.:/-]*$",
        description="short code: letters, digits and _ . : / - (no spaces)",
    )
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="the proposition, self-contained")
    description: str | None = Field(None, max_length=MAX_DESCRIPTION_CHARS, description="what counts, for the model")
    examples: CodebookExamples = Field(default_factory=CodebookExamples)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("description")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class Codebook(BaseModel):
    """The claims of interest, in the order they are shown to the model and in tables."""

    model_config = ConfigDict(extra="forbid")

    claims: list[CodebookClaim] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Codebook:
        seen: dict[str, str] = {}
        for claim in self.claims:
            key = claim.id.casefold()
            if key in seen:
                same = "" if seen[key] == claim.id else f" (as {seen[key]!r}; ids are compared ignoring case)"
                raise ValueError(f"claim id {claim.id!r} is used twice{same}")
            seen[key] = claim.id
        return self

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.claims]

    def get(self, claim_id: str) -> CodebookClaim | None:
        """The claim a model's id names (ignoring case, spaces, brackets and quotes), or None."""
        key = claim_id.strip().strip("[]()\"'`").strip().casefold()
        return next((c for c in self.claims if c.id.casefold() == key), None)

    def canonical_json(self) -> str:
        """The content as one canonical JSON string: equal codebooks give equal strings, whatever the file format."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def digest(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _validation_message(exc: ValidationError, data: Any) -> str:
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "claims" and isinstance(loc[1], int):
        index = loc[1]
        claims = data.get("claims") if isinstance(data, dict) else None
        raw = claims[index] if isinstance(claims, list) and index < len(claims) else None
        cid = raw.get("id") if isinstance(raw, dict) else None
        where = f"claim {index + 1}" + (f" (id {cid!r})" if cid is not None else "") + ": "
        loc = loc[2:]
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "string_pattern_mismatch":
        message = "must be a short code of letters, digits and _ . : / - (no spaces)"
    elif err["type"] == "extra_forbidden":
        message = "unknown field (fields: id, text, description, examples: {support, oppose})"
    elif err["type"] == "string_too_short":
        message = "is empty"
    field_name = ".".join(str(p) for p in loc)
    return _one_line(f"{where}{field_name + ': ' if field_name else ''}{message}")


def parse_codebook_text(text: str) -> dict[str, Any]:
    """A .txt codebook: one claim per line, ``[ID] text`` or just ``text`` (id c1, c2, ... by position).

    Blank lines and lines starting with ``#`` are skipped.
    """
    claims: list[dict[str, Any]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and "]" in line:
            claim_id, _, rest = line[1:].partition("]")
            claims.append({"id": claim_id.strip(), "text": rest.strip()})
        else:
            claims.append({"id": f"c{len(claims) + 1}", "text": line})
    return {"claims": claims}


def parse_codebook(raw: str, suffix: str) -> Codebook:
    """A codebook from a file's text and suffix; raises ``CodebookError`` (one line, no file name)."""
    suffix = suffix.lower()
    data: Any
    if suffix == ".txt":
        data = parse_codebook_text(raw)
    elif suffix == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CodebookError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    elif suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at line {mark.line + 1}" if mark is not None else ""
            raise CodebookError(f"not valid YAML ({_one_line(getattr(exc, 'problem', None) or exc)}{at})") from None
    else:
        raise CodebookError(f"unknown codebook format {suffix or '(no suffix)'!r}: use {', '.join(CODEBOOK_SUFFIXES)}")
    if isinstance(data, list):
        data = {"claims": data}
    if not isinstance(data, dict):
        raise CodebookError("expected a list of claims, or a mapping with a 'claims' list")
    if not data.get("claims"):
        raise CodebookError("no claims")
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        raise CodebookError(_validation_message(exc, data)) from None


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file (.yaml, .yml, .json or .txt); raises ``CodebookError``."""
    file = Path(path)
    try:
        raw = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CodebookError(f"codebook {file}: cannot read: {(exc.strerror or str(exc)).lower()}") from None
    except UnicodeDecodeError:
        raise CodebookError(f"codebook {file}: not UTF-8 text") from None
    try:
        return parse_codebook(raw, file.suffix)
    except CodebookError as exc:
        raise CodebookError(f"codebook {file}: {exc}") from None


def write_codebook(codebook: Codebook, path: str | Path) -> Path:
    """Write a codebook as JSON (readable by ``load_codebook``); only when its content changed."""
    file = Path(path)
    data = json.dumps(codebook.model_dump(mode="json", exclude_defaults=True), indent=2, ensure_ascii=False) + "\n"
    with contextlib.suppress(OSError):
        if file.read_text(encoding="utf-8") == data:
            return file
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.tmp")
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(file)
    return file


def gold_codebook(fixture: Fixture) -> Codebook:
    """A fixture's gold claims as a codebook (id and text), as codebook-mode evals give them to the extractor."""
    return Codebook(claims=[CodebookClaim(id=c.id, text=c.text) for c in fixture.gold.claims])


# ---------------------------------------------------------------------------
# What the model answers (bounded, generated from these models)
# ---------------------------------------------------------------------------


class CodebookStatement(BaseModel):
    """One actor taking one stance on one codebook claim, pointing at a numbered sentence."""

    model_config = ConfigDict(extra="forbid")

    s: int = Field(ge=1, le=9999, description="number of the sentence where the actor takes the position")
    who: str = Field(min_length=1, max_length=MAX_NAME_CHARS, description="the actor, full name")
    c: str = Field(min_length=1, max_length=MAX_ID_CHARS, description="id of the codebook claim")
    stance: StanceLabel


class CodebookAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statements: list[CodebookStatement] = Field(default_factory=list, max_length=MAX_CODEBOOK_STATEMENTS)


def max_statements(n_claims: int) -> int:
    """The bound on items for a codebook of ``n_claims``: small codebooks get a tight one (small models loop)."""
    return min(MAX_CODEBOOK_STATEMENTS, 8 + 3 * n_claims)


@functools.lru_cache(maxsize=256)
def answer_model(ids: tuple[str, ...]) -> type[CodebookAnswer]:
    """``CodebookAnswer`` whose schema lists the codebook's ids as an enum for ``c`` (items: ``max_statements``).

    Endpoints that honour json_schema can then only write known ids; the
    validation itself accepts any short string, so an unknown id from an
    endpoint that ignores the schema is dropped instead of costing a re-ask.
    """
    statement = create_model(
        "CodebookStatement",
        __base__=CodebookStatement,
        c=(str, Field(min_length=1, max_length=MAX_ID_CHARS, description="id of the codebook claim",
                      json_schema_extra={"enum": list(ids)})),
    )
    return create_model(
        "CodebookAnswer",
        __base__=CodebookAnswer,
        statements=(list[statement], Field(default_factory=list, max_length=max_statements(len(ids)))),  # type: ignore[valid-type]
    )


# ---------------------------------------------------------------------------
# The prompt: templates + codebook, with one identity over both
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodebookPrompt(Prompt):
    """A codebook prompt folder bound to one codebook.

    ``name``/``hash`` (what provenance records and batch resume compares) cover
    the templates, the codebook content and, with ``open_prompt``, the open
    prompt too. ``template_hash`` is the folder's own hash.
    """

    codebook: Codebook
    codebook_path: str = ""
    template_hash: str = ""
    example_messages: tuple[tuple[str, str], ...] = ()
    open_prompt: Prompt | None = None

    @property
    def answer_model(self) -> type[CodebookAnswer]:
        return answer_model(tuple(self.codebook.ids))

    def messages(self, numbered_sentences: str, **variables: Any) -> list[dict[str, str]]:
        """System prompt, few-shot turns (each with its own small codebook), then codebook + article."""
        messages = [{"role": "system", "content": self.system_template.render().strip()}]
        for user, assistant in self.example_messages:
            messages.append({"role": "user", "content": user})
            messages.append({"role": "assistant", "content": assistant})
        note = str(variables.get("context_note") or "")
        messages.append({"role": "user", "content": _render_user(self.user_template, self.codebook, numbered_sentences, note)})
        return messages


def prompt_names(settings: Settings) -> tuple[str, str]:
    """(codebook prompt folder, open prompt folder): ``--prompt codebook*`` picks the codebook prompt."""
    if settings.prompt and settings.prompt.startswith(CODEBOOK_PROMPT):
        return settings.prompt, settings.model_copy(update={"prompt": None}).prompt_name
    return CODEBOOK_PROMPT, settings.prompt_name


# Like prompts.fence_text for the <codebook> fence: an article cannot open or close it.
_CODEBOOK_TAGS = re.compile(r"<(?=\s*/?\s*codebook\b)", re.IGNORECASE)


def fence(text: str) -> str:
    """Text that cannot break the prompt's <article> or <codebook> fences or forge a chat turn."""
    return _CODEBOOK_TAGS.sub("\u2039", fence_text(text))


def _render_user(template: Any, codebook: Codebook, numbered_sentences: str, context_note: str) -> str:
    """user.j2 gets ``claims`` (CodebookClaim list), ``ids``, ``numbered_sentences`` (fenced) and ``context_note``.

    The codebook is the user's own text; the article is not, so only it is fenced.
    """
    return template.render(
        claims=codebook.claims, ids=", ".join(codebook.ids), numbered_sentences=fence(numbered_sentences),
        context_note=context_note,
    ).strip()


def _example_messages(base: Prompt) -> tuple[tuple[str, str], ...]:
    """Few-shot turns from examples.json: ``[{codebook: [claims], article, answer: {statements}}]``."""
    turns = []
    for i, example in enumerate(base.examples, start=1):
        where = f"prompt {base.name!r}: examples.json example {i}"
        if not isinstance(example, dict) or not {"codebook", "article", "answer"} <= set(example):
            raise PromptError(f"{where}: needs 'codebook', 'article' and 'answer'")
        try:
            codebook = Codebook.model_validate({"claims": example["codebook"]})
        except ValidationError as exc:
            raise PromptError(f"{where}: codebook: {_validation_message(exc, {'claims': example['codebook']})}") from None
        try:
            answer = answer_model(tuple(codebook.ids)).model_validate(example["answer"])
        except ValidationError as exc:
            raise PromptError(f"{where}: answer does not match the schema: {exc.errors()[0]['msg']}") from None
        unknown = sorted({st.c for st in answer.statements if codebook.get(st.c) is None})
        if unknown:
            raise PromptError(f"{where}: answer uses ids not in its codebook: {', '.join(unknown)}")
        numbered = number_sentences(split_sentences(example["article"]))
        user = _render_user(base.user_template, codebook, numbered, "")
        turns.append((user, json.dumps(example["answer"], ensure_ascii=False)))
    return tuple(turns)


def prompt_identity(template_hash: str, codebook: Codebook, open_prompt: Prompt | None) -> str:
    """16 hex digits over the template hash, the codebook's canonical JSON and the open prompt (if any)."""
    digest = hashlib.sha256()
    digest.update(b"codebook\0" + template_hash.encode() + b"\0" + codebook.canonical_json().encode("utf-8"))
    if open_prompt is not None:
        digest.update(b"\0open\0" + open_prompt.name.encode() + b"\0" + open_prompt.hash.encode())
    return digest.hexdigest()[:16]


def load_codebook_prompt(settings: Settings, codebook: Codebook | None = None) -> CodebookPrompt:
    """The codebook prompt for ``settings.codebook`` (or ``codebook``); raises ``CodebookError``/``PromptError``."""
    if codebook is None:
        if settings.codebook is None:
            raise CodebookError("no codebook given (--codebook FILE)")
        codebook = load_codebook(settings.codebook)
    cb_name, open_name = prompt_names(settings)
    base = load_prompt(cb_name, settings.prompts_dir)
    open_prompt = load_prompt(open_name, settings.prompts_dir) if settings.also_open else None
    try:
        examples = _example_messages(base)
        base.system_template.render()
        _render_user(base.user_template, codebook, "[1] (test)", "")
    except jinja2.TemplateError as exc:  # e.g. a variable the templates do not get
        raise PromptError(f"prompt {base.name!r} does not render: {_one_line(exc)}") from None
    return CodebookPrompt(
        name=base.name + (f"+{open_prompt.name}" if open_prompt is not None else ""),
        folder=base.folder,
        hash=prompt_identity(base.hash, codebook, open_prompt),
        system_template=base.system_template,
        user_template=base.user_template,
        examples=base.examples,
        codebook=codebook,
        codebook_path=str(settings.codebook or ""),
        template_hash=base.hash,
        example_messages=examples,
        open_prompt=open_prompt,
    )


def batch_prompt(settings: Settings) -> Prompt | None:
    """The prompt a batch run should record and compare for resume: the codebook prompt, or None (open mode).

    Pass it as ``run_batch(..., prompt=batch_prompt(settings))``; raises
    ``CodebookError``/``PromptError`` (one line) for a bad codebook or prompt.
    """
    if settings.codebook is None:
        if settings.also_open:
            raise CodebookError("--also-open needs a codebook (--codebook FILE)")
        return None
    return load_codebook_prompt(settings)


# ---------------------------------------------------------------------------
# One article
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodebookPoint:
    """A model statement resolved to a sentence of the article and a codebook claim."""

    sentence: Sentence
    who: str
    claim: CodebookClaim
    stance: str


def point_sentence(sentences: Sequence[Sentence], number: int, who: str, claim: str, *, headline: bool) -> Sentence | None:
    """The sentence a statement belongs to, near the number given (small models miscount; see the penalty)."""
    from stance.extraction.pipeline import repoint

    return repoint(sentences, number, who, claim, headline=headline, distance_penalty=POINTER_DISTANCE_PENALTY)


def point_statements(
    chunk: Chunk, statements: Sequence[CodebookStatement], codebook: Codebook, *, headline: bool
) -> list[CodebookPoint]:
    """Resolve one chunk's answer: unknown ids and numbers far outside the chunk are dropped, repeats removed."""
    points: list[CodebookPoint] = []
    seen: set[tuple[int, str, str, str]] = set()
    for st in statements:
        claim = codebook.get(st.c)
        who = st.who.strip()
        if claim is None or not who:
            continue
        sentence = point_sentence(chunk.sentences, st.s, who, claim.text, headline=headline)
        if sentence is None:
            continue
        key = (sentence.n, who.casefold(), claim.id, st.stance)
        if key not in seen:
            seen.add(key)
            points.append(CodebookPoint(sentence=sentence, who=who, claim=claim, stance=st.stance))
    return points


def merge_points(text: str, points: Sequence[CodebookPoint], codebook: Codebook) -> tuple[list[Actor], list[Claim]]:
    """Canonical actors, then one claim per codebook id (codebook order), one stance per (actor, label).

    The same actor with different labels on one claim (say, support in one
    chunk and oppose in another) keeps both stances with their evidence;
    tables show such a cell as ``mixed``. Codebook claims nobody addressed are left out.
    """
    from stance.extraction.pipeline import _evidence_for

    mapping, actors = canonicalise([p.who for p in points], text)
    by_id: dict[str, Claim] = {}
    for p in sorted(points, key=lambda p: p.sentence.n):
        actor = mapping.get(p.who, p.who)
        claim = by_id.setdefault(p.claim.id, Claim(id=p.claim.id, text=p.claim.text, codebook_id=p.claim.id))
        evidence = _evidence_for(text, p.sentence, p.claim.text)
        existing = next((s for s in claim.stances if s.actor == actor and s.stance == p.stance), None)
        if existing is None:
            claim.stances.append(Stance(actor=actor, stance=p.stance, evidence=[evidence]))  # type: ignore[arg-type]
        elif all((e.start, e.end) != (evidence.start, evidence.end) for e in existing.evidence):
            existing.evidence.append(evidence)
    claims = [by_id[c.id] for c in codebook.claims if c.id in by_id]
    used = {s.actor for c in claims for s in c.stances}
    return [a for a in actors if a.name in used], claims


def _ask(chunks: list[Chunk], prompt: CodebookPrompt, llm: LLMClient, settings: Settings) -> list[ChatResult]:
    from stance.model.client import LLMError
    from stance.extraction.pipeline import ExtractionError

    def run_chunk(chunk: Chunk) -> ChatResult:
        note = ""
        if len(chunks) > 1:
            note = f"(This is part of a longer article: sentences {chunk.sentences[0].n} to {chunk.sentences[-1].n}.)"
        return llm.complete_json(prompt.messages(number_sentences(chunk.sentences), context_note=note), prompt.answer_model)

    workers = max(1, min(len(chunks), settings.parallel))
    try:
        if workers == 1:
            return [run_chunk(c) for c in chunks]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(run_chunk, chunks))
    except LLMError as exc:
        raise ExtractionError(exc.kind, exc.message, attempts=exc.attempts, raw_output=exc.raw_output) from None


def _unique_id(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate.casefold() in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    taken.add(candidate.casefold())
    return candidate


def combine_with_open(
    text: str, actors: list[Actor], claims: list[Claim], open_result: ArticleResult
) -> tuple[list[Actor], list[Claim]]:
    """Codebook claims first, then the open ones (ids ``open-c1``, ...), with actor names made consistent."""
    names = [a.name for a in actors] + [a.name for a in open_result.actors]
    names += [alias for a in [*actors, *open_result.actors] for alias in a.aliases]
    mapping, all_actors = canonicalise(names, text)
    taken = {c.id.casefold() for c in claims}
    renamed = [c.model_copy(update={"id": _unique_id(f"open-{c.id}", taken)}, deep=True) for c in open_result.claims]
    merged: list[Claim] = []
    for claim in [*(c.model_copy(deep=True) for c in claims), *renamed]:
        stances: list[Stance] = []
        for st in claim.stances:
            actor = mapping.get(st.actor, st.actor)
            same = next((s for s in stances if s.actor == actor and s.stance == st.stance), None)
            if same is None:
                stances.append(st.model_copy(update={"actor": actor}))
            else:
                same.evidence.extend(e for e in st.evidence if (e.start, e.end) not in {(x.start, x.end) for x in same.evidence})
        merged.append(claim.model_copy(update={"stances": stances}))
    used = {s.actor for c in merged for s in c.stances}
    return [a for a in all_actors if a.name in used], merged


def _prompt_for(prompt: Prompt, settings: Settings) -> CodebookPrompt:
    """The given prompt if it is bound to the settings' codebook, else one loaded from the settings."""
    from stance.extraction.pipeline import ExtractionError

    if (
        isinstance(prompt, CodebookPrompt) and prompt.codebook_path == str(settings.codebook)
        and (prompt.open_prompt is not None) == settings.also_open
    ):
        return prompt
    try:
        return load_codebook_prompt(settings)
    except (CodebookError, PromptError) as exc:
        raise ExtractionError("codebook", str(exc)) from None


def extract_codebook_text(
    text: str, article: ArticleInfo, *, llm: LLMClient, prompt: Prompt, settings: Settings
) -> ArticleResult:
    """Codebook extraction of one article (``stance.extraction.pipeline.extract_text`` sends it here when ``settings.codebook`` is set).

    ``prompt`` should be ``load_codebook_prompt(settings)`` (what batch runs
    pass); any other prompt is replaced by it. Raises ``ExtractionError``.
    """
    from stance.extraction.pipeline import ExtractionError, chunk_sentences, extract_text, provenance_of

    started = time.monotonic()
    cb_prompt = _prompt_for(prompt, settings)
    sentences = split_sentences(text)
    if not sentences:
        raise ExtractionError("empty", "the article has no text")
    chunks = chunk_sentences(sentences, text, settings.chunk_tokens)
    answers = _ask(chunks, cb_prompt, llm, settings)
    headline = "\n" in text.strip()  # FORMAT: first line is the headline, never evidence
    points: list[CodebookPoint] = []
    for chunk, answer in zip(chunks, answers):
        points.extend(point_statements(chunk, answer.answer.statements, cb_prompt.codebook, headline=headline))  # type: ignore[attr-defined]
    actors, claims = merge_points(text, points, cb_prompt.codebook)
    open_result = None
    if cb_prompt.open_prompt is not None:
        open_settings = settings.model_copy(update={"codebook": None, "also_open": False})
        open_result = extract_text(text, article, llm=llm, prompt=cb_prompt.open_prompt, settings=open_settings)
        actors, claims = combine_with_open(text, actors, claims, open_result)
    params = {
        **settings.request_params(), "chunks": len(chunks), "response_format": llm.response_format_mode,
        "codebook_claims": len(cb_prompt.codebook.claims), "codebook_sha256": cb_prompt.codebook.digest()[:16],
        "also_open": cb_prompt.open_prompt is not None,
    }
    provenance = provenance_of(answers, llm=llm, prompt=PromptInfo(name=cb_prompt.name, hash=cb_prompt.hash),
                               params=params, started=started)
    if open_result is not None:  # the open pass's requests count too
        opened = open_result.provenance
        provenance = provenance.model_copy(update={
            "usage": provenance.usage + opened.usage,
            "attempts": max(provenance.attempts, opened.attempts),
            "cached": provenance.cached and opened.cached,
        })
    return ArticleResult(article=article, actors=actors, claims=claims, provenance=provenance)



# ---------------------------------------------------------------------------
# Batches: one codebook for a corpus, or one per fixture (codebook-mode evals)
# ---------------------------------------------------------------------------


def run_codebook_batch(
    inputs: Sequence[str | Path], out_dir: str | Path, settings: Settings, **options: Any
) -> RunSummary:
    """``run_batch`` with the codebook prompt of ``settings`` (resume and manifest keyed on the codebook)."""
    from stance.runs.batch import BatchError, run_batch

    try:
        prompt = batch_prompt(settings)
    except (CodebookError, PromptError) as exc:
        raise BatchError(str(exc)) from None
    return run_batch(inputs, out_dir, settings, prompt=prompt, **options)


def _merge_manifests(manifests: list[RunManifest], prompt: PromptInfo) -> RunManifest:
    """One manifest for the per-fixture batches written into one run folder: counts and tokens summed."""
    from stance.runs.manifest import RunCounts, RunManifest

    first, last = manifests[0], manifests[-1]
    counts = RunCounts()
    kinds: dict[str, int] = {}
    for m in manifests:
        for name in RunCounts.model_fields:
            setattr(counts, name, getattr(counts, name) + getattr(m.counts, name))
        for kind, n in m.failures_by_kind.items():
            kinds[kind] = kinds.get(kind, 0) + n
    status = next((s for s in ("aborted", "interrupted") if any(m.status == s for m in manifests)), "finished")
    return RunManifest(
        stance_version=first.stance_version, status=status, interrupted=status == "interrupted",  # type: ignore[arg-type]
        error=next((m.error for m in manifests if m.error), None), started=first.started, finished=last.finished,
        seconds=round(sum(m.seconds for m in manifests), 3), inputs=[i for m in manifests for i in m.inputs],
        files=sum(m.files for m in manifests), files_unread=sum(m.files_unread for m in manifests),
        model=last.model, endpoint=last.endpoint, prompt=prompt, workers=last.workers,
        options={**last.options, "codebooks": "per fixture (gold claims), in codebooks/"}, config=last.config,
        counts=counts, failures_by_kind=dict(sorted(kinds.items())),
        usage=sum((m.usage for m in manifests), Usage()), cached_usage=sum((m.cached_usage for m in manifests), Usage()),
        requests=sum(m.requests for m in manifests), retries=sum(m.retries for m in manifests),
        cache_hits=sum(m.cache_hits for m in manifests),
    )


def extract_fixtures_with_gold_codebooks(
    fixtures: Sequence[Fixture],
    fixtures_dir: str | Path,
    out_dir: str | Path,
    settings: Settings,
    *,
    workers: int | None = None,
    force: bool = False,
    quiet: bool = False,
    console: Console | None = None,
) -> RunSummary:
    """Codebook-mode eval extraction: each fixture's article with its own gold claims as the codebook.

    The codebooks are written to ``OUT/codebooks/NAME.json``; every article
    goes through ``run_batch`` (resumable, cached) into the one run folder,
    sharing one model connection, and ``OUT/manifest.json`` sums them up.
    """
    from rich.console import Console

    from stance.runs.batch import BatchError, RunFolder, RunSummary, expected_model_name, print_summary, run_batch
    from stance.runs.inputs import Article, iter_articles, safe_file_name

    out = Path(out_dir)
    plans: list[tuple[Path, CodebookPrompt, Settings]] = []
    for fixture in fixtures:
        book = write_codebook(gold_codebook(fixture), out / "codebooks" / f"{fixture.name}.json")
        fixture_settings = settings.model_copy(update={"codebook": book})
        try:
            plans.append((Path(fixtures_dir) / fixture.gold.article, load_codebook_prompt(fixture_settings), fixture_settings))
        except (CodebookError, PromptError) as exc:
            raise BatchError(f"fixture {fixture.name}: {exc}") from None

    def done_already(path: Path, prompt: CodebookPrompt, model: str) -> bool:
        folder = RunFolder(out)
        for item in iter_articles([path]):
            if not isinstance(item, Article):
                return False
            result = folder.read_result(safe_file_name(item.id)) if folder.results.is_dir() else None
            if result is None or result.article.sha256 != item.sha256 or result.provenance.model != model \
                    or result.provenance.prompt.hash != prompt.hash:
                return False
        return True

    model = expected_model_name(settings)
    needs_model = force or not all(done_already(path, prompt, model) for path, prompt, _ in plans)
    shown = None if quiet else (console or Console(stderr=True))
    summaries: list[RunSummary] = []
    with contextlib.ExitStack() as stack:
        llm = None
        if needs_model:  # one connection for all fixtures: the embedded server starts once
            from stance.model.embedded import EmbeddedModelError
            from stance.model.client import LLMError, connect

            try:
                llm = stack.enter_context(connect(settings))
            except (LLMError, EmbeddedModelError) as exc:
                raise BatchError(str(exc)) from None
        for i, (path, prompt, fixture_settings) in enumerate(plans, start=1):
            summary = run_batch([path], out, fixture_settings, workers=workers, force=force, quiet=True, llm=llm,
                                prompt=prompt)
            summaries.append(summary)
            if shown is not None:
                c = summary.counts
                shown.print(f"codebook eval {i}/{len(plans)} {path.name}: done {c.done}, skipped {c.skipped}, "
                            f"failed {c.failed} ({summary.manifest.seconds:.1f} s)", highlight=False)
            if summary.manifest.status != "finished":
                break
    manifest = _merge_manifests([s.manifest for s in summaries], PromptInfo(name=plans[0][1].name.split("+")[0],
                                                                             hash=plans[0][1].template_hash))
    RunFolder(out).write_manifest(manifest)
    merged = RunSummary(out_dir=out, manifest=manifest, failures=[f for s in summaries for f in s.failures],
                        abandoned=sum(s.abandoned for s in summaries))
    if shown is not None:
        print_summary(merged, shown)
    return merged
