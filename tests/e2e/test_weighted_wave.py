"""A generated weighted wave through notebook 01 gives R survey's weights, shares, errors and logit intervals.

The wave is generated here (seeded; tests only). R reads the same respondents with the councils' type and
region as the workbench matched them, rakes with `rake()` and estimates with `svymean` and `svyciprop` on
`subset()` of the raked design, the domain of those who answered.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from notebook_runs import run_notebook
from r_survey import needs_r, run_r, write_r_inputs
from weighted_waves import write_weighted_wave

from helpers.core import paths
from helpers.survey.folder import load_survey
from helpers.survey.weighted import weighted_shares
from helpers.survey.weighting import frame_on

R_WAVE = """
d <- read.csv("wave.csv", stringsAsFactors = FALSE, na.strings = character(0))
pop_type <- read.csv("pop_type.csv", stringsAsFactors = FALSE)
pop_region <- read.csv("pop_region.csv", stringsAsFactors = FALSE)
des <- svydesign(id = ~1, fpc = ~N, data = d)
r <- rake(des, list(~type, ~region), list(pop_type, pop_region))
one <- function(formula, design) {
  m <- svymean(formula, design)
  ci <- svyciprop(formula, design, method = "logit", level = 0.95)
  c(coef(m)[[1]], SE(m)[[1]], attr(ci, "ci"))
}
sub <- subset(r, b != "")
beta <- svyciprop(~as.numeric(b == "Yes"), sub, method = "beta", level = 0.95)
out <- list(weights = unname(weights(r)), a = one(~as.numeric(a == "Outsourced"), r),
            b = one(~as.numeric(b == "Yes"), sub), b_beta = unname(attr(beta, "ci")),
            b_deff = unname(deff(svymean(~as.numeric(b == "Yes"), sub, deff = TRUE))))
