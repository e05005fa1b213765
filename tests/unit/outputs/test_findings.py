"""The research report's readers: findings picked from results tables, and mixed surveys refused."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core import paths
from helpers.outputs.findings import check_same_survey, pick, read_results, survey_findings
from helpers.survey import load_survey


def results(rows):
    return pd.DataFrame(
        rows, columns=["question", "item", "option", "statistic", "estimate", "ci_low", "ci_high", "base", "method"]
    )


DELIVERY = results(
    [
        ("a", "", "Mainly in-house", "proportion", 0.35, 0.26, 0.44, 103, "wilson"),
        ("a", "", "Fairly even mix", "proportion", 0.58, 0.49, 0.67, 103, "wilson"),
        ("a", "", "Mainly outsourced", "proportion", 0.07, 0.03, 0.13, 103, "wilson"),
        ("b", "", "Yes", "proportion", 0.8155, 0.73, 0.88, 103, "wilson"),
        ("b", "", "Yes", "proportion", 0.8155, 0.74, 0.87, 103, "wilson + FPC (N=353)"),
        ("b", "", "Yes", "proportion", 0.8155, 0.72, 0.89, 103, "beta"),
    ]
)
SHIFTS = results(
    [
        ("d", "VCO", "More;Many more", "share expecting more", 0.82, 0.73, 0.88, 93, "wilson"),
        ("d", "In-house", "More;Many more", "share expecting more", 0.05, 0.02, 0.12, 93, "wilson"),
        (
            "d",
            "In-house",
            "Fewer;None",
            "ratio of less to more (More;Many more)",
            16.2,
            6.8,
            38.9,
            86,
            "conditional binomial (wilson)",
        ),
    ]
)
SKILLS = results(
    [
        ("c", "", "More commissioning experts", "proportion of respondents", 0.69, 0.58, 0.78, 78, "wilson"),
        ("c", "", "More procurement experts", "proportion of respondents", 0.50, 0.39, 0.61, 78, "wilson"),
    ]
)


def test_pick_matches_method_with_and_without_fpc() -> None:
    assert pick(DELIVERY, "b", "proportion", "wilson")["ci_low"].tolist() == [0.73]
    assert pick(DELIVERY, "b", "proportion", "wilson", fpc=True)["ci_low"].tolist() == [0.74]
    assert pick(DELIVERY, "b", "proportion", "beta")["ci_low"].tolist() == [0.72]


def test_survey_findings_pick_the_headline_rows_in_order() -> None:
    found = survey_findings(
        DELIVERY,
        SHIFTS,
        SKILLS,
        ci_method="wilson",
        delivery_question="a",
        intent_question="b",
        intent_option="Yes",
        grid_question="d",
        skills_question="c",
    )
    assert found["topic"].tolist()[:3] == ["Strategic-commissioning intent"] + ["Delivery mix"] * 2
    assert found.loc[1, "subject"] == "Fairly even mix"  # the largest share first
    # the FPC interval assumes a simple random sample of distinct councils: not a key finding
    assert not found["method"].str.contains("FPC").any()
    more = found[found["topic"] == "Providers expected to deliver more"]
    assert more["subject"].tolist() == ["VCO", "In-house"]
    assert found[found["topic"] == "Less versus more provision"]["estimate"].tolist() == [16.2]


def test_a_missing_statistic_names_what_is_missing() -> None:
    with pytest.raises(LookupError, match="proportion for 'Maybe'"):
        survey_findings(
            DELIVERY,
            SHIFTS,
            SKILLS,
            ci_method="wilson",
            delivery_question="a",
            intent_question="b",
            intent_option="Maybe",
            grid_question="d",
            skills_question="c",
        )


def test_a_missing_statistic_names_the_results_file(tmp_path) -> None:
    DELIVERY.to_csv(tmp_path / "results.csv", index=False)
    delivery = read_results(tmp_path)
    with pytest.raises(LookupError, match=r"results\.csv holds no proportion for 'Maybe'"):
        survey_findings(
            delivery,
            SHIFTS,
            SKILLS,
            ci_method="wilson",
            delivery_question="a",
            intent_question="b",
            intent_option="Maybe",
            grid_question="d",
            skills_question="c",
        )


def test_results_of_another_survey_are_refused() -> None:
    survey = load_survey(paths.LOCALIS_2011)
    check_same_survey(DELIVERY, survey, ["a", "b"], "delivery_dir")  # same bases: fine
    other = DELIVERY.assign(base=120)
    with pytest.raises(ValueError, match=r"parameter 'delivery_dir'.*\[120\].*103 answered"):
        check_same_survey(other, survey, ["a", "b"], "delivery_dir")


def test_missing_results_file_names_the_file(tmp_path) -> None:
    with pytest.raises(Exception, match=r"results\.csv"):
        read_results(tmp_path)


def test_level_sentence_says_when_levels_differ() -> None:
    from helpers.outputs.findings import level_sentence

    same, common = level_sentence({"delivery": 0.95, "skills": 0.95}, "Wilson score")
    assert common == 0.95 and "95%" in same
    mixed, common = level_sentence({"delivery": 0.95, "skills": 0.9}, "Wilson score")
    assert common is None and "different confidence levels" in mixed and "90%" in mixed
