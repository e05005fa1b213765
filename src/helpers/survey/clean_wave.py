"""Remove a survey wave that no job reads: a new wave abandoned, or one started by mistake.

Usage: python -m helpers.survey.clean_wave NAME [--surveys DIR] [--config reports.yaml]   (or: make clean-wave NAME=...)

It refuses, naming them, while any job of reports.yaml reads the folder (a parameter, a swept
value, an input, or a notebook's default), and refuses a name that is not a survey folder of
the surveys folder. The folder is first renamed out of the way, then deleted, so a failure leaves
either the whole wave or nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..core import paths
from ..core.errors import DataError
from .new_wave import NAME_CHARACTERS, WaveError, valid_name
from .readers import jobs_reading


def remove(name: str, surveys: Path, config: Path | None = None) -> Path:
    """Delete surveys/NAME when it is a survey folder no job reads; return its path. Else WaveError."""
    if not valid_name(name):
        raise WaveError(f"{name!r} is not a wave's folder name ({NAME_CHARACTERS}); nothing was removed")
    folder = surveys / name
    if folder.is_symlink() or not folder.is_dir() or not (folder / "survey.yaml").is_file():
        raise WaveError(f"{paths.shown(folder)} is not a survey folder (no survey.yaml); nothing was removed")
    try:
        readers = jobs_reading(folder, config)
    except DataError as exc:
        raise WaveError(
            f"reports.yaml cannot be read, so the wave may be in use; nothing was removed:\n{exc}"
        ) from None
    if readers:
        jobs = ", ".join(readers)
        raise WaveError(
            f"{paths.shown(folder)} is read by the job(s) {jobs} in reports.yaml; point them at another wave "
            "first; nothing was removed"
        )
    trash = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".removed", dir=surveys))
    os.rename(folder, trash / name)
    shutil.rmtree(trash)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.survey.clean_wave", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the wave's folder name under the surveys folder, e.g. localis_2013")
    parser.add_argument(
        "--surveys", type=Path, default=paths.SURVEYS, help="the surveys folder (default data/raw/surveys)"
    )
    parser.add_argument("--config", type=Path, default=None, help="the build's config (default reports.yaml)")
    args = parser.parse_args(argv)
    try:
        folder = remove(args.name, args.surveys, args.config)
    except (WaveError, OSError) as exc:
        print(f"clean_wave: {exc}", file=sys.stderr)
        return 2
    print(f"Removed {paths.shown(folder)}/ (no job in reports.yaml reads it).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