fields <- sprintf('"%s": [%s]', names(out), sapply(out, function(v) paste(sprintf("%.17g", v), collapse = ",")))
writeLines(paste0("{", paste(fields, collapse = ","), "}"), "out.json")
"""


@pytest.fixture(scope="module")
def weighted_run(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("weighted")
    wave = write_weighted_wave(root / "generated_wave", seed=11)
    out = run_notebook(paths.NOTEBOOKS / "01_delivery_and_intent.ipynb", root / "out", survey_dir=str(wave))
    return wave, out


def test_a_weighted_wave_writes_weights_a_nonresponse_table_and_names_the_weighting(weighted_run) -> None:
    wave, out = weighted_run
    weights = pd.read_csv(out / "weights.csv", dtype={"respondent_id": str})
    respondents = pd.read_csv(wave / "respondents.csv", dtype=str, keep_default_na=False)
    assert weights["respondent_id"].tolist() == respondents["respondent_id"].tolist()
    assert weights["weight"].sum() == pytest.approx(len(frame_on("2011-09-01")))
    table = pd.read_csv(out / "nonresponse.csv")
    assert set(table["margin"]) == {"local-authority-type", "region"}
    assert table.groupby("margin")["respondents"].sum().tolist() == [len(respondents)] * 2
    results = pd.read_csv(out / "results.csv", keep_default_na=False)
    weighted = results[results["statistic"] == "proportion (weighted)"]
    assert set(weighted["method"]) == {"95% logit interval, raked to type and region"}
    assert (out / "response_rates.png").exists() and (out / "response_rates.csv").exists()


@needs_r
def test_notebook_01_gives_r_surveys_weights_shares_errors_and_logit_intervals(weighted_run, tmp_path: Path) -> None:
    wave, out = weighted_run
    survey = load_survey(wave)
    write_r_inputs(wave, survey, tmp_path)
    r = run_r(R_WAVE, tmp_path)

    np.testing.assert_allclose(pd.read_csv(out / "weights.csv")["weight"], r["weights"], rtol=1e-6)
    shares = pd.read_csv(out / "weighted_shares.csv", keep_default_na=False).set_index(["question", "option"])
    results = pd.read_csv(out / "results.csv", dtype={"option": str}, keep_default_na=False)
    weighted = results[results["statistic"] == "proportion (weighted)"].set_index(["question", "option"])
    weighted = weighted[["estimate", "ci_low", "ci_high"]].astype(float)
    for key, (mean, se, low, high) in {("a", "Outsourced"): r["a"], ("b", "Yes"): r["b"]}.items():
        np.testing.assert_allclose(weighted.loc[key, "estimate"], mean, rtol=1e-6)
        np.testing.assert_allclose(shares.loc[key, "se"], se, rtol=1e-6)
        np.testing.assert_allclose([weighted.loc[key, "ci_low"], weighted.loc[key, "ci_high"]], [low, high], rtol=1e-4)
    beta = weighted_shares(survey, "b", 0.95, "beta").set_index("option").loc["Yes"]  # ci_method: beta
    np.testing.assert_allclose([beta["ci_low"], beta["ci_high"]], r["b_beta"], rtol=1e-4)
    np.testing.assert_allclose(shares.loc[("b", "Yes"), "deff"], r["b_deff"][0], rtol=1e-6)


def test_a_weighted_grid_gives_each_items_weighted_shares(tmp_path: Path) -> None:
    wave = write_weighted_wave(tmp_path / "generated_wave", seed=11)
    out = run_notebook(paths.NOTEBOOKS / "02_provider_shifts.ipynb", tmp_path / "out", survey_dir=str(wave))
    results = pd.read_csv(out / "results.csv", keep_default_na=False)
    weighted = results[results["statistic"] == "proportion (weighted)"]
    assert sorted(set(weighted["item"])) == ["Private companies", "Voluntary organisations"]
    by_item = weighted.astype({"estimate": float}).groupby("item")["estimate"].sum()
    assert by_item.to_numpy() == pytest.approx([1.0, 1.0])  # each item's options share its respondents
    survey = load_survey(wave)
    rated = survey.respondents["d::Private companies"].astype(str) != ""
    assert set(weighted[weighted["item"] == "Private companies"]["base"].astype(int)) == {int(rated.sum())}


R_TRIMMED = """
d <- read.csv("wave.csv", stringsAsFactors = FALSE, na.strings = character(0))
pop_type <- read.csv("pop_type.csv", stringsAsFactors = FALSE)
pop_region <- read.csv("pop_region.csv", stringsAsFactors = FALSE)
r <- rake(svydesign(id = ~1, fpc = ~N, data = d), list(~type, ~region), list(pop_type, pop_region))
m0 <- mean(weights(r))
t <- trimWeights(r, upper = 1.1 * m0, lower = 0.9 * m0)
sub <- subset(t, b != "")
m <- svymean(~as.numeric(b == "Yes"), sub)
lg <- svyciprop(~as.numeric(b == "Yes"), sub, method = "logit", level = 0.95)
out <- list(weights = unname(weights(t)), b = c(coef(m)[[1]], SE(m)[[1]], attr(lg, "ci")))
fields <- sprintf('"%s": [%s]', names(out), sapply(out, function(v) paste(sprintf("%.17g", v), collapse = ",")))
writeLines(paste0("{", paste(fields, collapse = ","), "}"), "out.json")
"""


@needs_r
def test_trimmed_weights_are_r_surveys_trimweights_with_its_errors(tmp_path: Path) -> None:
    wave = write_weighted_wave(tmp_path / "generated_wave", seed=11)
    yaml = wave / "survey.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("  method: rake\n", "  method: rake\n  trim: [0.9, 1.1]\n")
    )
    survey = load_survey(wave)
    write_r_inputs(wave, survey, tmp_path)
    r = run_r(R_TRIMMED, tmp_path)
    np.testing.assert_allclose(survey.design.weights, r["weights"], rtol=1e-6)
    yes = weighted_shares(survey, "b", 0.95, "logit").set_index("option").loc["Yes"]
    np.testing.assert_allclose([yes["share"], yes["se"]], r["b"][:2], rtol=1e-6)
    np.testing.assert_allclose([yes["ci_low"], yes["ci_high"]], r["b"][2:], rtol=1e-4)


def test_a_weighted_tick_all_question_gives_each_options_weighted_share_of_those_who_answered(tmp_path: Path) -> None:
    wave = write_weighted_wave(tmp_path / "generated_wave", seed=11)
    out = run_notebook(paths.NOTEBOOKS / "03_skills_gaps.ipynb", tmp_path / "out", survey_dir=str(wave))
    results = pd.read_csv(out / "results.csv", keep_default_na=False)
    weighted = results[results["statistic"] == "proportion (weighted)"].set_index("option")
    expected = weighted_shares(load_survey(wave), "c", 0.95, "wilson").set_index("option")
    assert weighted["estimate"].astype(float).to_dict() == pytest.approx(expected["share"].to_dict())
    assert (out / "weights.csv").exists() and (out / "response_rates.png").exists()
