"""Blind double coding, after the coding: where two coders differ, an adjudication file, a consensus coder.

A disagreement is a stretch of one document where, for one code, the two coders' segments
differ: the segments of both coders for that code are grouped into clusters of overlapping
(or touching) ranges, and a cluster where the two coders' ranges are not identical is one
disagreement, listed with its text. Listed after rolling sub-codes up to their theme (a theme
against its own sub-code on one excerpt is then no disagreement) and again at code level.

The adjudication file (CSV) decides each one: `keep-first` (the first coder's ranges),
`keep-second`, `both` (the ranges of either) or `neither`, and records on every row who decided
(`adjudicator`), when (`date`, YYYY-MM-DD), under which codebook version, and the coder order
(`first_coder`, `second_coder`). The order is checked on use: a command naming the coders the
other way round would apply keep-first to the wrong coder, so it is refused. The consensus coder
keeps every cluster the coders agree on and the decided ranges; it is derived from the two
codings, so it is reported for frequencies and quotes, never for agreement with them.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.csvout import write_csv
from ..core.errors import Collector, DataError, ParameterError
from ..core.sourced_csv import LINE, read_csv_lines
from .documents import SEGMENT_COLUMNS

DECISIONS = ("keep-first", "keep-second", "both", "neither")
CONSENSUS = "consensus"
DISAGREEMENT_COLUMNS = ["segment", "document_id", "code", "start", "end", "first", "second", "text"]
RECORD_COLUMNS = ["first_coder", "second_coder", "adjudicator", "date", "codebook_version"]
ADJUDICATION_COLUMNS = ["segment", "decision", *RECORD_COLUMNS]


def _clusters(segments: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """The two coders' segments, each with a cluster number (overlapping ranges of one document and code)."""
    both = segments[segments["coder"].isin([first, second])].sort_values(["document_id", "code", "start", "end"])
    both = both.reset_index(drop=True)
    key = both.groupby(["document_id", "code"], sort=False).ngroup()
    reach = both.groupby(key, sort=False)["end"].cummax().shift(1)
    new = (key != key.shift(1)) | (both["start"] > reach)
    return both.assign(cluster=np.cumsum(new.to_numpy()) - 1)


def _ranges(group: pd.DataFrame) -> str:
    return "; ".join(f"{s}-{e}" for s, e in sorted(set(zip(group["start"], group["end"]))))


def disagreements(segments: pd.DataFrame, documents: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """Every stretch where the coders' segments for a code differ, with its text, for adjudication.

    Columns: segment (D1, D2, ... in document, code and position order), document_id, code,
    start and end of the stretch, each coder's ranges in it ("start-end; ..."; empty: none), text.
    """
    texts = dict(zip(documents["document_id"], documents["text"]))
    clustered = _clusters(segments, first, second)
    rows = []
    for _, group in clustered.groupby("cluster", sort=True):
        mine, theirs = group[group["coder"] == first], group[group["coder"] == second]
        a, b = _ranges(mine), _ranges(theirs)
        if a == b:
            continue
        doc, start, end = group["document_id"].iloc[0], int(group["start"].min()), int(group["end"].max())
        rows.append([doc, group["code"].iloc[0], start, end, a, b, texts[doc][start:end]])
    out = pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS[1:])
    out.insert(0, "segment", [f"D{i + 1}" for i in range(len(out))])
    return out


def write_adjudication_template(
    table: pd.DataFrame, path: Path | str, first: str, second: str, codebook_version: str | None = None
) -> Path:
    """An adjudication CSV to fill in: one row per disagreement, with the coder order and codebook version.

    `decision`, `note`, `adjudicator` and `date` are left empty for the adjudicator.
    """
    path = Path(path)
    frame = pd.DataFrame({"segment": table["segment"], "decision": "", "note": ""})
    frame = frame.assign(
        first_coder=first, second_coder=second, adjudicator="", date="", codebook_version=codebook_version or ""
    )
    write_csv(frame, path)
    return path


def _check_record(frame: pd.DataFrame, errors: Collector, first: str, second: str, version: str | None) -> None:
    """Every row names the same adjudicator, date, version and coder order, and they match the command."""
    for column in RECORD_COLUMNS:
        values = list(dict.fromkeys(frame[column]))
        if len(values) > 1:
            errors.add(None, column, "the same value on every row", ", ".join(values))
    row = frame.iloc[0] if len(frame) else None
    if row is None:
        return
    line = int(row[LINE])
    if not str(row["adjudicator"]).strip():
        errors.add(line, "adjudicator", "the name of the person who decided")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(row["date"])):
        errors.add(line, "date", "the date of the adjudication as YYYY-MM-DD", row["date"])
    order = (row["first_coder"], row["second_coder"])
    if order == (second, first):
        errors.add(
            line,
            "first_coder",
            f"the coders in the order the adjudication was made ({order[0]} first, {order[1]} second); "
            f"the command names {first} first, so keep-first would apply to the wrong coder",
            first,
        )
    elif order != (first, second):
        errors.add(line, "first_coder", f"the coders of the command, {first} then {second}", " then ".join(order))
    if version and row["codebook_version"] != version:
        errors.add(line, "codebook_version", f"the project's codebook version {version!r}", row["codebook_version"])


