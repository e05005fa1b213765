"""The assumptions-and-caveats log (docs/assumptions_caveats.md), read so a report can carry it.

The log's summary table rates each assumption for quality and impact (GREEN, AMBER, RED); a
report's limitations must carry every assumption rated RED on either, which it reads from here
rather than retyping them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..core.errors import Collector

RATINGS = ("GREEN", "AMBER", "RED")
HIGH = "RED"
_ROW = re.compile(r"^\|\s*(A\d+)\s*\|(.*)\|\s*(\w+)\s*\|\s*(\w+)\s*\|\s*$")
_HEADING = re.compile(r"^###\s+(A\d+)\.\s*(.*)$")


def read_assumptions(path: Path | str) -> pd.DataFrame:
    """One row per assumption of the summary table: id, assumption, quality, impact, heading, detail.

    `detail` is the first paragraph under the assumption's own section (empty if it has none).
    """
    path = Path(path)
    errors = Collector(path)
    if not path.exists():
        errors.add(None, None, "the assumptions-and-caveats log")
        errors.raise_if_any()
    lines = path.read_text(encoding="utf-8").splitlines()
    rows, sections, current = [], {}, None
    for number, line in enumerate(lines, start=1):
        row = _ROW.match(line)
        if row:
            ident, text, quality, impact = row.group(1), row.group(2).strip(), row.group(3), row.group(4)
            for column, value in (("Quality", quality), ("Impact", impact)):
                if value not in RATINGS:
                    errors.add(number, column, " or ".join(RATINGS), value)
            rows.append({"id": ident, "assumption": text, "quality": quality, "impact": impact})
            continue
        heading = _HEADING.match(line)
        if heading:
            current = heading.group(1)
            sections[current] = {"heading": heading.group(2).strip(), "lines": []}
        elif line.startswith("#"):
            current = None
        elif current is not None:
            sections[current]["lines"].append(line)
    if not rows:
        errors.add(None, None, "a summary table with rows '| A1 | assumption | quality | impact |'")
    errors.raise_if_any()
    table = pd.DataFrame(rows)
    table["heading"] = [sections.get(i, {}).get("heading", "") for i in table["id"]]
    table["detail"] = [_first_paragraph(sections.get(i, {}).get("lines", [])) for i in table["id"]]
    return table


def _first_paragraph(lines: list[str]) -> str:
    paragraph: list[str] = []
    for line in lines:
        if not line.strip():
            if paragraph:
                break
            continue
        if line.lstrip().startswith(("-", "|")) and not paragraph:
            continue
        paragraph.append(line.strip())
    return " ".join(paragraph)


def high_rated(table: pd.DataFrame) -> pd.DataFrame:
    """The assumptions rated RED for quality or for impact, in the log's order."""
    return table[(table["quality"] == HIGH) | (table["impact"] == HIGH)].reset_index(drop=True)
