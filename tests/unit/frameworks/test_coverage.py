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
    # Alpha: A1 needs, A2 buy, A3 members (R1, a risk, kept apart); Beta: B1 buy, B2 read, nothing applied.
    assert cell.loc[("Alpha 2000", "analyse"), "items"] == 1
    assert cell.loc[("Alpha 2000", "do"), "item_ids"] == "A2"
    assert cell.loc[("Beta 2001", "buy"), "items"] == 1
    assert cell.loc[("Beta 2001", "analyse"), "items"] == 0
    assert cell.loc[("Gamma 1999", "needs"), "item_ids"] == "G1"
    assert set(zip(table["source"], table["base"])) == {("Alpha 2000", 3), ("Beta 2001", 2), ("Gamma 1999", 1)}


def test_risks_and_roles_are_kept_apart_from_the_models(setup):
    fw, book, codings = setup
    assert "R1" not in set(fw.model_items()["item_id"]) and "R1" in set(fw.items["item_id"])
    cell = cov.coverage(codings, fw, book, "author").set_index(["source", "stage"])
    assert "R1" not in cell.loc[("Alpha 2000", "buy"), "item_ids"]
    by_list = cov.coverage_by_list(codings, fw, book, "author").set_index("list")
    assert by_list.loc["Risks", "kind"] == "risks (kept apart)" and by_list.loc["Risks", "Do"] == 1


def test_matrix_and_spread_say_not_in_the_extracted_lists(setup):
    fw, book, codings = setup
    table = cov.coverage(codings, fw, book, "author")
    matrix = cov.coverage_matrix(table, book, depth=0)
    assert list(matrix.columns) == ["Beta 2001", "Alpha 2000", "Gamma 1999"]
    assert matrix.loc["Do"].tolist() == [1, 1, 0]
    assert cov.coverage_matrix(table, book, depth=1).index[0] == "Needs (analyse)"
    spread = cov.spread(table, book)
    assert cov.stages_covered_by(spread, "all", "stage") == []
    assert cov.stages_covered_by(spread, "none", "sub-stage") == []
    row = spread.set_index("stage").loc["analyse"]
    assert (row["sources_covering"], row["covered_by"], row["not_in_extracted_lists"]) == (
        2,
        "Alpha 2000, Gamma 1999",
        "Beta 2001",
    )
    assert "not_covered_by" not in spread.columns


def test_absence_is_worded_as_not_found_never_as_leaving_out(setup):
    from helpers.frameworks.passages import NOT_IN_TEXT

    fw, book, codings = setup
    tables = [cov.coverage(codings, fw, book, c) for c in ["author", "rules"]]
    text = pd.DataFrame(
        [("Beta 2001", "analyse", 0, ""), ("Beta 2001", "needs", 2, "b-P001, b-P002")],
        columns=["source", "stage", "passages", "passage_ids"],
    )
    gaps = cov.agreed_gaps(tables, text).set_index(["source", "stage"])
    assert gaps.loc[("Beta 2001", "analyse"), "text"] == NOT_IN_TEXT == "not found in the document's text"
    assert gaps.loc[("Beta 2001", "analyse"), "confirmed"]
    assert gaps.loc[("Beta 2001", "needs"), "text"] == "found in 2 passages: b-P001, b-P002"
    assert not gaps.loc[("Beta 2001", "needs"), "confirmed"]
    assert set(gaps["lists"]) == {"not in its extracted lists (every coder)"}
    words = " ".join(gaps.astype(str).to_numpy().ravel())
    assert "leaves out" not in words and "left out" not in words
    unread = cov.agreed_gaps(tables, None)
    assert set(unread["text"]) == {"full text not read"} and not unread["confirmed"].any()


def test_per_coder_matrices(setup):
    fw, book, codings = setup
    tables = [cov.coverage(codings, fw, book, c) for c in ["author", "rules"]]
    matrices = cov.coverage_by_coder(tables, book, 1)
    assert list(matrices) == ["author", "rules"]
    assert list(matrices["rules"].columns) == ["Beta 2001", "Alpha 2000", "Gamma 1999"]


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
    assert by_list.loc["Gamma's list", "source"] == "Gamma 1999 (quoted in Alpha 2000)"
    results = cov.coverage_results(cov.coverage(codings, fw, book, "author"))
    assert set(results["statistic"]) == {"items coded"} and "by author" in results["method"].iloc[0]


def test_stages_covered_by_rejects_other_words(setup):
    with pytest.raises(ValueError):
        cov.stages_covered_by(pd.DataFrame(columns=["level", "sources_covering", "sources"]), "some")


def test_items_the_frame_does_not_carry_are_listed_per_coder(setup):
    fw, book, codings = setup
    table = cov.uncarried(codings, fw, ["author", "rules"])
    # B2 "Nothing here at all": read by both, placed on no stage; R1 is a risk, kept apart.
    assert table[["coder", "item_id", "source"]].values.tolist() == [
        ["author", "B2", "Beta 2001"],
        ["rules", "B2", "Beta 2001"],
    ]
