"""Scoring options: every threshold the matcher and the statistics use, with its default.

They are recorded in ``metrics.json`` so that two reports can be told apart when
they were scored differently.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from stance.corpus import Method

Mode = Literal["open", "codebook"]


class ScoreOptions(BaseModel):
    """How predictions are matched to gold and how uncertainty is estimated."""

    model_config = ConfigDict(extra="forbid")

    mode: Mode = Field(
        "open",
        description="open: claims match by evidence overlap or paraphrase; "
        "codebook: a predicted claim's codebook_id must equal the gold claim id.",
    )
    min_overlap_chars: int = Field(
        8,
        ge=1,
        description="Evidence spans overlap when they share at least this many characters "
        "(or the whole of the shorter span, if it is shorter).",
    )
    paraphrase_threshold: float = Field(
        0.85,
        ge=0.0,
        le=1.0,
        description="Claim texts are close paraphrases when rapidfuzz token_set_ratio/100 "
        "reaches this value.",
    )
    min_paraphrase_tokens: int = Field(
        3,
        ge=1,
        description="Both claim texts need at least this many word tokens for the paraphrase "
        "rule (token_set_ratio is 1.0 whenever one token set contains the other).",
    )
    corpus_method: Method = Field(
        "auto",
        description="How the run's claims are grouped across articles for the corpus metrics: "
        "stance.corpus.load_run's method (auto: the run's claim map from `stance claims` when it has one, "
        "else embedding or lexical merging).",
    )
    bootstrap_resamples: int = Field(1000, ge=0, description="Bootstrap resamples over fixtures (0: no CIs).")
    confidence: float = Field(0.95, gt=0.0, lt=1.0, description="Confidence level of the intervals.")
    seed: int = Field(0, description="Seed of the bootstrap: the same seed gives the same intervals.")
