"""Cross-article canonicalisation: one name per actor and one id per claim across a run.

Within one article the extraction already picked a canonical name per actor.
Across articles the same person appears as "Blinken", "Antony Blinken" or
"Secretary of State Antony Blinken", and the same proposition is phrased
differently. Tables over a corpus only make sense once these line up, so:

* actors merge on evidence only: an identical full name (after stripping
  titles), or an alias one result gives that equals another's name. A bare
  surname merges only when exactly one full name with that surname exists in
  the run, so "Joe Biden" and "Hunter Biden" never merge and a bare "Biden"
  stays apart when both exist;
* claims merge when their texts are paraphrases: sentence embeddings when the
  optional ``embed`` extra is installed, otherwise word-level token-set
  similarity (rapidfuzz). Claims with a codebook id line up by that id. Texts of opposite
  negation or with different numbers never merge (similarity measures are
  blind to "not");
* both mappings are written to editable CSV files in the run folder
  (``actors.csv``, ``claims.csv``). Each row carries the automatic answer
  (``auto_*`` columns) beside the one in force; a row whose value a user
  changed is a correction and wins on every later export.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz

from stance.results import ArticleResult

Method = Literal["auto", "lexical", "embedding"]
METHODS: tuple[str, ...] = ("auto", "lexical", "embedding")
DEFAULT_LEXICAL_THRESHOLD = 0.85
DEFAULT_EMBEDDING_THRESHOLD = 0.87

ACTORS_FILE = "actors.csv"
CLAIMS_FILE = "claims.csv"
ACTOR_COLUMNS = ["surface", "article_id", "canonical", "auto_canonical", "aliases"]
CLAIM_COLUMNS = ["article_id", "claim_id", "text", "canonical_id", "canonical_text", "auto_id", "auto_text"]


class CanonicalError(Exception):
    """A problem the user can fix (bad mapping file, bad option); the message says how."""


# ---------------------------------------------------------------------------
# Text normalisation
# ---------------------------------------------------------------------------

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

STOPWORDS = frozenset(
    """
    a an the of to in on for and or is are be been being was were it its that this these those with by at as
    from there their has have had will would can could should shall may might must do does did
    into over about than then so such very also any all some both between
    """.split()
) - {"no", "not"}
NEGATIONS = frozenset(
    {"no", "not", "never", "none", "nobody", "nothing", "neither", "nor", "cannot", "without", "nowhere"}
)


def _fold(text: str) -> str:
    """Casefold and drop accents and typographic quotes, so spellings compare equal."""
    if text.isascii():
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("’", "'").replace("‘", "'").casefold()


def _name_tokens(name: str) -> list[tuple[str, str]]:
    """(original, normalised) tokens of a name; periods and commas dropped ("U.S." -> "us")."""
    out = []
    for raw in name.replace(",", " ").split():
        norm = re.sub(r"[^\w'-]", "", _fold(raw).replace(".", "")).strip("'-")
        if norm.endswith("'s"):
            norm = norm[:-2]
        if norm:
            out.append((raw.strip(","), norm))
    return out


@lru_cache(maxsize=1 << 16)
def strip_titles(name: str) -> tuple[str, str]:
    """The name without leading titles: (display form, normalised key without "Jr."/"Sr." suffixes).

    "Secretary of State Antony Blinken" -> ("Antony Blinken", "antony blinken");
    "J. David Cox Sr." -> ("J. David Cox Sr.", "j david cox"). At least one token is always kept.
    """
    tokens = _name_tokens(name)
    while len(tokens) > 1 and tokens[0][1] in TITLE_WORDS:
        tokens = tokens[1:]
    display = " ".join(t[0] for t in tokens)
    while len(tokens) > 1 and tokens[-1][1] in NAME_SUFFIXES:
        tokens = tokens[:-1]
    return display, " ".join(t[1] for t in tokens)


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Normalised form of a non-person name: folded, punctuation dropped, leading "the" removed."""
    tokens = [t[1] for t in _name_tokens(name)]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)


@lru_cache(maxsize=1 << 16)
def _is_generic(form: str) -> bool:
    """True for aliases that identify nobody outside their article ("he", "the official")."""
    tokens = form.split()
    if not tokens:
        return True
    if _fold(tokens[0]) in PRONOUNS:
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
    if any(_fold(w).strip(".,'") in ORG_WORDS for w in words):
        return False
    display, _ = strip_titles(name)
    words = display.split()
    return 1 <= len(words) <= 4 and all(w[:1].isupper() and _fold(w) not in CONNECTORS for w in words)


