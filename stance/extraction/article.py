"""The one per-article skeleton every mode shares: split, plan requests, ask in parallel, merge, provenance.

A mode (``OpenMode``, ``CodebookMode``) is an object passed in: it turns an
article into requests and their answers into actors and claims. Everything
else (the empty-article rule, parallel slots, turning a model failure into
``ExtractionError``, provenance) happens here, once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from stance._version import __version__
from stance.config import Settings
from stance.extraction.merging import attribute_to_author
from stance.model.errors import LLMError
from stance.results import Actor, ArticleInfo, ArticleResult, Claim, PromptInfo, Provenance, Usage
from stance.text.languages import DEFAULT, detect_language
from stance.text.sentences import Sentence, split_sentences

if TYPE_CHECKING:  # the client imports openai (~0.4 s); only a caller that extracts needs it
    from stance.model.client import ChatResult, LLMClient


class ExtractionError(LLMError):
    """One article failed for good: a model call's ``LLMError`` carried over, or the text itself (``empty``)."""


@dataclass(frozen=True)
class Article:
    """One article ready for extraction; evidence offsets index into ``text``.

    The loaders (``stance.runs.inputs``) make these from files; ``from_text``
    makes one from a string.
    """

    id: str
    path: str
    title: str
    text: str
    sha256: str
    encoding: str = "utf-8"  # how the bytes were decoded ("json" for JSON records' strings)
    author: str | None = None  # who the document speaks for ("I", "we"); None for a news report
    date: str | None = None  # when it was published, ISO 8601, from the input's metadata; None when unknown

    @classmethod
    def from_text(
        cls, text: str, article_id: str, path: str | None = None, title: str | None = None, author: str | None = None,
        date: str | None = None,
    ) -> Article:
        """An article from a string (title: its first line, unless given; ``author``: who its "I" is, if anyone;
        ``date``: when it was published, ISO 8601)."""
        info = article_info(text, article_id, path if path is not None else article_id, title, author, date)
        return cls(id=info.id, path=info.path, title=info.title, text=text, sha256=info.sha256, author=info.author,
                   date=info.date)

    @property
    def info(self) -> ArticleInfo:
        """What a result records about the article."""
        return ArticleInfo(id=self.id, path=self.path, sha256=self.sha256, title=self.title, author=self.author,
                           date=self.date)


def article_info(
    text: str, article_id: str, path: str, title: str | None = None, author: str | None = None,
    date: str | None = None,
) -> ArticleInfo:
    """An article's identity: id, path, SHA-256 of its text, its title (first line unless given), author and date."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return ArticleInfo(
        id=article_id,
        path=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=title if title is not None else first_line[:300],
        author=(" ".join(author.split()) or None) if author is not None else None,
        date=date or None,
    )


def with_author(article: ArticleInfo, settings: Settings) -> ArticleInfo:
    """The article as its result records it: its own author (metadata), else the run's ``settings.speaker``."""
    speaker = " ".join((settings.speaker or "").split())
    if article.author or not speaker:
        return article
    return article.model_copy(update={"author": speaker})


@dataclass(frozen=True)
class SplitArticle:
    """An article's text and its numbered sentences; ``headline``: its first line is a headline, never evidence.

    ``author``: who the document speaks for (``ArticleInfo.author``); a mode tells the model, and its "I"/"we"
    statements are theirs (``merging.attribute_to_author``). None: a news report, extracted as always.
    """

    text: str
    sentences: list[Sentence]
    headline: bool
    author: str | None = None
    language: str = DEFAULT  # ISO 639-1 (ArticleInfo.language): whose word lists the rule pass reads


def split_article(text: str, author: str | None = None, language: str = DEFAULT) -> SplitArticle:
    """Sentences of ``text`` by ``language``'s rules; raises ``ExtractionError('empty')`` when there are none."""
    sentences = split_sentences(text, language)
    if not sentences:
        raise ExtractionError("empty", "the article has no text")
    # FORMAT: first line = headline
    return SplitArticle(text=text, sentences=sentences, headline="\n" in text.strip(), author=author or None,
                        language=language)


def with_language(article: ArticleInfo, text: str, settings: Settings) -> ArticleInfo:
    """The article with its language: ``settings.language`` (--language) if given, else detected from ``text``."""
    return article.model_copy(update={"language": settings.language or detect_language(text)})


