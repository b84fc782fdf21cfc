"""Numbered "bridge plan" articles and the deterministic model that answers them.

The answer depends only on the numbered sentences a request carries, so a
result depends only on its article: that is what lets the run tests compare
runs with different worker counts, and runs killed and resumed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support.fake_openai import Action, reply_json


def article_text(i: int, long: bool = False) -> str:
    text = (
        f"Bridge plan {i} divides the council\n"
        f"Mayor Maria Lopez said the bridge {i} must be repaired this year. "
        f"Council member Tom Reed said the repair plan {i} is too expensive.\n"
        f"\"We cannot wait any longer,\" Lopez said on Monday.\n"
    )
    if long:  # several chunks at chunk_tokens=200: exercises the pipeline's own threads and merging
        text += "".join(f"Tom Reed said the budget line {i}.{k} should be cut by half.\n" for k in range(40))
    return text


def write_articles(folder: Path, n: int, long_every: int = 0) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(n):
        name = f"a{i:03d}.txt"
        (folder / name).write_text(article_text(i, long=bool(long_every) and i % long_every == 0), encoding="utf-8")
        ids.append(name)
    return ids


def answer_for(body: dict[str, Any]) -> dict[str, Any]:
    """Statements for every numbered sentence with a speaker in the last user message."""
    last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    statements = []
    for number, sentence in re.findall(r"^\[(\d+)\] (.+)$", last, flags=re.M):
        if " said " not in sentence:
            continue
        who = "Maria Lopez" if "Lopez" in sentence else "Tom Reed"
        claim = re.sub(r"[^\w ]", "", sentence.split(" said ", 1)[1])[:120]
        if who == "Tom Reed":  # Reed opposes the negation of what he says ("... is not too expensive")
            claim = re.sub(r"\b(is|are|should|will|must)\b", r"\1 not", claim, count=1)
        statements.append({"s": int(number), "who": who, "claim": claim,
                           "stance": "support" if who == "Maria Lopez" else "oppose"})
    return {"statements": statements}


def article_message(body: dict[str, Any]) -> str:
    """The user turn that carries the article (the last one with a fence; re-asks come after it)."""
    return [m["content"] for m in body["messages"] if m["role"] == "user" and "<article>" in m["content"]][-1]


def good_answer(message: str) -> dict[str, Any]:
    """What a correct model answers for the article turn ``message``."""
    return answer_for({"messages": [{"role": "user", "content": message}]})


def clean_model(body: dict[str, Any]) -> Action:
    """A correct model behind a reliable endpoint."""
    return reply_json(good_answer(article_message(body)), usage=(100, 20))


def pointing_model(speaker: Callable[[str], str | None]) -> Callable[[dict[str, Any]], Action]:
    """A pointer-answering model: a "support" row for each numbered sentence of the last user turn that
    ``speaker`` names someone for (None: no row), as the small model answers."""
    def model(body: dict[str, Any]) -> Action:
        last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
        rows = [[int(n), who, "support"] for n, sentence in re.findall(r"^\[(\d+)\] (.+)$", last, flags=re.M)
                if (who := speaker(sentence)) is not None]
        return reply_json({"statements": rows})
    return model
