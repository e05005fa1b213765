"""Coders of the framework items, in the interview coding's data model.

Items play the part of excerpts: every coder's work is one tidy table `coder`, `excerpt_id`
(the item id), `code`, one row per stage applied; an empty code means "read, no stage applies".
Coders are the rule coder (`rules`, the codebook's keywords and patterns, as for the interviews)
and one file per coder in `codings/<coder>.csv` with columns `item_id,code`, checked exactly as
the interview coders' files are: an unknown item or code, a grouping code or a repeated row is a
`DataError` naming the file and line. How each coding was made is read from `codings/coders.yaml`
(human, independent, authored the codebook, derived), never assumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines
from ..interviews.codebook import Codebook
from ..interviews.coders import (
    CODER_NAME,
    COLUMNS,
    REPORT,
    RULES,
    check_coders,
    empty_codings,
    rule_coder,
    without_redundant_empties,
)
from ..interviews.study import load_coder_descriptions as interview_coder_descriptions


def file_coders(codings_dir: Path | str) -> list[str]:
    """The coders with a file in `codings_dir` (file names without .csv), sorted."""
    folder = Path(codings_dir)
    return sorted(p.stem for p in folder.glob("*.csv")) if folder.is_dir() else []


def available_coders(codings_dir: Path | str) -> list[str]:
    return [RULES, *file_coders(codings_dir)]


def check_item_coders(name: str, value, codings_dir: Path | str) -> list[str]:
    """A notebook's `coders` parameter: two or more distinct names of `rules` and the coders' files."""
    return check_coders(name, value, available_coders(codings_dir))


def load_item_coding(path: Path | str, codebook: Codebook, item_ids: Sequence[str]) -> pd.DataFrame:
    """Read and validate one coder's file `item_id,code`; the coder is the file's name."""
    path = Path(path)
    coder = path.stem
    frame = read_csv_lines(path, ["item_id", "code"])
    errors = Collector(path)
    if not CODER_NAME.fullmatch(coder) or coder in (REPORT, RULES):
        errors.add(
            None, None, "a file named <coder>.csv with a lower-case name other than 'report' and 'rules'", path.name
        )
    known = set(item_ids)
    for line, item_id, code in frame[[LINE, "item_id", "code"]].itertuples(index=False):
        if item_id not in known:
            errors.add(line, "item_id", "an item id of items.csv", item_id)
        if code and code not in codebook:
            errors.add(line, "code", "a code id of the codebook (or empty: read, no stage applies)", code)
        elif code and not codebook[code].codable:
            children = ", ".join(codebook.children(code))
            errors.add(line, "code", f"a codable code ('{code}' only groups others: apply one of {children})", code)
    pairs = frame["item_id"] + "\x00" + frame["code"]
    for line, item_id, code in frame.loc[pairs.duplicated(), [LINE, "item_id", "code"]].itertuples(index=False):
        errors.add(line, "code", "each item and code once", f"{item_id},{code}")
    errors.raise_if_any()
    return without_redundant_empties(frame.rename(columns={"item_id": "excerpt_id"}).assign(coder=coder)[COLUMNS])


def collect_item_codings(
    coders: Sequence[str], excerpts: pd.DataFrame, codebook: Codebook, codings_dir: Path | str
) -> pd.DataFrame:
    """Every named coder's codings of the items in one table, in the order of `coders`."""
    frames = []
    for coder in coders:
        if coder == RULES:
            frames.append(rule_coder(excerpts, codebook))
        else:
            frames.append(load_item_coding(Path(codings_dir) / f"{coder}.csv", codebook, excerpts["excerpt_id"]))
    return pd.concat(frames, ignore_index=True) if frames else empty_codings()


CODER_FIELDS = ["label", "made_by", "human", "independent", "authored_codebook", "derived", "description"]
FLAGS = ["human", "independent", "authored_codebook", "derived"]
TRUTH = {True: "yes", False: "no", "unknown": "unknown"}
NOT_DESCRIBED = {
    "label": "not described",
    "made_by": "not described in coders.yaml",
    **{flag: "unknown" for flag in FLAGS},
    "description": "coders.yaml does not describe this coder, so it is called neither human nor independent.",
}


def load_coder_descriptions(path: Path | str) -> dict[str, dict]:
    """`codings/coders.yaml`: each coder's label, made_by, the four flags, description (the interview side's reader)."""
    return interview_coder_descriptions(path, CODER_FIELDS)


def describe_item_coders(coders: Sequence[str], known: dict[str, dict]) -> pd.DataFrame:
    """One row per coder, as coders.yaml describes it (flags as yes/no/unknown); an undescribed coder is unknown."""
    rows = []
    for coder in coders:
        entry = known.get(coder, NOT_DESCRIBED)
        rows.append({"coder": coder, **{k: TRUTH.get(entry[k], entry[k]) for k in CODER_FIELDS}})
    return pd.DataFrame(rows, columns=["coder", *CODER_FIELDS])
