"""Proportions with confidence intervals, with and without the finite population correction.

Intervals come from statsmodels: `proportion_confint` for one proportion (Wilson, Clopper-Pearson
"beta", Agresti-Coull, Jeffreys) and `multinomial_proportions_confint` for simultaneous intervals
over a whole distribution (Goodman; Sison-Glaz only where it is valid).

The finite population correction (FPC). Under simple random sampling without replacement of n
units from N, the variance of a sample proportion is (N - n)/(N - 1) * p(1 - p)/n (Cochran,
*Sampling Techniques*, 3rd ed., 1977, ch. 3 "Sampling Proportions and Percentages", section 3.2
"Variances of the Sample Estimates"). Standard errors, and so the half-widths of normal-type
intervals, shrink by the factor sqrt((N - n)/(N - 1)). Here that factor is applied to each side
of the interval separately, measured from the estimate: low' = p - f (p - low),
high' = p + f (high - p). This keeps an asymmetric interval (Wilson,
Clopper-Pearson) asymmetric, keeps it inside [0, 1], and collapses it to the estimate for a census
(n = N). The correction assumes a simple random sample; a self-selected sample is not one, so
the corrected interval describes sampling error only under that assumption.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import multinomial_proportions_confint, proportion_confint

CI_METHODS = ("wilson", "beta", "agresti_coull", "jeffreys")
CI_METHOD_NAMES = {
    "wilson": "Wilson score",
    "beta": "Clopper-Pearson (exact)",
    "agresti_coull": "Agresti-Coull",
    "jeffreys": "Jeffreys",
}
# statsmodels documents Sison-Glaz as valid only for 7 or more categories, and does not warn below.
SISON_GLAZ_MIN_CATEGORIES = 7
# statsmodels documents Goodman's chi-square approximation as valid when every count is 5 or more.
GOODMAN_MIN_COUNT = 5


def fpc_factor(n: int, population_size: int | None) -> float:
    """sqrt((N - n)/(N - 1)), the factor that shrinks a standard error; 1 when N is None.

    >>> round(fpc_factor(103, 353), 4)
    0.8427
    >>> fpc_factor(50, None)
    1.0
    """
    if population_size is None:
        return 1.0
    if n > population_size:
        raise ValueError(f"sample size {n} exceeds population size {population_size}")
    if population_size == 1:
        return 0.0
    return math.sqrt((population_size - n) / (population_size - 1))


def shrink(estimate, low, high, factor: float):
    """Scale an interval's two sides, measured from the estimate, by `factor` (the FPC)."""
    estimate, low, high = (np.asarray(v, dtype=float) for v in (estimate, low, high))
    return estimate - factor * (estimate - low), estimate + factor * (high - estimate)


def proportion_interval(
    count: int, nobs: int, confidence: float = 0.95, method: str = "wilson", population_size: int | None = None
) -> tuple[float, float, float]:
    """(estimate, low, high) of count/nobs; with a population size, the FPC shrinks the interval.

    >>> [round(v, 4) for v in proportion_interval(84, 103)]
    [0.8155, 0.7298, 0.8786]
    >>> [round(v, 4) for v in proportion_interval(84, 103, population_size=353)]
    [0.8155, 0.7433, 0.8687]
    """
    if method not in CI_METHODS:
        raise ValueError(f"method must be one of {', '.join(CI_METHODS)}, not {method!r}")
    if nobs <= 0:
        return math.nan, math.nan, math.nan
    low, high = proportion_confint(count, nobs, alpha=1 - confidence, method=method)
    estimate = count / nobs
    # floating point can put the estimate a hair outside an exact interval at 0 or 1
    low, high = min(float(low), estimate), max(float(high), estimate)
    if population_size is not None:
        low, high = shrink(estimate, low, high, fpc_factor(nobs, population_size))
    return estimate, float(low), float(high)


def share_row(
    count: int, base: int, confidence: float = 0.95, method: str = "wilson", population_size: int | None = None
) -> dict:
    """count, base, share and its interval, without and with the FPC (NaN without a population size)."""
    est, low, high = proportion_interval(count, base, confidence, method)
    row = {"count": count, "base": int(base), "share": est, "ci_low": low, "ci_high": high}
    row["ci_low_fpc"] = row["ci_high_fpc"] = math.nan
    if population_size is not None:
        _, row["ci_low_fpc"], row["ci_high_fpc"] = proportion_interval(count, base, confidence, method, population_size)
    return row


