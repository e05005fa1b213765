"""Wave against wave: the difference of a share between two samples, independent or paired, with its interval.

Unweighted shares use Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the
difference between independent proportions", Statistics in Medicine 17:873-890, method 10), as
statsmodels' `confint_proportions_2indep(method="newcomb")` computes it. Weighted shares use the
design-based difference: the two estimates are independent, so the variance of the difference is
the sum of their linearisation variances, with a normal quantile (R's `svycontrast` on two designs).
Councils that answered both waves give paired shares: Newcombe's method 10 for paired data (below), and
McNemar's exact test of the discordant pairs (statsmodels).
"""

from __future__ import annotations

import math

from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint


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


def newcombe_paired_difference(
    both: int, first_only: int, second_only: int, neither: int, level: float = 0.95
) -> tuple[float, float, float]:
    """(p1 - p2, low, high) for two shares of the same units: Newcombe's hybrid score interval for paired data.

    Newcombe RG (1998), "Improved confidence intervals for the difference between binomial proportions based
    on paired data", Statistics in Medicine 17:2635-2650, method 10: the Wilson score limits (l, u) of
    p1 = (both + first_only) / n and p2 = (both + second_only) / n, combined with the correlation phi of the
    2x2 table, whose numerator ad - bc, when positive, is reduced by n/2 (and not below 0); phi is 0 when a
    margin is empty. statsmodels 0.15 has no paired interval, so it is written out here.
    Newcombe's table II, method 10, examples (a) to (d):

    >>> [round(v, 4) for v in newcombe_paired_difference(36, 12, 2, 0)]
    [0.2, 0.0569, 0.3404]
    >>> [round(v, 4) for v in newcombe_paired_difference(18, 12, 2, 18)]
    [0.2, 0.0562, 0.329]
    >>> [round(v, 4) for v in newcombe_paired_difference(53, 0, 0, 1)]
    [0.0, -0.0729, 0.0729]
    >>> [round(v, 4) for v in newcombe_paired_difference(0, 30, 0, 0)]
    [1.0, 0.8395, 1.0]
    """
    a, b, c, d = both, first_only, second_only, neither
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = proportion_confint(a + b, n, alpha=1 - level, method="wilson")
    l2, u2 = proportion_confint(a + c, n, alpha=1 - level, method="wilson")
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    numerator = a * d - b * c
    if numerator > 0:
        numerator = max(numerator - n / 2, 0)
    phi = numerator / math.sqrt(margins) if margins else 0.0
    below = (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    above = (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2
    difference = p1 - p2
    return difference, difference - math.sqrt(max(below, 0.0)), difference + math.sqrt(max(above, 0.0))


def mcnemar_exact_p(first_only: int, second_only: int) -> float:
    """McNemar's exact (binomial) two-sided p-value of the discordant pairs, as statsmodels computes it.

    >>> round(mcnemar_exact_p(12, 2), 4)
    0.0129
    """
    return float(mcnemar([[0, first_only], [second_only, 0]], exact=True).pvalue)
