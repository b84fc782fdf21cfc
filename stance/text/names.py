"""Name normalisation for the extractor side: one home, used by ``text.actors`` and ``corpus``.

Two forms, for two jobs, kept apart on purpose:

* ``strip_titles`` gives the display name an article's actor gets ("Secretary
  of State Antony Blinken" -> "Antony Blinken"). Its output lands in results,
  so it stays exactly as it is (a change would change every result).
* ``person_key`` / ``name_key`` line names up across articles: they fold
  accents and case, drop punctuation and "Jr."/"Sr.", and strip any leading
  title *word*, nationalities and roles included ("Iranian Foreign Minister").
  The corpus shows the display half of ``person_key`` as a canonical name.
  Giving ``strip_titles`` these rules would change what extraction writes,
  so the two stay two functions with two names.

The scorer (``stance.evals._matching``) keeps its own normaliser on purpose,
so that it shares no code with what it scores.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TITLES = (
    "u.s. secretary of state", "secretary of state", "deputy foreign minister", "foreign minister",
    "prime minister", "vice president", "president", "secretary", "minister", "senator", "sen.",
    "representative", "rep.", "governor", "gov.", "mayor", "council member", "councilmember",
    "spokesperson", "spokesman", "spokeswoman", "chairman", "chairwoman", "chair", "ceo",
    "attorney general", "judge", "general", "gen.", "dr.", "mr.", "mrs.", "ms.", "prof.", "coach",
    "state department spokesperson", "russian president", "u.s.", "former", "then-",
)


def tidy_name(name: str) -> str:
    """Undo grammar-constrained spacing artefacts ("U. S." -> "U.S.") and stray whitespace."""
    name = re.sub(r"\b([A-Z])\. (?=[A-Z]\b)", r"\1.", re.sub(r"\s+", " ", name)).strip()
    return re.sub(r"\b([A-Z])\.([A-Z])$", r"\1.\2.", name)


def strip_titles(name: str) -> str:
    """The display name without leading titles and "the" ("U.S. Secretary of State Antony Blinken" -> "Antony Blinken")."""
    cleaned = tidy_name(name).strip(",;:")
    if cleaned.endswith(".") and not re.search(r"\b[A-Z]\.$", cleaned):
        cleaned = cleaned[:-1]
    lowered = cleaned.lower()
    changed = True
    while changed:
        changed = False
        for title in sorted(_TITLES, key=len, reverse=True):
            if lowered.startswith(title + " ") and len(cleaned) > len(title) + 1:
                cleaned = cleaned[len(title) + 1:].strip()
                lowered = cleaned.lower()
                changed = True
    if lowered.startswith("the ") and len(cleaned.split()) > 1:
        cleaned = cleaned[4:]
    return cleaned


# Leading words that are titles, roles or affiliations rather than part of a name.
TITLE_WORDS = frozenset(
    """
    mr mrs ms miss dr prof professor sir dame lord lady rev reverend
    president vice prime minister secretary of state foreign defense defence finance interior
    general gen lt col maj capt adm admiral sgt
    sen senator rep representative congressman congresswoman gov governor mayor
    chancellor chairman chairwoman chair ceo cfo coo founder spokesman spokeswoman spokesperson
    speaker house senate majority minority leader whip commissioner
    us uk eu un american british russian chinese iranian israeli ukrainian french german
    former acting deputy assistant undersecretary under ambassador envoy special
    attorney judge justice chief executive officer director king queen prince princess
    pope sheikh crown supreme democratic republican incumbent challenger candidate
    the then coach analyst adviser advisor
    """.split()
)
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"})


def fold(text: str) -> str:
    """Casefold and drop accents and typographic quotes, so spellings compare equal."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("’", "'").replace("‘", "'").casefold()


def name_tokens(name: str) -> list[tuple[str, str]]:
    """(original, normalised) tokens of a name; periods and commas dropped ("U.S." -> "us")."""
    out = []
    for raw in name.replace(",", " ").split():
        norm = re.sub(r"[^\w'-]", "", fold(raw).replace(".", "")).strip("'-")
        if norm.endswith("'s"):
            norm = norm[:-2]
        if norm:
            out.append((raw.strip(","), norm))
    return out


@lru_cache(maxsize=1 << 16)
def person_key(name: str) -> tuple[str, str]:
    """A person's name without leading title words: (display form, comparison key without "Jr."/"Sr.").

    "Secretary of State Antony Blinken" -> ("Antony Blinken", "antony blinken");
    "J. David Cox Sr." -> ("J. David Cox Sr.", "j david cox"). At least one token is always kept.
    """
    tokens = name_tokens(name)
    while len(tokens) > 1 and tokens[0][1] in TITLE_WORDS:
        tokens = tokens[1:]
    display = " ".join(t[0] for t in tokens)
    while len(tokens) > 1 and tokens[-1][1] in NAME_SUFFIXES:
        tokens = tokens[:-1]
    return display, " ".join(t[1] for t in tokens)


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Normalised form of a non-person name: folded, punctuation dropped, leading "the" removed."""
    tokens = [t[1] for t in name_tokens(name)]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)
