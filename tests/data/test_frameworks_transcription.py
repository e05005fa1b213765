"""The framework items against the source documents they are quoted from.

Every item's text and label, every list's lead-in and every source's title must be in its document,
compared on words: quotes, dashes and white space made uniform and Markdown emphasis dropped, as in
test_transcription.py. The documents are read from `../shared/seeds` (`helpers.paths.SEEDS`); the
tests skip, with one line saying so, where it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.core import paths

SKIP_REASON = "../shared/seeds not present: transcription checks need the source documents"
FRAMEWORKS = paths.RAW / "frameworks"
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u00a0": " "})
ITEMS = pd.read_csv(FRAMEWORKS / "items.csv", dtype=str, keep_default_na=False)
LISTS = pd.read_csv(FRAMEWORKS / "lists.csv", dtype=str, keep_default_na=False)
SOURCES = pd.read_csv(FRAMEWORKS / "sources.csv", dtype=str, keep_default_na=False)


def norm(text: str) -> str:
    """Straight quotes, plain dashes, no Markdown emphasis, single spaces: the words only."""
    return re.sub(r"\s+", " ", text.translate(QUOTES).replace("*", "")).strip()


def seed_text(name: str) -> str:
    """One source document, normalised, or skip when the seeds folder is absent."""
    path = Path(paths.SEEDS) / name
    if not Path(paths.SEEDS).is_dir():
        pytest.skip(SKIP_REASON)
    return norm(path.read_text(encoding="utf-8"))


def test_skips_with_one_line_when_seeds_absent(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "SEEDS", tmp_path / "no_seeds_here")
    with pytest.raises(pytest.skip.Exception, match=re.escape(SKIP_REASON)):
        seed_text(SOURCES["document"].iloc[0])


def test_every_seed_document_contributes_items():
    if not Path(paths.SEEDS).is_dir():
        pytest.skip(SKIP_REASON)
    documents = {p.name for p in Path(paths.SEEDS).glob("*.txt")}
    assert documents and documents == set(ITEMS["document"]) == set(SOURCES["document"])


@pytest.mark.parametrize("row", ITEMS.to_dict("records"), ids=list(ITEMS["item_id"]))
def test_item_text_is_quoted_exactly(row):
    text = seed_text(row["document"])
    assert norm(row["text"]) in text, f"{row['item_id']}: text not found in {row['document']}"
    assert norm(row["label"]) in norm(row["text"])


@pytest.mark.parametrize("row", LISTS.to_dict("records"), ids=list(LISTS["list_id"]))
def test_list_lead_in_is_quoted_exactly(row):
    assert norm(row["lead_in"]) in seed_text(row["document"])


@pytest.mark.parametrize("row", SOURCES.to_dict("records"), ids=list(SOURCES["source"]))
def test_source_title_is_printed_in_the_document(row):
    assert norm(row["title"]) in seed_text(row["document"])


def test_quotation_check_is_not_vacuous():
    """A one-word change in an item is caught."""
    if not Path(paths.SEEDS).is_dir():
        pytest.skip(SKIP_REASON)
    row = ITEMS.iloc[0]
    assert norm(row["text"].replace(" ", " not ", 1)) not in seed_text(row["document"])


def test_numbered_lists_are_complete():
    """Winchester's 3.1 i)-ix), 2.1 a)-c) and 2.5 i)-v), the LGA's 1.-4. and section 8's twelve risks."""
    if not Path(paths.SEEDS).is_dir():
        pytest.skip(SKIP_REASON)
    markers = ITEMS.groupby("list_id")["marker"].agg(list)
    assert markers["winchester_elements"] == ["i)", "ii)", "iii)", "iv)", "v)", "vi)", "vii)", "viii)", "ix)"]
    assert markers["winchester_forms"] == ["", "a)", "b)", "c)"]
    assert markers["winchester_advantages"] == ["i)", "ii)", "iii)", "iv)", "v)"]
    assert markers["lga_definition"] == ["", "1.", "2.", "3.", "4."]
    raw = (Path(paths.SEEDS) / "000_9149008a6453b20f.txt").read_text(encoding="utf-8")
    section8 = raw[raw.index("## 8. Risks and challenges") : raw.index("**Mike Bennett**")]
    bullets = [line[2:].strip() for line in section8.splitlines() if line.startswith("- ")]
    assert [norm(b) for b in bullets] == [norm(t) for t in ITEMS.loc[ITEMS["list_id"] == "lp_risks", "text"]]
