"""Counts per article, the metrics computed from them, and seeded bootstrap intervals.

Every metric is a function of summable counts. That gives one definition for
all three uses: a fixture's metrics (its own counts), micro metrics (pooled
counts), and bootstrap resamples (pooled counts of a resample of fixtures).
Macro metrics are the mean of the per-fixture values that are defined.
A metric whose denominator is zero is ``None`` (JSON null), never a made-up 0 or 1.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Iterator, Sequence

from pydantic import BaseModel, Field

from stance.results import STANCE_LABELS

Metrics = dict[str, int | float | None]


class Counts(BaseModel):
    """Summable raw counts behind every metric (one article, or many pooled)."""

    n_gold: int = 0
    n_pred: int = 0
    tp: int = 0
    gold_actors: int = 0
    pred_actors: int = 0
    matched_actors: int = 0
    stance_correct: int = 0
    confusion: list[int] = Field(
        default_factory=lambda: [0] * 9,
        description="matched pairs by gold label (row) x predicted label (column), "
        "rows and columns in the order support, oppose, neutral; row-major",
    )
    evidence: int = 0
    evidence_grounded: int = 0
    evidence_found: int = 0
    articles: int = 0
    results: int = 0
    failures: int = 0
    first_attempt: int = 0
    attempts_total: int = 0
    attempt_records: int = 0
    seconds: float = 0.0
    words: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: int = 0
    # Claims as a user reads them (issue 15): is the claim text itself right, short, and shared?
    claim_text_f1_milli: int = Field(
        0, description="sum over matched pairs of the claim texts' token F1 (stopwords dropped), in thousandths: "
        "an integer, so the bootstrap can pack it with the other counts")
    text_tp: int = Field(0, description="matched pairs whose claim text alone matches (token F1 >= TEXT_MATCH_F1)")
    gold_support: int = Field(0, description="gold pairs labelled support")
    gold_oppose: int = Field(0, description="gold pairs labelled oppose")
    gold_neutral: int = Field(0, description="gold pairs labelled neutral")
    pred_claims: int = Field(0, description="predicted claims with at least one stance")
    pred_claim_words: int = Field(0, description="words in those claims' texts")
    pred_multi_claims: int = Field(0, description="predicted claims with two or more distinct actors")
    gold_claims: int = Field(0, description="gold claims with at least one stance")
    gold_claim_words: int = Field(0, description="words in those claims' texts")
    gold_multi_claims: int = Field(0, description="gold claims with two or more distinct actors")

    def vector(self) -> list[float]:
        return [getattr(self, f) for f in _SCALARS] + list(self.confusion)

    @classmethod
    def from_vector(cls, v: Sequence[float]) -> Counts:
        n = len(_SCALARS)
        return cls(**dict(zip(_SCALARS, v[:n], strict=True)), confusion=list(v[n:]))

    def __add__(self, other: Counts) -> Counts:
        return Counts.from_vector([a + b for a, b in zip(self.vector(), other.vector(), strict=True)])


_SCALARS: tuple[str, ...] = tuple(f for f in Counts.model_fields if f != "confusion")

# Metric keys, in report order, with what each one means (docs/evals.md repeats this).
METRIC_DOCS: dict[str, str] = {
    "pair_precision": "matched predicted pairs / predicted pairs",
    "pair_recall": "matched gold pairs / gold pairs",
    "pair_f1": "2 tp / (n_pred + n_gold)",
    "actor_precision": "predicted stance-taking actors matched to a gold actor / predicted actors",
    "actor_recall": "gold actors matched / gold actors",
    "actor_f1": "harmonic mean of actor precision and recall",
    "stance_accuracy": "matched pairs whose stance label equals gold / matched pairs",
    "stance_macro_f1": "mean over labels (support, oppose, neutral present in gold or prediction) of per-label F1, on matched pairs",
    "stance_strict_accuracy": "matched pairs with the right label / gold pairs",
    "grounding_rate": "predicted evidence with alignment exact or normalized / predicted evidence",
    "grounding_any_rate": "predicted evidence with alignment other than none / predicted evidence",
    "valid_first_attempt": "results produced on the first attempt / results",
    "valid_rate": "results / (results + failure records)",
    "mean_attempts": "mean attempts over results and failure records that state them",
    "seconds_per_article": "mean provenance.seconds over results",
    "seconds_per_1k_words": "total seconds / (words of those articles / 1000)",
    "prompt_tokens_per_article": "mean prompt tokens over results",
    "completion_tokens_per_article": "mean completion tokens over results",
    "cached_rate": "results served from the response cache / results (timings of cached results are not model timings)",
    "claim_text_f1": "mean over matched pairs of the token F1 between the predicted and the gold claim text (lower-cased words, stopwords dropped)",
    "text_pair_f1": "pair F1 counting only matched pairs whose claim text alone would match (claim_text token F1 >= 0.5): a pair matched on evidence with a copied sentence does not count",
    "claim_words": "mean words per predicted claim (claims with a stance)",
    "gold_claim_words": "mean words per gold claim",
    "support_recall": "gold support pairs matched with the label support / gold support pairs",
    "oppose_recall": "gold oppose pairs matched with the label oppose / gold oppose pairs",
    "neutral_recall": "gold neutral pairs matched with the label neutral / gold neutral pairs",
    "multi_actor_share": "predicted claims with two or more distinct actors / predicted claims",
    "gold_multi_actor_share": "gold claims with two or more distinct actors / gold claims",
    "tp": "matched pairs",
    "fp": "predicted pairs left unmatched",
    "fn": "gold pairs left unmatched",
    "n_pred": "predicted pairs",
    "n_gold": "gold pairs",
}
COUNT_KEYS: tuple[str, ...] = ("tp", "fp", "fn", "n_pred", "n_gold")
RATE_KEYS: tuple[str, ...] = tuple(k for k in METRIC_DOCS if k not in COUNT_KEYS)
# Metrics that get bootstrap intervals (and are compared with intervals).
CI_KEYS: tuple[str, ...] = (
    "pair_precision",
    "pair_recall",
    "pair_f1",
    "actor_precision",
    "actor_recall",
    "actor_f1",
    "stance_accuracy",
    "stance_macro_f1",
    "stance_strict_accuracy",
    "grounding_rate",
    "grounding_any_rate",
    "claim_text_f1",
    "text_pair_f1",
    "support_recall",
    "oppose_recall",
    "neutral_recall",
    "multi_actor_share",
)
# Metrics where a lower value is better (comparisons and gates read them the other way round).
LOWER_IS_BETTER: frozenset[str] = frozenset(
    {"mean_attempts", "seconds_per_article", "seconds_per_1k_words", "prompt_tokens_per_article",
     "completion_tokens_per_article", "fp", "fn"}
)


def _div(a: float, b: float) -> float | None:
    return a / b if b else None


def _macro_f1(conf: Sequence[float]) -> float | None:
    k = len(STANCE_LABELS)
    f1s = []
    for i in range(k):
        row = sum(conf[i * k : (i + 1) * k])
        col = sum(conf[j * k + i] for j in range(k))
        if row + col:
            f1s.append(2 * conf[i * k + i] / (row + col))
    return sum(f1s) / len(f1s) if f1s else None


def _from_map(c: dict[str, float], conf: Sequence[float]) -> Metrics:
    ap = _div(c["matched_actors"], c["pred_actors"])
    ar = _div(c["matched_actors"], c["gold_actors"])
    return {
        "pair_precision": _div(c["tp"], c["n_pred"]),
        "pair_recall": _div(c["tp"], c["n_gold"]),
        "pair_f1": _div(2 * c["tp"], c["n_pred"] + c["n_gold"]),
        "actor_precision": ap,
        "actor_recall": ar,
        "actor_f1": _div(2 * c["matched_actors"], c["pred_actors"] + c["gold_actors"]),
        "stance_accuracy": _div(c["stance_correct"], c["tp"]),
        "stance_macro_f1": _macro_f1(conf) if c["tp"] else None,
        "stance_strict_accuracy": _div(c["stance_correct"], c["n_gold"]),
        "grounding_rate": _div(c["evidence_grounded"], c["evidence"]),
        "grounding_any_rate": _div(c["evidence_found"], c["evidence"]),
        "valid_first_attempt": _div(c["first_attempt"], c["results"]),
        "valid_rate": _div(c["results"], c["results"] + c["failures"]),
        "mean_attempts": _div(c["attempts_total"], c["attempt_records"]),
        "seconds_per_article": _div(c["seconds"], c["results"]),
        "seconds_per_1k_words": _div(c["seconds"], c["words"] / 1000.0),
        "prompt_tokens_per_article": _div(c["prompt_tokens"], c["results"]),
        "completion_tokens_per_article": _div(c["completion_tokens"], c["results"]),
        "cached_rate": _div(c["cached"], c["results"]),
        "claim_text_f1": _div(c["claim_text_f1_milli"] / 1000, c["tp"]),
        "text_pair_f1": _div(2 * c["text_tp"], c["n_pred"] + c["n_gold"]),
        "claim_words": _div(c["pred_claim_words"], c["pred_claims"]),
        "gold_claim_words": _div(c["gold_claim_words"], c["gold_claims"]),
        "support_recall": _div(conf[0], c["gold_support"]),
        "oppose_recall": _div(conf[4], c["gold_oppose"]),
        "neutral_recall": _div(conf[8], c["gold_neutral"]),
        "multi_actor_share": _div(c["pred_multi_claims"], c["pred_claims"]),
        "gold_multi_actor_share": _div(c["gold_multi_claims"], c["gold_claims"]),
        "tp": c["tp"],
        "fp": c["n_pred"] - c["tp"],
        "fn": c["n_gold"] - c["tp"],
        "n_pred": c["n_pred"],
        "n_gold": c["n_gold"],
    }


def compute_metrics(counts: Counts) -> Metrics:
    """Every metric of METRIC_DOCS from one set of counts."""
    return _from_map(counts.model_dump(exclude={"confusion"}), counts.confusion)


def pool(counts: Sequence[Counts]) -> Counts:
    """Pooled (summed) counts: the basis of micro metrics."""
    total = Counts()
    for c in counts:
        total = total + c
    return total


def macro(per_fixture: Sequence[Metrics]) -> Metrics:
    """Mean over fixtures of each rate metric, ignoring fixtures where it is undefined."""
    out: Metrics = {}
    for k in RATE_KEYS:
        vals = [m[k] for m in per_fixture if m.get(k) is not None]
        out[k] = sum(vals) / len(vals) if vals else None  # type: ignore[arg-type]
    return out


def _quantile(sorted_vals: list[float], q: float) -> float:
    pos = q * (len(sorted_vals) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def _interval(values: list[float], confidence: float) -> tuple[float, float] | None:
    if not values:
        return None
    values.sort()
    a = (1.0 - confidence) / 2.0
    return (_quantile(values, a), _quantile(values, 1.0 - a))


def _resamples(n: int, resamples: int, seed: int) -> Iterator[list[int]]:
    """The resampled fixture indices (n draws with replacement each): the same seed, the same sequence.

    Each index is ``floor(u * n / 2**32)`` for a uniform 32-bit ``u`` read little-endian from
    ``Random(seed).randbytes``: platform-independent, four times faster than ``random.choices``,
    and uniform to within n / 2**32 (2e-7 for 1,000 fixtures).
    """
    rng = random.Random(seed)
    words = struct.Struct(f"<{n}I")
    for _ in range(resamples):
        yield [(u * n) >> 32 for u in words.unpack(rng.randbytes(4 * n))]


# The bootstrap pools the counts of n resampled fixtures, ``resamples`` times. Packing each
# fixture's integer counts into one Python int (fields just wide enough that n of them can be
# added without carrying into the next) turns each pooling into one C-level ``sum``.
_PACKED_SCALARS: tuple[str, ...] = tuple(f for f in _SCALARS if f != "seconds")
_NEEDS_SECONDS = frozenset({"seconds_per_article", "seconds_per_1k_words"})


class _Packed:
    """Every fixture's integer counts as one int each, and the way back to metrics."""

    def __init__(self, counts: Sequence[Counts]) -> None:
        rows = []
        for c in counts:
            row = [getattr(c, f) for f in _PACKED_SCALARS] + list(c.confusion)
            if any(not isinstance(v, int) or v < 0 for v in row):
                raise ValueError(f"bootstrap counts must be non-negative integers: {row}")
            rows.append(row)
        top = max((max(r) for r in rows), default=0)
        self.bits = max(1, top.bit_length() + len(rows).bit_length())  # n values <= top never carry over
        self.mask = (1 << self.bits) - 1
        self.fields = len(rows[0]) if rows else 0
        self.ints = []
        for row in rows:
            packed = 0
            for v in reversed(row):
                packed = (packed << self.bits) | v
            self.ints.append(packed)

    def metrics(self, total: int) -> Metrics:
        values = []
        for _ in range(self.fields):
            values.append(total & self.mask)
            total >>= self.bits
        n = len(_PACKED_SCALARS)
        c: dict[str, float] = dict(zip(_PACKED_SCALARS, values[:n], strict=True))
        c["seconds"] = 0.0  # not packed: intervals are only given for count-based metrics
        return _from_map(c, values[n:])


