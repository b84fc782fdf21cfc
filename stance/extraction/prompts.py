"""Jinja prompt templates: one folder per prompt under ``prompts/``.

A prompt folder holds ``system.j2``, ``user.j2`` and ``examples.json``
(few-shot examples kept as data: an article and the answer we want). A
prompt's identity is its name plus a hash of those sources, recorded in every
result, so a changed template never hides behind an old name.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from pydantic import ValidationError

from stance.extraction.answers import AnswerShape, ModelAnswer, answer_shape_of
from stance.text.attribution import find_candidates, render_lines
from stance.text.languages import language_name
from stance.text.sentences import split_sentences

PROMPT_FILES = ("system.j2", "user.j2", "examples.json")

# The article goes inside an <article> ... </article> fence as data. A fence tag in
# the text would close the fence early (what follows reads as instructions), and a
# chat-template token such as "<|im_start|>" can open a new turn on servers that
# parse special tokens in messages. Both lose their "<"; offsets are unaffected
# (they index the article, not the prompt) and the length stays the same.
_FENCE_BREAKERS = re.compile(r"<(?=\s*/?\s*article\b|\|)", re.IGNORECASE)


def fence_text(text: str) -> str:
    """Article text that cannot end the prompt's fence or forge a chat turn: such a ``<`` becomes ``‹``."""
    return _FENCE_BREAKERS.sub("\u2039", text)


class PromptError(RuntimeError):
    pass


def author_note(author: str | None) -> str:
    """What the model is told about a document that speaks for ``author`` (the ``context_note`` of its requests).

    "" without an author, so a news article's messages, and their cache keys, stay as they were.
    """
    if not author:
        return ""
    return fence_text(
        f'This document speaks for {author}: "I", "we", "my" and "our" in it are {author}. For their statements '
        f'write "who": "{author}", unless the sentence quotes or names someone else as the speaker.'
    )


def claims_note(article_language: str, claims_in: str | None) -> str:
    """What the model is told about the language of the claims it writes (part of the ``context_note``).

    Claims are in the article's language unless ``claims_in`` (--claims-in en) says otherwise. "" for an
    English article with English claims, so its messages, and their cache keys, stay as they were.
    """
    target = claims_in or article_language
    if target == article_language == "en":
        return ""
    if target == article_language:
        return f"Write each claim in {language_name(target)}, the language of the article."
    return f"The article is in {language_name(article_language)}. Write each claim in {language_name(target)}."


def default_prompts_dir() -> Path:
    """The prompts that ship with stance, wherever it runs from (never the working directory).

    A wheel carries the repository's ``prompts/`` as ``stance/prompts`` (package data); a
    source checkout or editable install reads ``prompts/`` beside the package, where it is
    kept. A user's own folder goes through ``Settings.prompts_dir`` instead.
    """
    packaged = Path(str(importlib.resources.files("stance") / "prompts"))
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    folder: Path
    hash: str
    system_template: jinja2.Template
    user_template: jinja2.Template
    examples: list[dict[str, Any]]
    # the user template names {{ window }}: every request carries the whole article, then the sentences to answer
    # for, so llama.cpp's prompt cache reads an article once for all its windows (issue 20)
    article_once: bool = field(default=False, kw_only=True)

    @property
    def answer_shape(self) -> AnswerShape:
        """What the examples' answers are written in, and so what the model is asked for."""
        return answer_shape_of(self.examples[0].get("answer")) if self.examples else ModelAnswer

    def render_user(self, text: str, **variables: Any) -> str:
        """An example article rendered the way the pipeline renders articles: candidate sentences numbered."""
        sentences = split_sentences(text)
        headline = "\n" in text.strip()
        body = sentences[1:] if headline else sentences
        candidates = find_candidates(sentences, headline=headline)
        lines = render_lines(body, candidates, sentences[0].text if headline else None)
        if self.article_once:  # an example answers for all its numbered sentences
            variables = {**variables, "window": window_numbers(candidates)}
        return self.user_template.render(numbered_sentences=fence_text(lines), **variables)

    def messages(self, numbered_sentences: str, **variables: Any) -> list[dict[str, str]]:
        """System prompt, few-shot turns, then the article as the last user turn."""
        variables.setdefault("context_note", "")
        messages = [{"role": "system", "content": self.system_template.render(**variables).strip()}]
        for example in self.examples:
            example_vars = {**variables, "context_note": ""}
            messages.append({"role": "user", "content": self.render_user(example["article"], **example_vars).strip()})
            messages.append({"role": "assistant", "content": json.dumps(example["answer"], ensure_ascii=False)})
        messages.append(
            {
                "role": "user",
                "content": self.user_template.render(
                    numbered_sentences=fence_text(numbered_sentences), **variables
                ).strip(),
            }
        )
        return messages


def window_numbers(numbers: set[int]) -> str:
    """The sentences a request answers for, as the article shows them: "[3], [4], [7]"."""
    return ", ".join(f"[{n}]" for n in sorted(numbers))


def load_prompt(name: str, prompts_dir: Path | None = None) -> Prompt:
    """A prompt folder by name (under ``prompts_dir``, else the shipped prompts) or by path (``./mine``, ``/x/mine``).

    A path is recorded in provenance by its folder name only: results never carry a user's file system layout.
    """
    if "/" in name or os.sep in name or name.startswith("."):
        folder = Path(name).expanduser()
        name = folder.resolve().name
    else:
        folder = (prompts_dir or default_prompts_dir()) / name
    if not folder.is_dir():
        raise PromptError(f"prompt {name!r} not found: no folder {folder}")
    missing = [f for f in PROMPT_FILES if not (folder / f).is_file()]
    if missing:
        raise PromptError(f"prompt {name!r} is missing {', '.join(missing)} in {folder}")
    digest = hashlib.sha256()
    sources: dict[str, str] = {}
    for file_name in PROMPT_FILES:
        source = (folder / file_name).read_text(encoding="utf-8")
        sources[file_name] = source
        digest.update(file_name.encode() + b"\0" + source.encode("utf-8") + b"\0")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False)
    try:
        examples = json.loads(sources["examples.json"])
        system = env.from_string(sources["system.j2"])
        user = env.from_string(sources["user.j2"])
    except (json.JSONDecodeError, jinja2.TemplateSyntaxError) as exc:
        raise PromptError(f"prompt {name!r} does not parse: {exc}") from None
    if isinstance(examples, list) and not any(isinstance(e, dict) and "codebook" in e for e in examples):
        _check_open_examples(name, examples)
    return Prompt(
        name=name, folder=folder, hash=digest.hexdigest()[:16], system_template=system, user_template=user,
        examples=examples, article_once="window" in jinja2.meta.find_undeclared_variables(env.parse(sources["user.j2"])),
    )


def _check_open_examples(name: str, examples: list[Any]) -> None:
    """Open-mode examples must all be valid answers of one shape: a broken example fails here, not per article."""
    shapes = {answer_shape_of(e.get("answer") if isinstance(e, dict) else None) for e in examples}
    if len(shapes) > 1:
        raise PromptError(f"prompt {name!r} mixes answer shapes in examples.json: rows of different lengths")
    shape = next(iter(shapes))
    for i, example in enumerate(examples):
        try:
            shape.model_validate(example["answer"])
        except (KeyError, TypeError, ValidationError) as exc:
            raise PromptError(f"prompt {name!r}: example {i + 1} in examples.json is not a valid answer: {exc}") from None
