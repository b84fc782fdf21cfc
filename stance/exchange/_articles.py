"""A run's results with the article texts their offsets index, and the fixture pairs made from them.

Every format here puts evidence at offsets into the article text, so the text is
read again (``stance.runs.inputs.reload_article``: same decoding, HTML
extraction, JSON record) and used only when its sha256 is the one the result
recorded; an article whose text changed or went missing is skipped with a reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from stance.evals import GoldActor, GoldClaim, GoldFile, GoldStance
from stance.files import write_atomic
from stance.results import ArticleResult, PromptInfo, Provenance
from stance.runs.folder import RunFolder
from stance.runs.inputs import Article, reload_article, safe_file_name
from stance.runs.reader import RunFolderError, read_run, resolve_article_path


class ExchangeError(Exception):
    """A file that cannot be written or read back; the message is one line naming it."""


@dataclass
class SourcedResult:
    """One article: its result, the text the offsets index, and what a gold file records about its origin."""

    result: ArticleResult
    text: str
    source: str = ""
    topic: str = ""


@dataclass
class Sourced:
    """What ``read_run_texts`` found: usable articles, and (item, why) for each one left out."""

    items: list[SourcedResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def read_run_texts(run_dir: str | Path) -> Sourced:
    """Each result of a run with its article text (sha256 checked); failures and bad files are listed as skipped."""
    run_dir = Path(run_dir)
    try:
        contents = read_run(run_dir)
    except RunFolderError as exc:
        raise ExchangeError(str(exc)) from None
    out = Sourced(skipped=list(contents.invalid))
    out.skipped += [(f.article_id, f"failed in the run ({f.kind or f.stage}): nothing to correct") for f in contents.failures]
    for result in contents.results:
        path = resolve_article_path(result.article, run_dir)
        if path is None:
            out.skipped.append((result.article.id, f"article text not found at {result.article.path!r}"))
            continue
        loaded = reload_article(path.resolve(), result.article.id)
        if isinstance(loaded, Article):
            text = loaded.text
        elif loaded.kind == "missing":  # a copied file: plain UTF-8 text
            try:
                text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
            except UnicodeDecodeError:
                out.skipped.append((result.article.id, f"{path} is not UTF-8 text"))
                continue
        else:
            out.skipped.append((result.article.id, f"{path} could not be read again: {loaded.message}"))
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != result.article.sha256.lower():
            out.skipped.append((result.article.id, f"{path} is not the text that was extracted (sha256 differs)"))
            continue
        out.items.append(SourcedResult(result, text, source=result.article.path, topic=result.article.title))
    return out


def fixture_name(article_id: str) -> str:
    """A fixture's file stem for an article id: ``a/b.txt`` -> ``a_b``, ``f.jsonl#3`` -> ``f.jsonl_3``."""
    stem = article_id[:-4] if article_id.lower().endswith(".txt") else article_id
    return safe_file_name(stem.replace("/", "_").replace("#", "_"))


def gold_file(item: SourcedResult, name: str) -> GoldFile:
    """The gold labels a result states: claims with their stances and verbatim evidence, actors who take one.

    Evidence that is not located in the text is left out (a gold quote must be
    verbatim), and so are stances left without evidence, claims left without
    stances and actors left without a stance: the file then passes validate.py.
    """
    claims: list[GoldClaim] = []
    used: set[str] = set()
    for c in item.result.claims:
        stances = []
        for s in c.stances:
            quotes = list(dict.fromkeys(e.quote for e in s.evidence if e.quote and e.quote in item.text))
            if quotes:
                stances.append(GoldStance(actor=s.actor, stance=s.stance, evidence=quotes))
                used.add(s.actor)
        if stances:
            claims.append(GoldClaim(id=c.id, text=c.text, stances=stances, corpus_id=c.codebook_id))
    known = {a.name: a for a in item.result.actors}
    actors = [GoldActor(name=a.name, type=a.type, role=a.role, aliases=list(a.aliases)) for a in item.result.actors if a.name in used]
    actors += [GoldActor(name=n, type="other") for n in sorted(used - set(known))]
    return GoldFile(article=f"{name}.txt", source=item.source or item.result.article.path, topic=item.topic or item.result.article.title,
                    actors=actors, claims=claims)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "claim"


def write_fixtures(items: list[SourcedResult], out_dir: str | Path, corpus: dict[str, str] | None = None,
                   corpus_topic: str = "") -> list[Path]:
    """Write ``NAME.txt`` + ``NAME.gold.json`` per article (and ``corpus.json`` when claims share corpus ids)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    names: set[str] = set()
    for item in items:
        name = base = fixture_name(item.result.article.id)
        n = 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.add(name)
        gold = gold_file(item, name)
        if not corpus:
            gold = gold.model_copy(update={"claims": [c.model_copy(update={"corpus_id": None}) for c in gold.claims]})
        write_atomic(out / f"{name}.txt", item.text.encode("utf-8"))
        gold_json = json.dumps(gold.model_dump(mode="json", exclude_none=False), indent=1, ensure_ascii=False)
        write_atomic(out / f"{name}.gold.json", (gold_json + "\n").encode("utf-8"))
        written.append(out / f"{name}.gold.json")
    if corpus:
        body = {"topic": corpus_topic, "claims": [{"id": cid, "text": text} for cid, text in corpus.items()]}
        write_atomic(out / "corpus.json", (json.dumps(body, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return written


def write_run_folder(items: list[SourcedResult], run_dir: str | Path) -> Path:
    """Write the results as a run folder (``results/`` only) that export, report and eval read.

    Each article's text is written beside the results (``RUN/articles/``) and the
    results point there, so the offsets can be checked again later.
    """
    run = RunFolder(Path(run_dir))
    run.open()
    try:
        articles = run.path / "articles"
        articles.mkdir(exist_ok=True)
        for item in items:
            name = fixture_name(item.result.article.id)
            write_atomic(articles / f"{name}.txt", item.text.encode("utf-8"))
            info = item.result.article.model_copy(update={"path": f"{run.path.name}/articles/{name}.txt", "id": f"{name}.txt"})
            run.write_result(safe_file_name(info.id), item.result.model_copy(update={"article": info}))
    finally:
        run.close()
    return run.path


def corrected_provenance(before: Provenance | None, tool: str) -> Provenance:
    """Provenance of a corrected result: the original model's, with the correcting tool named in the model field."""
    if before is None:
        return Provenance(model=f"hand-coded ({tool})", endpoint="none", prompt=PromptInfo(name=tool, hash="-"))
    return before.model_copy(update={"model": f"{before.model} + {tool} corrections"})
