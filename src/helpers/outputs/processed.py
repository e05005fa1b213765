"""data/processed: the tidy tables the build writes from data/raw, regenerated, never hand-edited.

For each survey folder: questions.csv and counts.csv; for each interview corpus: excerpts.csv;
and the population frame on the survey's date. Skipped (without importing pandas) when neither
the raw data nor the helpers changed since the last write.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from ..core import paths
from ..core.csvout import write_csv
from ..core.errors import DataError
from ..core.hashing import raw_data_key, stamp_holds

STAMP = ".stamp.json"
LOCK = ".refresh.lock"


def refresh_processed(target: Path = paths.PROCESSED) -> bool:
    """Rewrite data/processed from data/raw when the raw data changed; True if it wrote.

    One writer at a time holds `<target>/.refresh.lock` (builds into different reports folders share
    data/processed and its staging folder), and the stamp is checked again once the lock is held.
    """
    from filelock import FileLock

    key = raw_data_key()
    stamp = target / STAMP
    if stamp_holds(stamp, key):
        return False
    target.mkdir(parents=True, exist_ok=True)
    with FileLock(target / LOCK, thread_local=False):
        if stamp_holds(stamp, key):  # another writer finished while this one waited
            return False
        _write(target, key, stamp)
    return True


def _write(target: Path, key: str, stamp: Path) -> None:
    """Write the tables into a staging folder beside `target`, then move them in (under the lock)."""
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


def write_tables(out: Path) -> None:
    """Validate every raw folder and write its tidy tables below `out` (raises DataError if bad)."""
    from ..interviews.corpus import load_excerpts
    from ..survey.frame import principal_authorities

    for survey in _usable_surveys():
        folder = survey.directory
        dest = out / "surveys" / folder.name
        dest.mkdir(parents=True, exist_ok=True)
        write_csv(survey.questions_table(), dest / "questions.csv")
        write_csv(survey.tidy_counts(), dest / "counts.csv")
        frame_date = survey.spec.meta.get("population", {}).get("frame_date")
        if frame_date:
            ref = out / "reference"
            ref.mkdir(parents=True, exist_ok=True)
            write_csv(principal_authorities(frame_date), ref / f"principal_authorities_{frame_date}.csv")
    for folder in sorted(p for p in paths.INTERVIEWS.iterdir() if (p / "excerpts.csv").exists()):
        dest = out / "interviews" / folder.name
        dest.mkdir(parents=True, exist_ok=True)
        write_csv(load_excerpts(folder), dest / "excerpts.csv")


def _usable_surveys() -> list:
    """Every survey folder that loads. A bad one that no job reads (an unfilled new wave) is skipped
    with a note, since it blocks no report; a bad one that jobs read is an error naming those jobs."""
    from ..core.errors import Problem
    from ..survey.folder import load_survey
    from ..survey.readers import blocked_jobs

    surveys, problems = [], []
    folders = (p for p in paths.SURVEYS.iterdir() if not p.name.startswith(".") and (p / "survey.yaml").exists())
    for folder in sorted(folders):  # a hidden folder is a wave still being made (helpers.survey.new_wave)
        try:
            surveys.append(load_survey(folder))
        except DataError as exc:
            jobs = blocked_jobs(folder)
            if jobs == []:
                print(
                    f"{paths.shown(folder)} has problems but no job in reports.yaml reads it: skipped.", file=sys.stderr
                )
                continue
            blocks = f"the jobs {', '.join(jobs)}" if jobs else "every job (reports.yaml could not be read)"
            problems.append(
                Problem(paths.shown(folder), None, None, f"a survey folder without problems: it blocks {blocks}")
            )
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    return surveys


def main() -> int:
    """`python -m helpers.outputs.processed`: refresh data/processed; exit 2 with the error if the raw data is bad."""
    try:
        refresh_processed()
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
