"""Documents and coded segments: the data model behind every corpus the workbench codes.

A document has an id, its text and attributes (speaker role, authority type, ...). A segment is
a character range of one document coded with one code by one coder, with an optional memo:
`document_id, start, end, code, coder, memo`, `start` inclusive and `end` exclusive, counted in
characters (Unicode code points) of the document text, as REFI-QDA counts them.

A researcher's folder of transcripts is read into this model by `helpers.interviews.folder`; the
Local Partnerships excerpts are documents too: one excerpt, one document (`excerpt_documents`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.errors import Collector
from .codebook import Codebook
from .speakers import turn_frame

SEGMENT_COLUMNS = ["document_id", "start", "end", "code", "coder", "memo"]
TEXT_SUFFIXES = (".txt", ".md", ".docx")
NOT_TRANSCRIPTS = ("readme",)  # file stems (any case) that describe the folder rather than hold a transcript
EXCERPT_ATTRIBUTES = ["speaker_role", "authority_type", "section_number"]


@dataclass
class Corpus:
    """Documents (document_id, text, attributes...) and their segments, validated together."""

    documents: pd.DataFrame
    segments: pd.DataFrame = field(default_factory=lambda: empty_segments())
    source: str = ""
    turns: pd.DataFrame = field(default_factory=lambda: turn_frame([]))
    origins: dict[str, str] = field(default_factory=dict)  # coder -> the file its coding came from

    def text(self, document_id: str) -> str:
        return self.documents.set_index("document_id").loc[document_id, "text"]

    def coders(self) -> list[str]:
        return list(dict.fromkeys(self.segments["coder"]))


def empty_segments() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else object) for c in SEGMENT_COLUMNS})


def excerpt_documents(excerpts: pd.DataFrame) -> pd.DataFrame:
    """The quoted excerpts as documents: one excerpt, one document, its columns as attributes."""
    out = excerpts.rename(columns={"excerpt_id": "document_id"})
    return out[["document_id", "text"] + [c for c in out.columns if c not in ("document_id", "text")]]


def codings_to_segments(codings: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Excerpt-level codings (coder, excerpt_id, code) as segments spanning their whole document."""
    used = codings[codings["code"] != ""]
    length = dict(zip(documents["document_id"], documents["text"].str.len()))
    return pd.DataFrame(
        {
            "document_id": used["excerpt_id"].to_numpy(),
            "start": np.zeros(len(used), dtype=np.int64),
            "end": np.array([length[e] for e in used["excerpt_id"]], dtype=np.int64),
            "code": used["code"].to_numpy(),
            "coder": used["coder"].to_numpy(),
            "memo": [""] * len(used),
        }
    ).reset_index(drop=True)


def segments_to_codings(segments: pd.DataFrame, documents: pd.DataFrame, coders=None) -> pd.DataFrame:
    """Segments as excerpt-level codings: a coder applied a code to a document where any segment has it.

    Every coder (those of `segments`, or `coders`) counts as having read every document: a
    document a coder left uncoded gets a row with an empty code.
    """
    coders = list(coders) if coders is not None else list(dict.fromkeys(segments["coder"]))
    pairs = segments[["coder", "document_id", "code"]].drop_duplicates()
    rows = []
    for coder in coders:
        mine = pairs[pairs["coder"] == coder]
        by_doc = mine.groupby("document_id", sort=False)["code"].agg(list).to_dict()
        for doc in documents["document_id"]:
            codes = by_doc.get(doc) or [""]
            rows.extend((coder, doc, code) for code in codes)
    return pd.DataFrame(rows, columns=["coder", "excerpt_id", "code"])


# What the one-coder error of a transcripts folder adds: the three ways to bring in a second coder.
ADD_A_SECOND_CODER = (
    "; to add a second coder, either write codings/<name>.csv with the columns document,code and an "
    "optional quote (the exact words coded; no quote codes the whole document), or add the coder's rows "
    "to segments.csv (document_id,start,end,code,coder, in character offsets), or save a QDA tool's "
    "REFI-QDA export of the coding package as codings/<name>.qdpx; then describe the coder in "
    "codings/coders.yaml and add the name to coders (docs/interviews.md, 'Adding a second coder')"
)


# What a character-level comparison of a whole-document coder with a passage coder means.
WHOLE_VS_PASSAGES = (
    "{whole} codes whole documents and {spans} codes passages: every character outside {spans}'s passages "
    "counts as a disagreement, so this figure is low by construction; compare this pair on excerpts"
)


def whole_document_coders(segments: pd.DataFrame, documents: pd.DataFrame) -> list[str]:
    """The coders all of whose segments span their whole document (a rule coder, a file without quotes)."""
    length = dict(zip(documents["document_id"], documents["text"].str.len()))
    whole = (segments["start"] == 0) & (segments["end"] == segments["document_id"].map(length))
    by_coder = whole.groupby(segments["coder"], sort=False).all()
    return [c for c, w in by_coder.items() if w]


def pair_note(a: str, b: str, whole: list[str]) -> str:
    """WHOLE_VS_PASSAGES for a pair of one whole-document coder and one passage coder, else ""."""
    if (a in whole) == (b in whole):
        return ""
    first, second = (a, b) if a in whole else (b, a)
    return WHOLE_VS_PASSAGES.format(whole=first, spans=second)


def validate_segments(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    codebook: Codebook | None,
    origin: str,
    coders=None,
    where: list | None = None,
) -> None:
    """One DataError listing every bad segment: unknown document, code or coder; empty; past the end.

    `where` gives each segment's line (a CSV line or an XML element's line) for the message.
    """
    errors = Collector(origin)
    lengths = dict(zip(documents["document_id"], documents["text"].str.len()))
    lines = where if where is not None else [None] * len(segments)
    known_coders = set(coders) if coders is not None else None
    for line, row in zip(lines, segments[SEGMENT_COLUMNS].itertuples(index=False)):
        _check_segment(row, line, lengths, codebook, known_coders, errors)
    errors.raise_if_any()


def _check_segment(row, line, lengths, codebook, known_coders, errors: Collector) -> None:
    doc, start, end, code, coder = row.document_id, row.start, row.end, row.code, row.coder
    if doc not in lengths:
        errors.add(line, "document_id", "a document of the corpus", doc)
    elif end > lengths[doc]:
        errors.add(line, "end", f"an end at most the length of document '{doc}' ({lengths[doc]} characters)", end)
    if start < 0:
        errors.add(line, "start", "a start of 0 or more", start)
    if end <= start:
        errors.add(line, "end", f"an end after the start ({start}): a segment of at least one character", end)
    if codebook is not None and code not in codebook:
        errors.add(line, "code", "a code of the codebook", code)
    elif codebook is not None and not codebook[code].codable:
        errors.add(line, "code", f"a codable code ('{code}' only groups others)", code)
    if known_coders is not None and coder not in known_coders:
        errors.add(line, "coder", "a coder of the project: " + ", ".join(sorted(known_coders)), coder)


# ---------------------------------------------------------------------------- a folder corpus


__all__ = [
    "ADD_A_SECOND_CODER",
    "Corpus",
    "SEGMENT_COLUMNS",
    "WHOLE_VS_PASSAGES",
    "codings_to_segments",
    "empty_segments",
    "excerpt_documents",
    "pair_note",
    "segments_to_codings",
    "validate_segments",
    "whole_document_coders",
]
