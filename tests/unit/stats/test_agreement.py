"""Agreement statistics against small cases computed by hand (the working is in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa, to_table

from helpers.stats.agreement import (
    BOOTSTRAP_NOTE,
    NOBODY,
    POOLED,
    agreement_table,
    cells,
    cluster_bootstrap,
    cohen_kappa,
    excerpt_bootstrap_interval,
    fleiss,
    kripp_alpha,
    percent_agreement,
    pooled_matrix,
    presence,
    table_statistics,
)

# Two coders, ten excerpts, one code (1 = applied).
A = [1, 1, 0, 0, 1, 0, 1, 0, 0, 0]
B = [1, 0, 0, 0, 1, 0, 1, 1, 0, 0]
# Table: both 1 = 3 (excerpts 0, 4, 6); A only = 1 (1); B only = 1 (7); neither = 5.
# p_o = (3 + 5) / 10 = 0.8. Margins: A applies 4/10, B 4/10.
# p_e = 0.4 * 0.4 + 0.6 * 0.6 = 0.52. kappa = (0.8 - 0.52) / (1 - 0.52) = 0.28 / 0.48 = 7/12.

# Three coders, four excerpts (rows), for Fleiss and Krippendorff.
THREE = np.array([[1, 1, 1], [1, 1, 0], [0, 0, 0], [0, 1, 0]], dtype=float)
# Fleiss: P_i = (n1^2 + n0^2 - 3) / (3 * 2): 1, 1/3, 1, 1/3; mean P = 2/3.
# Category shares: p1 = (3 + 2 + 0 + 1) / 12 = 1/2, p0 = 1/2; P_e = 1/4 + 1/4 = 1/2.
# kappa = (2/3 - 1/2) / (1 - 1/2) = 1/3.
# Krippendorff (nominal): coincidences, each unit's ordered pairs weighted 1 / (m_u - 1) = 1/2:
# unit 1: six (1,1) -> o11 += 3; unit 2: two (1,1), two (1,0), two (0,1) -> o11 += 1, o10 += 1, o01 += 1;
# unit 3: o00 += 3; unit 4: o00 += 1, o01 += 1, o10 += 1. So o00 = 4, o11 = 4, o01 = o10 = 2, n = 12,
# n0 = n1 = 6. alpha = 1 - (n - 1) * (o01 + o10) / (n0 * n1 + n1 * n0) = 1 - 11 * 4 / 72 = 7/18.


class TestSingleStatistics:
    def test_cohen(self):
        k = cohen_kappa(A, B)
        assert k["kappa"] == pytest.approx(7 / 12)
        assert k["n"] == 10

    def test_cohen_perfect_and_degenerate(self):
        assert cohen_kappa(A, A)["kappa"] == pytest.approx(1.0)
        # Nobody applies the code: chance agreement is 1, kappa undefined (not 1, not 0), with the reason.
        none = cohen_kappa([0] * 5, [0] * 5)
        assert math.isnan(none["kappa"]) and none["note"] == NOBODY
        # One coder never applies it: p_o = p_e (= share of 0s of the other), so kappa = 0.
        one = cohen_kappa([0] * 4, [1, 0, 1, 0])
        assert one["kappa"] == 0

    def test_positive_agreement_by_hand(self):
        # A and B: both 3, A only 1, B only 1: 2 * 3 / (2 * 3 + 1 + 1) = 6/8 (Fleiss 1975's p_pos).
        stats = table_statistics(cells(A, B))
        assert list(cells(A, B)) == [3, 1, 1, 5]
        assert stats["positive_agreement"] == pytest.approx(0.75)
        assert stats["percent_agreement"] == pytest.approx(0.8)
        assert math.isnan(table_statistics([0, 0, 0, 7])["positive_agreement"])

    def test_vectorised_kappa_is_statsmodels_kappa(self):
        rng = np.random.default_rng(3)
        for _ in range(20):
            a, b = (rng.random(30) < 0.3).astype(int), (rng.random(30) < 0.5).astype(int)
            expected = cohens_kappa(to_table(np.column_stack([a, b]), bins=2)[0], return_results=False)
            assert table_statistics(cells(a, b))["cohens_kappa"] == pytest.approx(expected)

    def test_percent_agreement(self):
        assert percent_agreement(np.column_stack([A, B])) == (0.8, 10)
        # All three agree on units 1 and 3 only: 2 of 4.
        assert percent_agreement(THREE) == (0.5, 4)
        # A unit someone did not rate is left out.
        assert percent_agreement([[1, 1], [0, np.nan]]) == (1.0, 1)

    def test_fleiss(self):
        f = fleiss(THREE)
        assert f["kappa"] == pytest.approx(1 / 3) and f["n"] == 4
        assert math.isnan(fleiss(np.zeros((3, 3)))["kappa"])

    def test_krippendorff(self):
        k = kripp_alpha(THREE)
        assert k["alpha"] == pytest.approx(7 / 18) and k["n"] == 4

    def test_krippendorff_with_missing(self):
        # Add unit 5 rated once (not pairable, ignored) and unit 6 rated 1 and 0 by two coders:
        # it adds o10 += 1, o01 += 1 (weight 1 / (2 - 1)). Now o00 = o11 = 4, o01 = o10 = 3,
        # n = 14, n0 = n1 = 7: alpha = 1 - 13 * 6 / (2 * 7 * 7) = 1 - 78/98 = 10/49.
        data = np.vstack([THREE, [1, np.nan, np.nan], [1, 0, np.nan]])
        k = kripp_alpha(data)
        assert k["alpha"] == pytest.approx(10 / 49) and k["n"] == 5

    def test_krippendorff_two_coders_is_close_to_kappa(self):
        # Two coders, no missing: alpha = 1 - (n - 1) * D / (2 n0 n1) over 2n = 20 values:
        # disagreements o01 = o10 = 2; n0 = 12, n1 = 8: alpha = 1 - 19 * 4 / (2 * 96) = 1 - 76/192 = 29/48.
        assert kripp_alpha(np.column_stack([A, B]))["alpha"] == pytest.approx(29 / 48)


def codings(rows):
    return pd.DataFrame(rows, columns=["coder", "excerpt_id", "code"])


class TestTables:
    def test_presence_marks_unread_excerpts_missing(self):
        c = codings([["a", "E1", "x"], ["a", "E2", ""], ["b", "E1", "y"]])
        p = presence(c, ["x", "y"], ["a", "b"])
        assert p.loc[("E1", "x"), "a"] == 1 and p.loc[("E2", "x"), "a"] == 0
        assert math.isnan(p.loc[("E2", "x"), "b"])

    def test_agreement_table(self):
        rows = []
        for i, (a, b) in enumerate(zip(A, B)):
            rows += [["a", f"E{i}", "x" if a else ""], ["b", f"E{i}", "x" if b else ""]]
        table = agreement_table(codings(rows), ["x", "y"], ["a", "b"], "theme")
        get = lambda code, stat: table[(table["code"] == code) & (table["statistic"] == stat)].iloc[0]  # noqa: E731
        assert get("x", "cohens_kappa")["estimate"] == pytest.approx(7 / 12)
        assert get("x", "percent_agreement")["estimate"] == pytest.approx(0.8)
        assert get("x", "positive_agreement")["estimate"] == pytest.approx(0.75)
        assert get("x", "cohens_kappa")["n_excerpts"] == 10
        assert get("x", "cohens_kappa")["positives"] == "a 4, b 4"
        # Nobody used y: undefined ("n/a" with the reason), never 0.
        assert math.isnan(get("y", "cohens_kappa")["estimate"]) and get("y", "cohens_kappa")["note"] == NOBODY
        assert math.isnan(get("y", "positive_agreement")["estimate"])
        # Pooled over the codes either coder used: y, which nobody used, adds no units. So the
        # pooled figures are x's: 10 units, kappa 7/12, percent agreement 0.8 (not 18/20 = 0.9).
        pooled = get(POOLED, "cohens_kappa")
        assert pooled["estimate"] == pytest.approx(7 / 12) and pooled["n_units"] == 10 and pooled["n_excerpts"] == 10
        assert get(POOLED, "percent_agreement")["estimate"] == pytest.approx(0.8)
        assert set(table["statistic"]) == {
            "percent_agreement",
            "positive_agreement",
            "cohens_kappa",
            "fleiss_kappa",
            "krippendorff_alpha",
        }
        matrix = pooled_matrix(table, "cohens_kappa", ["a", "b"])
        assert matrix.loc[0, "b"] == pytest.approx(7 / 12)

    def test_group_statistics_use_the_right_excerpts(self):
        # c read only E0 and E1: Fleiss uses the 2 excerpts all read, alpha the 10 that two coders read.
        rows = []
        for i, (a, b) in enumerate(zip(A, B)):
            rows += [["a", f"E{i}", "x" if a else ""], ["b", f"E{i}", "x" if b else ""]]
        rows += [["c", "E0", "x"], ["c", "E1", ""]]
        table = agreement_table(codings(rows), ["x"], ["a", "b", "c"], "theme")
        group = table[(table["coders"] == "all: a, b, c") & (table["code"] == "x")].set_index("statistic")
        assert group.loc["fleiss_kappa", "n_excerpts"] == 2
        assert group.loc["krippendorff_alpha", "n_excerpts"] == 10


class TestClusterBootstrap:
    """Intervals per code and pooled come from one bootstrap that resamples excerpts."""

    @staticmethod
    def ratings(n: int, seed: int = 7):
        rng = np.random.default_rng(seed)
        a = (rng.random(n) < 0.4).astype(int)
        b = np.where(rng.random(n) < 0.8, a, 1 - a)  # agrees on 80%: kappa about 0.6
        return a, b

    def test_one_unit_per_excerpt_agrees_with_the_asymptotic_interval(self):
        a, b = self.ratings(400)
        low, high = excerpt_bootstrap_interval(a, b, np.arange(400))
        res = cohens_kappa(to_table(np.column_stack([a, b]), bins=2)[0])
        assert low == pytest.approx(res["kappa_low"], abs=0.03) and high == pytest.approx(res["kappa_upp"], abs=0.03)

    def test_units_repeated_within_excerpts_do_not_narrow_it(self):
        """Ten identical units per excerpt carry no more information than one."""
        a, b = self.ratings(100)
        one = excerpt_bootstrap_interval(a, b, np.arange(100))
        ten = excerpt_bootstrap_interval(np.repeat(a, 10), np.repeat(b, 10), np.repeat(np.arange(100), 10))
        assert ten[1] - ten[0] == pytest.approx(one[1] - one[0], rel=0.15)

    def test_same_interval_on_every_run(self):
        a, b = self.ratings(60)
        assert excerpt_bootstrap_interval(a, b, np.arange(60) // 3) == excerpt_bootstrap_interval(
            a, b, np.arange(60) // 3
        )

    def test_every_statistic_gets_an_interval(self):
        a, b = self.ratings(60)
        out = cluster_bootstrap(np.array([cells([x], [y]) for x, y in zip(a, b)]))
        for name in ("percent_agreement", "positive_agreement", "cohens_kappa"):
            low, high = out[name]
            assert low < table_statistics(cells(a, b))[name] < high

    def test_per_code_and_pooled_intervals_but_none_on_five_positives_or_fewer(self):
        a, b = self.ratings(40)
        rows = []
        for i, (x, y) in enumerate(zip(a, b)):
            rows += [["a", f"E{i}", "x" if x else ""], ["b", f"E{i}", "x" if y else ""]]
        # Code z: a applied it to E0 and E1, b to E0 only: 2 and 1 positives, kappa defined, no interval.
        rows += [["a", "E0", "z"], ["a", "E1", "z"], ["b", "E0", "z"]]
        table = agreement_table(codings(rows), ["x", "z"], ["a", "b"], "theme").set_index(["code", "statistic"])
        for code in ("x", POOLED):
            row = table.loc[(code, "cohens_kappa")]
            assert BOOTSTRAP_NOTE in row["note"] and row["ci_low"] < row["estimate"] < row["ci_high"]
        z = table.loc[("z", "cohens_kappa")]
        assert 0 < z["estimate"] < 1 and math.isnan(z["ci_low"]) and math.isnan(z["ci_high"])
        assert z["note"] == "no interval: a coded 2, b 1 (an interval needs more than 5 each)"
        perfect = agreement_table(
            codings([["a", "E0", "z"], ["b", "E0", "z"], ["a", "E1", ""], ["b", "E1", ""]]), ["z"], ["a", "b"], "t"
        ).set_index(["code", "statistic"])
        # A kappa of 1 on one positive: no zero-width interval, the counts instead.
        assert perfect.loc[("z", "cohens_kappa"), "estimate"] == 1 and math.isnan(
            perfect.loc[("z", "cohens_kappa"), "ci_low"]
        )
