"""A framework set: the source documents, their lists, and one row per framework item, validated.

A folder holds `sources.csv` (one row per source: the document it is read from, its short name,
title, publisher, date, and the source that quotes it when it is quoted), `inclusion_rules.csv`
(the rules deciding which lists are extracted), `lists.csv` (every list of every document: the
source it is credited to, its lead-in as printed, its kind, whether it was extracted, copied or
excluded, by which rule, and where it sits in the document) and `items.csv` (one row per item of
an extracted list). Every problem is collected and raised as one `DataError` naming the file, the
line and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines

SOURCE_COLUMNS = ["document", "source", "title", "publisher", "date", "quoted_in"]
LIST_COLUMNS = ["list_id", "document", "source", "name", "lead_in", "kind", "status", "rule", "copy_of", "start", "end"]
RULE_COLUMNS = ["rule", "decision", "text"]
# Kinds of extracted list: models of commissioning (steps, activities, definitions; principles,
# recommendations, aims) are compared on the frame; roles (provider groups, forms of delivery) and
# risks are coded too but kept apart from the models.
MODEL_KINDS = ("process", "principles")
APART_KINDS = ("roles", "risks")
STATUSES = {"extracted": "extract", "copy": "copy", "excluded": "exclude"}
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
    rules: pd.DataFrame

    def model_items(self) -> pd.DataFrame:
        """The items of lists that are models of commissioning (not roles or risks)."""
        return self.items[self.items["kind"].isin(MODEL_KINDS)].reset_index(drop=True)

    def source_names(self) -> list[str]:
        """Short names of the sources with an item in a model of commissioning, in the order of sources.csv."""
        used = set(self.model_items()["source"])
        return [s for s in self.sources["source"] if s in used]

    def credited(self, source: str) -> str:
        """A source's short name with the source quoting it: "LGA 2012 (quoted in Local Partnerships 2015)"."""
        quoted = dict(zip(self.sources["source"], self.sources["quoted_in"])).get(source, "")
        return f"{source} (quoted in {quoted})" if quoted else source

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
    """Read sources.csv: one row per source; a quoted source names the source quoting it."""
    frame = read_csv_lines(path, SOURCE_COLUMNS)
    errors = Collector(path)
    _non_empty(frame, ["document", "source", "title"], errors)
    _unique(frame, "source", errors)
    names = set(frame["source"])
    for line, source, quoted in frame[[LINE, "source", "quoted_in"]].itertuples(index=False):
        if quoted and (quoted not in names or quoted == source):
            errors.add(line, "quoted_in", "empty, or another source of sources.csv", quoted)
    if frame.empty:
        errors.add(2, "document", "at least one source document")
    errors.raise_if_any()
    return frame


def load_rules(path: Path) -> pd.DataFrame:
    """Read inclusion_rules.csv: each rule's id, its decision (extract, copy, exclude) and its text."""
    frame = read_csv_lines(path, RULE_COLUMNS)
    errors = Collector(path)
    _non_empty(frame, RULE_COLUMNS, errors)
    _unique(frame, "rule", errors)
    for line, decision in frame[[LINE, "decision"]].itertuples(index=False):
        if decision and decision not in STATUSES.values():
            errors.add(line, "decision", "one of " + ", ".join(STATUSES.values()), decision)
    errors.raise_if_any()
    return frame


def _check_list_row(row, sources: pd.DataFrame, decisions: dict[str, str], ids: set[str], errors: Collector) -> None:
    line = row[0]
    document_of = dict(zip(sources["source"], sources["document"]))
    if row.list_id and not LIST_ID.fullmatch(row.list_id):
        errors.add(line, "list_id", "a list id of lower-case letters, digits and underscores", row.list_id)
    if row.document and row.document not in set(sources["document"]):
        errors.add(line, "document", "a document listed in sources.csv", row.document)
    if row.source not in document_of:
        errors.add(line, "source", "a source of sources.csv", row.source)
    elif row.document and document_of[row.source] != row.document:
        errors.add(line, "source", f"a source read from {row.document}", row.source)
    if row.status not in STATUSES:
        errors.add(line, "status", "one of " + ", ".join(STATUSES), row.status)
    elif row.rule not in decisions:
        errors.add(line, "rule", "a rule of inclusion_rules.csv", row.rule)
    elif decisions[row.rule] != STATUSES[row.status]:
        errors.add(line, "rule", f"a rule whose decision is '{STATUSES[row.status]}'", row.rule)
    if row.status == "extracted" and row.kind not in MODEL_KINDS + APART_KINDS:
        errors.add(line, "kind", "for an extracted list, one of " + ", ".join(MODEL_KINDS + APART_KINDS), row.kind)
    if (row.status == "copy") != bool(row.copy_of) or (row.copy_of and row.copy_of not in ids):
        errors.add(line, "copy_of", "another list's id for a copy (and only for a copy)", row.copy_of)
    if not (row.start.isdigit() and row.end.isdigit() and int(row.start) < int(row.end)):
        errors.add(line, "start", "character offsets start < end into the document", f"{row.start}-{row.end}")


