"""The wheel runs on its own: built with ``pip wheel .``, installed (not editable) into a fresh venv,
``stance extract FILE`` from an empty folder outside the repository gives a valid result.

Offline and quick: the fresh venv has no pip and gets the dependencies by pointing a ``.pth``
file at this venv's site-packages. A plain path in a ``.pth`` is put on ``sys.path``, but the
``.pth`` files inside that folder are not run, so the editable install of ``stance`` stays off.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path
from typing import Any

import pytest
from support.fake_openai import FakeOpenAI, reply_json
from support.paths import REPO

from stance.results import ArticleResult

pytestmark = pytest.mark.wheel

ARTICLE = (
    "Harbour bridge repairs split the council\n"
    "Mayor Maria Lopez said the bridge must be repaired this year.\n"
    "Council member Tom Reed said the repair plan is too expensive.\n"
)


def answer(body: dict[str, Any]) -> Any:
    """Each numbered sentence with a speaker becomes one statement of the extract prompt's shape."""
    last = [m["content"] for m in body["messages"] if m["role"] == "user"][-1]
    rows = []
    for number, sentence in re.findall(r"^\[(\d+)\] (.+)$", last, flags=re.M):
        if "Lopez" in sentence:
            rows.append([int(number), "Maria Lopez", "The bridge must be repaired this year", "support"])
        elif "Reed" in sentence:
            rows.append([int(number), "Tom Reed", "The repair plan is too expensive", "support"])
    return reply_json({"statements": rows}, usage=(100, 20))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(out)],
                   check=True, capture_output=True, timeout=300)
    (built,) = out.glob("stance-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding the installed wheel and, through a .pth path, this venv's dependencies."""
    root = tmp_path_factory.mktemp("venv") / "fresh"
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "-q", str(wheel)], check=True, capture_output=True, timeout=300)
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return root


def test_the_wheel_holds_every_package_the_prompts_and_the_report_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {p.relative_to(REPO).as_posix() for p in (REPO / "stance").rglob("__init__.py")}
    assert packages <= names, f"packages missing from [tool.setuptools] packages: {sorted(packages - names)}"
    prompts = {f"stance/prompts/{p.relative_to(REPO / 'prompts').as_posix()}"
               for p in (REPO / "prompts").glob("*/*") if p.suffix in (".j2", ".json")}
    templates = {p.relative_to(REPO).as_posix() for p in (REPO / "stance" / "report" / "templates").iterdir()}
    assert {"stance/prompts/extract/system.j2", "stance/prompts/codebook/examples.json"} <= prompts
    assert prompts <= names and templates <= names
    word_lists = {p.relative_to(REPO).as_posix() for p in (REPO / "stance" / "text" / "languages").glob("*.toml")}
    assert {"stance/text/languages/en.toml", "stance/text/languages/de.toml"} <= word_lists <= names


def test_installed_wheel_extracts_a_file_from_an_empty_folder(fresh_venv: Path, fake_openai: FakeOpenAI,
                                                              tmp_path: Path) -> None:
    fake_openai.responder = answer
    work = tmp_path / "elsewhere"
    work.mkdir()
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STANCE_", "OPENAI_", "VIRTUAL_ENV"))}
    env.update(STANCE_CACHE_DIR=str(tmp_path / "cache"), OPENAI_API_KEY="test", HOME=str(tmp_path))

    where = subprocess.run(
        [fresh_venv / "bin" / "python", "-c",
         "import stance, stance.extraction.prompts as p; print(stance.__file__); print(p.default_prompts_dir())"],
        cwd=work, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()
    assert all(Path(w).is_relative_to(fresh_venv) for w in where), where  # the wheel, not the checkout

    done = subprocess.run(
        [fresh_venv / "bin" / "stance", "extract", str(tmp_path / "article.txt"), "--base-url", fake_openai.base_url,
         "--model", "fake-model"],
        cwd=work, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = ArticleResult.model_validate(json.loads(done.stdout))
    assert result.provenance.prompt.name == "extract"
    assert {(s.actor, c.text) for c in result.claims for s in c.stances} == {
        ("Maria Lopez", "The bridge must be repaired this year"), ("Tom Reed", "The repair plan is too expensive"),
    }
    assert all(e.alignment == "exact" for e in result.evidence())
    assert list(work.iterdir()) == []  # nothing written to the working folder


def test_installed_wheel_prints_its_docs(fresh_venv: Path, tmp_path: Path) -> None:
    """``stance eval --help`` points to ``stance docs evals``: the page must be in the wheel."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "STANCE_", "VIRTUAL_ENV"))}
    page = subprocess.run([fresh_venv / "bin" / "stance", "docs", "evals"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert page.returncode == 0, page.stderr
    assert page.stdout == (REPO / "docs" / "evals.md").read_text(encoding="utf-8")
