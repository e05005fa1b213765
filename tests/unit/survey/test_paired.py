"""helpers.survey.paired: councils linked through `authority`, and each shared option's paired change among them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from weighted_waves import generated_councils, small_wave, write_weighted_wave

from helpers.core import paths
from helpers.stats.waves import mcnemar_exact_p, newcombe_paired_difference
from helpers.survey import load_survey
from helpers.survey.paired import link_councils, paired_comparison, paired_overlap


def test_councils_are_linked_by_their_names_as_written_ignoring_case_and_spaces(tmp_path: Path) -> None:
    first = load_survey(small_wave(tmp_path / "one", ["Avon", "Bath", "Crewe", "Derby", "Ely"], ["Yes"] * 5))
    second = load_survey(small_wave(tmp_path / "two", [" bath", "CREWE", "Derby", "Ely", "Frome"], ["No"] * 5))
    linked = link_councils(first, second)
    assert linked.pairs["key"].tolist() == ["bath", "crewe", "derby", "ely"]
    assert (linked.first_only, linked.second_only, linked.repeated) == (["Avon"], ["Frome"], [])
    assert paired_overlap(first, second) == 4


def test_each_option_gets_the_2x2_table_of_councils_that_answered_in_both_waves(tmp_path: Path) -> None:
    # Bath: Yes then Yes; Crewe: Yes then No; Derby: No then Yes; Ely skipped b in the first wave.
    first = load_survey(
        small_wave(tmp_path / "one", ["Avon", "Bath", "Crewe", "Derby", "Ely"], ["Yes", "Yes", "Yes", "No", ""])
    )
    second = load_survey(
        small_wave(tmp_path / "two", ["Bath", "Crewe", "Derby", "Ely", "Frome"], ["Yes", "No", "Yes", "No", "No"])
    )
    table = paired_comparison(first, second, link_councils(first, second), 0.90).set_index(["question", "option"])
    yes = table.loc[("b", "Yes")]
    assert (yes["pairs"], yes["both"], yes["first_only"], yes["second_only"], yes["neither"]) == (3, 1, 1, 1, 0)
    assert (yes["first_share"], yes["second_share"]) == pytest.approx((2 / 3, 2 / 3))
    expected = newcombe_paired_difference(1, 1, 1, 0, 0.90)  # the second wave is Newcombe's p1
    assert (yes["change"], yes["change_low"], yes["change_high"]) == pytest.approx(expected)
    assert yes["mcnemar_p"] == pytest.approx(mcnemar_exact_p(1, 1))
    assert yes["method"].startswith("90% Newcombe hybrid score interval for paired data")
    assert table.loc[("a", "In-house"), "pairs"] == 4


def test_the_change_is_the_second_wave_minus_the_first(tmp_path: Path) -> None:
    councils = ["Avon", "Bath", "Crewe", "Derby"]
    first = load_survey(small_wave(tmp_path / "one", councils, ["Yes"] * 4, data=["1", "1", "1", "1"]))
    second = load_survey(small_wave(tmp_path / "two", councils, ["Yes"] * 4, data=["1", "0", "0", "0"]))
    row = paired_comparison(first, second, link_councils(first, second), 0.95).set_index("option").loc["Data analysis"]
    assert (row["both"], row["first_only"], row["second_only"], row["change"]) == (1, 3, 0, pytest.approx(-0.75))
    assert row["change_high"] < 0 < row["mcnemar_p"]


def test_a_council_named_twice_in_a_wave_is_left_out_and_named(tmp_path: Path) -> None:
    first = load_survey(small_wave(tmp_path / "one", ["Avon", "Bath", "bath", "Crewe"], ["Yes"] * 4))
    second = load_survey(small_wave(tmp_path / "two", ["Avon", "Bath", "Crewe"], ["No"] * 3))
    linked = link_councils(first, second)
    assert linked.pairs["key"].tolist() == ["avon", "crewe"] and linked.repeated == ["Bath", "bath"]
    assert linked.overlap == 3


def test_respondents_naming_no_council_are_counted_not_paired(tmp_path: Path) -> None:
    first = load_survey(small_wave(tmp_path / "one", ["Avon", "", "Crewe"], ["Yes"] * 3))
    second = load_survey(small_wave(tmp_path / "two", ["Avon", "Crewe", ""], ["No"] * 3))
    linked = link_councils(first, second)
    assert (len(linked.pairs), linked.unnamed, linked.first_only) == (2, (1, 1), [])


def test_a_wave_without_an_authority_column_cannot_be_paired(tmp_path: Path) -> None:
    folder = tmp_path / "wave_two"
    shutil.copytree(paths.SURVEYS / "localis_2011", folder, ignore=shutil.ignore_patterns("published.csv", "*foot*"))
    second = load_survey(folder)
    assert link_councils(load_survey(paths.SURVEYS / "localis_2011"), second) is None
    assert paired_overlap(load_survey(paths.SURVEYS / "localis_2011"), second) is None


def test_councils_in_both_weighted_waves_are_linked_by_their_frame_codes(tmp_path: Path) -> None:
    first = load_survey(write_weighted_wave(tmp_path / "first", seed=2))
    second = load_survey(write_weighted_wave(tmp_path / "second", seed=9))
    codes = [set(generated_councils(seed, 140)["local-authority-code"]) for seed in (2, 9)]
    linked = link_councils(first, second)
    assert set(linked.pairs["key"]) == codes[0] & codes[1] and len(linked.pairs) > 0
    assert len(linked.first_only) == len(codes[0] - codes[1]) and len(linked.second_only) == len(codes[1] - codes[0])
    rows = linked.pairs.iloc[0]
    assert first.councils["authority"][rows["first_row"]] == second.councils["authority"][rows["second_row"]]
