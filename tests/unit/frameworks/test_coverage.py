"""Coverage matrix, spread, concordance and coder differences on the tiny set, checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.frameworks import coverage as cov
from helpers.frameworks import load_frameworks
from helpers.frameworks.coding import collect_item_codings
from helpers.interviews.codebook import load_codebook


@pytest.fixture
def setup(tiny):
    fw = load_frameworks(tiny)
    ex = fw.as_excerpts()
    book = load_codebook(tiny / "codebook.yaml", ex["excerpt_id"])
    codings = collect_item_codings(["author", "rules"], ex, book, tiny / "codings")
    return fw, book, codings


def test_coverage_counts_items_with_sub_stages_rolled_up(setup):
    fw, book, codings = setup
    table = cov.coverage(codings, fw, book, "author")
    cell = table.set_index(["source", "stage"])
    # Alpha: A1 needs, A2 buy, A3 members; Beta: B1 buy, B2 read, nothing applied.
    assert cell.loc[("Alpha 2000", "analyse"), "items"] == 1
    assert cell.loc[("Alpha 2000", "do"), "item_ids"] == "A2"
    assert cell.loc[("Beta 2001", "buy"), "items"] == 1
    assert cell.loc[("Beta 2001", "analyse"), "items"] == 0
    assert set(table["base"]) == {3, 2}


def test_matrix_and_spread(setup):
    fw, book, codings = setup
    table = cov.coverage(codings, fw, book, "author")
    matrix = cov.coverage_matrix(table, book, depth=0)
    assert list(matrix.columns) == ["Beta 2001", "Alpha 2000"]
    assert matrix.loc["Do"].tolist() == [1, 1]
    assert cov.coverage_matrix(table, book, depth=1).index[0] == "Needs (analyse)"
    spread = cov.spread(table, book)
    assert cov.stages_covered_by(spread, "all", "stage") == ["Do"]
    assert cov.stages_covered_by(spread, "none", "sub-stage") == []
    assert cov.stages_covered_by(spread, "all", "sub-stage") == ["Buying"]
    row = spread.set_index("stage").loc["analyse"]
    assert (row["sources_covering"], row["covered_by"], row["not_covered_by"]) == (1, "Alpha 2000", "Beta 2001")


def test_concordance_puts_items_side_by_side(setup):
    fw, book, codings = setup
    table = cov.concordance(codings, fw, book, "author").set_index("stage")
    assert table.loc["\u2003Buying", "Alpha 2000"] == "A2 Let contracts"
    assert table.loc["\u2003Buying", "Beta 2001"] == "B1 Better contracts"
    assert table.loc["Analyse", "Alpha 2000"] == ""


def test_coder_differences(setup):
    fw, book, codings = setup
    diff = cov.coder_differences([cov.coverage(codings, fw, book, c) for c in ["author", "rules"]])
    # The rule coder also applies the stage 'analyse' itself to A1; roll-up makes both cover it.
    assert diff.empty
    extra = pd.DataFrame({"coder": ["rules"], "excerpt_id": ["B2"], "code": ["members"]})
    diff = cov.coder_differences([cov.coverage(pd.concat([codings, extra]), fw, book, c) for c in ["author", "rules"]])
    assert set(zip(diff["source"], diff["stage"], diff["rules"])) == {
        ("Beta 2001", "around", "covers"),
        ("Beta 2001", "members", "covers"),
    }


def test_by_list_and_results(setup):
    fw, book, codings = setup
    by_list = cov.coverage_by_list(codings, fw, book, "author").set_index("list")
    assert by_list.loc["Alpha steps", "Analyse"] == 1 and by_list.loc["More", "Around"] == 1
    results = cov.coverage_results(cov.coverage(codings, fw, book, "author"))
    assert set(results["statistic"]) == {"items coded"} and "by author" in results["method"].iloc[0]


def test_stages_covered_by_rejects_other_words(setup):
    with pytest.raises(ValueError):
        cov.stages_covered_by(pd.DataFrame(columns=["level", "sources_covering", "sources"]), "some")


def test_shared_items_pair_the_same_label_across_sources(tmp_path):
    from .conftest import write_set

    items = (
        "item_id,document,section,list_id,marker,label,text\n"
        "A1,a.txt,1,steps,,Let contracts,Let contracts well\n"
        "B1,b.txt,1,recs,,let  contracts,let  contracts and ask members\n"
        "A2,a.txt,1,steps,,Other,Other\n"
    )
    coding = "item_id,code\nA1,buy\nB1,buy\nB1,members\nA2,\n"
    folder = write_set(tmp_path / "s", **{"items.csv": items, "codings/author.csv": coding})
    fw = load_frameworks(folder)
    ex = fw.as_excerpts()
    book = load_codebook(folder / "codebook.yaml", ex["excerpt_id"])
    codings = collect_item_codings(["author"], ex, book, folder / "codings")
    shared = cov.shared_items(codings, fw, book, "author")
    assert shared.to_dict("records") == [
        {
            "label": "Let contracts",
            "item_a": "A1 (Alpha 2000)",
            "stages_a": "buy",
            "item_b": "B1 (Beta 2001)",
            "stages_b": "buy, members",
            "same_stages": "no",
        }
    ]
