"""Who narrates a news article: the outlet of its dateline.

A wire or network story opens with a dateline, "PARIS (Reuters) - …", "Berlin (CNN) — …", "(AP) — …". The
outlet named there tells the story; a sentence credited to it ("Ischgl is already being investigated …, as
reported by CNN last week") is narration, not a side it takes. Another outlet an article cites ("The New York
Times reported …") is a source like any other.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# How far into the article a dateline may open a line: after a headline and a byline or two.
DATELINE_CHARS = 600

# A line that opens with an optional place, then the outlet in brackets and a dash: "LONDON (REUTERS) – ".
_PLACE = r"[A-ZÀ-Ý][\w.'’/-]*(?:[ \t,]+[A-ZÀ-Ý][\w.'’/-]*){0,3},?[ \t]+"  # capitalised words: "HONG KONG ", "Berlin "
_DATELINE = re.compile(rf"^[ \t]*(?P<place>{_PLACE})?\((?P<outlet>[^\W\d][\w&.'’ ]{{1,30}})\)[ \t]*(?:—|–|-{{1,2}})[ \t]",
                       re.MULTILINE)
# ... or, after a place, an outlet in capitals (CNN's house style) with no dash before the story's first capital:
# "London (CNN) The UK is preparing …"; not "Keir Starmer (Labour) Says …"
_DATELINE_NO_DASH = re.compile(rf"^[ \t]*(?P<place>{_PLACE})\((?P<outlet>[A-Z]{{2,6}})\)[ \t]*(?=[A-ZÀ-Ý])",
                               re.MULTILINE)


def _is_dateline(match: re.Match[str]) -> bool:
    """"BERLIN (dpa) -" is a dateline, but not a line's "(really) -": a place, or an outlet's capital."""
    return bool(match["place"]) or match["outlet"][0].isupper()


def _datelines(text: str) -> list[re.Match[str]]:
    """The datelines near the top of ``text``, in the order they stand."""
    top = text[:DATELINE_CHARS]
    found = sorted([*_DATELINE.finditer(top), *_DATELINE_NO_DASH.finditer(top)], key=lambda m: m.start())
    return [m for m in found if _is_dateline(m)]


class Dateline(NamedTuple):
    """What a dateline near the top of an article names: the outlet that tells the story ("Reuters" in "PARIS
    (Reuters) - …", "dpa" in "BERLIN (dpa) - …") and the place it was filed from ("LONDON" in "LONDON (REUTERS) –
    …", which says nothing: a small model names it as a sentence's speaker); None where it names none."""

    outlet: str | None
    place: str | None


def dateline(text: str) -> Dateline:
    """The outlet and the place of ``text``'s datelines, read in one scan of its top."""
    found = _datelines(text)
    return Dateline(next((m["outlet"].strip() for m in found), None),
                    next((m["place"].strip(" \t,") for m in found if m["place"]), None))


def is_narrator(who: str, outlet: str | None) -> bool:
    """Whether the speaker ``who`` is the dateline's outlet, whatever its case ("REUTERS", "Reuters")."""
    return outlet is not None and who.strip(" .").casefold() == outlet.casefold()


def strip_dateline(text: str) -> str:
    """``text`` without the dateline it opens with ("PARIS (Reuters) - Le ministre …" is "Le ministre …"): where a
    story was filed from, and by whom, is no part of a claim."""
    match = _DATELINE.match(text) or _DATELINE_NO_DASH.match(text)
    if match is None or not _is_dateline(match):
        return text
    rest = text[match.end():].lstrip()
    return rest[:1].upper() + rest[1:] if rest else text