def proportions_table(
    counts: pd.Series, base: int, confidence: float = 0.95, method: str = "wilson", population_size: int | None = None
) -> pd.DataFrame:
    """One row per option: count, base, share and its interval, without and with the FPC (NaN without N).

    `counts` is indexed by option; every share is count/base (for a tick-all question the shares
    add to more than 1).
    """
    rows = [
        {"option": option, **share_row(int(count), base, confidence, method, population_size)}
        for option, count in counts.items()
    ]
    return pd.DataFrame(
        rows, columns=["option", "count", "base", "share", "ci_low", "ci_high", "ci_low_fpc", "ci_high_fpc"]
    )


def simultaneous_intervals(
    counts: pd.Series, confidence: float = 0.95, population_size: int | None = None
) -> tuple[pd.DataFrame, str]:
    """Simultaneous intervals for a whole distribution (one multinomial), and a note on Sison-Glaz.

    Goodman (1965) always; Sison and Glaz (1995) only with at least 7 categories, the range in
    which statsmodels documents it as valid (it does not warn below). The note says which were
    computed and why, and names the counts below 5, where Goodman's approximation is outside the
    range statsmodels documents as valid (column `below_valid_count`). Columns: option, count,
    share, method, ci_low, ci_high, base, below_valid_count, and the FPC versions (NaN without a
    population size).
    """
    values = np.asarray(counts, dtype=float)
    n = int(values.sum())
    k = len(values)
    methods = ["goodman"]
    if k >= SISON_GLAZ_MIN_CATEGORIES:
        methods.append("sison-glaz")
        note = (
            f"Goodman and Sison-Glaz intervals ({k} categories; Sison-Glaz needs at least {SISON_GLAZ_MIN_CATEGORIES})."
        )
    else:
        note = (
            f"Goodman intervals only: Sison-Glaz is valid only for at least {SISON_GLAZ_MIN_CATEGORIES} "
            f"categories and this question has {k} (statsmodels would compute it without a warning)."
        )
    small = [f"{option} ({int(v)})" for option, v in zip(counts.index, values) if v < GOODMAN_MIN_COUNT]
    if small:
        note += (
            f" Goodman's chi-square approximation is documented as valid only when every count is at least "
            f"{GOODMAN_MIN_COUNT}; here {'these counts are' if len(small) > 1 else 'this count is'} below it: "
            f"{', '.join(small)}. Read the simultaneous intervals of those answers as rough."
        )
    frames = []
    for method in methods:
        bounds = multinomial_proportions_confint(values, alpha=1 - confidence, method=method)
        share = values / n
        frame = pd.DataFrame(
            {
                "option": list(counts.index),
                "count": values.astype(int),
                "share": share,
                "method": method,
                "ci_low": np.minimum(bounds[:, 0], share),
                "ci_high": np.maximum(bounds[:, 1], share),
            }
        )
        frame["base"] = n
        frame["below_valid_count"] = values < GOODMAN_MIN_COUNT if method == "goodman" else False
        frame["ci_low_fpc"], frame["ci_high_fpc"] = math.nan, math.nan
        if population_size is not None:
            low, high = shrink(share, frame["ci_low"], frame["ci_high"], fpc_factor(n, population_size))
            frame["ci_low_fpc"], frame["ci_high_fpc"] = low, high
        frames.append(frame)
    return pd.concat(frames, ignore_index=True), note


def nonresponse_bounds(
    counts: pd.Series, answered: int, skipped: int, confidence: float = 0.95, method: str = "wilson"
) -> pd.DataFrame:
    """What non-response could do to each share of all who were asked (answered + skipped).

    Lower bound: no one who skipped would have ticked the option, x/(a + s); upper bound: every one
    would, (x + s)/(a + s) (Manski-style worst-case bounds). `ci_low` is the lower bound's lower
    confidence limit and `ci_high` the upper bound's upper limit, so the interval covers both
    sampling error and every possible answer of the non-respondents.

    >>> nonresponse_bounds(pd.Series({"x": 54}), 78, 27)[["lower", "upper"]].round(4).values.tolist()
    [[0.5143, 0.7714]]
    """
    total = answered + skipped
    rows = []
    for option, count in counts.items():
        low_est, low_ci, _ = proportion_interval(int(count), total, confidence, method)
        up_est, _, up_ci = proportion_interval(int(count) + skipped, total, confidence, method)
        rows.append(
            {
                "option": option,
                "count": int(count),
                "answered": answered,
                "skipped": skipped,
                "share_of_answered": count / answered if answered else math.nan,
                "lower": low_est,
                "upper": up_est,
                "ci_low": low_ci,
                "ci_high": up_ci,
            }
        )
    return pd.DataFrame(rows)
