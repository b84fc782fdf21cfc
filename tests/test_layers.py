"""The layering holds, and the checks that guard it would catch an upward or cyclic import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "stance", tmp_path / "stance", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(where), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=where, env=env, capture_output=True, text=True, timeout=300)


def _append(module: Path, code: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + code, encoding="utf-8")


def test_no_import_cycle_function_level_imports_included() -> None:
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "import_cycles.py")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout
    assert "0 cycle(s)" in out.stdout


def test_cycle_check_sees_a_function_level_import(tmp_path: Path) -> None:
    where = _copy(tmp_path)
    _append(where / "stance" / "text" / "sentences.py", "\n\ndef _hidden() -> None:\n    from stance.text import polarity  # noqa\n")
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "import_cycles.py"), str(where / "stance")],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "stance.text.polarity <-> stance.text.sentences" in out.stdout


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed (bash scripts/test.sh installs it)")
def test_contracts_hold_and_fail_on_an_upward_import(tmp_path: Path) -> None:
    where = _copy(tmp_path)
    kept = _lint_imports(where)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    # the rule pass reaching up into run folders, hidden inside a function
    _append(where / "stance" / "text" / "sentences.py", "\n\ndef _upward() -> None:\n    import stance.runs.batch  # noqa\n")
    broken = _lint_imports(where)
    assert broken.returncode != 0
    assert "stance.text is not allowed to import stance.runs" in broken.stdout
