"""Start a new analysis notebook from the workbench's template: notebooks/NAME.ipynb, ready to run and build.

Usage: python -m helpers.new_notebook NAME   (or: make new-notebook NAME=...)

The template (notebooks/templates/new_analysis.ipynb) has the parameters cell, the set-up, one worked
cross-tab with its chart and `results.csv` rows, and a provenance section. The copy writes to
`data/processed/NAME` by default and is created whole or not at all; an existing notebook is never
replaced. It then prints the job to add to reports.yaml. docs/notebooks.md walks on from there.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from .core import paths

TEMPLATE = paths.NOTEBOOKS / "templates" / "new_analysis.ipynb"
_NAME = re.compile(r"[a-z0-9][a-z0-9_]*")
_OUTPUT_LINE = re.compile(r'^output_dir = "[^"\n]*"$', re.M)


def notebook_text(template: str, name: str) -> str:
    """The template's JSON with the parameters cell's output_dir set to data/processed/NAME."""
    nb = json.loads(template)
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise SystemExit(f"new_notebook: {paths.shown(TEMPLATE)} must have one cell tagged 'parameters'")
    source = "".join(cells[0]["source"])
    source, replaced = _OUTPUT_LINE.subn(f'output_dir = "data/processed/{name}"', source)
    if replaced != 1:
        raise SystemExit(f"new_notebook: the parameters cell of {paths.shown(TEMPLATE)} must set output_dir once")
    cells[0]["source"] = source.splitlines(keepends=True)
    nb["metadata"]["title"] = name.replace("_", " ").strip().capitalize()
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def create(name: str, notebooks: Path = paths.NOTEBOOKS, template: Path = TEMPLATE) -> Path:
    """Write notebooks/NAME.ipynb from the template and return it; refuses a bad name or an existing file."""
    if not _NAME.fullmatch(name):
        raise SystemExit(
            f"new_notebook: {name!r} is not a notebook name (lower-case letters, digits and '_', starting with a "
            "letter or digit), e.g. 07_council_size"
        )
    target = notebooks / f"{name}.ipynb"
    if target.exists():
        raise SystemExit(f"new_notebook: {paths.shown(target)} already exists; nothing was changed")
    text = notebook_text(template.read_text(encoding="utf-8"), name)
    tmp = notebooks / f".{name}.ipynb.tmp"
    tmp.write_text(text, encoding="utf-8")
    try:
        os.link(tmp, target)  # fails if the target appeared meanwhile: never replaces a notebook
    except FileExistsError:
        raise SystemExit(f"new_notebook: {paths.shown(target)} already exists; nothing was changed") from None
    finally:
        tmp.unlink()
    return target


def next_steps(target: Path, name: str) -> str:
    """What to do next, with the reports.yaml job to add."""
    job = name.split("_", 1)[-1] if re.match(r"\d+_", name) else name
    return (
        f"Made {paths.shown(target)} from {paths.shown(TEMPLATE)}.\n"
        "Next (docs/notebooks.md walks through each step):\n"
        f"  1. make lab, open {target.name}, write your analysis; keep the parameters cell's defaults runnable.\n"
        "  2. Add its job to reports.yaml:\n"
        f"       - name: {job.replace('_', '-')}\n"
        f'         title: "{name.replace("_", " ").strip().capitalize()}"\n'
        "         group: Survey analyses\n"
        f"         notebook: notebooks/{target.name}\n"
        "         parameters:\n"
        "           survey_dir: data/raw/surveys/localis_2011\n"
        "  3. make reports (builds its report), make notebooks (stores its outputs for nbval), make format, make test."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.new_notebook", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the notebook's file name without .ipynb, e.g. 07_council_size")
    args = parser.parse_args(argv)
    target = create(args.name)
    print(next_steps(target, args.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
