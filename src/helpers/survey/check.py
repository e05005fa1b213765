"""Check a survey folder and list every problem, one per line, without a Python traceback.

Usage: python -m helpers.survey.check FOLDER   (exit 0: it loads; 1: the problems are listed; 2: no such folder)

What `make new-wave` suggests once the FILL IN values are replaced: it loads the folder as the
notebooks do (`helpers.survey.load_survey`) and prints each problem with its file, line and column.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core import paths
from ..core.errors import DataError
from .folder import load_survey


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.survey.check", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the survey folder, e.g. data/raw/surveys/localis_2013")
    args = parser.parse_args(argv)
    folder = args.folder if args.folder.is_absolute() or args.folder.exists() else paths.SURVEYS / args.folder
    if not folder.is_dir():
        print(f"check: {paths.shown(args.folder)} is not a survey folder", file=sys.stderr)
        return 2
    try:
        survey = load_survey(folder)
    except DataError as exc:
        print(f"{paths.shown(folder)}: {len(exc.problems)} problem(s) to fix:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    kinds = ", ".join(f"{q.id} ({q.type})" for q in survey.spec.questions)
    skipped = f"; not asked: {', '.join(survey.spec.not_asked)}" if survey.spec.not_asked else ""
    shown = paths.shown(folder)
    weighted = ""
    if survey.weighted:
        councils = round(survey.design.weights.sum())
        weighted = f"; weighted, {survey.spec.weighting.describe()} ({councils} councils of the frame)"
    print(
        f"{shown} loads: {len(survey.spec.questions)} questions, {kinds}{skipped}; from {survey.level} data{weighted}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