@dataclass(frozen=True)
class AuthoredPlan:
    """Any mode's plan for a document with an author: its "I" and "we" statements are the author's, whatever the
    mode and the model said (``merging.attribute_to_author``)."""

    plan: ArticlePlan
    article: SplitArticle
    author: str

    @property
    def requests(self) -> Sequence[Request]:
        return self.plan.requests

    @property
    def one_slot(self) -> bool:
        return getattr(self.plan, "one_slot", False)

    def merge(self, answers: Sequence[BaseModel]) -> tuple[list[Actor], list[Claim]]:
        actors, claims = self.plan.merge(answers)
        return attribute_to_author(self.article.sentences, actors, claims, self.author, headline=self.article.headline)

    def params(self, response_format: str) -> dict[str, Any]:
        return self.plan.params(response_format)


def plan_article(mode: Mode, text: str, article: ArticleInfo, settings: Settings) -> tuple[ArticleInfo, ArticlePlan]:
    """The article as its result will record it (``with_author``) and ``mode``'s plan for it."""
    article = with_language(with_author(article, settings), text, settings)
    split = split_article(text, author=article.author, language=article.language or DEFAULT)
    plan = mode.plan(split)
    return article, AuthoredPlan(plan, split, article.author) if article.author else plan


@dataclass(frozen=True)
class Request:
    """One model request: the messages, the answer model, and the sentences its numbers may point at."""

    messages: list[dict[str, str]]
    answer_model: type[BaseModel]
    sentences: list[Sentence]


class ArticlePlan(Protocol):
    """One article under one mode: its requests, and how their answers become actors and claims."""

    @property
    def requests(self) -> Sequence[Request]: ...

    def merge(self, answers: Sequence[BaseModel]) -> tuple[list[Actor], list[Claim]]:
        """Actors and claims from the answers, one per request, in order."""
        ...

    def params(self, response_format: str) -> dict[str, Any]:
        """What provenance records about this mode's requests (after the sampling parameters)."""
        ...


class Mode(Protocol):
    """An extraction mode: the prompt identity results record, and a plan per article."""

    @property
    def prompt_info(self) -> PromptInfo: ...

    def plan(self, article: SplitArticle) -> ArticlePlan: ...


def ask(llm: LLMClient, requests: Sequence[Request], parallel: int, *, one_slot: bool = False) -> list[ChatResult]:
    """Every request's answer, in order, up to ``parallel`` at once; a failure raises ``ExtractionError``.

    ``one_slot``: the requests share a long prefix (the article), so they go one after another to one server
    slot, which reads that prefix once (``LLMClient.pinned_slot``); other articles may use the other slots.
    """

    def one(request: Request) -> ChatResult:
        return llm.complete_json(request.messages, request.answer_model)

    workers = max(1, min(len(requests), parallel))
    try:
        if one_slot and llm.slots:
            with llm.pinned_slot():
                return [one(r) for r in requests]
        if workers == 1:
            return [one(r) for r in requests]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, requests))
    except LLMError as exc:
        raise ExtractionError(exc.kind, exc.message, attempts=exc.attempts, raw_output=exc.raw_output) from None


def provenance_of(
    answers: Sequence[ChatResult], *, llm: LLMClient, prompt: PromptInfo, params: dict[str, Any], started: float
) -> Provenance:
    """Where one article's result came from: usage summed, the most attempts, cached only if every answer was."""
    return Provenance(
        model=llm.model_name,
        endpoint=llm.endpoint_label,
        prompt=prompt,
        params=params,
        usage=sum((a.usage for a in answers), Usage()),
        attempts=max((a.attempts for a in answers), default=1),
        seconds=round(time.monotonic() - started, 3),
        cached=all(a.cached for a in answers),
        stance_version=__version__,
    )


def extract_with(mode: Mode, text: str, article: ArticleInfo, *, llm: LLMClient, settings: Settings) -> ArticleResult:
    """Extract one article with ``mode``. Raises ``ExtractionError`` with a kind and a one-line message."""
    started = time.monotonic()
    article, plan = plan_article(mode, text, article, settings)
    answers = ask(llm, plan.requests, settings.parallel, one_slot=getattr(plan, "one_slot", False))
    return article_result(mode, plan, answers, article, llm=llm, settings=settings, started=started)


def article_result(
    mode: Mode, plan: ArticlePlan, answers: Sequence[ChatResult], article: ArticleInfo, *, llm: LLMClient,
    settings: Settings, started: float,
) -> ArticleResult:
    """The result from a plan's answers, one per request (online, or read back from batch files)."""
    actors, claims = plan.merge([a.answer for a in answers])
    params = {**settings.request_params(), **plan.params(llm.response_format_mode)}
    provenance = provenance_of(answers, llm=llm, prompt=mode.prompt_info, params=params, started=started)
    return ArticleResult(article=article, actors=actors, claims=claims, provenance=provenance)
