"""data/processed: the tidy tables the build writes from data/raw, regenerated, never hand-edited.

For each survey folder: questions.csv and counts.csv; for each interview corpus: excerpts.csv;
and the population frame on the survey's date. Skipped (without importing pandas) when neither
the raw data nor the helpers changed since the last write.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from . import paths
from .build_cache import helpers_hash, tree_hashes

STAMP = ".stamp.json"


def _raw_key() -> str:
    payload = {"raw": tree_hashes(paths.RAW) if paths.RAW.exists() else {}, "helpers": helpers_hash()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def refresh_processed(target: Path = paths.PROCESSED) -> bool:
    """Rewrite data/processed from data/raw when the raw data changed; True if it wrote."""
    key = _raw_key()
    stamp = target / STAMP
    try:
        if json.loads(stamp.read_text())["key"] == key:
            return False
    except (OSError, ValueError, KeyError):
        pass
    staging = target.parent / f".{target.name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    write_tables(staging)
    (staging / STAMP).write_text(json.dumps({"key": key}) + "\n")
    # Keep the README and anything a notebook run with default parameters wrote.
    target.mkdir(parents=True, exist_ok=True)
    for name in ("surveys", "interviews", "reference"):
        shutil.rmtree(target / name, ignore_errors=True)
        if (staging / name).exists():
            os.replace(staging / name, target / name)
    os.replace(staging / STAMP, stamp)
    shutil.rmtree(staging, ignore_errors=True)
    return True


def write_tables(out: Path) -> None:
    """Validate every raw folder and write its tidy tables below `out` (raises DataError if bad)."""
    from .frame import principal_authorities
    from .interviews import load_excerpts
    from .survey import load_survey

    for folder in sorted(p for p in paths.SURVEYS.iterdir() if (p / "survey.yaml").exists()):
        survey = load_survey(folder)
        dest = out / "surveys" / folder.name
        dest.mkdir(parents=True, exist_ok=True)
        survey.questions_table().to_csv(dest / "questions.csv", index=False, lineterminator="\n")
        survey.tidy_counts().to_csv(dest / "counts.csv", index=False, lineterminator="\n")
        frame_date = survey.spec.meta.get("population", {}).get("frame_date")
        if frame_date:
            ref = out / "reference"
            ref.mkdir(parents=True, exist_ok=True)
            principal_authorities(frame_date).to_csv(ref / f"principal_authorities_{frame_date}.csv", index=False, lineterminator="\n")
    for folder in sorted(p for p in paths.INTERVIEWS.iterdir() if (p / "excerpts.csv").exists()):
        dest = out / "interviews" / folder.name
        dest.mkdir(parents=True, exist_ok=True)
        load_excerpts(folder).to_csv(dest / "excerpts.csv", index=False, lineterminator="\n")
