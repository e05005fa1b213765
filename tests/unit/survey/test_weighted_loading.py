"""Loading a wave with a `weighting` block, an `authority` column, and the import's `guessed:` marks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from survey_edits import load_error, replace_line
from weighted_waves import write_weighted_wave

from helpers.survey import load_survey
from helpers.survey.weighted import design_method, weighted_method, weighted_shares


def test_a_weighted_wave_loads_raked_to_the_frame(tmp_path: Path) -> None:
    survey = load_survey(write_weighted_wave(tmp_path / "wave", seed=2))
    assert survey.weighted
    assert survey.spec.weighting.margins == ("local-authority-type", "region")
    assert survey.councils["authority"].is_unique
    assert "weighting" not in survey.spec.meta


def test_an_unweighted_wave_has_no_design(survey_dir: Path) -> None:
    assert not load_survey(survey_dir).weighted


def test_each_guessed_line_is_one_error_naming_it(tmp_path: Path) -> None:
    wave = write_weighted_wave(tmp_path / "wave", seed=2)
    yaml = wave / "survey.yaml"
    first = replace_line(yaml, "    wording: How are services delivered?", "    guessed: [type, options]")
    second = replace_line(yaml, "    type: multi", "    type: multi\n    guessed: [type]") + 1
    error = load_error(wave)
    guessed = [p for p in error.problems if p.column == "guessed"]
    assert [p.line for p in guessed] == [first, second]
    assert all("confirm the guessed type/options/items" in p.expected for p in guessed)
    assert "then delete this line" in str(error)


def test_a_bad_weighting_block_is_an_error_at_its_line(tmp_path: Path) -> None:
    wave = write_weighted_wave(tmp_path / "wave", seed=2)
    line = replace_line(wave / "survey.yaml", "  method: rake", "  method: calibrate")
    error = load_error(wave)
    assert [(p.column, p.line) for p in error.problems] == [("weighting.method", line - 1)]


def test_a_weighted_wave_needs_the_authority_column(tmp_path: Path) -> None:
    wave = write_weighted_wave(tmp_path / "wave", seed=2)
    data = pd.read_csv(wave / "respondents.csv", dtype=str, keep_default_na=False)
    data.drop(columns="authority").to_csv(wave / "respondents.csv", index=False)
    error = load_error(wave)
    assert [(p.path.split("/")[-1], p.column) for p in error.problems] == [("respondents.csv", "authority")]
    assert "weighting block" in error.problems[0].expected


def test_an_authority_column_is_allowed_without_weighting(tmp_path: Path) -> None:
    wave = write_weighted_wave(tmp_path / "wave", seed=2)
    yaml = wave / "survey.yaml"
    text = yaml.read_text(encoding="utf-8")
    start, end = text.index("weighting:"), text.index("questions:")
    yaml.write_text(text[:start] + text[end:], encoding="utf-8")
    survey = load_survey(wave)
    assert not survey.weighted and "authority" in survey.respondents.columns


def test_an_unmatched_council_is_an_error_when_the_wave_loads(tmp_path: Path) -> None:
    wave = write_weighted_wave(tmp_path / "wave", seed=2)
    data = pd.read_csv(wave / "respondents.csv", dtype=str, keep_default_na=False)
    data.loc[3, "authority"] = "Nowhere Borough Council"
    data.to_csv(wave / "respondents.csv", index=False)
    error = load_error(wave)
    assert [(p.line, p.column, p.found) for p in error.problems] == [(5, "authority", "Nowhere Borough Council")]


def test_weighted_shares_of_a_tick_all_question_are_of_those_who_answered(tmp_path: Path) -> None:
    survey = load_survey(write_weighted_wave(tmp_path / "wave", seed=2))
    shares = weighted_shares(survey, "c", 0.95, "wilson")
    answered = survey.spec.by_id["c"].answered
    assert shares["base"].tolist() == [answered] * 3
    assert ((shares["ci_low"] < shares["share"]) & (shares["share"] < shares["ci_high"])).all()
    assert (shares["effective_n"] == shares["base"] / shares["deff"]).all()


def test_the_interval_method_names_the_weighting() -> None:
    assert design_method("beta") == "beta" and design_method("wilson") == "logit"


def test_the_method_label_says_level_interval_and_weighting(tmp_path: Path) -> None:
    survey = load_survey(write_weighted_wave(tmp_path / "wave", seed=2))
    assert weighted_method(survey, 0.9, "jeffreys") == "90% logit interval, raked to type and region"


def test_the_check_command_says_a_wave_is_weighted(tmp_path: Path, capsys) -> None:
    from helpers.survey.check import main

    assert main([str(write_weighted_wave(tmp_path / "wave", seed=2))]) == 0
    assert "; weighted, raked to type and region (" in capsys.readouterr().out
