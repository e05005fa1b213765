"""The full-text reading: paragraphs as passages, credited to their source or left out by a list's rule."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core.errors import DataError
from helpers.frameworks import load_frameworks
from helpers.frameworks import passages as psg

from .conftest import write_set


def test_paragraphs_are_runs_of_text_between_blank_lines():
    text = "Title\n\nOne line,\n  then more.  \n\n\n- a\n- b\n"
    assert [text[s:e] for s, e in psg.paragraphs(text)] == ["Title", "One line,\n  then more.", "- a\n- b"]


def test_passage_rows_number_each_document():
    rows = psg.passage_rows("a.txt", "x\n\ny\n")
    assert rows.values.tolist() == [["a.t-P001", "a.txt", 0, 1], ["a.t-P002", "a.txt", 3, 4]]


def test_passages_are_credited_to_a_quoted_source_and_left_out_by_a_copy_or_exclusion(tiny):
    fw = load_frameworks(tiny)
    passages = pd.DataFrame(
        [
            ("a-P1", "a.txt", 0, 5),  # in Alpha's steps
            ("a-P2", "a.txt", 60, 65),  # in Gamma's list, quoted by Alpha
            ("b-P1", "b.txt", 80, 85),  # in Beta's copy of its own list
            ("b-P2", "b.txt", 100, 105),  # in the contents, excluded
            ("b-P3", "b.txt", 200, 205),  # running text
        ],
        columns=psg.PASSAGE_COLUMNS,
    )
    credited = psg.credit(passages, fw).set_index("passage_id")
    assert list(credited["source"]) == ["Alpha 2000", "Gamma 1999", "Beta 2001", "Beta 2001", "Beta 2001"]
    assert list(credited["read"]) == [True, True, False, False, True]
    assert (credited.loc["b-P1", "rule"], credited.loc["b-P2", "rule"]) == ("C1 (again)", "X1 (toc)")


def test_passage_texts_need_the_documents(tmp_path, tiny):
    fw = load_frameworks(tiny)
    passages = psg.credit(pd.DataFrame([("a-P1", "a.txt", 0, 5)], columns=psg.PASSAGE_COLUMNS), fw)
    assert psg.passage_excerpts(passages, tmp_path / "absent") is None
    (tmp_path / "a.txt").write_text("Needs of all\n", encoding="utf-8")
    texts = psg.passage_excerpts(passages, tmp_path)
    assert texts[["excerpt_id", "text", "source"]].values.tolist() == [["a-P1", "Needs", "Alpha 2000"]]


def test_text_coverage_counts_passages_per_source_and_stage():
    coded = pd.DataFrame({"coder": "rules", "excerpt_id": ["p1", "p2", "p2"], "code": ["needs", "needs", "buy"]})
    passages = pd.DataFrame({"passage_id": ["p1", "p2"], "source": ["A", "A"]})
    table = psg.text_coverage(coded, passages, ["A", "B"], ["needs", "buy"]).set_index(["source", "stage"])
    assert table.loc[("A", "needs"), "passage_ids"] == "p1, p2" and table.loc[("B", "buy"), "passages"] == 0


@pytest.mark.parametrize(
    ("rows", "column"),
    [
        ("a-P1,z.txt,0,5\n", "document"),
        ("a-P1,a.txt,5,1\n", "start"),
        ("a-P1,a.txt,0,5\na-P1,a.txt,6,9\n", "passage_id"),
    ],
)
def test_bad_passages_name_line_and_column(tmp_path, rows, column):
    folder = write_set(tmp_path / "s", **{"passages.csv": "passage_id,document,start,end\n" + rows})
    with pytest.raises(DataError) as info:
        psg.load_passages(folder / "passages.csv", {"a.txt", "b.txt"})
    assert info.value.first.column == column
