"""A framework set: the source documents, their lists, and one row per framework item, validated.

A folder holds `sources.csv` (one row per document: its short name, title, publisher, date),
`lists.csv` (each list or passage items are taken from: its document, a name, the lead-in as
printed) and `items.csv` (one row per item: id, document, section and marker as printed, list,
label and the quoted text). Every problem is collected and raised as one `DataError` naming the
file, the line and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines

SOURCE_COLUMNS = ["document", "source", "title", "publisher", "date"]
LIST_COLUMNS = ["list_id", "document", "name", "lead_in"]
ITEM_COLUMNS = ["item_id", "document", "section", "list_id", "marker", "label", "text"]
ITEM_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
LIST_ID = re.compile(r"[a-z][a-z0-9_]*")
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Straight quotes, plain dashes and single spaces, for comparing quotations on their words.

    >>> normalise("a \u2018level  playing field\u2019 \u2013 here")
    "a 'level playing field' - here"
    """
    return re.sub(r"\s+", " ", str(text).translate(QUOTES)).strip()


@dataclass(frozen=True)
class FrameworkSet:
    """A validated framework set; `items` carries each item's `source` (the document's short name)."""

    sources: pd.DataFrame
    lists: pd.DataFrame
    items: pd.DataFrame
    directory: Path

    def source_names(self) -> list[str]:
        """Short names of the sources, in the order of sources.csv."""
        return list(self.sources["source"])

    def as_excerpts(self) -> pd.DataFrame:
        """The items in the interview coders' data model: excerpt_id, text, and the source as the case.

        `speaker_role` holds the source's short name and `same_speaker_as` joins every item of a
        source to its first item, so a REFI-QDA export has one case per source.
        """
        first = self.items.drop_duplicates("source").set_index("source")["item_id"]
        same = [first[s] if first[s] != i else "" for i, s in zip(self.items["item_id"], self.items["source"])]
        return pd.DataFrame(
            {
                "excerpt_id": self.items["item_id"],
                "text": self.items["text"],
                "source": self.items["source"],
                "speaker_role": self.items["source"],
                "authority_type": "",
                "same_speaker_as": same,
            }
        )


def _unique(frame: pd.DataFrame, column: str, errors: Collector) -> None:
    values = frame[column]
    first = dict(zip(values[~values.duplicated()], frame.loc[~values.duplicated(), LINE]))
    for line, value in frame.loc[values.duplicated(), [LINE, column]].itertuples(index=False):
        errors.add(line, column, f"each {column} once (first on line {first[value]})", value)


def _non_empty(frame: pd.DataFrame, columns: list[str], errors: Collector) -> None:
    for column in columns:
        for line in frame.loc[frame[column].str.strip() == "", LINE]:
            errors.add(line, column, f"a non-empty {column}")


def load_sources(path: Path) -> pd.DataFrame:
    frame = read_csv_lines(path, SOURCE_COLUMNS)
    errors = Collector(path)
    _non_empty(frame, ["document", "source", "title"], errors)
    _unique(frame, "document", errors)
    _unique(frame, "source", errors)
    if frame.empty:
        errors.add(2, "document", "at least one source document")
    errors.raise_if_any()
    return frame


def load_lists(path: Path, documents: set[str]) -> pd.DataFrame:
    frame = read_csv_lines(path, LIST_COLUMNS)
    errors = Collector(path)
    _non_empty(frame, LIST_COLUMNS, errors)
    _unique(frame, "list_id", errors)
    for line, list_id, document in frame[[LINE, "list_id", "document"]].itertuples(index=False):
        if list_id and not LIST_ID.fullmatch(list_id):
            errors.add(line, "list_id", "a list id of lower-case letters, digits and underscores", list_id)
        if document and document not in documents:
            errors.add(line, "document", "a document listed in sources.csv", document)
    errors.raise_if_any()
    return frame


def load_items(path: Path, sources: pd.DataFrame, lists: pd.DataFrame) -> pd.DataFrame:
    """Read items.csv; each item's document and list must be known and agree, its label be in its text."""
    frame = read_csv_lines(path, ITEM_COLUMNS)
    errors = Collector(path)
    _non_empty(frame, ["item_id", "document", "section", "list_id", "label", "text"], errors)
    _unique(frame, "item_id", errors)
    documents = set(sources["document"])
    list_document = dict(zip(lists["list_id"], lists["document"]))
    for row in frame.itertuples(index=False):
        line = row[0]
        if row.item_id and not ITEM_ID.fullmatch(row.item_id):
            errors.add(line, "item_id", "an id of letters, digits, '_' or '-', starting with a letter", row.item_id)
        if row.document and row.document not in documents:
            errors.add(line, "document", "a document listed in sources.csv", row.document)
        if row.list_id and row.list_id not in list_document:
            errors.add(line, "list_id", "a list of lists.csv", row.list_id)
        elif row.list_id and row.document and list_document[row.list_id] != row.document:
            errors.add(
                line, "document", f"'{list_document[row.list_id]}', the document of list '{row.list_id}'", row.document
            )
        if row.label and row.text and normalise(row.label) not in normalise(row.text):
            errors.add(line, "label", "words quoted from the item's own text", row.label)
    if frame.empty:
        errors.add(2, "item_id", "at least one framework item")
    errors.raise_if_any()
    return frame


def load_frameworks(directory: Path | str) -> FrameworkSet:
    """Read and validate a framework set; every source must contribute at least one item."""
    directory = Path(directory)
    sources = load_sources(directory / "sources.csv")
    lists = load_lists(directory / "lists.csv", set(sources["document"]))
    items = load_items(directory / "items.csv", sources, lists)
    errors = Collector(directory / "sources.csv")
    used = set(items["document"])
    for line, document in sources[[LINE, "document"]].itertuples(index=False):
        if document not in used:
            errors.add(line, "document", "a document that contributes at least one item to items.csv", document)
    errors.raise_if_any()
    names = dict(zip(sources["document"], sources["source"]))
    items = items.drop(columns=[LINE]).reset_index(drop=True)
    items.insert(2, "source", items["document"].map(names))
    return FrameworkSet(
        sources=sources.drop(columns=[LINE]).reset_index(drop=True),
        lists=lists.drop(columns=[LINE]).reset_index(drop=True),
        items=items,
        directory=directory,
    )
