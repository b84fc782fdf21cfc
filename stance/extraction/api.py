"""Public API for extracting articles: the functions a notebook user calls.

``extract_texts`` keeps one model connection open for many articles (the
embedded server takes seconds to start); ``extract_file`` is the one-liner;
``extract_text`` extracts one article with a client you opened. A failed
article is a ``stance.results.FailureRecord`` (the record batch runs write),
or an ``ExtractionError`` from the single-article calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from stance.config import Settings, load_settings
from stance.extraction.article import Article, ExtractionError, Mode, extract_with
from stance.extraction.codebook import Codebook, CodebookError
from stance.extraction.modes import load_mode
from stance.extraction.prompts import Prompt, PromptError
from stance.model.client import LLMClient, connect
from stance.results import ArticleInfo, ArticleResult, FailureRecord


def extract_text(
    text: str,
    article: ArticleInfo,
    *,
    llm: LLMClient,
    settings: Settings,
    prompt: Prompt | None = None,
    codebook: Codebook | None = None,
) -> ArticleResult:
    """Extract one article; the mode comes from ``load_mode(settings, codebook=..., prompt=...)``.

    Raises ``ExtractionError`` with a kind and a one-line message (kind
    ``codebook`` for a codebook or codebook prompt that cannot be used).
    """
    try:
        mode = load_mode(settings, codebook=codebook, prompt=prompt)
    except (CodebookError, PromptError) as exc:
        raise ExtractionError("codebook" if settings.codebook or codebook else "config", str(exc)) from None
    return extract_with(mode, text, article, llm=llm, settings=settings)


def read_text_file(path: Path) -> Article:
    """A UTF-8 text article; offsets in results refer to this text (newlines normalised to \\n)."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return Article.from_text(text, path.name, str(path))


def extract_many(
    articles: Iterable[Article], llm: LLMClient, mode: Mode, settings: Settings
) -> Iterator[ArticleResult | FailureRecord]:
    """Each article's result, or its failure record, in order."""
    for article in articles:
        try:
            yield extract_with(mode, article.text, article.info, llm=llm, settings=settings)
        except ExtractionError as exc:
            yield FailureRecord(
                article_id=article.id, path=article.path, kind=exc.kind, message=exc.message, attempts=exc.attempts,
                raw_output=exc.raw_output, stage="extract", sha256=article.sha256, model=llm.model_name,
                prompt_hash=mode.prompt_info.hash,
            )


def extract_texts(
    articles: Iterable[Article], settings: Settings | None = None, *, codebook: Codebook | None = None
) -> list[ArticleResult | FailureRecord]:
    """Extract articles over one model connection; raises ``CodebookError``/``PromptError`` before connecting."""
    settings = settings or load_settings()
    mode = load_mode(settings, codebook=codebook)
    with connect(settings) as llm:
        return list(extract_many(articles, llm, mode, settings))


def extract_file(path: str | Path, settings: Settings | None = None, *, codebook: Codebook | None = None) -> ArticleResult:
    """Extract one text file; raises ``ExtractionError`` on failure."""
    (outcome,) = extract_texts([read_text_file(Path(path))], settings, codebook=codebook)
    if isinstance(outcome, FailureRecord):
        raise ExtractionError(outcome.kind, outcome.message, attempts=outcome.attempts, raw_output=outcome.raw_output)
    return outcome
