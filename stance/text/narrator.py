"""Who narrates a news article: the outlet of its dateline.

A wire or network story opens with a dateline, "PARIS (Reuters) - …", "Berlin (CNN) — …", "(AP) — …". The
outlet named there tells the story; a sentence credited to it ("Ischgl is already being investigated …, as
reported by CNN last week") is narration, not a side it takes. Another outlet an article cites ("The New York
Times reported …") is a source like any other.
"""

from __future__ import annotations

import re

# How far into the article a dateline may open a line: after a headline and a byline or two.
DATELINE_CHARS = 600

# A line that opens with an optional place, then the outlet in brackets and a dash: "LONDON (REUTERS) – ".
_PLACE = r"[A-ZÀ-Ý][\w.'’/-]*(?:[ \t,]+[A-ZÀ-Ý][\w.'’/-]*){0,3},?[ \t]+"  # capitalised words: "HONG KONG ", "Berlin "
_DATELINE = re.compile(rf"^[ \t]*(?:{_PLACE})?\((?P<outlet>[A-Z][\w&.'’ ]{{1,30}})\)[ \t]*(?:—|–|-{{1,2}})[ \t]", re.MULTILINE)


def dateline_outlet(text: str) -> str | None:
    """The outlet a dateline near the top of ``text`` names ("Reuters" in "PARIS (Reuters) - …"), or None."""
    match = _DATELINE.search(text[:DATELINE_CHARS])
    return match["outlet"].strip() if match else None


def is_narrator(who: str, outlet: str | None) -> bool:
    """Whether the speaker ``who`` is the dateline's outlet, whatever its case ("REUTERS", "Reuters")."""
    return outlet is not None and who.strip(" .").casefold() == outlet.casefold()