def load_lists(path: Path, sources: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """Read lists.csv: every list of every document, with its kind, status and the rule deciding it."""
    frame = read_csv_lines(path, LIST_COLUMNS)
    errors = Collector(path)
    _non_empty(frame, ["list_id", "document", "source", "name", "lead_in", "kind", "status", "rule"], errors)
    _unique(frame, "list_id", errors)
    decisions = dict(zip(rules["rule"], rules["decision"]))
    ids = set(frame["list_id"])
    for row in frame.itertuples(index=False):
        _check_list_row(row, sources, decisions, ids, errors)
    errors.raise_if_any()
    return frame.assign(start=frame["start"].astype(int), end=frame["end"].astype(int))


def load_items(path: Path, sources: pd.DataFrame, lists: pd.DataFrame) -> pd.DataFrame:
    """Read items.csv; each item's list must be extracted and its document agree; its label be in its text."""
    frame = read_csv_lines(path, ITEM_COLUMNS)
    errors = Collector(path)
    _non_empty(frame, ["item_id", "document", "section", "list_id", "label", "text"], errors)
    _unique(frame, "item_id", errors)
    documents = set(sources["document"])
    list_document = dict(zip(lists["list_id"], lists["document"]))
    status = dict(zip(lists["list_id"], lists["status"]))
    for row in frame.itertuples(index=False):
        line = row[0]
        if row.item_id and not ITEM_ID.fullmatch(row.item_id):
            errors.add(line, "item_id", "an id of letters, digits, '_' or '-', starting with a letter", row.item_id)
        if row.document and row.document not in documents:
            errors.add(line, "document", "a document listed in sources.csv", row.document)
        if row.list_id and row.list_id not in list_document:
            errors.add(line, "list_id", "a list of lists.csv", row.list_id)
        elif row.list_id and status[row.list_id] != "extracted":
            errors.add(line, "list_id", f"an extracted list ('{row.list_id}' is {status[row.list_id]})", row.list_id)
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


def _check_coverage_of_lists(directory: Path, sources: pd.DataFrame, lists: pd.DataFrame, items: pd.DataFrame) -> None:
    """Every source has a list, and every extracted list has items."""
    errors = Collector(directory / "sources.csv")
    with_list = set(lists["source"])
    for line, source in sources[[LINE, "source"]].itertuples(index=False):
        if source not in with_list:
            errors.add(line, "source", "a source with at least one list in lists.csv", source)
    errors.raise_if_any()
    errors = Collector(directory / "lists.csv")
    with_items = set(items["list_id"])
    for line, list_id, status in lists[[LINE, "list_id", "status"]].itertuples(index=False):
        if status == "extracted" and list_id not in with_items:
            errors.add(line, "status", "an extracted list with its items in items.csv", list_id)
    errors.raise_if_any()


def load_frameworks(directory: Path | str) -> FrameworkSet:
    """Read and validate a framework set (see the module's docstring)."""
    directory = Path(directory)
    sources = load_sources(directory / "sources.csv")
    rules = load_rules(directory / "inclusion_rules.csv")
    lists = load_lists(directory / "lists.csv", sources, rules)
    items = load_items(directory / "items.csv", sources, lists)
    _check_coverage_of_lists(directory, sources, lists, items)
    of_list = lists.set_index("list_id")
    items = items.drop(columns=[LINE]).reset_index(drop=True)
    items.insert(2, "source", items["list_id"].map(of_list["source"]))
    items.insert(3, "kind", items["list_id"].map(of_list["kind"]))
    return FrameworkSet(
        sources=sources.drop(columns=[LINE]).reset_index(drop=True),
        lists=lists.drop(columns=[LINE]).reset_index(drop=True),
        items=items,
        directory=directory,
        rules=rules.drop(columns=[LINE]).reset_index(drop=True),
    )
