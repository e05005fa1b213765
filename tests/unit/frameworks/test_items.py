"""Loading and validating a framework set."""

from __future__ import annotations

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.frameworks import load_frameworks
from helpers.frameworks.items import normalise

from .conftest import write_set


def test_shipped_set_loads_and_every_source_contributes():
    fw = load_frameworks(paths.RAW / "frameworks")
    assert set(fw.items["source"]) == set(fw.source_names())
    assert fw.items["item_id"].is_unique


def test_sources_keep_file_order_and_items_get_their_source(tiny):
    fw = load_frameworks(tiny)
    assert fw.source_names() == ["Beta 2001", "Alpha 2000"]
    assert dict(zip(fw.items["item_id"], fw.items["source"]))["B1"] == "Beta 2001"


def test_as_excerpts_makes_one_case_per_source(tiny):
    ex = load_frameworks(tiny).as_excerpts()
    assert list(ex["excerpt_id"]) == ["A1", "A2", "A3", "B1", "B2"]
    assert list(ex["same_speaker_as"]) == ["", "A1", "A1", "", "B1"]
    assert list(ex["speaker_role"])[:1] == ["Alpha 2000"]


@pytest.mark.parametrize(
    ("items", "line", "column", "expected"),
    [
        ("item_id,document,section,list_id,marker,label,text\nA1,z.txt,1,steps,,x,x\n", 2, "document", "sources.csv"),
        ("item_id,document,section,list_id,marker,label,text\nA1,a.txt,1,nolist,,x,x\n", 2, "list_id", "lists.csv"),
        ("item_id,document,section,list_id,marker,label,text\nA1,a.txt,1,recs,,x,x\n", 2, "document", "'b.txt'"),
        (
            "item_id,document,section,list_id,marker,label,text\nA1,a.txt,1,steps,,Other words,x y\n",
            2,
            "label",
            "quoted",
        ),
        (
            "item_id,document,section,list_id,marker,label,text\nA1,a.txt,1,steps,,x,x\nA1,b.txt,1,recs,,x,x\n",
            3,
            "item_id",
            "once",
        ),
        ("item_id,document,section,list_id,marker,label,text\nA1,a.txt,1,steps,,x,\n", 2, "text", "non-empty"),
    ],
)
def test_bad_items_name_file_line_and_column(tmp_path, items, line, column, expected):
    folder = write_set(tmp_path / "bad", **{"items.csv": items})
    with pytest.raises(DataError) as info:
        load_frameworks(folder)
    problem = next(p for p in info.value.problems if p.column == column)
    assert problem.path.endswith("items.csv") and problem.line == line and expected in problem.expected


def test_a_source_without_items_is_an_error(tmp_path):
    items = "item_id,document,section,list_id,marker,label,text\nA1,a.txt,1,steps,,x,x\n"
    with pytest.raises(DataError, match=r"sources.csv, line 2, column 'document'.*contributes at least one item"):
        load_frameworks(write_set(tmp_path / "bad", **{"items.csv": items}))


def test_missing_column_is_one_clear_error(tmp_path):
    with pytest.raises(DataError, match="column 'lead_in'"):
        load_frameworks(write_set(tmp_path / "bad", **{"lists.csv": "list_id,document,name\nsteps,a.txt,S\n"}))


def test_normalise_makes_quotes_and_dashes_plain():
    assert normalise("\u201cx\u201d  \u2013\n y") == '"x" - y'
