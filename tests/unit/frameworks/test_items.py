"""Loading and validating a framework set."""

from __future__ import annotations

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.frameworks import load_frameworks
from helpers.frameworks.items import normalise

from .conftest import write_set

SHIPPED = paths.RAW / "frameworks"


def test_shipped_set_loads_and_every_model_source_contributes():
    fw = load_frameworks(SHIPPED)
    assert set(fw.model_items()["source"]) == set(fw.source_names())
    assert fw.items["item_id"].is_unique


def test_shipped_lga_list_is_credited_to_the_lga_as_quoted_by_local_partnerships():
    fw = load_frameworks(SHIPPED)
    lga = fw.lists.set_index("list_id").loc["lga_activities"]
    assert (lga["source"], lga["document"]) == ("LGA 2012", "000_9149008a6453b20f.txt")
    assert set(fw.items.loc[fw.items["item_id"].str.startswith("LGA"), "source"]) == {"LGA 2012"}
    assert fw.credited("LGA 2012") == "LGA 2012 (quoted in Local Partnerships 2015)"
    own = fw.items[fw.items["source"] == "Local Partnerships 2015"]
    assert not own["item_id"].str.startswith("LGA").any()


def test_shipped_press_list_is_a_copy_of_localis_counted_once_and_comments_excluded():
    fw = load_frameworks(SHIPPED)
    lists = fw.lists.set_index("list_id")
    assert (lists.loc["press_recommendations", "status"], lists.loc["press_recommendations", "copy_of"]) == (
        "copy",
        "localis_summary",
    )
    assert lists.loc["localis_summary", "copy_of"] == "localis_recommendations"
    assert lists.loc["press_comments", "status"] == "excluded"
    assert not (fw.items["document"] == "003_5535e4985ecb15fd.txt").any()
    assert "Trade press 2011" not in fw.source_names()
    assert fw.source_names().count("Localis 2011") == 1


def test_shipped_survey_rows_and_risks_are_kept_apart_from_models():
    fw = load_frameworks(SHIPPED)
    lists = fw.lists.set_index("list_id")
    assert set(lists.loc[["survey_a", "survey_b", "survey_c", "survey_d"], "status"]) == {"excluded"}
    assert set(lists.loc[["lp_risks", "lp_impacts"], "kind"]) == {"risks"}
    assert set(fw.model_items()["kind"]) == {"process", "principles"}
    assert not fw.model_items()["item_id"].str.startswith(("RSK", "SQD", "OPP")).any()


def test_sources_keep_file_order_and_items_get_their_list_source(tiny):
    fw = load_frameworks(tiny)
    assert fw.source_names() == ["Beta 2001", "Alpha 2000", "Gamma 1999"]
    credited = dict(zip(fw.items["item_id"], fw.items["source"]))
    assert (credited["B1"], credited["G1"]) == ("Beta 2001", "Gamma 1999")


def test_as_excerpts_makes_one_case_per_source(tiny):
    ex = load_frameworks(tiny).as_excerpts()
    assert list(ex["excerpt_id"]) == ["A1", "A2", "A3", "B1", "B2", "R1", "G1"]
    assert list(ex["same_speaker_as"]) == ["", "A1", "A1", "", "B1", "A1", ""]
    assert list(ex["speaker_role"])[:1] == ["Alpha 2000"]


LISTS_HEAD = "list_id,document,source,name,lead_in,kind,status,rule,copy_of,start,end\n"
GOOD_ROWS = (
    "steps,a.txt,Alpha 2000,S,Steps:,process,extracted,I1,,0,10\n"
    "recs,b.txt,Beta 2001,R,Recs:,principles,extracted,I1,,0,10\n"
    "more,a.txt,Alpha 2000,M,More:,process,extracted,I1,,20,30\n"
    "risks,a.txt,Alpha 2000,K,Risks:,risks,extracted,I1,,40,50\n"
    "quoted,a.txt,Gamma 1999,G,Gamma:,process,extracted,I1,,60,70\n"
)


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("x,a.txt,Alpha 2000,X,X:,structure,excluded,I1,,0,5\n", "rule", "decision is 'exclude'"),
        ("x,a.txt,Alpha 2000,X,X:,structure,excluded,Z9,,0,5\n", "rule", "inclusion_rules.csv"),
        ("x,a.txt,Alpha 2000,X,X:,principles,copy,C1,,0,5\n", "copy_of", "for a copy"),
        ("x,a.txt,Alpha 2000,X,X:,principles,copy,C1,nolist,0,5\n", "copy_of", "for a copy"),
        ("x,a.txt,Beta 2001,X,X:,structure,excluded,X1,,0,5\n", "source", "read from a.txt"),
        ("x,a.txt,Alpha 2000,X,X:,notes,extracted,I1,,0,5\n", "kind", "process, principles, roles, risks"),
        ("x,a.txt,Alpha 2000,X,X:,structure,excluded,X1,,9,5\n", "start", "start < end"),
    ],
)
def test_every_list_names_a_rule_that_fits_its_status(tmp_path, row, column, expected):
    folder = write_set(tmp_path / "bad", **{"lists.csv": LISTS_HEAD + GOOD_ROWS + row})
    with pytest.raises(DataError) as info:
        load_frameworks(folder)
    problem = next(p for p in info.value.problems if p.column == column)
    assert problem.path.endswith("lists.csv") and problem.line == 7 and expected in problem.expected


def test_an_item_of_an_excluded_list_is_an_error(tmp_path):
    items = "item_id,document,section,list_id,marker,label,text\nT1,b.txt,1,toc,,x,x\n"
    with pytest.raises(
        DataError, match=r"items.csv, line 2, column 'list_id'.*an extracted list \('toc' is excluded\)"
    ):
        load_frameworks(write_set(tmp_path / "bad", **{"items.csv": items}))


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


def test_an_extracted_list_without_items_is_an_error(tmp_path):
    items = "item_id,document,section,list_id,marker,label,text\nA1,a.txt,1,steps,,x,x\n"
    with pytest.raises(DataError, match=r"lists.csv, line 3, column 'status'.*extracted list with its items"):
        load_frameworks(write_set(tmp_path / "bad", **{"items.csv": items}))


def test_a_source_without_lists_is_an_error(tmp_path):
    sources = "document,source,title,publisher,date,quoted_in\nb.txt,Beta 2001,B,B,2001,\na.txt,Alpha 2000,A,A,2000,\n"
    sources += "a.txt,Gamma 1999,G,G,1999,Alpha 2000\nc.txt,Delta 2002,D,D,2002,\n"
    with pytest.raises(DataError, match=r"sources.csv, line 5, column 'source'.*at least one list"):
        load_frameworks(write_set(tmp_path / "bad", **{"sources.csv": sources}))


def test_missing_column_is_one_clear_error(tmp_path):
    with pytest.raises(DataError, match="column 'lead_in'"):
        load_frameworks(write_set(tmp_path / "bad", **{"lists.csv": "list_id,document,name\nsteps,a.txt,S\n"}))


def test_normalise_makes_quotes_and_dashes_plain():
    assert normalise("\u201cx\u201d  \u2013\n y") == '"x" - y'
