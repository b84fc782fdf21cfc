"""stance: who claims what, and who takes which side, from news articles.

The public Python API (walk-through: docs/api.md)::

    import stance

    settings = stance.load_settings(model="gpt-4o-mini")      # endpoint from OPENAI_BASE_URL / OPENAI_API_KEY
    result = stance.extract_file("article.txt", settings)      # an ArticleResult
    stance.run_batch(["articles/"], "runs/demo", settings)     # a resumable run folder
    stance.load_run("runs/demo").table("wide")                 # actors x claims, a pandas DataFrame

The names live in the package's rooms (``stance.extraction``, ``stance.runs``,
``stance.corpus``, ...) and are re-exported here. ``import stance`` stays cheap:
each name is imported on first use (PEP 562), so neither the model client nor
pydantic loads until something needs it. The CLI is a thin layer over these.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stance._version import __version__

# public name -> the module that defines it
_EXPORTS: dict[str, str] = {
    # configuration
    "Settings": "stance.config",
    "load_settings": "stance.config",
    # extracting articles
    "Article": "stance.extraction.article",
    "extract_file": "stance.extraction.api",
    "extract_text": "stance.extraction.api",
    "extract_texts": "stance.extraction.api",
    "ExtractionError": "stance.extraction.article",
    "PromptError": "stance.extraction.prompts",
    # codebook mode
    "Codebook": "stance.extraction.codebook",
    "CodebookClaim": "stance.extraction.codebook",
    "CodebookExamples": "stance.extraction.codebook",
    "CodebookError": "stance.extraction.codebook",
    "load_codebook": "stance.extraction.codebook",
    # run folders
    "run_batch": "stance.runs.batch",
    "BatchError": "stance.runs.errors",
    "RunSummary": "stance.runs.summary",
    "LoadOptions": "stance.runs.inputs",
    # a run as typed objects and tables
    "Run": "stance.corpus",
    "load_run": "stance.corpus",
    # the result format
    "ArticleResult": "stance.results",
    "ArticleInfo": "stance.results",
    "Actor": "stance.results",
    "Claim": "stance.results",
    "Stance": "stance.results",
    "Evidence": "stance.results",
    "Provenance": "stance.results",
    "PromptInfo": "stance.results",
    "Usage": "stance.results",
    "FailureRecord": "stance.results",
}

__all__ = [  # the same names as _EXPORTS, spelled out for linters and type checkers
    "__version__",
    "Settings", "load_settings", "Article", "extract_file", "extract_text", "extract_texts",
    "ExtractionError", "PromptError", "Codebook", "CodebookClaim", "CodebookExamples", "CodebookError",
    "load_codebook", "run_batch", "BatchError", "RunSummary", "LoadOptions", "Run", "load_run",
    "ArticleResult", "ArticleInfo", "Actor", "Claim", "Stance", "Evidence", "Provenance", "PromptInfo",
    "Usage", "FailureRecord",
]

if TYPE_CHECKING:
    from stance.config import Settings, load_settings
    from stance.corpus import Run, load_run
    from stance.extraction.api import extract_file, extract_text, extract_texts
    from stance.extraction.article import Article, ExtractionError
    from stance.extraction.codebook import Codebook, CodebookClaim, CodebookError, CodebookExamples, load_codebook
    from stance.extraction.prompts import PromptError
    from stance.results import (
        Actor,
        ArticleInfo,
        ArticleResult,
        Claim,
        Evidence,
        FailureRecord,
        PromptInfo,
        Provenance,
        Stance,
        Usage,
    )
    from stance.runs.batch import run_batch
    from stance.runs.errors import BatchError
    from stance.runs.inputs import LoadOptions
    from stance.runs.summary import RunSummary


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, then keep it here."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stance' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