def _check_keys(keys: Sequence[str]) -> None:
    bad = [k for k in keys if k in _NEEDS_SECONDS or k not in METRIC_DOCS]
    if bad:
        raise ValueError(f"no bootstrap interval for {bad}: only count-based metrics are resampled")


def bootstrap_ci(
    counts: Sequence[Counts],
    keys: Sequence[str] = CI_KEYS,
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float] | None]:
    """Percentile intervals of micro metrics, resampling fixtures (articles) with replacement."""
    _check_keys(keys)
    if not counts or resamples <= 0:
        return {k: None for k in keys}
    packed = _Packed(counts)
    ints = packed.ints
    draws: dict[str, list[float]] = {k: [] for k in keys}
    for idx in _resamples(len(counts), resamples, seed):
        m = packed.metrics(sum([ints[i] for i in idx]))
        for k in keys:
            if m[k] is not None:
                draws[k].append(m[k])  # type: ignore[arg-type]
    return {k: _interval(v, confidence) for k, v in draws.items()}


def paired_bootstrap_diff(
    counts_a: Sequence[Counts],
    counts_b: Sequence[Counts],
    keys: Sequence[str] = CI_KEYS,
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float] | None]:
    """Intervals of (B - A) for micro metrics; both runs use the same resampled fixtures.

    ``counts_a[i]`` and ``counts_b[i]`` must be the same fixture. Pairing removes
    the between-article variance that both runs share, so the interval of the
    difference is far tighter than two separate intervals would suggest.
    """
    if len(counts_a) != len(counts_b):
        raise ValueError("paired bootstrap needs the same fixtures in both runs")
    _check_keys(keys)
    if not counts_a or resamples <= 0:
        return {k: None for k in keys}
    pa, pb = _Packed(counts_a), _Packed(counts_b)
    ia, ib = pa.ints, pb.ints
    draws: dict[str, list[float]] = {k: [] for k in keys}
    for idx in _resamples(len(counts_a), resamples, seed):
        ma, mb = pa.metrics(sum([ia[i] for i in idx])), pb.metrics(sum([ib[i] for i in idx]))
        for k in keys:
            if ma[k] is not None and mb[k] is not None:
                draws[k].append(mb[k] - ma[k])  # type: ignore[operator]
    return {k: _interval(v, confidence) for k, v in draws.items()}
