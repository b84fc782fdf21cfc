"""docs/api.md runs: its ```python cells, in order, against the fake server, print what its ```text cells show.

The fake server answers from a script: the walk-through's articles by speaker,
and the eval fixtures from their own gold labels, so every output on the page is
one the code really printed. Also checks what the page relies on: ``import stance``
loads no model client, every public name resolves, every result field is described.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.fake_openai import FakeOpenAI, reply_json
from support.paths import REPO

PAGE = REPO / "docs" / "api.md"
FIXTURES = REPO / "evals" / "fixtures"

ARTICLES = {
    "lanes-vote.txt": "Council delays bus lane vote\n"
                      "Mayor Dana Ortiz said the new bus lanes would cut commute times.\n"
                      "Council member Raj Patel denied that the new bus lanes would cut commute times.\n",
    "lanes-budget.txt": "Bus lanes cost more than planned\n"
                        "The budget grew by a third.\n"
                        "Mayor Dana Ortiz said the new bus lanes would cut commute times.\n"
                        "Council member Raj Patel said the bus lanes would push traffic onto side streets.\n",
    "lanes-opening.txt": "First bus lane opens\n"
                         "Mayor Dana Ortiz said the new bus lanes would cut commute times.\n"
                         "Council member Raj Patel said the bus lanes would push traffic onto side streets.\n",
}


def cells(page: str) -> list[tuple[str, str | None]]:
    """Each ```python cell with the ```text cell right after it (what it prints), if any."""
    blocks = re.findall(r"```(python|text)\n(.*?)```", page, flags=re.S)
    found: list[tuple[str, str | None]] = []
    for kind, body in blocks:
        if kind == "python":
            found.append((body, None))
        else:
            assert found and found[-1][1] is None, "a ```text cell must follow a ```python cell"
            found[-1] = (found[-1][0], body)
    return found


def gold_rows() -> list[tuple[str, str, str, str]]:
    """(evidence quote, actor, claim, stance) for every labelled stance of the eval fixtures."""
    rows = []
    for gold in sorted(FIXTURES.glob("*.gold.json")):
        for claim in json.loads(gold.read_text(encoding="utf-8"))["claims"]:
            for s in claim["stances"]:
                rows += [(quote, s["actor"], claim["text"], s["stance"]) for quote in s["evidence"]]
    return rows


GOLD = gold_rows()


def open_rows(sentence: str, n: int) -> list[list[Any]]:
    """The extract prompt's rows for one numbered sentence: the page's articles first, then the fixtures' labels."""
    if "Ortiz said" in sentence:
        return [[n, "Dana Ortiz", "The new bus lanes would cut commute times.", "support"]]
    if "Patel denied" in sentence:
        return [[n, "Raj Patel", "The new bus lanes would cut commute times.", "oppose"]]
    if "Patel said" in sentence:
        return [[n, "Raj Patel", "The bus lanes would push traffic onto side streets.", "support"]]
    return [[n, actor, claim, label] for quote, actor, claim, label in GOLD
            if quote[:40] in sentence or sentence[:40] in quote]


def codebook_rows(sentence: str, n: int) -> list[dict[str, Any]]:
    if "Ortiz" in sentence:
        return [{"s": n, "who": "Dana Ortiz", "c": "lanes", "stance": "support"}]
    if "Patel" in sentence:
        return [{"s": n, "who": "Raj Patel", "c": "lanes", "stance": "oppose"}]
    return []


def answer(body: dict[str, Any]) -> Any:
    last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    numbered = [(int(n), s) for n, s in re.findall(r"^\[(\d+)\] (.+)$", last, flags=re.M)]
    if "<codebook>" in last:
        return reply_json({"statements": [r for n, s in numbered for r in codebook_rows(s, n)]}, usage=(120, 30))
    return reply_json({"statements": [r for n, s in numbered for r in open_rows(s, n)]}, usage=(100, 20))


def test_the_walk_through_runs_and_prints_what_it_shows(fake_openai: FakeOpenAI, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fake_openai.responder = answer
    for name, text in ARTICLES.items():
        (tmp_path / "articles").mkdir(exist_ok=True)
        (tmp_path / "articles" / name).write_text(text, encoding="utf-8")
    shutil.copytree(FIXTURES, tmp_path / "evals" / "fixtures")
    monkeypatch.chdir(tmp_path)
    for key in ("STANCE_MODEL", "STANCE_PROMPT", "STANCE_PROMPTS_DIR"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))

    found = cells(PAGE.read_text(encoding="utf-8"))
    assert len(found) >= 6
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for i, (code, shown) in enumerate(found, 1):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"docs/api.md cell {i}", "exec"), namespace)
        if shown is not None:
            assert printed.getvalue() == shown, f"cell {i} printed:\n{printed.getvalue()}"
    assert fake_openai.requests, "the page never reached the server"


def test_import_stance_is_cheap_and_every_public_name_resolves() -> None:
    code = ("import sys, stance; loaded = [m for m in ('openai', 'pydantic', 'typer') if m in sys.modules]; "
            "missing = [n for n in stance.__all__ if getattr(stance, n, None) is None]; print(loaded, missing)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[] []"
    import stance

    with pytest.raises(AttributeError):
        stance.no_such_name  # noqa: B018
    assert set(stance.__all__) == {"__version__", *stance._EXPORTS}  # spelled out twice: they must agree
    assert {"extract_file", "extract_texts", "run_batch", "load_run", "Settings", "Codebook", "CodebookClaim",
            "ArticleResult", "FailureRecord", "ExtractionError"} <= set(stance.__all__) <= set(dir(stance))


def test_every_result_field_is_described() -> None:
    import stance

    models = [stance.ArticleResult, stance.ArticleInfo, stance.Actor, stance.Claim, stance.Stance, stance.Evidence,
              stance.Provenance, stance.PromptInfo, stance.Usage, stance.FailureRecord]
    undescribed = [f"{m.__name__}.{name}" for m in models for name, f in m.model_fields.items() if not f.description]
    assert undescribed == []
