"""helpers.survey.reconciliation: rounding, the base search, and every published Localis figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.core import paths
from helpers.survey import load_survey
from helpers.survey.reconciliation import (
    base_search,
    decimals_of,
    for_questions,
    infer_grid_base,
    published_figures,
    reconcile,
    respondents_total,
    round_half_up,
)


@pytest.fixture(scope="module")
def localis():
    return load_survey(paths.LOCALIS_2011)


@pytest.fixture(scope="module")
def table(localis):
    return reconcile(localis).set_index("figure_id")


def test_round_half_up_is_not_bankers_rounding():
    assert round_half_up(18.45, 1) == 18.5
    assert round_half_up(0.5) == 1.0 and round_half_up(2.5) == 3.0
    assert round_half_up(67.742) == 68.0


def test_decimals_of():
    assert [decimals_of(t) for t in ("35.0%", "6.8%", "82%", "over 100", "Some 80%")] == [1, 1, 0, 0, 0]


def test_base_search_by_hand():
    figures = pd.DataFrame(
        {"label": ["vco", "large"], "value": [82.0, 68.0], "decimals": [0, 0], "numerator": [76, 63]}
    )
    search = base_search(figures, [91, 92, 93, 94])
    # 76/91 = 83.5 -> 84; 76/93 = 81.7 -> 82; 63/92 = 68.5 -> 68 (half up of 68.478); 63/93 = 67.7 -> 68
    assert search["vco"].tolist() == [84.0, 83.0, 82.0, 81.0]
    assert search["large"].tolist() == [69.0, 68.0, 68.0, 67.0]
    assert search["matches"].tolist() == [0, 1, 2, 0]
    assert search["all_match"].tolist() == [False, False, True, False]


def test_localis_grid_base_is_93_and_unique(localis):
    base, search, fitting = infer_grid_base(localis, "d")
    assert base == 93 and fitting == [93]
    assert search.loc[search["all_match"], "base"].tolist() == [93]
    assert respondents_total(localis) == 105


def test_every_published_figure_is_reconciled(localis, table):
    assert len(table) == len(localis.published)
    assert table["match"].all()


@pytest.mark.parametrize(
    "figure, numerator, base",
    [
        ("pr-a-inhouse", 36, 103),
        ("pr-b-no", 19, 103),
        ("pr-c-delivery", 3, 78),
        ("pr-vco", 76, 93),
        ("pr-otherpublic", 75, 93),
        ("pr-sme", 70, 93),
        ("pr-large", 63, 93),
        ("pr-4in5", 84, 103),
        ("press-80", 84, 103),
        ("pr-16to1", 81, 5),
    ],
)
def test_numerators_and_bases(table, figure, numerator, base):
    assert (table.loc[figure, "numerator"], table.loc[figure, "base"]) == (numerator, base)


def test_figures_in_words(table):
    assert table.loc["pr-4in5", "rounding"] == "rounded to the nearest 1 in 5"
    assert table.loc["press-80", "rounding"].startswith("rounded to the nearest 10 points")
    assert table.loc["pr-respondents", "reproduced"] == 105 and "lower bound" in table.loc["pr-respondents", "rounding"]


def test_grid_figures_are_flagged_as_inferred_and_the_press_subgroup(table):
    assert table.loc["pr-vco", "base_kind"].startswith("inferred")
    assert "row total of the item 91: 83.52%" in table.loc["pr-vco", "note"]
    assert "subgroup" in table.loc["press-vco", "note"]
    assert "subgroup" not in table.loc["pr-vco", "note"]


def test_sixteen_to_one_alternatives(table):
    assert table.loc["pr-16to1", "reproduced"] == pytest.approx(16.2)
    assert "80/5 = 16.00" in table.loc["pr-16to1", "note"]


def test_unreproducible_figure_is_reported(tmp_path: Path, localis):
    folder = tmp_path / "s"
    folder.mkdir()
    for name in ("survey.yaml", "counts.csv"):
        (folder / name).write_bytes((paths.LOCALIS_2011 / name).read_bytes())
    published = (paths.LOCALIS_2011 / "published.csv").read_text().splitlines()
    header = published[0]
    bad = """bad-b,001_fb2212892cae5d2c.txt,test,made up,90.0%,90.0,percent,exact,b,,Yes,"""
    (folder / "published.csv").write_text("\n".join([header, bad]) + "\n")
    result = reconcile(load_survey(folder)).set_index("figure_id").loc["bad-b"]
    assert not result["match"]
    assert result["base"] == 103 and result["difference"] == pytest.approx(81.6 - 90.0)
    assert "no base tried reproduces it" in result["note"]


def test_filters(table, localis):
    full = table.reset_index()
    assert set(for_questions(full, ["d"])["question"]) == {"d"}
    general = for_questions(full, ["a"], include_general=True)
    assert set(general["question"]) == {"a", ""}
    assert len(published_figures(localis, "d", "ratio")) == 2


def test_press_subgroup_covers_its_passage(table):
    from helpers.survey.reconciliation import subgroup_claims

    for sibling in ("press-otherpublic", "press-sme", "press-large"):
        assert "same passage as press-vco" in table.loc[sibling, "note"]
    claims = subgroup_claims(table.reset_index())
    assert len(claims) == 1
    claim = claims[0]
    assert claim["figures"] == ["press-vco", "press-otherpublic", "press-sme", "press-large"]
    assert claim["bases"] == [93]
    assert claim["elsewhere"] == ["pr-vco", "pr-otherpublic", "pr-sme", "pr-large"]
    assert claim["elsewhere_documents"] == ["001_fb2212892cae5d2c.txt"]