@lru_cache(maxsize=1 << 16)
def claim_tokens(text: str) -> tuple[str, ...]:
    """Content tokens of a claim (stopwords dropped, light stemming), for lexical similarity."""
    folded = _fold(text).replace("u.s.", "us").replace("u.k.", "uk").replace("n't", " not")
    out = []
    for tok in re.findall(r"[\w$%.']+", folded.replace("-", " ")):
        tok = tok.strip(".'")
        if not tok or tok in STOPWORDS:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(tok) > len(suffix) + 3 and tok.endswith(suffix):
                tok = tok[: -len(suffix)]
                break
        out.append(tok)
    return tuple(out)


def negation_parity(tokens: Iterable[str]) -> int:
    """0 or 1: whether a claim has an odd number of negations ("no", "not", "never", ...)."""
    return sum(1 for t in tokens if t in NEGATIONS) % 2


def lexical_similarity(a: str, b: str) -> float:
    """Word-level token-set similarity of two claims in [0, 1].

    rapidfuzz's normalised Indel similarity of the two sorted sets of content
    words (stopwords dropped, light stemming): for sorted sets this equals
    2 * shared / (words in a + words in b), so word order and function words
    do not count and every differing content word does. (rapidfuzz's
    character-level token_set_ratio scores "The city should fund public
    schools" and "... ban public schools" 0.85; this scores them 0.75.)
    Guards: claims of opposite negation, or with different numbers, score 0.
    """
    return _guarded_score(claim_tokens(a), claim_tokens(b))


def _numbers(tokens: Sequence[str]) -> frozenset[str]:
    return frozenset(t for t in tokens if any(ch.isdigit() for ch in t))


def _compatible(ta: Sequence[str], tb: Sequence[str]) -> bool:
    """False when two claims cannot be paraphrases whatever their similarity: negation or numbers differ."""
    return negation_parity(ta) == negation_parity(tb) and _numbers(ta) == _numbers(tb)


def _guarded_score(ta: Sequence[str], tb: Sequence[str]) -> float:
    if not ta or not tb or not _compatible(ta, tb):
        return 0.0
    return fuzz.ratio(sorted(set(ta)), sorted(set(tb))) / 100.0


# ---------------------------------------------------------------------------
# Results of canonicalisation
# ---------------------------------------------------------------------------

ActorKey = tuple[str, str]  # (article id, actor name as the result gives it)
ClaimKey = tuple[str, str]  # (article id, claim id within the article)


@dataclass
class Canon:
    """Who is who and what is what across a run; the tables read only this and the results."""

    actor_of: dict[ActorKey, str] = field(default_factory=dict)
    actor_auto: dict[ActorKey, str] = field(default_factory=dict)
    actor_type: dict[str, str] = field(default_factory=dict)
    actor_aliases: dict[str, list[str]] = field(default_factory=dict)
    claim_of: dict[ClaimKey, str] = field(default_factory=dict)
    claim_auto: dict[ClaimKey, str] = field(default_factory=dict)
    claim_text: dict[str, str] = field(default_factory=dict)
    claim_auto_text: dict[str, str] = field(default_factory=dict)  # automatic cluster id -> its text
    claim_base_text: dict[str, str] = field(default_factory=dict)  # canonical id -> text before user renames
    claim_codebook: dict[str, str | None] = field(default_factory=dict)
    claim_paraphrases: dict[str, list[str]] = field(default_factory=dict)
    method: str = "lexical"
    threshold: float = DEFAULT_LEXICAL_THRESHOLD
    user_actor_rows: int = 0
    user_claim_rows: int = 0
    # What write_mappings needs: every (article, actor) with its surface forms, every claim text,
    # and the rows read from the previous mapping files.
    actor_forms: dict[ActorKey, list[str]] = field(default_factory=dict, repr=False)
    claim_source_text: dict[ClaimKey, str] = field(default_factory=dict, repr=False)
    old_actor_rows: list[dict[str, str]] = field(default_factory=list, repr=False)
    old_claim_rows: list[dict[str, str]] = field(default_factory=list, repr=False)


