"""helpers.survey.comparison: two waves compared on the questions both asked, matched by id or a mapping."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from r_survey import needs_r, run_r, write_r_inputs
from scipy import stats
from survey_edits import replace_line
from weighted_waves import write_weighted_wave

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.stats.waves import design_difference, newcombe_difference
from helpers.survey import load_survey
from helpers.survey.comparison import check_mapping, compare_waves, read_mapping
from helpers.survey.weighted import weighted_shares

LOCALIS = paths.SURVEYS / "localis_2011"


def second_wave(tmp_path: Path) -> Path:
    """A copy of the 2011 folder in which two answers of question a trade their counts (the bases stay)."""
    folder = tmp_path / "wave_two"
    shutil.copytree(LOCALIS, folder, ignore=shutil.ignore_patterns("published.csv", "*footnote*"))
    counts = folder / "counts.csv"
    replace_line(counts, "a,,Mainly in-house,36", "a,,Mainly in-house,7")
    replace_line(counts, "a,,Mainly outsourced,7", "a,,Mainly outsourced,36")
    replace_line(folder / "survey.yaml", "id: localis_2011", "id: wave_two")
    return folder


def test_each_shared_option_gets_both_shares_and_newcombes_interval_for_the_change(tmp_path: Path) -> None:
    first, second = load_survey(LOCALIS), load_survey(second_wave(tmp_path))
    table = compare_waves(first, second, 0.95)
    row = table[(table["question"] == "a") & (table["option"] == "Mainly in-house")].iloc[0]
    base = int(first.question("a").answered)
    assert (row["first_count"], row["second_count"], row["first_base"]) == (36, 7, base)
    assert (row["change"], row["change_low"], row["change_high"]) == pytest.approx(
        newcombe_difference(7, base, 36, base)
    )
    unchanged = table[(table["question"] == "b")]
    assert (unchanged["change"] == 0).all()
    assert set(table["question"]) == {q.id for q in first.spec.questions if q.type in ("single", "multi")}


def test_a_mapping_matches_a_renamed_option(tmp_path: Path) -> None:
    folder = second_wave(tmp_path)
    replace_line(folder / "counts.csv", "b,,Yes,84", 'b,,"Yes, a greater role",84')
    replace_line(folder / "survey.yaml", '      - "Yes"', '      - "Yes, a greater role"')
    mapping_file = tmp_path / "mapping.csv"
    mapping_file.write_text('from_question,to_question,from_option,to_option\nb,b,Yes,"Yes, a greater role"\n')
    first, second = load_survey(LOCALIS), load_survey(folder)
    mapping = read_mapping(mapping_file)
    check_mapping(mapping, first, second, mapping_file)
    table = compare_waves(first, second, 0.90, mapping)
    assert "Yes, a greater role" in set(table[table["question"] == "b"]["option"])


def test_a_mapping_naming_an_option_the_wave_lacks_is_an_error_naming_its_line(tmp_path: Path) -> None:
    mapping_file = tmp_path / "mapping.csv"
    mapping_file.write_text("from_question,to_question,from_option,to_option\na,a,Mainly in-house,In house\n")
    first, second = load_survey(LOCALIS), load_survey(second_wave(tmp_path))
    with pytest.raises(DataError, match=r"mapping.csv, line 2, column 'to_option'"):
        check_mapping(read_mapping(mapping_file), first, second, mapping_file)


def test_the_comparison_table_has_one_row_per_matched_option(tmp_path: Path) -> None:
    table = compare_waves(load_survey(LOCALIS), load_survey(second_wave(tmp_path)), 0.95)
    assert not table.duplicated(["question", "option"]).any()
    assert isinstance(table, pd.DataFrame) and len(table) > 0


def test_two_weighted_waves_compare_weighted_shares_with_the_design_based_difference(tmp_path: Path) -> None:
    first = load_survey(write_weighted_wave(tmp_path / "first", seed=2))
    second = load_survey(write_weighted_wave(tmp_path / "second", seed=9))
    table = compare_waves(first, second, 0.95).set_index(["question", "option"])
    one = weighted_shares(first, "b", 0.95, "wilson").set_index("option").loc["Yes"]
    two = weighted_shares(second, "b", 0.95, "wilson").set_index("option").loc["Yes"]
    row = table.loc[("b", "Yes")]
    assert (row["first_share"], row["second_share"]) == pytest.approx((one["share"], two["share"]))
    expected = design_difference(two["share"], two["se"], one["share"], one["se"], 0.95)
    assert (row["change"], row["change_low"], row["change_high"]) == pytest.approx(expected)
    assert row["method"].startswith("95% design-based interval")


def test_a_level_such_as_97_5_percent_is_named_as_it_is(tmp_path: Path) -> None:
    table = compare_waves(load_survey(LOCALIS), load_survey(second_wave(tmp_path)), 0.975)
    assert set(table["method"]) == {"97.5% Newcombe hybrid score interval (independent samples)"}


R_DIFFERENCE = """
raked <- function(dir) {
  d <- read.csv(file.path(dir, "wave.csv"), colClasses = "character", na.strings = character(0), check.names = FALSE)
  d$N <- as.numeric(d$N)
  pop_type <- read.csv(file.path(dir, "pop_type.csv"), stringsAsFactors = FALSE)
  pop_region <- read.csv(file.path(dir, "pop_region.csv"), stringsAsFactors = FALSE)
  d$y_b <- as.numeric(d$b == "Yes")
  d$answered_b <- d$b != ""
  d$y_c <- as.numeric(d[["c::Data analysis"]] == "1")
  d$answered_c <- d[["c::Contract management"]] != "" | d[["c::Market analysis"]] != "" |
    d[["c::Data analysis"]] != ""
  rake(svydesign(id = ~1, fpc = ~N, data = d), list(~type, ~region), list(pop_type, pop_region))
}
first <- raked("one")
second <- raked("two")
change <- function(y, answered) {
  m1 <- svymean(y, subset(first, first$variables[[answered]]))
  m2 <- svymean(y, subset(second, second$variables[[answered]]))
  both <- structure(c(second = coef(m2)[[1]], first = coef(m1)[[1]]),
                    var = diag(c(SE(m2)[[1]]^2, SE(m1)[[1]]^2)), statistic = "mean", class = "svystat")
  ch <- svycontrast(both, c(second = 1, first = -1))
  c(coef(ch)[[1]], SE(ch)[[1]], confint(ch, level = LEVEL))
}
out <- list(b = change(~y_b, "answered_b"), c = change(~y_c, "answered_c"))
fields <- sprintf('"%s": [%s]', names(out), sapply(out, function(v) paste(sprintf("%.17g", v), collapse = ",")))
writeLines(paste0("{", paste(fields, collapse = ","), "}"), "out.json")
"""


@needs_r
@pytest.mark.parametrize("level", [0.95, 0.90])
def test_the_design_based_change_is_r_surveys_contrast_of_two_independently_raked_waves(
    tmp_path: Path, level: float
) -> None:
    """The workbench's definition, in R: each wave raked on its own (rake), its share over those who answered
    (svymean on subset()), and the change as svycontrast of the two estimates with a block-diagonal covariance
    (the waves are independent samples), so its SE is sqrt(se1^2 + se2^2), with confint's normal interval."""
    waves = {}
    for name, seed in (("one", 2), ("two", 9)):
        folder = write_weighted_wave(tmp_path / f"wave_{name}", seed=seed)
        waves[name] = load_survey(folder)
        write_r_inputs(folder, waves[name], tmp_path / "r" / name)
    r = run_r(R_DIFFERENCE.replace("LEVEL", repr(level)), tmp_path / "r")
    table = compare_waves(waves["one"], waves["two"], level).set_index(["question", "option"])
    z = stats.norm.ppf(0.5 + level / 2)
    for key, (estimate, se, low, high) in {("b", "Yes"): r["b"], ("c", "Data analysis"): r["c"]}.items():
        row = table.loc[key]
        np.testing.assert_allclose(row["change"], estimate, rtol=1e-6)
        np.testing.assert_allclose((row["change_high"] - row["change_low"]) / (2 * z), se, rtol=1e-6)
        np.testing.assert_allclose([row["change_low"], row["change_high"]], [low, high], rtol=1e-4)
