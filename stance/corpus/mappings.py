"""The editable mapping files ``actors.csv`` and ``claims.csv`` in a run folder.

Each row carries the automatic answer (``auto_*`` columns) beside the one in
force; a row whose value a user changed is a correction and wins on every
later export.
"""

from __future__ import annotations

import csv
from pathlib import Path

from stance.corpus.canon import (
    ACTOR_COLUMNS,
    ACTORS_FILE,
    CLAIM_COLUMNS,
    CLAIM_FLIP_COLUMNS,
    CLAIMS_FILE,
    Canon,
    CanonicalError,
)
from stance.files import atomic_path


def _read_csv(path: Path, columns: list[str], optional: list[str] | None = None) -> list[dict[str, str]]:
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
            where = [(c, header.index(c)) for c in columns + [c for c in optional or [] if c in header]]
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
    return _read_csv(path, CLAIM_COLUMNS, CLAIM_FLIP_COLUMNS)


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
                "flip": _yes_no(canon.claim_flip.get(key, False)),
                "auto_flip": _yes_no(canon.claim_flip_auto.get(key, False)),
            }
        )
    for row in canon.old_claim_rows:
        edited = (row["canonical_id"].strip() and row["canonical_id"].strip() != row["auto_id"].strip()) or (
            row["canonical_text"].strip() and row["canonical_text"].strip() != row["auto_text"].strip()
        ) or row.get("flip", "").strip().lower() != row.get("auto_flip", "").strip().lower()
        if edited and (row["article_id"], row["claim_id"]) not in texts:
            claim_rows.append(row)
    claim_rows.sort(key=lambda r: (r["canonical_id"], r["article_id"], r["claim_id"]))

    actors_path, claims_path = run_dir / ACTORS_FILE, run_dir / CLAIMS_FILE
    _write_csv_atomic(actors_path, ACTOR_COLUMNS, actor_rows)
    _write_csv_atomic(claims_path, CLAIM_COLUMNS + CLAIM_FLIP_COLUMNS, claim_rows)
    return actors_path, claims_path


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def _write_csv_atomic(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows([row.get(c, "") for c in columns] for row in rows)