def canonicalize(
    results: Sequence[ArticleResult],
    run_dir: Path | None = None,
    *,
    method: Method = "auto",
    threshold: float | None = None,
) -> Canon:
    """Canonical actors and claims for a run, with the user's corrections from ``run_dir`` applied."""
    if method not in METHODS:
        raise CanonicalError(f"unknown claim-merging method {method!r}; use one of {', '.join(METHODS)}")
    method_used = _resolve_method(method)
    if threshold is None:
        threshold = DEFAULT_EMBEDDING_THRESHOLD if method_used == "embedding" else DEFAULT_LEXICAL_THRESHOLD
    if not 0.0 < threshold <= 1.0:
        raise CanonicalError(f"threshold must be in (0, 1], got {threshold:g}")
    canon = Canon(method=method_used, threshold=threshold)
    results = sorted(results, key=lambda r: r.article.id)
    old_actors = read_actor_mapping(run_dir / ACTORS_FILE) if run_dir else []
    old_claims = read_claim_mapping(run_dir / CLAIMS_FILE) if run_dir else []
    _canonicalize_actors(results, canon, old_actors)
    _canonicalize_claims(results, canon, old_claims, method_used, threshold)
    return canon


def _resolve_method(method: Method) -> str:
    from stance.model import embeddings as _embeddings

    if method == "lexical":
        return "lexical"
    if method == "embedding":
        if not _embeddings.available():
            raise CanonicalError(
                "embedding claim merging needs the embed extra: pip install 'stance[embed]' "
                "(or use --method lexical)"
            )
        return "embedding"
    return "embedding" if _embeddings.available() else "lexical"


# ---------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------


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
        key = strip_titles(form)[1] if node.person else name_key(form)
        if key and (" " in key or not node.person):
            keys.add(key)
    surname = None
    if node.person and not keys:
        surname = strip_titles(node.forms[0])[1]
    return keys, surname


def _canonicalize_actors(results: Sequence[ArticleResult], canon: Canon, old_rows: list[dict[str, str]]) -> None:
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
        counts[strip_titles(node.forms[0])[0] if node.person else re.sub(r"(?i)^the\s+(?=\S)", "", node.forms[0].strip())] += 1
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


# ---------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------


def _canonicalize_claims(
    results: Sequence[ArticleResult],
    canon: Canon,
    old_rows: list[dict[str, str]],
    method: str,
    threshold: float,
) -> None:
    keys: list[ClaimKey] = []
    texts: dict[ClaimKey, str] = {}
    codebook: dict[ClaimKey, str | None] = {}
    for result in results:
        for claim in result.claims:
            key = (result.article.id, claim.id)
            if key in texts:
                continue
            keys.append(key)
            texts[key] = claim.text
            codebook[key] = claim.codebook_id

    # Codebook claims line up by codebook id; open claims by text similarity.
    groups: dict[str, list[ClaimKey]] = {}
    for key in keys:
        if codebook[key]:
            groups.setdefault("cb:" + codebook[key], []).append(key)
    open_keys = [k for k in keys if not codebook[k]]
    for members in cluster_texts(open_keys, texts, method=method, threshold=threshold):
        groups["open:%d" % len(groups)] = members

    old_auto = {(r["article_id"], r["claim_id"]): r["auto_id"] for r in old_rows if r["auto_id"]}
    taken: set[str] = set()
    numbered: list[tuple[str, list[ClaimKey]]] = []
    for gid, members in groups.items():
        if gid.startswith("cb:"):
            cid = gid[3:]
            taken.add(cid)
            numbered.append((cid, members))
    next_no = 1 + max(
        [int(m.group(1)) for r in old_rows for m in [re.fullmatch(r"C(\d+)", r["auto_id"] or "")] if m] or [0]
    )
    for gid, members in groups.items():
        if gid.startswith("cb:"):
            continue
        votes = Counter(old_auto[k] for k in members if k in old_auto and old_auto[k] not in taken)
        if votes:  # keep the id this cluster had on the last export, so user edits still point right
            cid = max(votes, key=lambda c: (votes[c], c))
        else:
            cid = "C%04d" % next_no
            next_no += 1
        taken.add(cid)
        numbered.append((cid, members))

    for cid, members in numbered:
        canon.claim_auto_text[cid] = texts[members[0]]
        canon.claim_codebook[cid] = codebook[members[0]]
        for k in members:
            canon.claim_auto[k] = cid

    # User corrections: a changed canonical_id moves a claim; a changed canonical_text renames
    # the canonical claim the row ends up in.
    moved: dict[ClaimKey, str] = {}
    for row in old_rows:
        cid = row["canonical_id"].strip()
        if cid and cid != row["auto_id"].strip():
            moved[(row["article_id"], row["claim_id"])] = cid
    members_of: dict[str, list[ClaimKey]] = defaultdict(list)
    for key in keys:
        cid = moved.get(key) or canon.claim_auto[key]
        canon.claim_of[key] = cid
        members_of[cid].append(key)
    user_texts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in old_rows:
        text = row["canonical_text"].strip()
        if text and text != row["auto_text"].strip():
            key = (row["article_id"], row["claim_id"])
            user_texts[canon.claim_of.get(key) or row["canonical_id"].strip()][text] += 1
    canon.user_claim_rows = len(moved) + sum(sum(c.values()) for c in user_texts.values())

    for cid, members in members_of.items():
        canon.claim_base_text[cid] = canon.claim_auto_text.get(cid) or texts[members[0]]
        candidates = user_texts.get(cid)
        # Rows disagreeing: the text on the fewest rows is the newest edit (older ones were copied to all rows).
        renamed = min(candidates, key=lambda t: candidates[t]) if candidates else None
        canon.claim_text[cid] = renamed or canon.claim_base_text[cid]
        canon.claim_codebook.setdefault(cid, codebook[members[0]])
        seen = {canon.claim_text[cid]}
        paraphrases = []
        for k in members:
            if texts[k] not in seen:
                seen.add(texts[k])
                paraphrases.append(texts[k])
        canon.claim_paraphrases[cid] = paraphrases
    canon.claim_source_text = texts
    canon.old_claim_rows = old_rows


