"""Typed settings. Flags override environment, environment overrides ``stance.toml``.

The API key is a ``SecretStr`` so it never reaches logs, results, caches or
reports by accident; ``public_endpoint`` is the only form of the endpoint that
is ever written anywhere.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field, SecretStr

EMBEDDED = "embedded"
EMBEDDED_PROMPT = "extract-pointers"
ENDPOINT_PROMPT = "extract"
DEFAULT_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "stance"


class Settings(BaseModel):
    """Everything that decides how an article is extracted."""

    base_url: str | None = None  # None = embedded model
    api_key: SecretStr | None = None
    model: str | None = None  # remote model name, or embedded model key / GGUF path
    prompt: str | None = None  # None = the default for the model: see ``prompt_name``
    prompts_dir: Path | None = None
    temperature: float = 0.0
    seed: int = 0
    max_tokens: int = 1200
    timeout_s: float = 600.0
    max_retries: int = 4  # transport retries (429, 5xx, timeouts, connection errors)
    max_reasks: int = 2  # re-asks after invalid output
    retry_initial_wait: float = 1.0  # seconds; backoff doubles from here, with jitter
    chunk_tokens: int = 1400  # article tokens per chunk (estimated; codebook mode)
    window_candidates: int = 8  # candidate sentences per model request (open mode)
    cache_dir: Path = DEFAULT_CACHE_DIR
    use_cache: bool = True
    codebook: Path | None = None  # codebook mode (stance.extraction.codebook): the claims of interest
    also_open: bool = False  # with a codebook: run open extraction too and return both
    # embedded server
    threads: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1))
    parallel: int = 2
    context: int = 8192

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
