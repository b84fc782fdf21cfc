"""Canonical actor names within one article.

Models name the same speaker several ways ("Blinken", "Antony Blinken",
"Secretary of State Antony Blinken"). We pick one canonical name per speaker,
keep the others as aliases, and expand a bare surname to the full name the
article introduced, but never merge two different people who share a surname.
"""

from __future__ import annotations

import re
from collections import Counter

from stance.results import Actor
from stance.text.names import strip_titles, tidy_name

__all__ = ["canonicalise", "guess_type", "person_behind_role", "strip_titles", "tidy_name"]

_ORG_WORDS = {
    "department", "ministry", "council", "committee", "inc", "inc.", "corp", "corp.", "company", "association",
    "union", "institute", "university", "agency", "commission", "authority", "party", "chamber", "foundation",
    "bank", "court", "board", "office", "group", "network", "league", "club", "coalition", "center", "centre",
    "trust", "federation", "organization", "organisation", "corporation", "llc", "times", "post", "news",
    "browns", "nfl", "wework", "gannett", "gatehouse", "school", "schools", "police", "campaign",
}
_GOV_WORDS = {
    "government", "administration", "officials", "kremlin", "white house", "state department", "pentagon",
    "parliament", "congress", "senate", "legislature", "moscow", "washington", "city hall", "ministry",
}
_GROUP_WORDS = {
    "residents", "teachers", "members", "protesters", "critics", "supporters", "activists", "workers",
    "employees", "lawmakers", "democrats", "republicans", "advocates", "experts", "analysts", "parents",
    "voters", "opponents", "investors", "scientists", "players", "fans",
}
_COUNTRIES = {
    "russia", "china", "iran", "israel", "united states", "the united states", "u.s.", "us", "ukraine",
    "north korea", "south korea", "france", "germany", "britain", "united kingdom", "japan", "india",
    "eu", "european union", "canada", "mexico", "turkey", "saudi arabia", "qatar", "oman",
}
_NAME_TOKEN = r"[A-Z][\w’'.-]+"


# The last word of a role that can stand right before a person's name
# ("spokeswoman Erin Bass", "Interior Minister Pavel Dorn", "resident Dennise Laboy").
_ROLE_WORDS = {
    "minister", "commissioner", "director", "president", "secretary", "chair", "chairman", "chairwoman",
    "senator", "sen.", "governor", "gov.", "mayor", "judge", "justice", "chief", "officer", "spokesperson",
    "spokesman", "spokeswoman", "attorney", "lawyer", "executive", "ceo", "founder", "fellow", "member",
    "councilmember", "resident", "leader", "head", "manager", "analyst", "professor", "prof.", "coach",
    "representative", "rep.", "dr.", "deputy", "official", "adviser", "advisor", "economist", "researcher",
    "editor", "owner", "organizer", "organiser", "candidate", "lawmaker", "activist", "teacher", "superintendent",
}


def person_behind_role(name: str) -> str | None:
    """"Calloway Logistics spokeswoman Erin Bass" -> "Erin Bass": FORMAT names people, roles go to aliases."""
    words = name.split()
    for size in (2, 3):
        if len(words) <= size:
            break
        person, before = words[-size:], words[-size - 1].lower().rstrip(",")
        if before not in _ROLE_WORDS:
            continue
        if all(w[:1].isupper() and w.lower().strip(".") not in _ORG_WORDS | _GOV_WORDS for w in person):
            return " ".join(person)
    return None


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s]+", name.lower().replace("’", "'")) if t]


def guess_type(name: str) -> str:
    lowered = name.lower().strip()
    words = set(re.findall(r"[a-z.]+", lowered))
    if lowered in _COUNTRIES:
        return "country"
    if any(w in lowered for w in _GOV_WORDS if " " in w) or words & {w for w in _GOV_WORDS if " " not in w}:
        return "government"
    if words & _ORG_WORDS:
        return "organization"
    if words & _GROUP_WORDS:
        return "group"
    return "person"


def _full_names_in_text(text: str, surname: str) -> Counter[str]:
    pattern = re.compile(rf"\b((?:{_NAME_TOKEN} ){{1,2}}){re.escape(surname)}\b")
    found: Counter[str] = Counter()
    for match in pattern.finditer(text):
        full = strip_titles(match.group(0))
        if len(full.split()) >= 2 and full.split()[-1] == surname:
            found[full] += 1
    return found


def _named_by_descriptor(descriptor: str, text: str) -> str | None:
    """"State Department spokesperson" -> "Matthew Miller" when the text says "State Department spokesperson Matthew Miller"."""
    if len(descriptor.split()) < 2 or descriptor[:1].isupper() and descriptor.istitle():
        return None  # already a name
    pattern = re.compile(rf"\b(?i:{re.escape(descriptor)}),? ((?:{_NAME_TOKEN} ){{0,2}}{_NAME_TOKEN})")
    names = {m.group(1) for m in pattern.finditer(text) if len(m.group(1).split()) >= 2}
    return names.pop() if len(names) == 1 else None


def canonicalise(surface_names: list[str], text: str) -> tuple[dict[str, str], list[Actor]]:
    """Map each surface name to a canonical name; return the mapping and the actors with aliases."""
    counts = Counter(tidy_name(n) for n in surface_names if n.strip())
    stripped = {n: _named_by_descriptor(n, text) or person_behind_role(strip_titles(n)) or strip_titles(n) or n
                for n in counts}
    # Full names (2+ tokens, capitalised first token) are candidate canonicals.
    full_names = sorted({s for s in stripped.values() if len(s.split()) >= 2}, key=lambda s: (-len(s.split()), s))
    mapping: dict[str, str] = {}
    for surface, base in stripped.items():
        target = base
        tokens = _tokens(base)
        if len(tokens) == 1 and base[:1].isupper():
            # bare surname: one full name among the speakers, else one in the text
            owners = [f for f in full_names if _tokens(f)[-1] == tokens[0] and guess_type(f) == "person"]
            if len(set(owners)) == 1:
                target = owners[0]
            elif not owners:
                in_text = _full_names_in_text(text, base)
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
        actor = actors.setdefault(canonical, Actor(name=canonical, type=guess_type(canonical)))
        if surface != canonical and surface not in actor.aliases:
            actor.aliases.append(surface)
    return mapping, list(actors.values())
