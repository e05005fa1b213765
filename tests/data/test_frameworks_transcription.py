"""The framework items, lists and passages against the source documents they are read from.

Every item's text and label, every list's lead-in and every source's title must be in its document,
compared on words: quotes, dashes and white space made uniform and Markdown emphasis dropped, as in
test_transcription.py. Every list the documents set out (found by its markers) must be recorded in
lists.csv, extracted, copied or excluded by a rule; every passage's offsets must be a paragraph of its
document. The documents are read from `../shared/seeds` (`helpers.paths.SEEDS`); the tests skip, with
one line saying so, where it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.core import paths
from helpers.frameworks.passages import passage_rows

SKIP_REASON = "../shared/seeds not present: transcription checks need the source documents"
FRAMEWORKS = paths.RAW / "frameworks"
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u00a0": " "})
ITEMS = pd.read_csv(FRAMEWORKS / "items.csv", dtype=str, keep_default_na=False)
LISTS = pd.read_csv(FRAMEWORKS / "lists.csv", dtype=str, keep_default_na=False)
SOURCES = pd.read_csv(FRAMEWORKS / "sources.csv", dtype=str, keep_default_na=False)
PASSAGES = pd.read_csv(FRAMEWORKS / "passages.csv", dtype=str, keep_default_na=False)
RULES = pd.read_csv(FRAMEWORKS / "inclusion_rules.csv", dtype=str, keep_default_na=False)
# A line that opens a list element: a bullet, "1." or "1)", "i)" or "a)"; never a numbered paragraph ("2.1").
ELEMENT = re.compile(r"^[ \t]*(?:-[ \t]+)?(?:[-•·*]|\d{1,2}[.)]|[ivx]{1,4}\)|[a-z]\))[ \t]+(?!\d+\.\d)\S")
PARAGRAPH_NUMBER = re.compile(r"^[ \t]*-?[ \t]*\d+\.\d+[ \t]")


def norm(text: str) -> str:
    """Straight quotes, plain dashes, no Markdown emphasis, single spaces: the words only."""
    return re.sub(r"\s+", " ", text.translate(QUOTES).replace("*", "")).strip()


def raw_text(name: str) -> str:
    """One source document as it is, or skip when the seeds folder is absent."""
    if not Path(paths.SEEDS).is_dir():
        pytest.skip(SKIP_REASON)
    return (Path(paths.SEEDS) / name).read_text(encoding="utf-8")


def seed_text(name: str) -> str:
    """One source document, normalised, or skip when the seeds folder is absent."""
    return norm(raw_text(name))


def list_blocks(text: str) -> list[tuple[int, int]]:
    """Offsets of every run of list elements (blank lines allowed between), and of inline bullet runs."""
    blocks, pos, current = [], 0, None
    for line in text.splitlines(keepends=True):
        if ELEMENT.match(line) and not PARAGRAPH_NUMBER.match(line):
            current = [pos, pos + len(line)] if current is None else [current[0], pos + len(line)]
        elif line.strip() and current is not None:
            blocks.append(tuple(current))
            current = None
        if line.count("\u2022") >= 2 and not ELEMENT.match(line):
            blocks.append((pos + line.index("\u2022"), pos + len(line)))
        pos += len(line)
    if current is not None:
        blocks.append(tuple(current))
    return blocks


def test_skips_with_one_line_when_seeds_absent(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "SEEDS", tmp_path / "no_seeds_here")
    with pytest.raises(pytest.skip.Exception, match=re.escape(SKIP_REASON)):
        seed_text(SOURCES["document"].iloc[0])


def test_every_seed_document_has_its_lists_recorded():
    if not Path(paths.SEEDS).is_dir():
        pytest.skip(SKIP_REASON)
    documents = {p.name for p in Path(paths.SEEDS).glob("*.txt")}
    assert documents and documents == set(LISTS["document"]) == set(SOURCES["document"])


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
    """Winchester's 3.1 i)-ix), 2.1 a)-c) and 2.5 i)-v), the LGA's 1.-4. and section 8's twelve risks, whole."""
    if not Path(paths.SEEDS).is_dir():
        pytest.skip(SKIP_REASON)
    markers = ITEMS.groupby("list_id")["marker"].agg(list)
    assert markers["winchester_elements"] == ["i)", "ii)", "iii)", "iv)", "v)", "vi)", "vii)", "viii)", "ix)"]
    assert markers["winchester_forms"] == ["a)", "b)", "c)"]
    assert markers["winchester_advantages"] == ["i)", "ii)", "iii)", "iv)", "v)"]
    assert markers["lga_activities"] == ["", "1.", "2.", "3.", "4."]
    raw = (Path(paths.SEEDS) / "000_9149008a6453b20f.txt").read_text(encoding="utf-8")
    section8 = raw[raw.index("## 8. Risks and challenges") : raw.index("**Mike Bennett**")]
    bullets = [line[2:].strip() for line in section8.splitlines() if line.startswith("- ")]
    assert [norm(b) for b in bullets] == [norm(t) for t in ITEMS.loc[ITEMS["list_id"] == "lp_risks", "text"]]


