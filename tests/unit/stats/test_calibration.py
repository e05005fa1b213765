"""helpers.stats.calibration against R's survey package (Lumley), run through Rscript on the same data.

Where Rscript or the package is absent these tests skip with one line (tests/support/r_survey.py); `.ci/run`
installs Debian's r-cran-survey so that in CI they run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from r_survey import needs_r, run_r

from helpers.stats.calibration import CalibrationError, mean_estimate, rake, sample_design, share_interval

R_RAKE = """
d <- read.csv("sample.csv", stringsAsFactors = FALSE)
pop_type <- read.csv("pop_type.csv", stringsAsFactors = FALSE)
pop_region <- read.csv("pop_region.csv", stringsAsFactors = FALSE)
des <- svydesign(id = ~1, fpc = ~N, data = d)
r <- rake(des, list(~type, ~region), list(pop_type, pop_region))
m <- svymean(~y, r, deff = TRUE)
lg <- svyciprop(~y, r, method = "logit", level = LEVEL)
bt <- svyciprop(~y, r, method = "beta", level = LEVEL)
out <- list(weights = unname(weights(r)), mean = unname(coef(m)), se = unname(SE(m)),
            deff = unname(deff(m)), logit = unname(attr(lg, "ci")), beta = unname(attr(bt, "ci")))
fields <- sprintf('"%s": [%s]', names(out), sapply(out, function(v) paste(sprintf("%.17g", v), collapse = ",")))
writeLines(paste0("{", paste(fields, collapse = ","), "}"), "out.json")
"""


def generated_wave(seed: int, n: int = 160) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """A seeded wave: n councils drawn from a generated frame of 353, by type and region, with a yes/no answer."""
    rng = np.random.default_rng(seed)
    types = ["CC", "LBO", "MD", "NMD", "UA"]
    regions = [f"R{i}" for i in range(1, 7)]
    frame = pd.DataFrame(
        {
            "type": rng.choice(types, size=353, p=[0.05, 0.15, 0.2, 0.4, 0.2]),
            "region": rng.choice(regions, size=353),
        }
    )
    sample = frame.sample(n=n, random_state=seed).reset_index(drop=True)
    propensity = 0.3 + 0.4 * sample["type"].isin(["LBO", "UA"]) + 0.1 * (sample["region"] == "R1")
    sample["y"] = (rng.random(n) < propensity).astype(int)
    totals = {
        "type": frame["type"].value_counts().sort_index(),
        "region": frame["region"].value_counts().sort_index(),
    }
    return sample, totals


@needs_r
@pytest.mark.parametrize(("seed", "level"), [(1, 0.95), (7, 0.90), (23, 0.99)])
def test_raked_weights_shares_errors_and_intervals_equal_r_survey(tmp_path: Path, seed: int, level: float) -> None:
    sample, totals = generated_wave(seed)
    sample.assign(N=353).to_csv(tmp_path / "sample.csv", index=False)
    for name, counts in totals.items():
        counts.rename_axis(name).rename("Freq").reset_index().to_csv(tmp_path / f"pop_{name}.csv", index=False)
    r = run_r(R_RAKE.replace("LEVEL", repr(level)), tmp_path)

    design = rake(sample_design(len(sample), population_size=353), sample[["type", "region"]], totals)
    estimate = mean_estimate(sample["y"], design)

    np.testing.assert_allclose(design.weights, r["weights"], rtol=1e-6)
    np.testing.assert_allclose(estimate.mean, r["mean"][0], rtol=1e-6)
    np.testing.assert_allclose(estimate.se, r["se"][0], rtol=1e-6)
    np.testing.assert_allclose(estimate.deff, r["deff"][0], rtol=1e-6)
    np.testing.assert_allclose(share_interval(estimate, design, level, "logit"), r["logit"], rtol=1e-4)
    np.testing.assert_allclose(share_interval(estimate, design, level, "beta"), r["beta"], rtol=1e-4)


R_APISTRAT = """
data(api)
write.csv(apistrat[, c("stype", "pw", "fpc", "api00")], "apistrat.csv", row.names = FALSE)
d <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
m <- svymean(~api00, d)
writeLines(sprintf('{"mean": %.17g, "se": %.17g}', coef(m), SE(m)), "out.json")
"""


@needs_r
def test_a_stratified_design_gives_r_surveys_documented_mean_of_apistrat(tmp_path: Path) -> None:
    """svymean(~api00) on Lumley's apistrat is 662.29 with SE 9.4089 (the survey package's documentation)."""
    r = run_r(R_APISTRAT, tmp_path)
    api = pd.read_csv(tmp_path / "apistrat.csv")
    design = sample_design(len(api), weights=api["pw"], strata=api["stype"], stratum_sizes=api["fpc"])
    estimate = mean_estimate(api["api00"], design)
    assert (round(estimate.mean, 2), round(estimate.se, 4)) == (662.29, 9.4089)
    np.testing.assert_allclose([estimate.mean, estimate.se], [r["mean"], r["se"]], rtol=1e-6)


def test_a_population_category_with_no_respondent_is_an_error_naming_it() -> None:
    sample = pd.DataFrame({"type": ["UA", "UA", "MD"]})
    totals = {"type": pd.Series({"UA": 50, "MD": 30, "CC": 1})}
    with pytest.raises(CalibrationError, match=r"no respondent in \['CC'\].*collapse"):
        rake(sample_design(3, population_size=81), sample, totals)


def test_raking_reproduces_every_margin() -> None:
    sample, totals = generated_wave(3)
    design = rake(sample_design(len(sample), population_size=353), sample[["type", "region"]], totals)
    for name, counts in totals.items():
        weighted = pd.Series(design.weights).groupby(sample[name]).sum()
        np.testing.assert_allclose(weighted.sort_index(), counts.sort_index(), atol=1.0)
    assert design.converged


def test_unweighted_srs_design_effect_is_one() -> None:
    """With equal weights and no raking the design is simple random sampling: deff 1, n_eff n."""
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 1])
    estimate = mean_estimate(y, sample_design(len(y), population_size=353))
    assert estimate.deff == pytest.approx(1.0)
    assert estimate.effective_n == pytest.approx(len(y))