def read_adjudication(
    path: Path | str, table: pd.DataFrame, first: str, second: str, codebook_version: str | None = None
) -> pd.DataFrame:
    """The adjudication CSV, validated: its record matches the command, every disagreement decided once."""
    path = Path(path)
    frame = read_csv_lines(path, ADJUDICATION_COLUMNS, ["note"])
    errors = Collector(path)
    _check_record(frame, errors, first, second, codebook_version)
    known = set(table["segment"])
    for line, segment, decision in frame[[LINE, "segment", "decision"]].itertuples(index=False):
        if segment not in known:
            errors.add(line, "segment", "a segment of the disagreement table (D1, D2, ...)", segment)
        if decision not in DECISIONS:
            errors.add(line, "decision", "one of " + ", ".join(DECISIONS), decision)
    for line, segment in frame.loc[frame["segment"].duplicated(), [LINE, "segment"]].itertuples(index=False):
        errors.add(line, "segment", "each segment decided once", segment)
    for segment in sorted(known - set(frame["segment"]), key=lambda s: int(s[1:])):
        errors.add(None, "segment", "a decision for every disagreement", f"{segment} missing")
    errors.raise_if_any()
    return frame.drop(columns=[LINE]).reset_index(drop=True)


def consensus(
    segments: pd.DataFrame, documents: pd.DataFrame, first: str, second: str, decisions: pd.DataFrame
) -> pd.DataFrame:
    """The consensus coder's segments: agreed clusters as they are, disagreements as decided."""
    clustered = _clusters(segments, first, second)
    table = disagreements(segments, documents, first, second)
    decided = dict(zip(zip(table["document_id"], table["code"], table["start"]), table["segment"]))
    choice = dict(zip(decisions["segment"], decisions["decision"]))
    keep = []
    for _, group in clustered.groupby("cluster", sort=True):
        key = (group["document_id"].iloc[0], group["code"].iloc[0], int(group["start"].min()))
        decision = choice.get(decided[key], "neither") if key in decided else "keep-first"
        take = {"keep-first": [first], "keep-second": [second], "both": [first, second], "neither": []}[decision]
        keep.append(group[group["coder"].isin(take)])
    out = pd.concat(keep, ignore_index=True) if keep else segments.iloc[0:0]
    out = out.drop_duplicates(["document_id", "code", "start", "end"]).assign(coder=CONSENSUS)
    return out[SEGMENT_COLUMNS].sort_values(["document_id", "start", "end", "code"]).reset_index(drop=True)


USAGE = "usage: python -m helpers.interviews.adjudication PROJECT.qdpx FIRST SECOND ADJUDICATION.csv OUT.qdpx"


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (the same path, a link, or another spelling of it)."""
    if a.resolve() == b.resolve():
        return True
    return a.exists() and b.exists() and os.path.samefile(a, b)


def _check_command(project: Path, first: str, second: str, adjudication: Path, out: Path, coders: list[str]):
    """Two different coders of the project, and an output that is neither of the inputs."""
    if first == second:
        raise ParameterError("SECOND", second, f"a coder other than FIRST ({first})")
    for name, coder in (("FIRST", first), ("SECOND", second)):
        if coder not in coders:
            raise ParameterError(name, coder, "a coder of the project: " + ", ".join(coders))
    for name, path in (("PROJECT", project), ("ADJUDICATION", adjudication)):
        if _same_file(out, path):
            raise ParameterError("OUT", str(out), f"a file other than {name} (the command never overwrites its input)")


def _atomic(out: Path, write) -> Path:
    """Write through a temporary file beside `out`, then rename it into place in one step."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=out.suffix, dir=out.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return out


def write_consensus(project_path, first: str, second: str, adjudication, out) -> Path:
    """Read a project holding both coders, apply the adjudication file, write a project of the consensus coder."""
    from .refi.read import read_qdpx
    from .refi.write import write_qdpx

    project_path, adjudication, out = Path(project_path), Path(adjudication), Path(out)
    project = read_qdpx(project_path)
    coders = list(dict.fromkeys(project.segments["coder"]))
    _check_command(project_path, first, second, adjudication, out, coders)
    documents = project.documents
    table = disagreements(project.segments, documents, first, second)
    version = getattr(project.codebook, "version", None)
    decisions = read_adjudication(adjudication, table, first, second, version)
    agreed = consensus(project.segments, documents, first, second, decisions)
    none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    return _atomic(
        out, lambda path: write_qdpx(project.codebook, documents, none, path, "consensus coding", segments=agreed)
    )


def main(argv: list[str]) -> int:
    """The command line: write the consensus coder's project, or say in one message what is wrong."""
    if len(argv) != 5:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        path = write_consensus(argv[0], argv[1], argv[2], argv[3], argv[4])
    except (DataError, ParameterError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


__all__ = [
    "ADJUDICATION_COLUMNS",
    "CONSENSUS",
    "DECISIONS",
    "consensus",
    "disagreements",
    "main",
    "read_adjudication",
    "write_consensus",
    "write_adjudication_template",
]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
