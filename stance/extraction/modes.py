"""Which mode extracts, derived from the settings in one place: the batch runner and the API both ask here.

The mode carries the prompt identity results record and batch resume
compares, so deciding it twice (once to compare, once to extract) cannot
disagree: the bug where a codebook run compared the open prompt's hash.
"""

from __future__ import annotations

from stance.config import Settings
from stance.extraction.article import Mode
from stance.extraction.codebook import Codebook, CodebookError
from stance.extraction.codebook_mode import CodebookMode, CodebookPrompt, load_codebook_prompt
from stance.extraction.open_mode import OpenMode
from stance.extraction.prompts import Prompt, load_prompt


def load_mode(settings: Settings, *, codebook: Codebook | None = None, prompt: Prompt | None = None) -> Mode:
    """Codebook mode when ``prompt`` is a codebook prompt, or a codebook is given (``codebook``, else
    ``settings.codebook``); open mode otherwise, with ``prompt`` or the settings' prompt folder.

    Raises ``CodebookError`` or ``PromptError`` (one line) for a bad codebook or prompt.
    """
    if isinstance(prompt, CodebookPrompt):
        return CodebookMode(prompt, settings.chunk_tokens, settings.window_candidates)
    if codebook is not None or settings.codebook is not None:
        return CodebookMode(load_codebook_prompt(settings, codebook), settings.chunk_tokens, settings.window_candidates)
    if settings.also_open:
        raise CodebookError("--also-open needs a codebook (--codebook FILE)")
    return OpenMode(prompt or load_prompt(settings.prompt_name, settings.prompts_dir), settings.window_candidates,
                    claims_in=settings.claims_in)
