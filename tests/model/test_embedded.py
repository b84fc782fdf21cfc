"""The real embedded model on short texts (slow: server start plus a short answer on CPU)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.config import Settings
from stance.extraction.api import extract_texts
from stance.extraction.article import Article
from stance.model.embedded import EmbeddedModelError, resolve_model

SHORT = (
    "Council delays vote on bike lanes\n"
    "Mayor Lena Park said the new bike lanes would make the city safer for children.\n"
    "\"We will not wait another year,\" Park told reporters on Tuesday.\n"
    "Council member Omar Reyes rejected the plan. \"These lanes will hurt small shops,\" he said.\n"
)


def test_unknown_embedded_model_is_a_clear_error(tmp_path):
    with pytest.raises(EmbeddedModelError, match="unknown embedded model"):
        resolve_model("no-such-model", tmp_path)
    with pytest.raises(EmbeddedModelError, match="GGUF file not found"):
        resolve_model(str(tmp_path / "missing.gguf"), tmp_path)


@pytest.mark.embedded
def test_embedded_model_extracts_a_grounded_result(tmp_path):
    pytest.importorskip("xllamacpp")
    settings = Settings(use_cache=False, cache_dir=Path.home() / ".cache" / "stance", max_tokens=400)
    article = Article.from_text(SHORT, "short.txt")
    (result,) = extract_texts([article], settings)
    assert not hasattr(result, "kind"), f"extraction failed: {result}"
    assert result.provenance.endpoint == "embedded"
    assert result.provenance.usage.completion_tokens > 0
    assert result.claims, "the model found no claim in an article made of claims"
    actors = {a.name for a in result.actors}
    assert actors & {"Lena Park", "Omar Reyes"}
    for claim in result.claims:
        for stance in claim.stances:
            assert stance.actor in actors
            for evidence in stance.evidence:
                assert evidence.alignment == "exact"
                assert SHORT[evidence.start:evidence.end] == evidence.quote
