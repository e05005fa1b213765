"""Interview excerpts (`excerpts.csv`) and the report sections they sit under, validated.

An excerpt has a unique id, a non-empty text, a speaker role as the report writes it, and the
number and title of a section listed in `sections.csv` beside it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines

EXCERPT_COLUMNS = ["excerpt_id", "section_number", "section_title", "speaker_role", "authority_type", "text"]
OPTIONAL_COLUMNS = ["role_source", "same_speaker_as", "attribution"]
SECTION_COLUMNS = ["section_number", "section_title"]


def load_sections(corpus_dir: Path | str) -> pd.DataFrame:
    """The report's sections: number and title, as its contents page lists them."""
    path = Path(corpus_dir) / "sections.csv"
    frame = read_csv_lines(path, SECTION_COLUMNS)
    errors = Collector(path)
    bad = ~frame["section_number"].str.fullmatch(r"\d+")
    for line, value in frame.loc[bad, [LINE, "section_number"]].itertuples(index=False):
        errors.add(line, "section_number", "a whole number", value)
    for line, value in frame.loc[frame["section_number"].duplicated(), [LINE, "section_number"]].itertuples(
        index=False
    ):
        errors.add(line, "section_number", "each section once", value)
    errors.raise_if_any()
    return frame.astype({"section_number": "int64"}).drop(columns=[LINE])


def load_excerpts(corpus_dir: Path | str) -> pd.DataFrame:
    """Read and validate `corpus_dir/excerpts.csv`; one row per excerpt, in file order."""
    corpus_dir = Path(corpus_dir)
    sections = load_sections(corpus_dir)
    titles = dict(zip(sections["section_number"].astype(str), sections["section_title"]))
    path = corpus_dir / "excerpts.csv"
    frame = read_csv_lines(path, EXCERPT_COLUMNS, OPTIONAL_COLUMNS)
    errors = Collector(path)
    for row in frame.itertuples(index=False):
        line = row[0]
        if not row.excerpt_id.strip():
            errors.add(line, "excerpt_id", "an excerpt id")
        if not row.text.strip():
            errors.add(line, "text", f"the quoted text of excerpt '{row.excerpt_id}'", row.text)
        if not row.speaker_role.strip():
            errors.add(line, "speaker_role", "the speaker's role as the report writes it")
        if row.section_number not in titles:
            errors.add(
                line, "section_number", "a section listed in sections.csv: " + ", ".join(titles), row.section_number
            )
        elif row.section_title != titles[row.section_number]:
            errors.add(
                line,
                "section_title",
                f"'{titles[row.section_number]}', the title of section {row.section_number}",
                row.section_title,
            )
        if row.same_speaker_as and row.same_speaker_as not in set(frame["excerpt_id"]):
            errors.add(line, "same_speaker_as", "an excerpt id of this file or empty", row.same_speaker_as)
    ids = frame["excerpt_id"]
    first = dict(zip(ids[~ids.duplicated()], frame.loc[~ids.duplicated(), LINE]))
    for line, value in frame.loc[ids.duplicated(), [LINE, "excerpt_id"]].itertuples(index=False):
        errors.add(line, "excerpt_id", f"a unique excerpt id (first on line {first[value]})", value)
    errors.raise_if_any()
    return frame.astype({"section_number": "int64"}).drop(columns=[LINE]).reset_index(drop=True)


SPEAKER_COLUMNS = ["excerpt_id", "role", "authority_type", "speaker", "basis"]
UNKNOWN_SPEAKER = "unknown"


def with_speakers(corpus_dir: Path | str, excerpts: pd.DataFrame) -> pd.DataFrame:
    """Excerpts with the speaker fields of `speakers.csv` (project-authored), when the folder has one.

    `speaker_role` becomes the role alone and `authority_type` the type alone, one spelling per
    type; `speaker` names the excerpt that first quotes the same person, or "unknown" where the
    report does not establish who spoke. The role as printed stays in `speaker_role_printed`.
    """
    path = Path(corpus_dir) / "speakers.csv"
    if not path.is_file():
        return excerpts
    frame = read_csv_lines(path, SPEAKER_COLUMNS)
    errors = Collector(path)
    known = set(excerpts["excerpt_id"])
    for row in frame.itertuples(index=False):
        if row.excerpt_id not in known:
            errors.add(row[0], "excerpt_id", "an excerpt id of excerpts.csv", row.excerpt_id)
        if row.speaker != UNKNOWN_SPEAKER and row.speaker not in known:
            errors.add(row[0], "speaker", "an excerpt id (the speaker's first excerpt) or 'unknown'", row.speaker)
        for column in ("role", "authority_type"):
            if not getattr(row, column).strip():
                errors.add(row[0], column, "a value ('not stated' where the report gives none)")
    for missing in sorted(known - set(frame["excerpt_id"])):
        errors.add(None, "excerpt_id", "a row for every excerpt", missing)
    errors.raise_if_any()
    speakers = frame.drop(columns=[LINE, "basis"]).rename(columns={"role": "speaker_role"})
    out = excerpts.rename(columns={"speaker_role": "speaker_role_printed"}).drop(columns=["authority_type"])
    out = out.merge(speakers, on="excerpt_id", how="left")
    first = ["excerpt_id", "section_number", "section_title", "speaker_role", "authority_type", "speaker"]
    return out[first + [c for c in out.columns if c not in first]]
