"""Prices for a cost estimate: a user's table of prices per 1,000 tokens, and the estimate for a run's usage."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from stance.results import Usage
from stance.runs.errors import BatchError
from stance.runs.manifest import Cost


class ModelPrice(BaseModel):
    prompt_per_1k: float = Field(ge=0, description="price of 1,000 prompt tokens")
    completion_per_1k: float = Field(ge=0, description="price of 1,000 completion tokens")


def load_prices(path: str | Path) -> dict[str, ModelPrice]:
    """A prices table ``{model: {prompt_per_1k, completion_per_1k}}`` from TOML or JSON.

    TOML may also nest the models under ``[prices]``. A ``"*"`` entry prices
    any model not listed.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise BatchError(f"cannot read prices file {file}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        if file.suffix.lower() == ".toml":
            data: Any = tomllib.loads(raw.decode("utf-8"))
            data = data.get("prices", data)
        else:
            data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BatchError(f"prices file {file} does not parse: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise BatchError(f"prices file {file}: expected {{model: {{prompt_per_1k, completion_per_1k}}}}")
    prices: dict[str, ModelPrice] = {}
    for model, entry in data.items():
        try:
            prices[str(model)] = ModelPrice.model_validate(entry)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "entry"
            raise BatchError(f"prices file {file}: model {model!r}: {where}: {err['msg']}") from None
    return prices


def estimate_cost(prices: dict[str, ModelPrice], model: str, usage: Usage, cached: Usage) -> Cost | None:
    """The cost of ``usage`` for ``model`` (None if the table has no price for it)."""
    price = prices.get(model) or prices.get("*")
    if price is None:
        return None

    def of(u: Usage) -> tuple[float, float]:
        return u.prompt_tokens / 1000 * price.prompt_per_1k, u.completion_tokens / 1000 * price.completion_per_1k

    prompt_cost, completion_cost = of(usage)
    return Cost(
        model=model, prompt_per_1k=price.prompt_per_1k, completion_per_1k=price.completion_per_1k,
        prompt=round(prompt_cost, 6), completion=round(completion_cost, 6),
        total=round(prompt_cost + completion_cost, 6), saved_by_cache=round(sum(of(cached)), 6),
    )
