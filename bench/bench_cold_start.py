"""Cold start of the embedded model: the first run after install, with an empty cache folder.

    python bench/bench_cold_start.py                 # imports, assembly, server start, a 1-token answer
    python bench/bench_cold_start.py --extract seeds/blinken-iran-no-agreement.txt   # and a whole stance extract
    python bench/bench_cold_start.py --assemble 2    # only the model's assembly from its wheel parts, twice

The model is assembled from its wheel parts into a fresh temporary cache
folder (what the first ``stance extract`` after install does), then the
embedded server starts and answers one token. With ``--extract`` a separate
``stance extract FILE --out ...`` runs with that empty cache folder, timed as a
user sees it (model assembly and server start included). Run it alone: other
jobs on the 2 cores skew it (``uptime`` is printed before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def uptime() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def to_first_token(cache_dir: Path) -> dict[str, float]:
    started = time.monotonic()
    from stance.config import load_settings
    from stance.model.client import connect

    imported = time.monotonic()
    settings = load_settings(cache_dir=cache_dir, use_cache=False)
    with connect(settings) as llm:
        ready = time.monotonic()
        llm._client.chat.completions.create(
            model=llm.model_name, messages=[{"role": "user", "content": "Hi"}], max_tokens=1
        )
        answered = time.monotonic()
    return {"import_s": round(imported - started, 1), "assemble_and_start_s": round(ready - imported, 1),
            "first_token_s": round(answered - ready, 1), "total_s": round(answered - started, 1)}


def assemble_seconds(cache_dir: Path) -> float:
    from stance.model.embedded import DEFAULT_MODEL, PACKAGED_MODELS, assemble_model

    started = time.monotonic()
    assemble_model(PACKAGED_MODELS[DEFAULT_MODEL], cache_dir)
    return round(time.monotonic() - started, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extract", type=Path, default=None, help="also time a cold `stance extract` of this file")
    parser.add_argument("--assemble", type=int, default=0, help="only time the model's assembly, this many times")
    args = parser.parse_args()
    row: dict[str, object] = {"load_before": uptime()}
    with tempfile.TemporaryDirectory(prefix="stance-cold-") as tmp:
        if args.assemble:
            row["assemble_s"] = [assemble_seconds(Path(tmp) / f"cache{i}") for i in range(args.assemble)]
        elif args.extract:
            env = {**os.environ, "STANCE_CACHE_DIR": str(Path(tmp) / "cache")}
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "stance", "extract", str(args.extract), "--out",
                            str(Path(tmp) / "run"), "--quiet"], check=True, env=env)
            row["cold_extract_s"] = round(time.monotonic() - started, 1)
        else:
            row.update(to_first_token(Path(tmp) / "cache"))
    row["load_after"] = uptime()
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
