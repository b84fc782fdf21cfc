"""Canonical actor names within one article.

Models name the same speaker several ways ("Blinken", "Antony Blinken",
"Secretary of State Antony Blinken"). We pick one canonical name per speaker,
keep the others as aliases, and expand a bare surname to the full name the
article introduced, but never merge two different people who share a surname.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from stance.results import Actor
from stance.text.languages import DEFAULT, rules
from stance.text.names import TITLE_WORDS, strip_titles, tidy_name, without_leading_words

__all__ = ["canonicalise", "guess_type", "named_as_person", "person_behind_role", "strip_titles", "tidy_name"]

# English (languages/en.toml [actors]); a language's own: rules(lang).actors
_ENGLISH = rules(DEFAULT).actors
_ORG_WORDS, _GOV_WORDS, _GROUP_WORDS = _ENGLISH.organization_words, _ENGLISH.government_words, _ENGLISH.group_words
_COUNTRIES = _ENGLISH.countries
# The last word of a role that can stand right before a person's name
# ("spokeswoman Erin Bass", "Interior Minister Pavel Dorn", "resident Dennise Laboy").
_ROLE_WORDS = _ENGLISH.role_words


def _name_token(lang: str) -> str:
    return rf"[{rules(lang).sentences.capitals}][\w’'.-]+"


@lru_cache(maxsize=1 << 14)
def _is_one_of(word: str, words: frozenset[str], compounds: bool) -> bool:
    """``word`` is in ``words``; in a compounding language also a word ending in one ("Bundesministerium")."""
    return word in words or compounds and any(len(w) >= 5 and word.endswith(w) for w in words)


def person_behind_role(name: str, lang: str = DEFAULT) -> str | None:
    """"Calloway Logistics spokeswoman Erin Bass" -> "Erin Bass": FORMAT names people, roles go to aliases."""
    spec = rules(lang).actors
    words = name.split()
    for size in (2, 3):
        if len(words) <= size:
            break
        person, before = words[-size:], words[-size - 1].lower().rstrip(",")
        if not _is_one_of(before, spec.role_words, spec.compounds):
            continue
        if all(w[:1].isupper() and w.lower().strip(".") not in spec.organization_words | spec.government_words
               for w in person):
            return " ".join(person)
    return None


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s]+", name.lower().replace("’", "'")) if t]


def guess_type(name: str, lang: str = DEFAULT) -> str:
    spec = rules(lang).actors
    lowered = name.lower().strip()
    words = set(re.findall(rf"[{rules(lang).sentences.lowercase}.]+", lowered))

    def has(kind: frozenset[str]) -> bool:
        return any(_is_one_of(w, kind, spec.compounds) for w in words)

    if lowered in spec.countries:
        return "country"
    if any(w in lowered for w in spec.government_words if " " in w) or has(
            frozenset(w for w in spec.government_words if " " not in w)):
        return "government"
    if has(spec.organization_words):
        return "organization"
    if has(spec.group_words):
        return "group"
    return "person"


def _full_names_in_text(text: str, surname: str, lang: str = DEFAULT) -> Counter[str]:
    """The longer names that end with ``surname`` in ``text``, titles stripped; a word that opens a sentence is no
    first name ("In Serania, opposition leader ...", "If Ostrovia wants ...": data ``not_a_speaker``)."""
    pattern = re.compile(rf"\b((?:{_name_token(lang)} ){{1,2}}){re.escape(surname)}\b")
    found: Counter[str] = Counter()
    for match in pattern.finditer(text):
        full = strip_titles(" ".join(without_leading_words(match.group(0).split(), lang)), lang)
        if len(full.split()) >= 2 and full.split()[-1] == surname:
            found[full] += 1
    return found


@lru_cache(maxsize=1 << 12)  # asked for each "he"/"she" sentence's speaker against the whole article
def named_as_person(name: str, text: str, lang: str = DEFAULT) -> bool:
    """A one-word name the text gives as a person's: with a first name ("Donald Trump") or after a title ("Mr
    Trump", "President Trump"); not "TikTok" ("the video-sharing app TikTok"). Longer names are people unless
    ``guess_type`` reads them otherwise."""
    if len(name.split()) != 1:
        return guess_type(name, lang) == "person"
    if _full_names_in_text(text, name, lang):
        return True
    return any(m.group(1) == name for m in _titled(lang).finditer(text))


@cache
def _titled(lang: str) -> re.Pattern[str]:
    """A title word, then a one-word name: "Mr Trump", "President Trump" (not "the TikTok")."""
    titles = "|".join(sorted((re.escape(t) for t in TITLE_WORDS if t not in rules(lang).names.articles), key=len, reverse=True))
    return re.compile(rf"\b(?i:{titles})\.?\s+({_name_token(lang)})")


def _named_body(members: str, text: str, lang: str = DEFAULT) -> str | None:
    """"trust members" -> "Citizens’ Independent Transportation Trust" when that is the one name in the text
    ending in "Trust": members speaking as their body (``member_words``)."""
    words = members.lower().split()
    if len(words) != 2 or words[1] not in rules(lang).actors.member_words or not words[0].isalpha():
        return None
    capitals = rules(lang).sentences.capitals
    # capitalised words on one line, none ending a sentence ("Monday. Trust members" names no trust)
    pattern = re.compile(rf"\b((?:[{capitals}][\w’'-]*[ \t]+){{1,5}}{re.escape(words[0].capitalize())})\b")
    names = set()
    for match in pattern.finditer(text):
        name = match.group(1).split()
        while name and name[0].lower() in rules(lang).names.articles:
            name = name[1:]  # "The Citizens’ Independent Transportation Trust"
        if len(name) >= 2:
            names.add(" ".join(name))
    return names.pop() if len(names) == 1 else None


def _named_by_descriptor(descriptor: str, text: str, lang: str = DEFAULT) -> str | None:
    """"State Department spokesperson" -> "Matthew Miller" when the text says "State Department spokesperson Matthew Miller"."""
    if len(descriptor.split()) < 2 or descriptor[:1].isupper() and descriptor.istitle():
        return None  # already a name
    token = _name_token(lang)
    pattern = re.compile(rf"\b(?i:{re.escape(descriptor)}),? ((?:{token} ){{0,2}}{token})")
    names = {m.group(1) for m in pattern.finditer(text) if len(m.group(1).split()) >= 2}
    return names.pop() if len(names) == 1 else None


AS_WRITTEN_WORD = 75.0  # ... and of each word to its counterpart ("Centers" / "Centres" 85.7, "NYAG" / "A" 40)
AS_WRITTEN_SIMILARITY = 90.0  # character similarity (0-100) of a name to the article's words of the same length
# that makes them one name in another spelling ("Centers for Disease Control" / "Centres …", "Austria Health Ministry"
# / "Austrian …"); cached answers: real held-out pair F1 0.787 -> 0.794, blind three pairs under the article's name
# (F1 unchanged), every other set identical


@lru_cache(maxsize=16)
def _word_runs(text: str, n: int) -> frozenset[str]:
    """The article's runs of ``n`` words, read once per article and length for every name ``as_written`` checks."""
    article = re.findall(r"[\w’'.&-]+", text)
    return frozenset(" ".join(article[i:i + n]).strip(".,") for i in range(len(article) - n + 1))


