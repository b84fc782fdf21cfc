"""Runs in .venv-ls with label-studio-sdk (not our environment): one project, our tasks, the given annotations, a JSON export.

usage: python label_studio_driver.py URL TOKEN WORKDIR
WORKDIR holds label_config.xml and tasks.json (from `stance export --format label-studio`) and
annotations.json ({article id: annotation result list}); export.json is written there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from label_studio_sdk import LabelStudio


def main(url: str, token: str, work: Path) -> None:
    ls = LabelStudio(base_url=url, api_key=token)
    project = ls.projects.create(title="stance corrections", label_config=(work / "label_config.xml").read_text(encoding="utf-8"))
    tasks = json.loads((work / "tasks.json").read_text(encoding="utf-8"))
    ls.projects.import_tasks(id=project.id, request=tasks)
    wanted = json.loads((work / "annotations.json").read_text(encoding="utf-8"))
    done = 0
    for t in ls.tasks.list(project=project.id, fields="all"):
        article = t.data["stance"]["article"]["id"]
        if article in wanted:
            ls.annotations.create(id=t.id, result=wanted[article], was_cancelled=False)
            done += 1
    if done != len(wanted):
        raise SystemExit(f"annotated {done} tasks, wanted {len(wanted)}")
    data = b"".join(ls.projects.exports.download_sync(id=project.id, export_type="JSON", download_all_tasks=True))
    (work / "export.json").write_bytes(data)
    print(f"project {project.id}: {len(tasks)} tasks imported, {done} annotated, export {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
