"""What several commands share: the model and prompt options, the error console, settings from flags."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

if TYPE_CHECKING:  # the config module loads pydantic: not needed for --help
    from stance.config import Settings

err_console = Console(stderr=True)

ModelOpt = Annotated[
    Optional[str],
    typer.Option("--model", "-m", help="Remote model name, or embedded model (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b, a .gguf path)."),
]
PromptOpt = Annotated[Optional[str], typer.Option("--prompt", help="Prompt folder name under prompts/ (default: extract-pointers for the embedded model, extract for an endpoint).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="A stance.toml file (default: ./stance.toml if present).")]
BaseUrlOpt = Annotated[Optional[str], typer.Option("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL; none = embedded).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the response cache.")]
CodebookOpt = Annotated[
    Optional[Path],
    typer.Option("--codebook", help="Codebook mode: stances on these claims only (.yaml, .json or .txt; stance docs codebook)."),
]
AlsoOpenOpt = Annotated[bool, typer.Option("--also-open", help="With --codebook: also run open extraction, return both.")]
LanguageOpt = Annotated[
    Optional[str],
    typer.Option("--language", help="The articles' language, an ISO 639-1 code (en, de, fr, es; default: detected per "
                                    "article). Its word lists drive the rule pass (stance docs languages)."),
]
ClaimsInOpt = Annotated[
    Optional[str],
    typer.Option("--claims-in", help="Language the model writes claims in, e.g. en for a corpus that mixes languages "
                                     "(default: each article's own). Needs a prompt that writes claims (--prompt extract)."),
]


class CodebookMethod(StrEnum):
    """How codebook mode codes an article (Settings.codebook_method)."""

    retrieve = "retrieve"
    ask = "ask"


CodebookMethodOpt = Annotated[
    Optional[CodebookMethod],
    typer.Option("--codebook-method", help="With --codebook: retrieve (default: find statements as open mode does, "
                                           "code them against the codebook by word overlap) or ask (give the model "
                                           "the codebook; slower, and scored lower on the dev fixtures)."),
]


def settings_from(config: Optional[Path], **overrides: object) -> Settings:
    """Settings from a config file, the environment and the flags given; a bad one exits 2 with one line."""
    from stance.config import load_settings

    try:
        return load_settings(config, **overrides)
    except (FileNotFoundError, ValueError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
