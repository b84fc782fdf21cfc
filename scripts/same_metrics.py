"""Are two metrics.json files the same apart from timing? For behaviour-neutral changes run on a warm cache.

Wall time and per-article seconds move from run to run even when every answer
comes from the response cache, so keys named ``seconds*`` / ``wall_seconds``
are masked; everything else (every metric, count, pair and warning) must match
exactly. Exits 0 when they match, 1 with the first differing lines otherwise.

Usage: python scripts/same_metrics.py BEFORE/metrics.json AFTER/metrics.json
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from typing import Any

TIMING = re.compile(r"^(wall_)?seconds")


def masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<timing>" if TIMING.match(k) else masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def main(before: str, after: str) -> int:
    a, b = (json.dumps(masked(json.load(open(p, encoding="utf-8"))), indent=2).splitlines() for p in (before, after))
    if a == b:
        print(f"same apart from timing: {len(a)} lines of metrics")
        return 0
    print("\n".join(list(difflib.unified_diff(a, b, before, after, lineterm=""))[:40]))
    return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
