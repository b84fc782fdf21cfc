"""When two similar claims are still different propositions: other numbers, another subject, the other direction.

Sentence similarity (embeddings or shared words) scores "GateHouse laid off 60
employees" and "... 600 employees", "Russia should ratify the treaty" and "The
U.S. should ratify the treaty", or "Prices will rise" and "Prices will fall"
as near-paraphrases. The corpus claim map asks ``different_propositions`` before
it lets two claims share a recurring claim. Negation is not a difference: a
claim and its negation *are* one recurring claim, with the stances of the
negated side reversed; ``strip_negation`` reads a claim without it (with the
negation cues of ``stance.text.polarity``).

The direction words are English; claims in other languages are kept apart by
numbers, subject and roles only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from stance.text.names import fold
from stance.text.polarity import _NEGATION  # the rule pass's negation cues: one list for both

_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred "
    "thousand million billion trillion dozen half quarter".split()
)
# Opposite directions: a claim with a word of one pole and a claim with a word of the other (and not both)
# state different propositions however similar the rest is.
_DIRECTIONS: tuple[tuple[str, str], ...] = (
    (r"ris(?:e|es|ing|en)|rose", r"fall(?:s|ing|en)?|fell|drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)"),
    (r"increas(?:e|es|ed|ing)", r"decreas(?:e|es|ed|ing)|reduc(?:e|es|ed|ing|tion)"),
    (r"rais(?:e|es|ed|ing)|hik(?:e|es|ed|ing)", r"lower(?:s|ed|ing)?|cut(?:s|ting)?"),
    (r"more", r"less|fewer"),
    (r"higher", r"lower"),
    (r"up", r"down"),
    (r"gain(?:s|ed|ing)?", r"los(?:e|es|ing|t)"),
    (r"win(?:s|ning)?|won", r"los(?:e|es|ing|t)"),
    (r"strengthen(?:s|ed|ing)?", r"weaken(?:s|ed|ing)?"),
    (r"improv(?:e|es|ed|ing)", r"worsen(?:s|ed|ing)?|deteriorat(?:e|es|ed|ing)"),
    (r"expand(?:s|ed|ing)?|grow(?:s|ing|n)?|grew", r"shrink(?:s|ing)?|shrank|shrunk"),
    (r"lift(?:s|ed|ing)?|eas(?:e|es|ed|ing)", r"impos(?:e|es|ed|ing)|tighten(?:s|ed|ing)?"),
    (r"accept(?:s|ed|ing)?|approv(?:e|es|ed|ing)", r"reject(?:s|ed|ing)?"),
    (r"allow(?:s|ed|ing)?|permit(?:s|ted|ting)?|legaliz(?:e|es|ed|ing)", r"ban(?:s|ned|ning)?|forbid(?:s|den)?|prohibit(?:s|ed|ing)?"),
    (r"support(?:s|ed|ing)?|back(?:s|ed|ing)?|favou?r(?:s|ed|ing)?", r"oppos(?:e|es|ed|ing)"),
    (r"hir(?:e|es|ed|ing)", r"fir(?:e|es|ed|ing)|lay(?:s|ing)? off|laid off"),
    (r"success(?:ful)?|succeed(?:s|ed)?", r"fail(?:s|ed|ure|ing)?"),
    (r"before", r"after"),
)
_DIRECTION_RES = tuple((re.compile(rf"\b(?:{a})\b"), re.compile(rf"\b(?:{b})\b")) for a, b in _DIRECTIONS)
# Names written several ways, folded to one, so "the United States" and "the U.S." are one subject.
_SAME_NAMES = (
    (re.compile(r"\bunited states(?: of america)?\b|\bu\.s\.a?\.?|\bamerica\b"), "us"),
    (re.compile(r"\bunited kingdom\b|\bu\.k\.|\bbritain\b"), "uk"),
    (re.compile(r"\beuropean union\b|\be\.u\."), "eu"),
    (re.compile(r"\bunited nations\b|\bu\.n\."), "un"),
)
_WORD = re.compile(r"[\w$%][\w$%.,'’-]*[\w%]|[\w$%]")
_JOINERS = frozenset({"and", "&", "or"})  # "Iran and the U.S." names both parties in either order


_CONTRACTED = re.compile(r"\b(ca|wo|sha)n[’']t\b|\bcannot\b", re.IGNORECASE)  # can't, won't, shan't, cannot
_UNCONTRACTED = {"ca": "can", "wo": "will", "sha": "shall"}


def strip_negation(text: str) -> tuple[str, bool]:
    """The claim without its negation cues, and whether it had an odd number of them.

    "There is no agreement in the offing." -> ("There is agreement in the offing.", True);
    "Iran won't enrich uranium." -> ("Iran will enrich uranium.", True).
    """
    count = 0

    def uncontract(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        stem = match.group(1)
        return _UNCONTRACTED[stem.lower()] if stem else "can"

    core = _CONTRACTED.sub(uncontract, text)
    count += len(_NEGATION.findall(core))
    core = _NEGATION.sub("", core)
    core = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s{2,}", " ", core)).strip()
    if core[:1].islower() and text[:1].isupper():
        core = core[0].upper() + core[1:]
    return core, count % 2 == 1


@lru_cache(maxsize=1 << 16)
def numbers(text: str) -> frozenset[str]:
    """The numbers a claim states: digits ("4,000" -> "4000") and number words."""
    found = {re.sub(r"[,.](?=\d{3}\b)", "", m) for m in re.findall(r"\d[\d,.]*\d|\d", text)}
    found |= {w for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    return frozenset(found)


@lru_cache(maxsize=1 << 16)
def directions(text: str) -> frozenset[tuple[int, int]]:
    """(pair, pole) for every direction word in the claim: pole 0 rises, 1 falls."""
    low = text.lower()
    return frozenset((k, pole) for k, pair in enumerate(_DIRECTION_RES) for pole, rx in enumerate(pair) if rx.search(low))


def _normalise_names(text: str) -> str:
    low = fold(text)
    for rx, name in _SAME_NAMES:
        low = rx.sub(name, low)
    return low


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The folded capitalised words of names ("the United States" -> us; "Ali Bagheri" -> ali, bagheri)."""
    return frozenset(_key(w) for name in names for w in _WORD.findall(_names_written_alike(name)) if w[:1].isupper()) - {"the"}


