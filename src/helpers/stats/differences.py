"""Is one share larger than another? Tests behind a ranking ("the most common answer was X, then Y").

Two overlapping intervals say nothing about the difference between two shares. Each function
here gives the difference with its own interval, at a stated confidence level, and says what
it assumes about how the two shares depend on each other:

- two answers of one single-choice question are cells of one multinomial, so their shares are
  negatively correlated: cov(p_i, p_j) = -p_i p_j / n, hence
  var(p_i - p_j) = (p_i + p_j - (p_i - p_j)^2) / n (a Wald interval), and, given x_i + x_j,
  x_i is binomial with probability 1/2 when the two shares are equal (an exact test);
- two options of a tick-all question (or two rows of a grid) were answered by the same people in
  an unknown joint pattern: each share gets a (1 - alpha/2) interval and, by Bonferroni's
  inequality, the difference of their ends covers the difference whatever the dependence.
"""

from __future__ import annotations

import math

from scipy import stats

from .proportions import proportion_interval


def multinomial_difference(x_i: int, x_j: int, n: int, confidence: float = 0.95) -> dict:
    """p_i - p_j for two answers of one single-choice question: Wald interval and exact test of equality.

    >>> r = multinomial_difference(60, 36, 103)
    >>> round(r["difference"], 4), round(r["ci_low"], 3), round(r["ci_high"], 3), round(r["p_value"], 4)
    (0.233, 0.052, 0.414, 0.0184)
    """
    p_i, p_j = x_i / n, x_j / n
    difference = p_i - p_j
    se = math.sqrt(max(p_i + p_j - difference**2, 0.0) / n)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    test = stats.binomtest(x_i, x_i + x_j, 0.5) if x_i + x_j else None
    return {
        "difference": difference,
        "se": se,
        "ci_low": max(-1.0, difference - z * se),
        "ci_high": min(1.0, difference + z * se),
        "p_value": float(test.pvalue) if test else math.nan,
        "base": n,
        "method": "multinomial difference: Wald interval; exact binomial test given the two counts",
    }


def any_dependence_difference(
    x_a: int, n_a: int, x_b: int, n_b: int, confidence: float = 0.95, method: str = "wilson"
) -> dict:
    """p_a - p_b for two shares of the same respondents whose joint answers are unknown.

    Conservative: each share's (1 - alpha/2) interval, combined by Bonferroni's inequality.

    >>> r = any_dependence_difference(54, 78, 39, 78)
    >>> round(r["difference"], 4), r["ci_low"] > 0
    (0.1923, False)
    """
    inner = 1 - (1 - confidence) / 2
    p_a, low_a, high_a = proportion_interval(x_a, n_a, inner, method)
    p_b, low_b, high_b = proportion_interval(x_b, n_b, inner, method)
    return {
        "difference": p_a - p_b,
        "ci_low": max(-1.0, low_a - high_b),
        "ci_high": min(1.0, high_a - low_b),
        "base": max(n_a, n_b),
        "method": f"Bonferroni bound from two {inner:.1%} intervals ({method}), valid under any dependence",
    }


def excludes_zero(low: float, high: float) -> bool:
    """Whether an interval for a difference lies wholly on one side of zero."""
    return bool(low > 0 or high < 0)
