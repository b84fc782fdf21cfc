"""Actors across a run: one canonical name per person or organisation, merged on evidence only.

An identical full name (after stripping title words), or an alias one result
gives that equals another's name, merges two actors. A bare surname merges only
when exactly one full name with that surname exists in the run, so "Joe Biden"
and "Hunter Biden" never merge and a bare "Biden" stays apart when both exist.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from stance.corpus.canon import ActorKey, Canon
from stance.results import ArticleResult
from stance.text.names import fold, name_key, person_key

# Aliases like "the official", "he", "his office" say nothing about identity across articles.
PRONOUNS = frozenset({"he", "she", "it", "they", "him", "her", "his", "its", "their", "them", "we", "i", "you"})
NON_PERSON_TYPES = frozenset({"organization", "government", "country", "group"})
# Words that make an "other"-typed name an organisation rather than a person ("State Department").
ORG_WORDS = frozenset(
    """
    department ministry office council committee agency administration government party union
    association company corp inc llc group commission court police house senate congress parliament
    bank university institute foundation league team officials fund board network times news
    """.split()
)
CONNECTORS = frozenset({"of", "the", "and", "for", "de", "la", "von", "van", "der", "al", "bin", "da", "del"})


@lru_cache(maxsize=1 << 16)
def _is_generic(form: str) -> bool:
    """True for aliases that identify nobody outside their article ("he", "the official")."""
    tokens = form.split()
    if not tokens:
        return True
    if fold(tokens[0]) in PRONOUNS:
        return True
    # A proper name has a capitalised word or an acronym somewhere.
    return not any(tok[:1].isupper() for tok in tokens)


def _looks_like_person(name: str, actor_type: str) -> bool:
    """Person names get title stripping and the surname rule; organisations do not."""
    if actor_type == "person":
        return True
    if actor_type in NON_PERSON_TYPES:
        return False
    words = name.split()
    if any(fold(w).strip(".,'") in ORG_WORDS for w in words):
        return False
    display, _ = person_key(name)
    words = display.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() and fold(w) not in CONNECTORS for w in words)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class _ActorNode:
    key: ActorKey
    type: str
    forms: list[str]  # name first, then aliases
    person: bool


def _actor_nodes(results: Sequence[ArticleResult]) -> list[_ActorNode]:
    nodes: list[_ActorNode] = []
    for result in results:
        aid = result.article.id
        seen: set[str] = set()
        for actor in result.actors:
            if actor.name in seen:
                continue
            seen.add(actor.name)
            forms = [actor.name] + [a for a in actor.aliases if a and a != actor.name]
            nodes.append(_ActorNode((aid, actor.name), actor.type, forms, _looks_like_person(actor.name, actor.type)))
        for claim in result.claims:  # a stance naming an actor the result does not list
            for stance in claim.stances:
                if stance.actor not in seen:
                    seen.add(stance.actor)
                    nodes.append(
                        _ActorNode((aid, stance.actor), "other", [stance.actor], _looks_like_person(stance.actor, "other"))
                    )
    return nodes


def _keys(node: _ActorNode) -> tuple[set[str], str | None]:
    """Keys that identify an actor across articles, and the bare surname of a surname-only person.

    A person's keys are its full names (two or more words after stripping
    titles); a person known only as "Blinken" or "Secretary Blinken" has no key
    but a surname. Other actors' keys are their normalised names. Generic
    aliases ("the official", "he") are never keys.
    """
    keys: set[str] = set()
    for i, form in enumerate(node.forms):
        if i > 0 and _is_generic(form):
            continue
        key = person_key(form)[1] if node.person else name_key(form)
        if key and (" " in key or not node.person):
            keys.add(key)
    surname = None
    if node.person and not keys:
        surname = person_key(node.forms[0])[1]
    return keys, surname


def canonicalize_actors(results: Sequence[ArticleResult], canon: Canon, old_rows: list[dict[str, str]]) -> None:
    nodes = _actor_nodes(results)
    uf = _UnionFind(len(nodes))
    keyed = [_keys(n) for n in nodes]
    first_with: dict[str, int] = {}
    for i, (keys, _surname) in enumerate(keyed):
        for k in keys:
            uf.union(i, first_with.setdefault(k, i))
    # The surname rule: a person known only by a bare surname joins the one full name with that
    # surname; with two or more ("Joe Biden", "Hunter Biden") it stays apart as "Biden".
    owners_of: dict[str, set[int]] = defaultdict(set)  # surname -> clusters with a full name ending in it
    for i, (keys, _surname) in enumerate(keyed):
        if nodes[i].person:
            for k in keys:
                owners_of[k.split()[-1]].add(uf.find(i))
    bare_first: dict[str, int] = {}
    for i, (_keys_i, surname) in enumerate(keyed):
        if surname is None:
            continue
        owners = {uf.find(o) for o in owners_of.get(surname, ())}
        if len(owners) == 1:
            uf.union(i, owners.pop())
            continue
        if not owners and surname in first_with:  # "Iran" typed other, "Iran" typed country elsewhere
            uf.union(i, first_with[surname])
        uf.union(i, bare_first.setdefault(surname, i))  # the same bare surname elsewhere

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(nodes)):
        clusters[uf.find(i)].append(i)
    for members in clusters.values():
        name = _pick_actor_name([nodes[i] for i in members])
        for i in members:
            canon.actor_auto[nodes[i].key] = name

    overrides, wildcard = _actor_overrides(old_rows)
    canon.user_actor_rows = len(overrides) + len(wildcard)
    for node in nodes:
        aid, surface = node.key
        auto = canon.actor_auto[node.key]
        canon.actor_of[node.key] = overrides.get(node.key) or wildcard.get(surface) or auto

    types: dict[str, Counter[str]] = defaultdict(Counter)
    forms: dict[str, dict[str, None]] = defaultdict(dict)
    for node in nodes:
        name = canon.actor_of[node.key]
        types[name][node.type] += 1
        for f in node.forms:
            if f != name and not _is_generic(f):
                forms[name][f] = None
    for name, counter in types.items():
        specific = [(c, t) for t, c in counter.items() if t != "other"]
        canon.actor_type[name] = max(specific)[1] if specific else "other"
        canon.actor_aliases[name] = sorted(forms[name])
    canon.actor_forms = {node.key: node.forms for node in nodes}
    canon.old_actor_rows = old_rows


def _pick_actor_name(members: list[_ActorNode]) -> str:
    """The most common full name of a cluster, titles stripped; ties go to the longer, then A-Z."""
    counts: Counter[str] = Counter()
    for node in members:
        counts[person_key(node.forms[0])[0] if node.person else re.sub(r"(?i)^the\s+(?=\S)", "", node.forms[0].strip())] += 1
    return min(counts, key=lambda n: (-(len(n.split()) > 1), -counts[n], -len(n), n))


def _actor_overrides(rows: list[dict[str, str]]) -> tuple[dict[ActorKey, str], dict[str, str]]:
    """Rows the user edited: per (article, surface), and article-less rows that apply everywhere."""
    per_row: dict[ActorKey, str] = {}
    wildcard: dict[str, str] = {}
    for row in rows:
        canonical = row["canonical"].strip()
        if not canonical or canonical == row["auto_canonical"].strip():
            continue
        if row["article_id"].strip():
            per_row[(row["article_id"].strip(), row["surface"])] = canonical
        else:
            wildcard[row["surface"]] = canonical
    return per_row, wildcard
