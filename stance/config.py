"""Typed settings. Flags override environment, environment overrides ``stance.toml``.

The API key is a ``SecretStr`` so it never reaches logs, results, caches or
reports by accident; ``public_endpoint`` is the only form of the endpoint that
is ever written anywhere.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field, SecretStr, field_validator

EMBEDDED = "embedded"
EMBEDDED_PROMPT = "extract-pointers"
ENDPOINT_PROMPT = "extract"
DEFAULT_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "stance"


class Settings(BaseModel):
    """Everything that decides how an article is extracted."""

    base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint (--base-url, $OPENAI_BASE_URL); none = the embedded model")
    api_key: SecretStr | None = Field(
        None, description="API key for the endpoint ($OPENAI_API_KEY); never written to results, logs or caches")
    model: str | None = Field(
        None, description="remote model name, or embedded model key or .gguf path (--model, $STANCE_MODEL, $OPENAI_MODEL)")
    prompt: str | None = Field(
        None, description="prompt folder under prompts/ (--prompt, $STANCE_PROMPT); none = the model's default")
    prompts_dir: Path | None = Field(
        None, description="folder holding prompt folders ($STANCE_PROMPTS_DIR); none = the prompts shipped with stance")
    temperature: float = Field(0.0, description="sampling temperature sent with every request")
    seed: int = Field(0, description="sampling seed sent with every request")
    max_tokens: int = Field(1200, description="most tokens in one answer")
    timeout_s: float = Field(600.0, description="seconds to wait for one answer")
    max_retries: int = Field(4, description="transport retries per request (429, 5xx, timeouts, connection errors)")
    max_reasks: int = Field(2, description="re-asks after an invalid answer, with the validation error shown")
    retry_initial_wait: float = Field(1.0, description="seconds before the first retry; doubles each time, with jitter")
    chunk_tokens: int = Field(1400, description="article tokens per request in codebook mode (estimated)")
    window_candidates: int = Field(8, description="candidate sentences per request in open mode")
    cache_dir: Path = Field(
        DEFAULT_CACHE_DIR, description="response cache and assembled models ($STANCE_CACHE_DIR)")
    use_cache: bool = Field(True, description="read and write the response cache (--no-cache turns it off)")
    codebook: Path | None = Field(
        None, description="codebook file: codebook mode, stances on these claims only (--codebook); "
                          "a codebook built in memory is the codebook= argument of run_batch and extract_text")
    also_open: bool = Field(False, description="with a codebook: also run open extraction and return both (--also-open)")
    language: str | None = Field(
        None, pattern=r"^[a-z]{2,3}$",
        description="the articles' language as an ISO 639-1 code (--language de); none = detect each article's "
                    "(docs/languages.md)")
    claims_in: str | None = Field(
        None, pattern=r"^[a-z]{2,3}$",
        description="language the model writes claims in (--claims-in en), for corpora that mix languages; none = "
                    "each article's own. Needs a prompt where the model writes claims (extract)")
    codebook_method: Literal["retrieve", "ask"] = Field(
        "retrieve", description="codebook mode: 'retrieve' finds statements as open mode does and codes each against "
                                "the codebook by word overlap (the model never reads the codebook); 'ask' gives the "
                                "model the codebook and the article (the codebook prompt) (--codebook-method)")
    speaker: str | None = Field(
        None, description="who every document speaks for unless its own metadata names someone (--speaker): a "
                          "folder of one witness's testimonies, one organisation's press releases; their \"I\" and "
                          "\"we\" statements are this actor's")
    threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1),
                         description="embedded model: CPU threads ($STANCE_THREADS; default all cores)")
    parallel: int = Field(2, description="requests of one article in flight at once; the embedded server's slots "
                                         "($STANCE_PARALLEL)")
    context: int = Field(8192, description="embedded model: context tokens per parallel slot")

    @field_validator("language", "claims_in", mode="before")
    @classmethod
    def _language_code(cls, value: object) -> object:
        """"DE", " de " and "de-CH" are "de": the rule pass has one word list per language."""
        if isinstance(value, str):
            return value.strip().lower().replace("_", "-").split("-")[0] or None
        return value

    @property
    def is_embedded(self) -> bool:
        return not self.base_url

    @property
    def prompt_name(self) -> str:
        """The open-mode prompt folder: the one asked for, else ``extract-pointers`` for the embedded model.

        On two CPU cores output tokens are most of the time, so the embedded model
        only points at sentences and the claim is the sentence's reported content
        (82 s instead of 140 s per 1,000 words on the dev set). A configured
        endpoint writes each claim in its own words (``extract``).
        """
        return self.prompt or (EMBEDDED_PROMPT if self.is_embedded else ENDPOINT_PROMPT)

    @property
    def public_endpoint(self) -> str:
        return EMBEDDED if self.is_embedded else redact_url(self.base_url or "")

    def request_params(self) -> dict[str, Any]:
        """Sampling parameters recorded in provenance and used in the cache key."""
        return {"temperature": self.temperature, "seed": self.seed, "max_tokens": self.max_tokens}


def redact_url(url: str) -> str:
    """Drop user:password and query strings (which may hold keys) from a URL."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


_ENV = {
    "base_url": "OPENAI_BASE_URL",
    "api_key": "OPENAI_API_KEY",
    "model": "STANCE_MODEL",
    "prompt": "STANCE_PROMPT",
    "prompts_dir": "STANCE_PROMPTS_DIR",
    "cache_dir": "STANCE_CACHE_DIR",
    "threads": "STANCE_THREADS",
    "parallel": "STANCE_PARALLEL",
}


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Merge ``stance.toml`` (or ``config_file``), environment and explicit overrides (None = unset)."""
    values: dict[str, Any] = {}
    path = config_file or Path("stance.toml")
    if path.is_file():
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        values.update(data.get("stance", data))
    elif config_file is not None:
        raise FileNotFoundError(f"config file not found: {config_file}")
    for field, var in _ENV.items():
        if os.environ.get(var):
            values[field] = os.environ[var]
    if not values.get("model") and os.environ.get("OPENAI_MODEL"):
        values["model"] = os.environ["OPENAI_MODEL"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
