"""Weights raked to population margins, and design-based standard errors that take the raking into account.

The estimators are those of R's `survey` package (Lumley 2010, *Complex Surveys: A Guide to Analysis
Using R*, Wiley, ch. 7 "Post-stratification, raking and calibration"), which the tests compare with to
1e-6 through `Rscript`:

- `rake` is iterative proportional fitting (Deming and Stephan 1940): each margin in turn post-stratifies
  the weights to the population counts, until no cell of the table of all margins moves by `epsilon` or
  more (R's `rake(control = list(maxit = 10, epsilon = 1))`).
- `mean_estimate` is the weighted (Hajek) mean with its Taylor-linearisation variance. Raking is a
  calibration, so, as Deville and Särndal (1992, "Calibration estimators in survey sampling", JASA
  87:376-382) show, the variance is that of the residuals of the estimating function after projection on
  the margins; like R's `svyrecvar`, the projection is made by ten rounds of back-fitting, one margin at a
  time. The residuals then enter the one-stage stratified variance without replacement:
  (1 - n_h/N_h) n_h/(n_h - 1) sum (z - mean_h(z))^2 per stratum.
- `share_interval` gives `svyciprop`'s "logit" interval (a t interval on the log-odds scale with
  degrees of freedom n minus the number of strata) and its "beta" interval (Korn and Graubard 1998).
- The design effect is R's `deff = TRUE`: the variance over that of simple random sampling without
  replacement of the same size; the effective sample size is n over the design effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

BACKFITTING_ROUNDS = 10  # R's svyrecvar projects on raking margins with ten rounds of back-fitting


class CalibrationError(ValueError):
    """Margins that cannot be raked to (a category the population or the sample lacks); names the margin."""


@dataclass(frozen=True)
class Design:
    """A one-stage design: each row a respondent, drawn without replacement within its stratum.

    `steps` holds the post-stratifications of the last raking round (each: the category code of every row
    and the weights after that step); empty for a design that was not raked.
    """

    weights: np.ndarray
    strata: np.ndarray
    population: np.ndarray  # N_h of each row's stratum, or inf where no finite population is known
    steps: tuple[tuple[np.ndarray, np.ndarray], ...] = field(default=())
    converged: bool = True

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def degrees_of_freedom(self) -> int:
        """Respondents less strata (R's `degf` for a one-stage design)."""
        return self.n - len(np.unique(self.strata))


def sample_design(
    n: int, population_size: float | None = None, weights=None, strata=None, stratum_sizes=None
) -> Design:
    """A design from its sample: equal weights N/n without replacement from N (or given weights)."""
    strata = np.zeros(n, dtype=int) if strata is None else pd.factorize(np.asarray(strata))[0]
    if stratum_sizes is not None:
        population = np.asarray(stratum_sizes, dtype=float)
    elif population_size is not None:
        population = np.full(n, float(population_size))
    else:
        population = np.full(n, np.inf)
    if weights is None:
        if population_size is None:
            raise ValueError("equal design weights need the population size")
        weights = np.full(n, float(population_size) / n)
    return Design(np.asarray(weights, dtype=float), strata, population)


def rake(
    design: Design,
    margins: pd.DataFrame,
    totals: dict[str, pd.Series],
    maxit: int = 10,
    epsilon: float = 1.0,
) -> Design:
    """Rake `design`'s weights so that each column of `margins` sums to its population `totals`.

    `margins` has one row per respondent and one column per margin; `totals[column]` gives the population
    count of each category. A category with respondents but no population count, or a population
    category with no respondent, is a CalibrationError naming it (merge it into another first).
    """
    codes, problems = {}, []
    for column in margins.columns:
        values = margins[column].astype(str)
        population = totals[column].set_axis(totals[column].index.astype(str))
        present = set(pd.unique(values))
        missing = sorted(present - set(population.index))
        if missing:
            problems.append(f"weighting margin {column!r}: respondents in {missing}, which the population lacks")
        empty = sorted(c for c in population.index if population[c] > 0 and c not in present)
        if empty:
            problems.append(
                f"weighting margin {column!r}: no respondent in {empty}; merge each into another category "
                "(`collapse`) to rake on this margin"
            )
        if missing or empty:
            continue
        code = pd.Categorical(values, categories=list(population.index)).codes.astype(np.intp)
        codes[column] = (code, population.to_numpy(float))
    if problems:
        raise CalibrationError("; ".join(problems))
    weights = design.weights.copy()
    sizes = [len(population) for _, population in codes.values()]
    cells = np.ravel_multi_index([code for code, _ in codes.values()], sizes)
    old_table = _cell_totals(cells, weights)
    converged, steps = False, []
    for _ in range(maxit):
        steps = []
        for code, population in codes.values():
            sample = np.bincount(code, weights=weights, minlength=len(population))
            weights = weights * (population / np.where(sample > 0, sample, 1))[code]
            steps.append((code, weights.copy()))
        new_table = _cell_totals(cells, weights)
        if np.max(np.abs(old_table - new_table)) < epsilon:
            converged = True
            break
        old_table = new_table
    return Design(weights, design.strata, design.population, tuple(steps), converged)


def _cell_totals(cells: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted count of every cell of the table of all margins (R's `svytable` over them)."""
    return np.bincount(cells, weights=weights)


def _residuals(z: np.ndarray, design: Design) -> np.ndarray:
    """The estimating function's residuals after projection on the raking margins (back-fitting)."""
    for _ in range(BACKFITTING_ROUNDS if design.steps else 0):
        for code, step_weights in design.steps:
            ratio = z / step_weights
            means = np.bincount(code, weights=ratio) / np.bincount(code)
            z = z - step_weights * means[code]
    return z


def _variance(z: np.ndarray, design: Design) -> float:
    """One-stage stratified variance without replacement of the total of `z`."""
    total = 0.0
    for stratum in np.unique(design.strata):
        rows = design.strata == stratum
        n_h = int(rows.sum())
        if n_h < 2:
            continue
        fraction = n_h / design.population[rows][0]
        centred = z[rows] - z[rows].mean()
        total += (1 - fraction) * n_h / (n_h - 1) * float(centred @ centred)
    return total


@dataclass(frozen=True)
class Estimate:
    """A weighted mean (or share) with its standard error, design effect and effective sample size."""

    mean: float
    se: float
    deff: float
    n: int
    df: int | None = None  # degrees of freedom of a domain (rows with weight in it, less strata); None: the design's

    @property
    def effective_n(self) -> float:
        return self.n / self.deff if self.deff > 0 else float("nan")


def mean_estimate(y, design: Design, domain=None) -> Estimate:
    """Weighted mean of `y` with its linearisation SE and design effect (R's `svymean(deff = TRUE)`).

    `domain` (a boolean per row) estimates over a subpopulation, such as those who answered a question, as
    R does for `subset()` of a calibrated design: the rows outside keep their place in the design with a
    zero contribution, so the variance still reflects the whole sample and its raking.
    """
    y = np.asarray(y, dtype=float)
    inside = np.ones(design.n, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    w = np.where(inside, design.weights, 0.0)
    y = np.where(inside, y, 0.0)
    total = w.sum()
    mean = float(w @ y / total)
    variance = _variance(_residuals(np.where(inside, (y - mean) * w / total, 0.0), design), design)
    n = int(inside.sum())
    spread = float(w @ ((y - mean) ** 2 * n / (n - 1)) / total) if n > 1 else 0.0  # R's svyvar
    srs = spread * (total - n) / (total * n)
    deff = variance / srs if srs > 0 else float("nan")
    df = None if domain is None else n - len(np.unique(design.strata[inside]))
    return Estimate(mean, float(np.sqrt(variance)), deff, n, df)


def share_interval(
    estimate: Estimate, design: Design, level: float = 0.95, method: str = "logit"
) -> tuple[float, float]:
    """`svyciprop`'s interval for a share: "logit" (t on the log-odds scale) or "beta" (Korn-Graubard)."""
    df = design.degrees_of_freedom if estimate.df is None else estimate.df
    p, se, alpha = estimate.mean, estimate.se, 1 - level
    if method == "logit":
        if p in (0.0, 1.0) or se == 0:
            return p, p
        half = stats.t.ppf(1 - alpha / 2, df) * se / (p * (1 - p))
        log_odds = np.log(p / (1 - p))
        return float(_expit(log_odds - half)), float(_expit(log_odds + half))
    if method == "beta":
        n_eff = p * (1 - p) / se**2 if se > 0 else float(design.n)
        n_eff *= (stats.t.ppf(alpha / 2, design.n - 1) / stats.t.ppf(alpha / 2, df)) ** 2
        low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1) if p > 0 else 0.0
        high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)) if p < 1 else 1.0
        return float(low), float(high)
    raise ValueError(f"unknown interval method {method!r}: expected 'logit' or 'beta'")


def _expit(x: float) -> float:
    return 1 / (1 + np.exp(-x))
