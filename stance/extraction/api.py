"""Public API for extracting articles: the functions a notebook user calls.

``extract_texts`` keeps one model connection open for many articles (the
embedded server takes seconds to start); ``extract_file`` is the one-liner.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from stance.config import Settings, load_settings
from stance.model.client import LLMClient, connect
from stance.extraction.pipeline import ExtractionError, article_info, extract_text
from stance.extraction.prompts import Prompt, load_prompt
from stance.results import ArticleInfo, ArticleResult


@dataclass(frozen=True)
class ArticleText:
    info: ArticleInfo
    text: str


@dataclass(frozen=True)
class Failure:
    article_id: str
    path: str
    kind: str
    message: str
    attempts: int = 0
    raw_output: str | None = None


def read_text_file(path: Path) -> ArticleText:
    """A UTF-8 text article; offsets in results refer to this text (newlines normalised to \\n)."""
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return ArticleText(info=article_info(text, path.name, str(path)), text=text)


def extract_many(
    articles: Iterable[ArticleText], llm: LLMClient, prompt: Prompt, settings: Settings
) -> Iterator[ArticleResult | Failure]:
    for article in articles:
        try:
            yield extract_text(article.text, article.info, llm=llm, prompt=prompt, settings=settings)
        except ExtractionError as exc:
            yield Failure(article.info.id, article.info.path, exc.kind, exc.message, exc.attempts, exc.raw_output)


def extract_texts(articles: Iterable[ArticleText], settings: Settings | None = None) -> list[ArticleResult | Failure]:
    settings = settings or load_settings()
    prompt = load_prompt(settings.prompt_name, settings.prompts_dir)
    with connect(settings) as llm:
        return list(extract_many(articles, llm, prompt, settings))


def extract_file(path: str | Path, settings: Settings | None = None) -> ArticleResult:
    """Extract one text file; raises ``ExtractionError`` on failure."""
    (outcome,) = extract_texts([read_text_file(Path(path))], settings)
    if isinstance(outcome, Failure):
        raise ExtractionError(outcome.kind, outcome.message, attempts=outcome.attempts, raw_output=outcome.raw_output)
    return outcome