def proper_nouns(texts: Iterable[str], names: Iterable[str] = ()) -> frozenset[str]:
    """Words written capitalised in the middle of a claim and never in lower case (folded), over a run's claims,
    plus the capitalised words of ``names`` (the run's actors).

    A claim's first word is capitalised anyway; it counts as a name only when
    this vocabulary holds it ("Russia should ..." yes, "Prices will ..." no).
    """
    upper: set[str] = set(name_words(names))
    lower: set[str] = set()
    for text in texts:
        for i, word in enumerate(_WORD.findall(text)):
            if i == 0:
                continue
            key = _key(word)
            (upper if word[:1].isupper() else lower).add(key)
    return frozenset(upper - lower)


def _key(word: str) -> str:
    return _normalise_names(word).strip(".,'’")


def entities(text: str, vocabulary: frozenset[str]) -> list[frozenset[str]]:
    """The names in a claim in order, names joined by "and" sharing one position (folded words)."""
    return list(_names(text, vocabulary)[0])


@lru_cache(maxsize=1 << 16)  # a run's guard checks each text against many: read it once
def _names(text: str, vocabulary: frozenset[str]) -> tuple[tuple[frozenset[str], ...], bool]:
    """``entities``, and whether the first of them opens the claim (its subject: "Russia ...", "The U.S. ...")."""
    out: list[set[str]] = []
    opens = False
    joined = previous_was_name = False
    first = ""
    for i, raw in enumerate(_WORD.findall(_names_written_alike(text))):
        key = _key(raw)
        first = first or key
        if raw[:1].isupper() and (i > 0 or key in vocabulary):
            if not out:
                opens = i == 0 or (i == 1 and first == "the")
            if previous_was_name or (joined and out):
                out[-1].add(key)
            else:
                out.append({key})
            previous_was_name, joined = True, False
        else:
            joined = (previous_was_name and key in _JOINERS) or (joined and key == "the")
            previous_was_name = False
    return tuple(frozenset(group) for group in out), opens


def _names_written_alike(text: str) -> str:
    """The text with "the United States", "U.S.", "America" ... written as one capitalised token (US, UK, EU, UN)."""
    for rx, name in _SAME_NAMES:
        text = re.sub(rx.pattern, name.upper(), text, flags=re.IGNORECASE)
    return text


def _same_name(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))  # Iran / Iranian


def _mentions(group: frozenset[str], names: Sequence[frozenset[str]]) -> bool:
    return any(_same_name(a, b) for other in names for a in group for b in other)


def different_propositions(
    a: str, b: str, vocabulary: frozenset[str] = frozenset(), parties: frozenset[str] | None = None
) -> str | None:
    """Why two claims cannot be one proposition ("numbers", "direction", "subject", "roles"), or None.

    ``vocabulary`` is ``proper_nouns`` over the run's claims. Two claims opening
    with different names have different subjects only when both names are
    ``parties`` (the folded words of the run's actors: "Russia ..." / "The U.S.
    ..."; not "The Internal Market Bill ..." / "The Prime Minister's proposals
    ..."); None: any names. Negation is not a difference here (see the module docstring).
    """
    na, nb = numbers(a), numbers(b)
    if na and nb and na != nb:
        return "numbers"
    da, db = directions(a), directions(b)
    if any((k, 1 - pole) in db and (k, pole) not in db and (k, 1 - pole) not in da for k, pole in da):
        return "direction"
    (ea, a_opens), (eb, b_opens) = _names(a, vocabulary), _names(b, vocabulary)
    if a_opens and b_opens and not _mentions(ea[0], eb) and not _mentions(eb[0], ea):
        if parties is None or (ea[0] & parties and eb[0] & parties):
            return "subject"
    if _roles_swapped(ea, eb):
        return "roles"
    return None


def _roles_swapped(ea: Sequence[frozenset[str]], eb: Sequence[frozenset[str]]) -> bool:
    """Two names in one order in one claim and the other order in the other ("Israel attacked Iran" / "Iran attacked Israel")."""

    def position(names: Sequence[frozenset[str]], group: frozenset[str]) -> int | None:
        return next((i for i, other in enumerate(names) if any(_same_name(x, y) for x in group for y in other)), None)

    shared = [(position(eb, g), i) for i, g in enumerate(ea)]
    ranks = [(j, i) for j, i in shared if j is not None]
    return any(j1 > j2 for (j1, i1), (j2, i2) in zip(ranks, ranks[1:], strict=False) if i1 < i2 and j1 != j2)
