"""Wave against wave: the difference of a share between two independent samples, with its interval.

Unweighted shares use Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the
difference between independent proportions", Statistics in Medicine 17:873-890, method 10), as
statsmodels' `confint_proportions_2indep(method="newcomb")` computes it. Weighted shares use the
design-based difference: the two estimates are independent, so the variance of the difference is
the sum of their linearisation variances, with a normal quantile (R's `svycontrast` on two designs).
"""

from __future__ import annotations

import math

from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep


def newcombe_difference(count1: int, n1: int, count2: int, n2: int, level: float = 0.95) -> tuple[float, float, float]:
    """(p1 - p2, low, high): Newcombe's hybrid score interval for two independent shares.

    Newcombe (1998), table II, method 10, examples (a) and (d):

    >>> [round(v, 4) for v in newcombe_difference(56, 70, 48, 80)]
    [0.2, 0.0524, 0.3339]
    >>> [round(v, 4) for v in newcombe_difference(5, 56, 0, 29)]
    [0.0893, -0.0381, 0.1926]
    """
    low, high = confint_proportions_2indep(count1, n1, count2, n2, method="newcomb", compare="diff", alpha=1 - level)
    return count1 / n1 - count2 / n2, float(low), float(high)


def design_difference(share1: float, se1: float, share2: float, se2: float, level: float = 0.95):
    """(p1 - p2, low, high) for two independently weighted waves: a normal interval on summed variances."""
    half = stats.norm.ppf(0.5 + level / 2) * math.sqrt(se1**2 + se2**2)
    difference = share1 - share2
    return difference, difference - half, difference + half
