"""Start a new wave of a survey: a folder from an earlier wave's questions, every fact of that wave left to fill in.

Usage: python -m helpers.survey.new_wave NAME [--from FOLDER] [--surveys DIR]   (or: make new-wave NAME=...)

It keeps the questions of `survey.yaml` (ids, wording, types, options, items) and writes
`FILL IN` in place of everything that belongs to the earlier wave: the title, the source, the
fieldwork, the respondents, the population (size, frame date), each question's answered and
skipped counts, and every count of `counts.csv` (one row per cell the questions declare). So the
folder cannot load until each is checked. It leaves out `published.csv`, footnote tables and
`respondents.csv`. The folder is made beside the target and moved in only when whole.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from ..core import paths
from ..core.errors import DataError
from ..core.sourced_yaml import load_yaml
from .schema import FILL, KEYS

LEFT_OUT = ("published.csv", "respondents.csv")  # and every *footnote*.csv
WAVE_SECTIONS = ("source", "fieldwork", "respondents", "population")  # facts of one wave, all to fill in
KEPT = ("id", "wording", "type", "options", "items")  # what a question keeps from the earlier wave
NAME_CHARACTERS = "letters, digits, '_' and '-', starting with a letter or digit"


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the workbench's survey.yaml files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


class WaveError(Exception):
    """A new wave or a removal that cannot be made: the message says why; nothing was changed."""


def valid_name(name: str) -> bool:
    return (
        bool(name)
        and name[0].isascii()
        and name[0].isalnum()
        and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    )


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def new_survey(doc: dict, name: str) -> dict:
    """The new wave's survey.yaml as data: the questions kept, every fact of the earlier wave FILL IN."""
    out: dict = {"id": name, "title": FILL}
    for section in WAVE_SECTIONS:
        given = doc.get(section) if isinstance(doc.get(section), dict) else {}
        keys = [k for k in KEYS[section] if k in given] or [k for k in KEYS[section] if k != "note"]
        out[section] = {key: FILL for key in keys}
    questions = []
    for q in doc.get("questions") or []:
        if isinstance(q, dict):
            kept = {key: _plain(q[key]) for key in KEPT if key in q}
            questions.append({**kept, "answered": FILL, "skipped": FILL})
    out["questions"] = questions
    return out


def survey_yaml_text(doc: dict, name: str, template: str) -> str:
    header = (
        f"# Survey wave {name}, started from {template} by helpers.survey.new_wave.\n"
        f"# Every {FILL} is a fact of the earlier wave to replace with what this wave's source says:\n"
        "# the title, the source (document, publisher, title, published: YYYY-MM-DD, section), the\n"
        "# fieldwork, the respondents, the population (description, size, size_source, frame_date:\n"
        "# YYYY-MM-DD), and each question's answered and skipped counts (null where the source prints\n"
        "# none). Check each question's wording and options. A question this wave did not ask: replace\n"
        "# its answered and skipped lines with `asked: false` and delete its rows from counts.csv.\n"
    )
    body = yaml.dump(new_survey(doc, name), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def counts_csv_text(doc: dict) -> str:
    """One row per (question, item, option) the questions declare, each count FILL IN."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["question", "item", "option", "count"])
    for q in new_survey(doc, "x")["questions"]:
        items = q.get("items") if q.get("type") == "likert" and isinstance(q.get("items"), list) else [""]
        for item in items:
            for option in q.get("options") or []:
                writer.writerow([q.get("id"), item, option, FILL])
    return out.getvalue()


def left_out(template: Path) -> list[str]:
    """The template's files that belong to its wave only."""
    return sorted(
        p.name for p in template.iterdir() if p.is_file() and (p.name in LEFT_OUT or "footnote" in p.name.lower())
    )


def _template(template: Path) -> dict:
    """The template's survey.yaml, read as any survey.yaml is; a file that cannot be read is a WaveError."""
    if not (template / "survey.yaml").is_file():
        raise WaveError(f"{paths.shown(template)} holds no survey.yaml to start from; nothing was changed")
    try:
        doc = load_yaml(template / "survey.yaml")
    except DataError as exc:
        raise WaveError(f"the template cannot be read; nothing was changed:\n{exc}") from None
    except OSError as exc:
        raise WaveError(
            f"{paths.shown(template / 'survey.yaml')} cannot be read ({exc.strerror}); nothing was changed"
        ) from None
    questions = doc.get("questions")
    if not isinstance(questions, list) or not any(isinstance(q, dict) and "id" in q for q in questions):
        raise WaveError(f"{paths.shown(template / 'survey.yaml')} has no questions to start from; nothing was changed")
    return doc


def create(name: str, template: Path, surveys: Path) -> Path:
    """Make surveys/NAME from the template folder; return it. Refuses a bad name or an existing folder.

    The folder is written in a hidden temporary folder beside the target and renamed into place
    only when whole, so a failure leaves nothing behind.
    """
    if not valid_name(name):
        raise WaveError(f"{name!r} is not a folder name ({NAME_CHARACTERS}), e.g. localis_2013")
    target = surveys / name
    if target.exists():
        raise WaveError(f"{paths.shown(target)} already exists; nothing was changed")
    doc = _template(template)
    surveys.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".new", dir=surveys))
    try:
        (staging / "survey.yaml").write_text(survey_yaml_text(doc, name, template.name), encoding="utf-8")
        (staging / "counts.csv").write_text(counts_csv_text(doc), encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())
        if target.exists():
            raise WaveError(f"{paths.shown(target)} appeared meanwhile; nothing was changed")
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def instructions(target: Path, template: Path) -> str:
    shown = paths.shown(target)
    skipped = ", ".join(left_out(template)) or "nothing"
    return f"""Created {shown}/ from {paths.shown(template)}/ (left out, as they belong to that wave: {skipped}).
Fill in:
  1. {shown}/survey.yaml: every {FILL}: the title, the source's document, publisher, title, date and section,
     the fieldwork, the respondents, the population (description, size, size_source, frame_date), and each
     question's answered and skipped (null where the source prints none); check each question's wording and
     options. A question this wave did not ask: `asked: false` instead of its answered and skipped.
  2. {shown}/counts.csv: every {FILL} count (0 where none; no rows for a question not asked), or delete it
     and add respondents.csv (one row per respondent; the scheme is in data/raw/README.md).
  3. Optionally {shown}/published.csv: the figures the new source prints (columns in data/raw/README.md).
  4. Check: .venv/bin/python -m helpers.survey.check {shown}
     lists every value still missing or wrong (file, line, column).
  5. Point survey_dir at {shown} in reports.yaml (or in a notebook's parameters cell), then make reports.
  To remove the wave while no job reads it: .venv/bin/python -m helpers.survey.clean_wave {target.name}
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
    try:
        target = create(args.name, template, args.surveys)
    except (WaveError, OSError) as exc:
        reason = exc if isinstance(exc, WaveError) else f"{exc.strerror or exc}: {paths.shown(exc.filename or '')}"
        print(f"new_wave: {reason}", file=sys.stderr)
        return 2
    print(instructions(target, template))
    return 0


if __name__ == "__main__":
    sys.exit(main())
