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

The title lists are per language (``languages/xx.toml`` [names]): ``strip_titles``
reads the article's language's, ``person_key`` every language's, since one
corpus may mix languages ("Bundeskanzler Olaf Scholz" and "Chancellor Olaf
Scholz" are one person).

The scorer (``stance.evals._matching``) keeps its own normaliser on purpose,
so that it shares no code with what it scores.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from stance.text.languages import DEFAULT, languages, rules

_TITLES = tuple(rules(DEFAULT).names.titles)  # English; another language's: rules(lang).names.titles


def tidy_name(name: str) -> str:
    """Undo grammar-constrained spacing artefacts ("U. S." -> "U.S.") and stray whitespace."""
    name = re.sub(r"\b([A-Z])\. (?=[A-Z]\b)", r"\1.", re.sub(r"\s+", " ", name)).strip()
    return re.sub(r"\b([A-Z])\.([A-Z])$", r"\1.\2.", name)


@cache
def _titles_longest_first(lang: str) -> tuple[str, ...]:
    return tuple(sorted(rules(lang).names.titles, key=len, reverse=True))


def _leads_with_title(lowered: str, lang: str) -> bool:
    first = lowered.split(" ", 1)[0]
    return any(lowered.startswith(title + " ") for title in _titles_longest_first(lang)) or any(
        first.endswith(end) for end in rules(lang).names.title_suffixes)


def without_leading_words(words: list[str], lang: str = DEFAULT, *, keep: int = 0) -> list[str]:
    """``words`` from the first that may begin a name: the words that open a sentence or a clause before one ("The",
    "But", "In", "If"; data ``attribution.not_a_speaker``) are no part of it. At least ``keep`` words stay."""
    small = rules(lang).attribution.not_a_speaker
    start = 0
    while len(words) - start > keep and words[start].lower() in small:
        start += 1
    return words[start:]


def strip_titles(name: str, lang: str = DEFAULT) -> str:
    """The display name without leading titles and "the" ("U.S. Secretary of State Antony Blinken" -> "Antony Blinken").

    ``lang``: whose titles and articles ("Bundeskanzler Olaf Scholz", "die Bundesregierung"); a German
    compound ending in a title ("Bundesgesundheitsminister") is a title too.
    """
    spec = rules(lang).names
    cleaned = tidy_name(name).strip(",;:")
    if cleaned.endswith(".") and not re.search(r"\b[A-Z]\.$", cleaned):
        cleaned = cleaned[:-1]
    lowered = cleaned.lower()
    changed = True
    while changed:
        changed = False
        article = next((a for a in spec.title_articles if lowered.startswith(a + " ")), None)
        if article and _leads_with_title(lowered[len(article) + 1:], lang):  # "le président Emmanuel Macron"
            cleaned = cleaned[len(article) + 1:].strip()
            lowered = cleaned.lower()
        for title in _titles_longest_first(lang):
            if lowered.startswith(title + " ") and len(cleaned) > len(title) + 1:
                cleaned = cleaned[len(title) + 1:].strip()
                lowered = cleaned.lower()
                changed = True
        first = lowered.split(" ", 1)[0]
        if len(cleaned.split()) > 1 and any(first.endswith(end) and len(first) > len(end) for end in spec.title_suffixes):
            cleaned = cleaned.split(" ", 1)[1].strip()
            lowered = cleaned.lower()
            changed = True
    for article in spec.articles:
        if lowered.startswith(article + " ") and len(cleaned.split()) > 1:
            cleaned = cleaned[len(article) + 1:]
            break
    if spec.appositives and "," in cleaned:  # "presidente del Gobierno, Pedro Sánchez" -> "Pedro Sánchez"
        last = cleaned.rsplit(",", 1)[1].split()
        if 2 <= len(last) <= 4 and all(w[:1].isupper() for w in last):
            return " ".join(last)
    return cleaned


def fold(text: str) -> str:
    """Casefold and drop accents and typographic quotes, so spellings compare equal."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("’", "'").replace("‘", "'").casefold()


# Leading words that are titles, roles or affiliations rather than part of a name, in every language
# (one corpus may mix them), and the endings that make a compound one (German "...minister").
TITLE_WORDS = frozenset().union(*(rules(code).names.title_words for code in languages()))
TITLE_SUFFIXES = tuple(sorted({fold(end) for code in languages() for end in rules(code).names.title_suffixes}))
NAME_SUFFIXES = frozenset().union(*(rules(code).names.name_suffixes for code in languages()))
# Articles before a title ("le président Emmanuel Macron"), dropped with it; "the" is a title word itself.
ARTICLES = frozenset(fold(a) for code in languages() for a in rules(code).names.title_articles) - TITLE_WORDS


def _is_title(token: str, following: str | None) -> bool:
    """A leading token that is a title, a compound ending in one, or an article before one."""
    if token in TITLE_WORDS or any(token.endswith(end) and len(token) > len(end) for end in TITLE_SUFFIXES):
        return True
    return token in ARTICLES and following is not None and _is_title(following, None)


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
    while len(tokens) > 1 and _is_title(tokens[0][1], tokens[1][1] if len(tokens) > 2 else None):
        tokens = tokens[1:]
    display = " ".join(t[0] for t in tokens)
    while len(tokens) > 1 and tokens[-1][1] in NAME_SUFFIXES:
        tokens = tokens[:-1]
    return display, " ".join(t[1] for t in tokens)


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Normalised form of a non-person name: folded, punctuation dropped, leading "the" removed.

    Only "the": "La", "Le", "El", "Los" begin names ("Los Angeles Times", "Le Monde"), and a display name has
    its article cut already (``strip_titles``: "die Bundesregierung" -> "Bundesregierung").
    """
    tokens = [t[1] for t in name_tokens(name)]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)
