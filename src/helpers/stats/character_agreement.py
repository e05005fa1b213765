"""Agreement of two coders on character units, counted by interval arithmetic.

Each character of a document is a unit that a coder has coded with a code or not. For one code,
one document and two coders A and B the characters fall into a 2x2 table: both coded (n11), only
A (n10), only B (n01), neither (n00 = document length - characters either coded). The counts come
from the segments' end points: events +1 at a start and -1 at an end, sorted by position, with a
running sum per coder giving how deep each stretch between two events is covered. A stretch
counts for A where A's depth is positive (overlapping segments of one coder count once), for
both where both depths are. No loop runs over characters or over segments in Python.

From the table, as NVivo's coding comparison defines them for a code and a source:
percent agreement = (n11 + n00) / N; Cohen's kappa = (Po - Pe) / (1 - Pe) with
Pe = ((n11 + n10)(n11 + n01) + (n00 + n01)(n00 + n10)) / N^2. Krippendorff's alpha (nominal,
two coders, no missing units) = 1 - (2N - 1)(n10 + n01) / (n0 * n1), with n0 = 2 n00 + n10 + n01
and n1 = 2 n11 + n10 + n01 the values' totals in the coincidence matrix (Krippendorff 2011,
"Computing Krippendorff's alpha-reliability", section C). Where no character was coded by
either coder (or every character by both) chance agreement is 1 and kappa and alpha are
undefined: NaN here; NVivo shows kappa 1 in that case.

Positive agreement, 2 n11 / (2 n11 + n10 + n01) (characters coded by both over the mean of each
coder's coded characters), stands beside them: unlike percent agreement it ignores the characters
nobody coded, which dominate a document. Characters are not independent units (a coder codes them
in runs), so an interval that treated them as independent would be far too narrow; the caller
gets one by resampling whole documents (`helpers.stats.agreement.cluster_bootstrap`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TABLE_COLUMNS = ["n11", "n10", "n01", "n00"]


def overlap_counts(
    groups_a: np.ndarray,
    starts_a: np.ndarray,
    ends_a: np.ndarray,
    groups_b: np.ndarray,
    starts_b: np.ndarray,
    ends_b: np.ndarray,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Characters covered by A, by B and by both, per group (a group is one document and code).

    Inputs are integer arrays, one entry per segment: its group (0 .. n_groups-1), start and end
    (end exclusive). Returns three arrays of length n_groups.
    """
    groups = np.concatenate([groups_a, groups_a, groups_b, groups_b]).astype(np.int64)
    pos = np.concatenate([starts_a, ends_a, starts_b, ends_b]).astype(np.int64)
    na, nb = len(starts_a), len(starts_b)
    delta_a = np.concatenate([np.ones(na), -np.ones(na), np.zeros(2 * nb)]).astype(np.int64)
    delta_b = np.concatenate([np.zeros(2 * na), np.ones(nb), -np.ones(nb)]).astype(np.int64)
    order = np.lexsort((pos, groups))
    groups, pos, delta_a, delta_b = groups[order], pos[order], delta_a[order], delta_b[order]
    # Every group's deltas sum to zero, so one running sum over all groups restarts at each group.
    depth_a, depth_b = np.cumsum(delta_a), np.cumsum(delta_b)
    width = np.zeros(len(pos), dtype=np.int64)
    if len(pos) > 1:
        same = groups[1:] == groups[:-1]
        width[:-1] = np.where(same, pos[1:] - pos[:-1], 0)
    in_a, in_b = depth_a > 0, depth_b > 0
    covered_a = np.bincount(groups, weights=width * in_a, minlength=n_groups)
    covered_b = np.bincount(groups, weights=width * in_b, minlength=n_groups)
    both = np.bincount(groups, weights=width * (in_a & in_b), minlength=n_groups)
    return covered_a.astype(np.int64), covered_b.astype(np.int64), both.astype(np.int64)


def tables(covered_a, covered_b, both, lengths) -> pd.DataFrame:
    """The 2x2 character tables (n11, n10, n01, n00) from the covered counts and the lengths."""
    covered_a, covered_b, both, lengths = (np.asarray(x, dtype=np.int64) for x in (covered_a, covered_b, both, lengths))
    return pd.DataFrame(
        {
            "n11": both,
            "n10": covered_a - both,
            "n01": covered_b - both,
            "n00": lengths - covered_a - covered_b + both,
        }
    )


def statistics(table: pd.DataFrame) -> pd.DataFrame:
    """Percent and positive agreement, Cohen's kappa and Krippendorff's alpha for each row of a 2x2 table frame."""
    n11, n10, n01, n00 = (table[c].to_numpy(dtype=float) for c in TABLE_COLUMNS)
    n = n11 + n10 + n01 + n00
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (n11 + n00) / n
        chance = ((n11 + n10) * (n11 + n01) + (n00 + n01) * (n00 + n10)) / n**2
        kappa = np.where(np.isclose(chance, 1.0), np.nan, (observed - chance) / (1 - chance))
        v0, v1 = 2 * n00 + n10 + n01, 2 * n11 + n10 + n01
        alpha = np.where((v0 == 0) | (v1 == 0), np.nan, 1 - (2 * n - 1) * (n10 + n01) / (v0 * v1))
        positive = np.where(2 * n11 + n10 + n01 == 0, np.nan, 2 * n11 / (2 * n11 + n10 + n01))
    observed = np.where(n > 0, observed, np.nan)
    return pd.DataFrame(
        {
            "percent_agreement": observed,
            "positive_agreement": positive,
            "cohens_kappa": kappa,
            "krippendorff_alpha": alpha,
            "n_units": n.astype(int),
        }
    )


__all__ = ["TABLE_COLUMNS", "overlap_counts", "statistics", "tables"]
