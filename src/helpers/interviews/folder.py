"""A researcher's corpus folder (docs/interviews.md), read into documents and coded segments.

Transcripts as `.txt`, `.md` or `.docx` files (the file name without its extension is the document id;
`README.md` describes the folder and is not a transcript), an optional `documents.csv` (`document_id`
plus one column per attribute), optional `speakers.csv` (speaker turns, `helpers.interviews.speakers`),
optional `segments.csv` (offsets), and `codings/<coder>.csv` (by quotes, `helpers.interviews.quotes`)
or `codings/<coder>.qdpx` (a QDA tool's export, through `helpers.interviews.refi`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines
from .codebook import Codebook
from .documents import NOT_TRANSCRIPTS, SEGMENT_COLUMNS, TEXT_SUFFIXES, Corpus, empty_segments, validate_segments
from .quotes import read_quote_coding
from .refi.coder import load_project_coding
from .refi.read import read_qdpx
from .speakers import load_turns


def read_transcript(path: Path) -> str:
    """A transcript's text: UTF-8 for .txt and .md; paragraphs joined by newlines for .docx."""
    if path.suffix.lower() == ".docx":
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(str(path))
        except (PackageNotFoundError, KeyError, ValueError) as exc:
            errors = Collector(path)
            errors.add(None, None, "a Word .docx document", type(exc).__name__)
            errors.raise_if_any()
        return "\n".join(p.text for p in document.paragraphs)
    try:
        return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        errors = Collector(path)
        errors.add(None, None, "UTF-8 text", f"byte {exc.start}: {exc.reason}")
        errors.raise_if_any()
        raise  # pragma: no cover


def transcript_files(folder: Path) -> list[Path]:
    """The transcripts of a folder: .txt, .md and .docx files other than its README, sorted by name."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in TEXT_SUFFIXES and p.is_file() and p.stem.lower() not in NOT_TRANSCRIPTS
    )


def load_corpus_folder(folder: Path | str, codebook: Codebook | None = None) -> Corpus:
    """A researcher's corpus folder: transcripts, documents.csv, speakers, segments and codings, validated."""
    folder = Path(folder)
    files = transcript_files(folder)
    errors = Collector(folder)
    if not files:
        errors.add(None, None, "transcripts as .txt, .md or .docx files in the folder", "none")
    stems = [p.stem for p in files]
    for stem in {s for s in stems if stems.count(s) > 1}:
        errors.add(None, None, "one transcript per document id", f"several files named {stem}.*")
    errors.raise_if_any()
    documents = pd.DataFrame({"document_id": stems, "text": [read_transcript(p) for p in files]})
    attributes = folder / "documents.csv"
    if attributes.is_file():
        documents = _with_attributes(documents, attributes)
    documents, turns = load_turns(folder, documents)
    segments, origins = empty_segments(), {}
    if (folder / "segments.csv").is_file():
        segments = read_segments_csv(folder / "segments.csv", documents, codebook)
        origins = dict.fromkeys(segments["coder"], "segments.csv")
    parts = [segments]
    for path in coding_files(folder / "codings"):
        errors = Collector(path)
        if path.stem in origins:
            errors.add(None, None, f"one file per coder ('{path.stem}' also codes in {origins[path.stem]})", path.name)
            errors.raise_if_any()
        parts.append(_coding_file(path, documents, codebook))
        origins[path.stem] = f"codings/{path.name}"
    segments = pd.concat(parts, ignore_index=True) if len(parts) > 1 else segments
    return Corpus(documents, segments, str(folder), turns, origins)


def coding_files(folder: Path) -> list[Path]:
    """A folder's coders' files: `<coder>.csv` (by quotes or whole documents) and `<coder>.qdpx`, sorted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".qdpx"))


def _coding_file(path: Path, documents: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """One coder's file as segments, validated against the transcripts and the codebook."""
    if path.suffix.lower() == ".qdpx":
        excerpts = documents.rename(columns={"document_id": "excerpt_id"})
        book = codebook if codebook is not None else read_qdpx(path).codebook  # no codebook: the project's own
        return load_project_coding(path, book, excerpts)[SEGMENT_COLUMNS]
    segments = read_quote_coding(path, documents, codebook)
    validate_segments(segments, documents, codebook, str(path))
    return segments


def _with_attributes(documents: pd.DataFrame, path: Path) -> pd.DataFrame:
    frame = read_csv_lines(path, ["document_id"])
    errors = Collector(path)
    known = set(documents["document_id"])
    for line, doc in frame[[LINE, "document_id"]].itertuples(index=False):
        if doc not in known:
            errors.add(line, "document_id", "the id of a transcript in the folder", doc)
    for line, doc in frame.loc[frame["document_id"].duplicated(), [LINE, "document_id"]].itertuples(index=False):
        errors.add(line, "document_id", "each document once", doc)
    errors.raise_if_any()
    return documents.merge(frame.drop(columns=[LINE]), on="document_id", how="left").fillna("")


def read_segments_csv(path: Path | str, documents: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """`segments.csv` (document_id, start, end, code, coder, optional memo), validated against the corpus."""
    path = Path(path)
    frame = read_csv_lines(path, ["document_id", "start", "end", "code", "coder"], ["memo"])
    errors = Collector(path)
    for column in ("start", "end"):
        for line, value in frame.loc[~frame[column].str.fullmatch(r"\d+"), [LINE, column]].itertuples(index=False):
            errors.add(line, column, "a character offset (a whole number from 0)", value)
    for line, value in frame.loc[~frame["coder"].str.strip().astype(bool), [LINE, "coder"]].itertuples(index=False):
        errors.add(line, "coder", "the coder's name", value)
    errors.raise_if_any()
    segments = frame.astype({"start": "int64", "end": "int64"})
    validate_segments(segments, documents, codebook, str(path), where=list(segments[LINE]))
    return segments[SEGMENT_COLUMNS].reset_index(drop=True)


__all__ = [
    "coding_files",
    "load_corpus_folder",
    "read_segments_csv",
    "read_transcript",
    "transcript_files",
]
