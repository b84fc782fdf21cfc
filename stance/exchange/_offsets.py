"""Offsets as other tools count them: Java and JavaScript strings index UTF-16 code units, Python indexes code points.

A character outside the Basic Multilingual Plane (an emoji, some CJK) is one
Python character but two UTF-16 units, so every offset after it differs by one.
"""

from __future__ import annotations

import bisect


class Utf16Offsets:
    """Converts offsets into one text between Python (code points) and UTF-16 code units, both ways."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Python indices of the characters that take two UTF-16 units.
        self._wide = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def to_utf16(self, index: int) -> int:
        return index + bisect.bisect_left(self._wide, index)

    def from_utf16(self, unit: int) -> int:
        """The Python index at UTF-16 unit ``unit``; a unit inside a surrogate pair raises ValueError."""
        lo, hi = 0, len(self.text)
        while lo < hi:  # the smallest index whose UTF-16 position is >= unit
            mid = (lo + hi) // 2
            if self.to_utf16(mid) < unit:
                lo = mid + 1
            else:
                hi = mid
        if self.to_utf16(lo) != unit:
            raise ValueError(f"UTF-16 offset {unit} falls inside a character")
        return lo
