"""A user's own prompt folder works by path, relative or absolute, and never by the working directory's prompts/."""

import shutil
from pathlib import Path

import pytest

from stance.extraction.prompts import PromptError, default_prompts_dir, load_prompt


def test_prompt_by_relative_or_absolute_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = load_prompt("extract-pointers")
    shutil.copytree(default_prompts_dir() / "extract-pointers", tmp_path / "mine")
    monkeypatch.chdir(tmp_path)
    for given in ("./mine", str(tmp_path / "mine")):
        prompt = load_prompt(given)
        assert prompt.name == "mine"  # provenance records the folder name, not the user's path
        assert prompt.hash == shipped.hash  # same files, same identity
        assert prompt.answer_shape is shipped.answer_shape


def test_missing_prompt_path_and_no_working_directory_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PromptError, match="not found"):
        load_prompt("./nowhere")
    shutil.copytree(default_prompts_dir() / "extract", tmp_path / "prompts" / "only-here")
    with pytest.raises(PromptError, match="not found"):
        load_prompt("only-here")  # a prompts/ folder in the working directory is not where stance looks
