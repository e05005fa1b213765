"""Draft a new wave's folder from the file an agency or a survey tool delivered.

Usage: python -m helpers.survey.import_wave NAME FROM [--surveys DIR]   (or: make import-wave NAME=... FROM=...)

It writes `data/raw/surveys/NAME/`: `respondents.csv` in the workbench's scheme, a `survey.yaml` whose
questions, options and types come from the file's labels, `unplaced.csv` with every column it could not
place (kept, never dropped) and `IMPORT.md` saying what was read and what was guessed. Every guess is
listed under the question's `guessed:` key, and the wave's own facts (source, fieldwork, population)
are `FILL IN`: the folder does not load until the researcher has checked each and removed the marks.
Nothing is invented: a value is copied or mapped through the file's own value labels, or not at all.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from ..core import paths
from ..core.csvout import write_csv
from ..core.errors import DataError
from .agency_file import read_agency_file
from .draft import draft_questions, survey_yaml

_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


def import_wave(name: str, source: Path | str, surveys: Path | str = paths.SURVEYS) -> Path:
    """Draft `surveys/name/` from `source`; the folder appears whole or not at all."""
    if not name or not set(name) <= _NAME_CHARS or name[0] in "_-":
        raise ValueError(f"wave name {name!r}: expected lower-case letters, digits, '_' or '-', e.g. localis_2013")
    target = Path(surveys) / name
    if target.exists():
        raise FileExistsError(f"{paths.shown(target)} exists already: choose another NAME or remove it first")
    delivered = read_agency_file(source)
    draft = draft_questions(delivered)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=target.parent))
    try:
        (staging / "survey.yaml").write_text(survey_yaml(name, delivered, draft), encoding="utf-8")
        write_csv(draft.respondents, staging / "respondents.csv")
        write_csv(draft.unplaced, staging / "unplaced.csv")
        (staging / "IMPORT.md").write_text(draft.report, encoding="utf-8")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.survey.import_wave", description=__doc__.split("\n")[0])
    parser.add_argument("name", help="the new wave's folder name under data/raw/surveys, e.g. localis_2013")
    parser.add_argument("source", help="the delivered file: .sav, .zsav, .por, .dta, .csv or .xlsx")
    parser.add_argument("--surveys", default=str(paths.SURVEYS), help="where wave folders live")
    args = parser.parse_args(argv)
    try:
        target = import_wave(args.name, args.source, args.surveys)
    except (DataError, ValueError, FileExistsError) as exc:
        print(f"import-wave: {exc}", file=sys.stderr)
        return 2
    print(f"drafted {paths.shown(target)}: read IMPORT.md there, confirm each guess in survey.yaml, fill in")
    print("every FILL IN, then check it with: .venv/bin/python -m helpers.survey.check " + paths.shown(target))
    return 0


if __name__ == "__main__":
    sys.exit(main())