@pytest.mark.parametrize("document", list(SOURCES["document"].drop_duplicates()))
def test_every_list_in_the_document_is_extracted_or_excluded_by_a_rule(document):
    """The inclusion rules applied to every document: no list the document sets out goes unrecorded."""
    text = raw_text(document)
    mine = LISTS[LISTS["document"] == document].astype({"start": int, "end": int})
    blocks = list_blocks(text)
    assert blocks, f"no list found in {document}: the detector is broken"
    for start, end in blocks:
        hit = mine[(mine["start"] < end) & (mine["end"] > start)]
        assert len(hit), f"{document}: the list at {start} ({text[start : start + 50]!r}) is in no row of lists.csv"
        assert set(hit["rule"]) <= set(RULES["rule"])


def test_list_detector_finds_a_list_and_skips_numbered_paragraphs():
    text = "Intro\n\n- 1.1 A numbered paragraph.\n\nLead:\n- i) one\n- ii) two\nAfter.\nx \u2022 a \u2022 b\n"
    blocks = list_blocks(text)
    assert [text[s:e].split()[1] for s, e in blocks] == ["i)", "a"]


@pytest.mark.parametrize("row", LISTS.to_dict("records"), ids=list(LISTS["list_id"]))
def test_list_offsets_hold_its_items(row):
    text = raw_text(row["document"])
    part = norm(text[int(row["start"]) : int(row["end"])])
    assert part, f"{row['list_id']}: empty span"
    for item in ITEMS.loc[ITEMS["list_id"] == row["list_id"], "text"]:
        assert norm(item) in part or norm(item) in norm(text), row["list_id"]
    if row["list_id"] != "opm_steps":  # a running-text enumeration: its items are words of one sentence
        for item in ITEMS.loc[ITEMS["list_id"] == row["list_id"], "text"]:
            assert norm(item)[:40] in part, f"{row['list_id']}: {item[:40]!r} outside its offsets"


def test_press_list_is_the_localis_press_release_list_word_for_word():
    """The trade press's four recommendations are the Localis press release's own short list, copied."""
    lists = LISTS.set_index("list_id")

    def bullets(list_id):
        row = lists.loc[list_id]
        span = raw_text(row["document"])[int(row["start"]) : int(row["end"])]
        return [norm(line.strip().lstrip("\u2022\u00b7 ")).casefold() for line in span.splitlines() if line.strip()]

    press, localis = bullets("press_recommendations"), bullets("localis_summary")
    assert len(press) == 4 and press == localis
    assert lists.loc["press_recommendations", "copy_of"] == "localis_summary"


@pytest.mark.parametrize("document", list(SOURCES["document"].drop_duplicates()))
def test_passages_are_the_documents_paragraphs(document):
    text = raw_text(document)
    mine = PASSAGES[PASSAGES["document"] == document].reset_index(drop=True)
    expected = passage_rows(document, text).astype(str)
    assert mine.equals(expected), f"passages.csv does not match the paragraphs of {document}"
    for start, end in zip(mine["start"].astype(int), mine["end"].astype(int)):
        assert text[start:end].strip() == text[start:end] and "\n\n" not in text[start:end]


def test_the_recorded_passage_codes_are_the_rule_coders_reading_of_the_documents() -> None:
    """passage_codes.csv is what `python -m helpers.frameworks.passages` gives today (rerun it after a rule change)."""
    if not Path(paths.SEEDS).is_dir():
        pytest.skip(SKIP_REASON)
    from helpers.frameworks import load_frameworks
    from helpers.frameworks import passages as psg
    from helpers.interviews.codebook import load_codebook

    folder = paths.RAW / "frameworks"
    frameworks = load_frameworks(folder)
    passages = psg.credit(psg.load_passages(folder / "passages.csv", set(frameworks.sources["document"])), frameworks)
    fresh = psg.code_passages(passages, paths.SEEDS, load_codebook(folder / "codebook.yaml"))
    recorded = pd.read_csv(folder / psg.PASSAGE_CODINGS, dtype=str, keep_default_na=False)
    assert recorded.values.tolist() == fresh.values.tolist()
