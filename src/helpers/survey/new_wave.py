"""Start a new wave of a survey: a folder from an earlier wave's, with its wave-specific facts left to fill in.

Usage: python -m helpers.survey.new_wave NAME [--from FOLDER] [--surveys DIR]   (or: make new-wave NAME=...)

It copies the questions of `survey.yaml` and the rows of `counts.csv`, puts `FILL IN` where the
new wave's numbers and source go (so loading the folder names every one still missing), and
leaves out what belongs to the old wave only: `published.csv`, footnote tables and
`respondents.csv`. Then it prints what to fill in.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

from ..core import paths
from .schema import FILL

LEFT_OUT = ("published.csv", "respondents.csv")  # and every *footnote*.csv
# survey.yaml lines whose value belongs to one wave: the source it was printed in, its counts.
_WAVE_KEYS = re.compile(r"^(\s+)(document|section|published|answered|skipped):[^\n#]*(.*)$", re.M)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def new_survey_yaml(text: str, name: str, template: str) -> str:
    """The template's survey.yaml with the new id, its leading comments replaced and wave facts blanked."""
    body = text.split("\n")
    while body and (body[0].startswith("#") or not body[0].strip()):
        body.pop(0)
    text = "\n".join(body)
    text = re.sub(r"^id:.*$", f"id: {name}", text, count=1, flags=re.M)
    text = _WAVE_KEYS.sub(
        lambda m: f'{m.group(1)}{m.group(2)}: "{FILL}"{(" " + m.group(3)) if m.group(3) else ""}', text
    )
    header = (
        f"# Survey wave {name}, started from {template} by helpers.survey.new_wave.\n"
        f"# Replace every {FILL} with what the new wave's source prints (document, section and date of\n"
        "# the source; each question's answered and skipped, or null where the source prints none), and\n"
        "# check the title, fieldwork, respondents, population and every question's wording and options.\n"
    )
    return header + text


def new_counts_csv(text: str) -> str:
    """The template's counts.csv with every count replaced by FILL IN (the cells stay: same questions)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = rows[0]
    writer.writerow(header)
    at = header.index("count") if "count" in header else len(header) - 1
    for row in rows[1:]:
        if row:
            writer.writerow([FILL if i == at else cell for i, cell in enumerate(row)])
    return out.getvalue()


def left_out(template: Path) -> list[str]:
    """The template's files that belong to its wave only."""
    return sorted(
        p.name for p in template.iterdir() if p.is_file() and (p.name in LEFT_OUT or "footnote" in p.name.lower())
    )


def create(name: str, template: Path, surveys: Path) -> Path:
    """Make surveys/NAME from the template folder; return it. Refuses a bad name or an existing folder."""
    if not _NAME.fullmatch(name):
        raise SystemExit(f"new_wave: {name!r} is not a folder name (letters, digits, '_' and '-'), e.g. localis_2013")
    target = surveys / name
    if target.exists():
        raise SystemExit(f"new_wave: {paths.shown(target)} already exists; nothing was changed")
    if not (template / "survey.yaml").is_file():
        raise SystemExit(f"new_wave: {paths.shown(template)} holds no survey.yaml to start from")
    target.mkdir(parents=True)
    spec = (template / "survey.yaml").read_text(encoding="utf-8")
    (target / "survey.yaml").write_text(new_survey_yaml(spec, name, template.name), encoding="utf-8")
    if (template / "counts.csv").is_file():
        counts = (template / "counts.csv").read_text(encoding="utf-8-sig")
        (target / "counts.csv").write_text(new_counts_csv(counts), encoding="utf-8")
    return target


def instructions(target: Path, template: Path) -> str:
    shown = paths.shown(target)
    skipped = ", ".join(left_out(template)) or "nothing"
    return f"""Created {shown}/ from {paths.shown(template)}/ (left out, as they belong to that wave: {skipped}).
Fill in:
  1. {shown}/survey.yaml: every {FILL}: the source's document, section and date (published: YYYY-MM-DD),
     and each question's answered and skipped (null where the source prints none); check the title,
     fieldwork, respondents, population (size, frame_date) and each question's wording and options.
  2. {shown}/counts.csv: every {FILL} count (0 where none), or delete it and add respondents.csv
     (one row per respondent; the scheme is in data/raw/README.md).
  3. Optionally {shown}/published.csv: the figures the new source prints (columns in data/raw/README.md).
  4. Check: .venv/bin/python -c "from helpers.survey import load_survey; load_survey('{shown}')"
     names every value still missing or wrong (file, line, column).
  5. Point survey_dir at {shown} in reports.yaml (or in a notebook's parameters cell), then make reports.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.survey.new_wave", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the new wave's folder name, e.g. localis_2013")
    parser.add_argument("--from", dest="template", default="localis_2011", help="the wave to start from")
    parser.add_argument(
        "--surveys", type=Path, default=paths.SURVEYS, help="the surveys folder (default data/raw/surveys)"
    )
    args = parser.parse_args(argv)
    template = args.surveys / args.template
    target = create(args.name, template, args.surveys)
    print(instructions(target, template))
    return 0


if __name__ == "__main__":
    sys.exit(main())