def cluster_texts(
    keys: Sequence[ClaimKey], texts: dict[ClaimKey, str], *, method: str, threshold: float
) -> list[list[ClaimKey]]:
    """Group claims whose texts are paraphrases; deterministic (leader clustering, no chaining).

    Identical normalised texts group first. Distinct texts are then visited
    most frequent first; each joins the most similar existing group whose
    leader scores at least ``threshold`` against it, else leads a new group.
    Comparing against leaders only (not every member) keeps A~B, B~C from
    pulling unrelated A and C together.
    """
    by_norm: dict[str, list[ClaimKey]] = {}
    for key in keys:
        by_norm.setdefault(" ".join(claim_tokens(texts[key])) or texts[key].strip().casefold(), []).append(key)
    order = sorted(by_norm, key=lambda n: -len(by_norm[n]))  # stable: ties keep first appearance
    if method == "embedding":
        assignment = _leaders_embedding([texts[by_norm[n][0]] for n in order], order, threshold)
    else:
        assignment = _leaders_lexical(order, threshold)
    position = {key: i for i, key in enumerate(keys)}
    groups: dict[int, list[ClaimKey]] = defaultdict(list)
    for norm, leader in zip(order, assignment):
        groups[leader].extend(by_norm[norm])
    ordered = [sorted(members, key=position.__getitem__) for members in groups.values()]
    return sorted(ordered, key=lambda members: position[members[0]])  # numbered by first appearance


def _leaders_lexical(norms: Sequence[str], threshold: float) -> list[int]:
    leaders: list[list[str]] = []
    leader_sizes: list[int] = []
    index: dict[str, list[int]] = defaultdict(list)  # token -> leaders containing it
    out: list[int] = []
    for norm in norms:
        tokens = norm.split()
        distinct = set(tokens)
        shared: Counter[int] = Counter()
        for t in distinct:
            shared.update(index.get(t, ()))
        best, best_score = -1, 0.0
        for g in sorted(shared):
            if 2 * shared[g] < threshold * (len(distinct) + leader_sizes[g]):
                continue  # the score is exactly this ratio when the guards pass: no need to compute it
            score = _guarded_score(tokens, leaders[g])
            if score >= threshold and score > best_score:
                best, best_score = g, score
        if best < 0:
            best = len(leaders)
            leaders.append(tokens)
            leader_sizes.append(len(distinct))
            for t in distinct:
                index[t].append(best)
        out.append(best)
    return out


