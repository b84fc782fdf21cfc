"""The one run reader lists bad files instead of raising, and refuses only what is not a run folder."""

from pathlib import Path

import pytest

from stance.results import ArticleInfo, ArticleResult, FailureRecord, PromptInfo, Provenance
from stance.runs.reader import RunFolderError, read_run


def _result(article_id: str) -> ArticleResult:
    return ArticleResult(
        article=ArticleInfo(id=article_id, path=article_id, sha256="0" * 64, title="t"),
        provenance=Provenance(model="m", endpoint="e", prompt=PromptInfo(name="p", hash="h")),
    )


def test_reads_results_failures_manifest_and_lists_bad_files(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    (tmp_path / "failures").mkdir()
    for name in ("b", "a"):
        (tmp_path / "results" / f"{name}.json").write_text(_result(name).model_dump_json())
    (tmp_path / "results" / "bad.json").write_text("{not json")
    (tmp_path / "failures" / "c.json").write_text(FailureRecord(article_id="c", kind="timeout").model_dump_json())
    (tmp_path / "failures" / "d.json").write_text('{"path": "no id"}')
    (tmp_path / "manifest.json").write_text('{"model": "m"}')
    run = read_run(tmp_path)
    assert [r.article.id for r in run.results] == ["a", "b"]
    assert [f.kind for f in run.failures] == ["timeout"]
    assert run.manifest == {"model": "m"}
    assert [name for name, _ in run.invalid] == ["results/bad.json", "failures/d.json"]
    assert "article_id" in run.invalid[1][1]


def test_not_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(RunFolderError, match="not found"):
        read_run(tmp_path / "missing")
    with pytest.raises(RunFolderError, match="not a run folder"):
        read_run(tmp_path)
