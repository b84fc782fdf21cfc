"""Align evidence quotes to the article text: exact, then normalised, then fuzzy.

Models retype quotes with straight instead of curly quotes, collapsed
whitespace or small slips. We find the span in the original text and record
how it was found, so ``text[start:end] == quote`` holds whenever the alignment
is ``exact`` and users can filter on the rest.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from stance.results import Evidence

_CHAR_MAP = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
    "…": "...", "\u00a0": " ",
}
MIN_FUZZY_SCORE = 85.0


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Normalised text plus, for each normalised char, the index of its source char."""
    out: list[str] = []
    index: list[int] = []
    previous_space = False
    for i, ch in enumerate(text):
        mapped = _CHAR_MAP.get(ch, ch)
        if mapped.isspace():
            if previous_space:
                continue
            mapped = " "
            previous_space = True
        else:
            previous_space = False
        lowered = mapped.lower()
        if len(lowered) > len(mapped):  # "İ" lowers to "i" + a combining dot: keep it one character, so one slip stays one
            lowered = mapped
        for m in lowered:
            out.append(m)
            index.append(i)
    return "".join(out), index


def normalise(text: str) -> str:
    return _normalise_with_map(text)[0].strip()


def _all_exact(text: str, quote: str) -> list[int]:
    positions, at = [], text.find(quote)
    while at != -1:
        positions.append(at)
        at = text.find(quote, at + 1)
    return positions


def align(text: str, quote: str, *, near: int | None = None, min_fuzzy: float = MIN_FUZZY_SCORE) -> Evidence:
    """Locate ``quote`` in ``text``; ``near`` prefers the occurrence closest to that offset."""
    if not quote.strip():
        return Evidence(quote=quote, alignment="none")
    hits = _all_exact(text, quote)
    if hits:
        start = min(hits, key=lambda h: abs(h - near)) if near is not None else hits[0]
        return Evidence(quote=quote, start=start, end=start + len(quote), alignment="exact")

    norm_text, index = _normalise_with_map(text)
    norm_quote = normalise(quote)
    if norm_quote:
        hits = _all_exact(norm_text, norm_quote)
        if hits:
            at = min(hits, key=lambda h: abs(index[h] - near)) if near is not None else hits[0]
            start, end = index[at], index[at + len(norm_quote) - 1] + 1
            return Evidence(quote=text[start:end], start=start, end=end, alignment="normalized")

        if len(norm_quote) >= 8:
            found = fuzz.partial_ratio_alignment(norm_quote, norm_text, score_cutoff=min_fuzzy)
            if found is not None and found.dest_end > found.dest_start:
                start, end = index[found.dest_start], index[found.dest_end - 1] + 1
                return Evidence(quote=text[start:end], start=start, end=end, alignment="fuzzy")
    return Evidence(quote=quote, alignment="none")


def span_evidence(text: str, start: int, end: int) -> Evidence:
    """Evidence for a span we located ourselves (a numbered sentence): exact by construction."""
    return Evidence(quote=text[start:end], start=start, end=end, alignment="exact")