@lru_cache(maxsize=4096)
def as_written(name: str, text: str) -> str:
    """``name`` as the article spells it: a name of two or more words that the article does not hold, but holds in
    nearly the same letters, is the article's (the small model writes American spelling, "Centers for Disease
    Control and Prevention", for the BBC's "Centres …"); else ``name``."""
    words = name.split()
    if len(words) < 2 or name.casefold() in text.casefold():
        return name
    best = process.extractOne(name, _word_runs(text, len(words)), scorer=fuzz.ratio, score_cutoff=AS_WRITTEN_SIMILARITY)
    if best is None or not best[0][:1].isupper():
        return name
    # word by word too: not "NYAG spokesperson" for "A spokesperson"
    same = all(fuzz.ratio(a, b) >= AS_WRITTEN_WORD for a, b in zip(words, best[0].split(), strict=True))
    return best[0] if same else name


def canonicalise(surface_names: list[str], text: str, lang: str = DEFAULT) -> tuple[dict[str, str], list[Actor]]:
    """Map each surface name to a canonical name; return the mapping and the actors with aliases.

    ``lang``: the article's language, whose titles and role words are stripped ("Bundeskanzler Olaf Scholz").
    """
    counts = Counter(tidy_name(n) for n in surface_names if n.strip())
    stripped = {n: as_written(_named_body(n, text, lang) or _named_by_descriptor(n, text, lang)
                              or person_behind_role(strip_titles(n, lang), lang)
                              or strip_titles(n, lang) or n, text) for n in counts}
    # Full names (2+ tokens, capitalised first token) are candidate canonicals.
    full_names = sorted({s for s in stripped.values() if len(s.split()) >= 2}, key=lambda s: (-len(s.split()), s))
    mapping: dict[str, str] = {}
    for surface, base in stripped.items():
        target = base
        tokens = _tokens(base)
        if len(tokens) == 1 and base[:1].isupper():
            # bare surname: one full name among the speakers, else one in the text
            owners = [f for f in full_names if _tokens(f)[-1] == tokens[0] and guess_type(f, lang) == "person"]
            if len(set(owners)) == 1:
                target = owners[0]
            elif not owners:
                in_text = _full_names_in_text(text, base, lang)
                if len(in_text) == 1:
                    target = next(iter(in_text))
        else:
            # a longer form containing a shorter full name ("Antony J. Blinken" ~ "Antony Blinken")
            for other in full_names:
                if other != base and len(other) < len(base) and set(_tokens(other)) <= set(tokens):
                    target = other
                    break
        mapping[surface] = target
    actors: dict[str, Actor] = {}
    mapping.update({n: mapping[tidy_name(n)] for n in surface_names if n.strip() and tidy_name(n) in mapping})
    for surface, canonical in list(mapping.items()):
        if surface != tidy_name(surface):
            continue
        actor = actors.setdefault(canonical, Actor(name=canonical, type=guess_type(canonical, lang)))
        if surface != canonical and surface not in actor.aliases:
            actor.aliases.append(surface)
    return mapping, list(actors.values())
