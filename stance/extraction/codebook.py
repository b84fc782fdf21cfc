"""Codebooks: the claims a user chooses, as a Pydantic model, and the files they are kept in.

A codebook is a small file of claims with ids (YAML, JSON or one claim per
line in .txt, see docs/codebook.md), or a ``Codebook`` built in memory:
``Codebook(claims=[CodebookClaim(id="tax", text="The city should raise the fuel tax.")])``.
Codebook mode (``stance.extraction.codebook_mode``) gives every result claim
the codebook id and text, so tables line up across thousands of articles.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from stance.files import write_atomic

CODEBOOK_SUFFIXES = (".yaml", ".yml", ".json", ".txt")
MAX_ID_CHARS = 40
MAX_TEXT_CHARS = 400
MAX_DESCRIPTION_CHARS = 1000
MAX_EXAMPLES = 5


class CodebookError(ValueError):
    """A codebook that cannot be used; the message is one line naming the file."""


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


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def validation_message(exc: ValidationError, data: Any) -> str:
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
    return one_line(f"{where}{field_name + ': ' if field_name else ''}{message}")


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
            raise CodebookError(f"not valid YAML ({one_line(getattr(exc, 'problem', None) or exc)}{at})") from None
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
        raise CodebookError(validation_message(exc, data)) from None


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
    """Write a codebook as JSON (readable by ``load_codebook``), atomically; only when its content changed."""
    file = Path(path)
    data = json.dumps(codebook.model_dump(mode="json", exclude_defaults=True), indent=2, ensure_ascii=False) + "\n"
    with contextlib.suppress(OSError):
        if file.read_text(encoding="utf-8") == data:
            return file
    return write_atomic(file, data)
