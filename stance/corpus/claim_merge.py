"""Claims across a run: one id per proposition, whatever the wording.

Claims merge when their texts are paraphrases: sentence embeddings when the
optional ``embed`` extra is installed, otherwise word-level token-set
similarity (rapidfuzz). Claims with a codebook id line up by that id. Texts of
opposite negation or with different numbers never merge (similarity measures
are blind to "not"). Ids (``C0001``, ...) are kept from the last export's
``claims.csv`` so that a user's edits still point at the right claim.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from stance.corpus.canon import Canon, CanonicalError, ClaimKey
from stance.model import embeddings as _embeddings
from stance.results import ArticleResult
from stance.text.names import fold

if TYPE_CHECKING:
    from stance.corpus.claim_map import ClaimMap

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


@lru_cache(maxsize=1 << 16)
def claim_tokens(text: str) -> tuple[str, ...]:
    """Content tokens of a claim (stopwords dropped, light stemming), for lexical similarity."""
    folded = fold(text).replace("u.s.", "us").replace("u.k.", "uk").replace("n't", " not")
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


def canonicalize_claims(
    results: Sequence[ArticleResult],
    canon: Canon,
    old_rows: list[dict[str, str]],
    method: str,
    threshold: float,
    claim_map: ClaimMap | None = None,
) -> None:
    """Fill ``canon``'s claim fields: groups from the claim map (when given) or by similarity, ids kept
    stable across exports, then the user's corrections from ``claims.csv`` (``old_rows``) on top."""
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

    # Codebook claims line up by codebook id; open claims by the claim map, else (and for claims the map
    # does not hold: articles added or re-extracted since) by text similarity.
    groups: dict[str, list[ClaimKey]] = {}
    for key in keys:
        code = codebook[key]
        if code:
            groups.setdefault("cb:" + code, []).append(key)
    names: dict[str, str] = {}
    mapped: set[ClaimKey] = set()
    if claim_map is not None:
        for group in claim_map.groups:
            members = []
            for m in group.members:
                key = (m.article_id, m.claim_id)
                if texts.get(key) == m.text and not codebook[key] and key not in mapped:
                    members.append(key)
                    mapped.add(key)
                    canon.claim_flip_auto[key] = m.flip
            if members:
                gid = f"open:{len(groups)}"
                groups[gid] = members
                names[gid] = group.name
    open_keys = [k for k in keys if not codebook[k] and k not in mapped]
    for members in cluster_texts(open_keys, texts, method=method, threshold=threshold):
        groups[f"open:{len(groups)}"] = members

    old_auto = {(r["article_id"], r["claim_id"]): r["auto_id"] for r in old_rows if r["auto_id"]}
    taken: set[str] = set()
    numbered: list[tuple[str, str, list[ClaimKey]]] = []  # (claim id, group, members)
    for gid, members in groups.items():
        if gid.startswith("cb:"):
            cid = gid[3:]
            taken.add(cid)
            numbered.append((cid, gid, members))
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
            cid = f"C{next_no:04d}"
            next_no += 1
        taken.add(cid)
        numbered.append((cid, gid, members))

    for cid, gid, members in numbered:
        canon.claim_auto_text[cid] = names.get(gid) or texts[members[0]]
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
    flipped: dict[ClaimKey, bool] = {}
    for row in old_rows:
        auto_flip, flip = row.get("auto_flip", "").strip().lower(), row.get("flip", "").strip().lower()
        if flip in _BOOLS and flip != auto_flip:
            flipped[(row["article_id"], row["claim_id"])] = _BOOLS[flip]
    members_of: dict[str, list[ClaimKey]] = defaultdict(list)
    for key in keys:
        cid = moved.get(key) or canon.claim_auto[key]
        canon.claim_of[key] = cid
        canon.claim_flip_auto.setdefault(key, False)
        canon.claim_flip[key] = flipped.get(key, canon.claim_flip_auto[key])
        members_of[cid].append(key)
    user_texts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in old_rows:
        text = row["canonical_text"].strip()
        if text and text != row["auto_text"].strip():
            key = (row["article_id"], row["claim_id"])
            user_texts[canon.claim_of.get(key) or row["canonical_id"].strip()][text] += 1
    canon.user_claim_rows = len(moved | flipped) + sum(sum(c.values()) for c in user_texts.values())

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


_BOOLS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


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
    for norm, leader in zip(order, assignment, strict=True):
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
    import numpy as np  # comes with the embed extra, which this path needs

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