def _leaders_embedding(raw_texts: Sequence[str], norms: Sequence[str], threshold: float) -> list[int]:
    import numpy as np

    from stance.model import embeddings as _embeddings

    try:
        vectors = _embeddings.embed(list(raw_texts))
    except Exception as exc:  # a broken install must not end in a traceback: say what failed
        raise CanonicalError(
            f"the embedding model failed to load or run ({type(exc).__name__}: {exc}); use --method lexical"
        ) from exc
    tokens = [n.split() for n in norms]
    leader_rows: list[int] = []
    out: list[int] = []
    for i in range(len(norms)):
        best = -1
        if leader_rows:
            sims = vectors[leader_rows] @ vectors[i]
            for rank in np.argsort(-sims, kind="stable"):
                if sims[rank] < threshold:
                    break
                if _compatible(tokens[leader_rows[rank]], tokens[i]):
                    best = int(rank)
                    break
        if best < 0:
            best = len(leader_rows)
            leader_rows.append(i)
        out.append(best)
    return out


# ---------------------------------------------------------------------------
# Mapping files
# ---------------------------------------------------------------------------


def _read_csv(path: Path, columns: list[str]) -> list[dict[str, str]]:
    if not path.exists():
        return []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in columns if c not in header]
            if missing:
                raise CanonicalError(
                    f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)} "
                    "(delete the file to start again from automatic merging)"
                )
            where = [(c, header.index(c)) for c in columns]
            return [{c: (row[i] if i < len(row) else "") for c, i in where} for row in reader if any(row)]
    except UnicodeDecodeError as exc:
        raise CanonicalError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8 CSV") from exc
    except csv.Error as exc:
        raise CanonicalError(f"{path}: not a readable CSV file ({exc})") from exc


def read_actor_mapping(path: Path) -> list[dict[str, str]]:
    """Rows of an ``actors.csv`` (empty when the file does not exist)."""
    return _read_csv(path, ACTOR_COLUMNS)


def read_claim_mapping(path: Path) -> list[dict[str, str]]:
    """Rows of a ``claims.csv`` (empty when the file does not exist)."""
    return _read_csv(path, CLAIM_COLUMNS)


def write_mappings(run_dir: Path, canon: Canon) -> tuple[Path, Path]:
    """Write ``actors.csv`` and ``claims.csv``; edited rows for articles no longer in the run are kept."""
    actor_rows = [
        {
            "surface": key[1],
            "article_id": key[0],
            "canonical": canon.actor_of[key],
            "auto_canonical": canon.actor_auto[key],
            "aliases": "; ".join(forms[1:]),
        }
        for key, forms in canon.actor_forms.items()
    ]
    current = set(canon.actor_forms)
    for row in canon.old_actor_rows:
        edited = row["canonical"].strip() and row["canonical"].strip() != row["auto_canonical"].strip()
        if edited and (not row["article_id"].strip() or (row["article_id"], row["surface"]) not in current):
            actor_rows.append(row)
    actor_rows.sort(key=lambda r: (r["canonical"].casefold(), r["article_id"], r["surface"]))

    texts = canon.claim_source_text
    claim_rows = []
    for key, text in texts.items():
        cid, auto = canon.claim_of[key], canon.claim_auto[key]
        claim_rows.append(
            {
                "article_id": key[0],
                "claim_id": key[1],
                "text": text,
                "canonical_id": cid,
                "canonical_text": canon.claim_text[cid],
                "auto_id": auto,
                "auto_text": canon.claim_base_text[cid],
            }
        )
    for row in canon.old_claim_rows:
        edited = (row["canonical_id"].strip() and row["canonical_id"].strip() != row["auto_id"].strip()) or (
            row["canonical_text"].strip() and row["canonical_text"].strip() != row["auto_text"].strip()
        )
        if edited and (row["article_id"], row["claim_id"]) not in texts:
            claim_rows.append(row)
    claim_rows.sort(key=lambda r: (r["canonical_id"], r["article_id"], r["claim_id"]))

    actors_path, claims_path = run_dir / ACTORS_FILE, run_dir / CLAIMS_FILE
    _write_csv_atomic(actors_path, ACTOR_COLUMNS, actor_rows)
    _write_csv_atomic(claims_path, CLAIM_COLUMNS, claim_rows)
    return actors_path, claims_path


def _write_csv_atomic(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)
    tmp.replace(path)
