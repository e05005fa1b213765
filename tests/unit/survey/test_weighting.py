"""helpers.survey.weighting: respondents matched to the frame's councils, raked to type and region."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.core.errors import DataError
from helpers.survey.weighting import NO_REGION, frame_on, match_authorities, nonresponse_table, parse_weighting, weigh

FRAME_DATE = "2011-09-01"
RAKE = {"method": "rake", "margins": ["local-authority-type", "region"]}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return frame_on(FRAME_DATE)


def respondents_from(frame: pd.DataFrame, n: int, seed: int, column: str = "official-name") -> pd.DataFrame:
    chosen = frame[frame["region"] != NO_REGION].sample(n, random_state=seed)
    return pd.DataFrame({"authority": chosen[column].to_numpy()})


def test_a_council_is_matched_by_its_code_gss_code_official_or_alternative_name(frame: pd.DataFrame) -> None:
    adur = frame[frame["local-authority-code"] == "ADU"].iloc[0]
    names = ["ADU", adur["gss-code"], adur["official-name"], "adur", adur["official-name"].upper()]
    matched = match_authorities(pd.Series(names), frame, "respondents.csv")
    assert matched["local-authority-code"].tolist() == ["ADU"] * len(names)


def test_an_unmatched_name_is_an_error_listing_the_nearest_names(frame: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"line 3, column 'authority'.*nearest: Birmingham City Council"):
        match_authorities(pd.Series(["ADU", "Birmingam City Council"]), frame, "respondents.csv")


def test_weights_sum_to_the_frame_and_reproduce_its_counts_by_type_and_region(frame: pd.DataFrame) -> None:
    weighting = parse_weighting(
        {**RAKE, "collapse": {"local-authority-type": {"CC": "LBO"}, "region": {NO_REGION: "South West"}}},
        "survey.yaml",
        30,
    )
    design, categories = weigh(respondents_from(frame, 120, seed=4), weighting, FRAME_DATE, "survey.yaml")
    assert design.weights.sum() == pytest.approx(len(frame))
    by_type = pd.Series(design.weights).groupby(categories["local-authority-type"]).sum()
    expected = frame["local-authority-type"].replace({"CC": "LBO"}).value_counts()
    np.testing.assert_allclose(by_type.sort_index(), expected.sort_index(), atol=1.0)


def test_a_category_without_respondents_and_without_a_merge_is_an_error_naming_it(frame: pd.DataFrame) -> None:
    weighting = parse_weighting(RAKE, "survey.yaml", 30)
    districts = frame[(frame["local-authority-type"] == "NMD") & (frame["region"] != NO_REGION)]
    respondents = pd.DataFrame({"authority": districts["local-authority-code"].head(40).to_numpy()})
    with pytest.raises(DataError, match=r"'local-authority-type': no respondent in \['CC', 'CTY', 'LBO', 'MD', 'UA'\]"):
        weigh(respondents, weighting, FRAME_DATE, "survey.yaml")


def test_one_council_answering_twice_is_an_error(frame: pd.DataFrame) -> None:
    respondents = pd.DataFrame({"authority": ["ADU", "Adur District Council"]})
    with pytest.raises(DataError, match="each council once"):
        weigh(respondents, parse_weighting(RAKE, "survey.yaml", 30), FRAME_DATE, "survey.yaml")


@pytest.mark.parametrize(
    ("block", "key"),
    [
        ({"method": "poststratify", "margins": ["region"]}, "weighting.method"),
        ({"method": "rake", "margins": ["county"]}, "weighting.margins"),
        ({"method": "rake", "margins": ["region"], "trim": [2, 3]}, "weighting.trim"),
        ({"method": "rake", "margins": ["region"], "margin": ["region"]}, "weighting.margin"),
    ],
)
def test_a_bad_weighting_block_names_survey_yaml_its_line_and_the_key(block: dict, key: str) -> None:
    with pytest.raises(DataError, match=rf"survey.yaml, line 30, column '{key}'"):
        parse_weighting(block, "survey.yaml", 30)


def test_the_nonresponse_table_sets_respondents_against_the_frame(frame: pd.DataFrame) -> None:
    weighting = parse_weighting(
        {**RAKE, "collapse": {"local-authority-type": {"CC": "LBO"}, "region": {NO_REGION: "South West"}}},
        "survey.yaml",
        30,
    )
    _, categories = weigh(respondents_from(frame, 150, seed=9), weighting, FRAME_DATE, "survey.yaml")
    table = nonresponse_table(categories, FRAME_DATE, weighting)
    by_margin = table.groupby("margin")[["councils", "respondents"]].sum()
    assert by_margin["councils"].tolist() == [len(frame), len(frame)]
    assert by_margin["respondents"].tolist() == [150, 150]


def test_a_name_with_a_comma_in_the_register_matches_its_council_whole(frame: pd.DataFrame) -> None:
    matched = match_authorities(pd.Series(["Bristol, City of", "Kingston upon Hull, City of"]), frame, "r.csv")
    assert matched["local-authority-code"].tolist() == ["BST", "KHL"]
    with pytest.raises(DataError, match=r"column 'authority'.*found 'City of'"):
        match_authorities(pd.Series(["City of"]), frame, "respondents.csv")


def test_a_name_two_councils_share_is_an_error_naming_both() -> None:
    frame = frame_on(FRAME_DATE)
    frame = frame[frame["local-authority-code"].isin(["ADU", "ARU"])].reset_index(drop=True)
    frame.loc[1, "alt-names"] = frame.loc[1, "alt-names"] + ",Adur"
    with pytest.raises(DataError, match=r"line 2, column 'authority': expected a name of one council only .*ADU, ARU"):
        match_authorities(pd.Series(["Adur"]), frame, "respondents.csv")
