"""What every report page shares: the Jinja environment, evidence highlighting, safe JSON, atomic writing.

Safety rule: every piece of article or model text reaches a page either
through Jinja autoescaping / ``markupsafe.escape`` or inside the JSON data
block, which has ``<``, ``>`` and ``&`` escaped so that nothing can close the
``<script>`` tag; the page script writes that data with ``textContent`` only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from stance.evals import fmt_metric
from stance.files import write_atomic

TEMPLATES_DIR = Path(__file__).parent / "templates"
STANCE_SYMBOLS = {"support": "+", "oppose": "\u2212", "neutral": "0", "mixed": "\u00b1"}


class ReportError(Exception):
    """Input a report cannot be made from; the message is meant for the user."""


def highlight_segments(length: int, spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, list[str]]]:
    """Cut ``[0, length)`` at every span boundary; each piece lists the ids of the spans covering it.

    Overlapping and nested spans are handled by construction: a piece covered by
    two spans lists both, so the page can show both in the detail panel.
    """
    spans = [(s, e, i) for s, e, i in spans if 0 <= s < e <= length]
    bounds = sorted({0, length, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        ids = [i for s, e, i in spans if s <= lo and hi <= e]
        pieces.append((lo, hi, ids))
    return pieces


@dataclass(frozen=True)
class Span:
    """A highlight: evidence ``id`` covering ``text[start:end]``, coloured by CSS class ``css``."""

    id: str
    start: int
    end: int
    css: str


def highlight_html(text: str, spans: Sequence[Span], mixed_css: str = "st-mixed") -> Markup:
    """The text, escaped, with a ``<mark>`` per piece covered by spans.

    A piece covered by spans of different colours gets ``mixed_css``; one
    covered by several spans also gets ``multi`` (underlined). ``data-ev``
    lists every covering span id, for the detail panel.
    """
    css = {sp.id: sp.css for sp in spans}
    out: list[str] = []
    for lo, hi, ids in highlight_segments(len(text), [(sp.start, sp.end, sp.id) for sp in spans]):
        chunk = escape(text[lo:hi])
        if not ids:
            out.append(chunk)
            continue
        ids = list(dict.fromkeys(ids))  # one id may cover a piece twice (a quote found twice)
        colours = {css[i] for i in ids}
        colour = colours.pop() if len(colours) == 1 else mixed_css
        multi = " multi" if len(ids) > 1 else ""
        out.append(f'<mark class="ev {colour}{multi}" tabindex="0" data-ev="{" ".join(ids)}">{chunk}</mark>')
    return Markup("".join(out))


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every occurrence of a quote in the text (overlapping ones too), as (start, end)."""
    found: list[tuple[int, int]] = []
    i = text.find(quote) if quote else -1
    while i != -1:
        found.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return found


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["pct"] = lambda x: "\u2014" if x is None else f"{100 * x:.0f}%"
    env.globals["fmt"] = fmt_metric
    return env


def json_for_script(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` can end the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def stance_version() -> str:
    try:
        from importlib.metadata import version

        return version("stance")
    except Exception:  # not installed (source checkout): the version is cosmetic here
        return "dev"


def write_html(html: str, out: Path | str) -> Path:
    """Write a rendered report atomically (a reader never sees half a file)."""
    target = Path(out)
    try:
        write_atomic(target, html)
    except OSError as exc:
        raise ReportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target

