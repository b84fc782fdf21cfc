"""Which mode extracts, derived from the settings in one place: the batch runner and the API both ask here.

The mode carries the prompt identity results record and batch resume
compares, so deciding it twice (once to compare, once to extract) cannot
disagree: the bug where a codebook run compared the open prompt's hash.
"""

from __future__ import annotations

from stance.config import Settings
from stance.extraction.article import Mode
from stance.extraction.codebook import Codebook, CodebookError
from stance.extraction.codebook_mode import (
    CODEBOOK_PROMPT,
    CodebookMode,
    CodebookPrompt,
    RetrievalCodebookMode,
    load_codebook_prompt,
    load_retrieval_mode,
)
from stance.extraction.open_mode import OpenMode
from stance.extraction.prompts import Prompt, load_prompt

CodebookModes = CodebookMode | RetrievalCodebookMode


def load_mode(settings: Settings, *, codebook: Codebook | None = None, prompt: Prompt | None = None) -> Mode:
    """Codebook mode when ``prompt`` is a codebook prompt, or a codebook is given (``codebook``, else
    ``settings.codebook``); open mode otherwise, with ``prompt`` or the settings' prompt folder.

    Codebook mode codes open mode's statements against the codebook (``settings.codebook_method``
    "retrieve", the default) or gives the model the codebook ("ask", or a ``--prompt codebook*`` folder).

    Raises ``CodebookError`` or ``PromptError`` (one line) for a bad codebook or prompt.
    """
    if isinstance(prompt, CodebookPrompt):
        return CodebookMode(prompt, settings.chunk_tokens, settings.window_candidates)
    if codebook is not None or settings.codebook is not None:
        return load_codebook_mode(settings, codebook)
    if settings.also_open:
        raise CodebookError("--also-open needs a codebook (--codebook FILE)")
    return OpenMode(prompt or load_prompt(settings.prompt_name, settings.prompts_dir), settings.window_candidates,
                    claims_in=settings.claims_in)


def load_codebook_mode(settings: Settings, codebook: Codebook | None = None) -> CodebookModes:
    """Codebook mode for ``settings.codebook`` (or ``codebook``) by the settings' method."""
    asks = settings.codebook_method == "ask" or (settings.prompt or "").startswith(CODEBOOK_PROMPT)
    if not asks:
        return load_retrieval_mode(settings, codebook)
    return CodebookMode(load_codebook_prompt(settings, codebook), settings.chunk_tokens, settings.window_candidates)
