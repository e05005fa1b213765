"""Agreement statistics against small cases computed by hand (the working is in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.stats.agreement import (
    BOOTSTRAP_NOTE,
    POOLED,
    UNDEFINED,
    agreement_table,
    cohen_kappa,
    excerpt_bootstrap_interval,
    fleiss,
    kripp_alpha,
    percent_agreement,
    pooled_matrix,
    presence,
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
        assert -1 <= k["ci_low"] < k["kappa"] < k["ci_high"] <= 1

    def test_cohen_perfect_and_degenerate(self):
        assert cohen_kappa(A, A)["kappa"] == pytest.approx(1.0)
        # Nobody applies the code: chance agreement is 1, kappa undefined (not 1, not 0).
        none = cohen_kappa([0] * 5, [0] * 5)
        assert math.isnan(none["kappa"]) and none["note"] == UNDEFINED
        # One coder never applies it: p_o = p_e (= share of 0s of the other), so kappa = 0.
        one = cohen_kappa([0] * 4, [1, 0, 1, 0])
        assert one["kappa"] == 0 and math.isnan(one["ci_low"])

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
        assert get("x", "cohens_kappa")["n_excerpts"] == 10
        # Nobody used y: undefined, with the reason.
        assert math.isnan(get("y", "cohens_kappa")["estimate"]) and get("y", "cohens_kappa")["note"] == UNDEFINED
        # Pooled over 20 (excerpt, code) units: x's table plus ten (0, 0): both 1 = 3, A only 1,
        # B only 1, neither 15. p_o = 18/20 = 0.9; margins 4/20 each: p_e = 0.04 + 0.64 = 0.68;
        # kappa = (0.9 - 0.68) / 0.32 = 0.6875.
        pooled = get(POOLED, "cohens_kappa")
        assert pooled["estimate"] == pytest.approx(0.6875) and pooled["n_units"] == 20 and pooled["n_excerpts"] == 10
        assert set(table["statistic"]) == {"percent_agreement", "cohens_kappa", "fleiss_kappa", "krippendorff_alpha"}
        matrix = pooled_matrix(table, "cohens_kappa", ["a", "b"])
        assert matrix.loc[0, "b"] == pytest.approx(0.6875)

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


class TestPooledInterval:
    """The pooled kappa's interval resamples excerpts, because units of one excerpt are not independent."""

    @staticmethod
    def ratings(n: int, seed: int = 7):
        rng = np.random.default_rng(seed)
        a = (rng.random(n) < 0.4).astype(int)
        b = np.where(rng.random(n) < 0.8, a, 1 - a)  # agrees on 80%: kappa about 0.6
        return a, b

    def test_one_unit_per_excerpt_agrees_with_the_asymptotic_interval(self):
        a, b = self.ratings(400)
        low, high = excerpt_bootstrap_interval(a, b, np.arange(400))
        k = cohen_kappa(a, b)
        assert low == pytest.approx(k["ci_low"], abs=0.03) and high == pytest.approx(k["ci_high"], abs=0.03)

    def test_units_repeated_within_excerpts_do_not_narrow_it(self):
        """Ten identical units per excerpt carry no more information than one."""
        a, b = self.ratings(100)
        one = excerpt_bootstrap_interval(a, b, np.arange(100))
        ten = excerpt_bootstrap_interval(np.repeat(a, 10), np.repeat(b, 10), np.repeat(np.arange(100), 10))
        assert ten[1] - ten[0] == pytest.approx(one[1] - one[0], rel=0.15)
        naive = cohen_kappa(np.repeat(a, 10), np.repeat(b, 10))  # the asymptotic one shrinks by about sqrt(10)
        assert naive["ci_high"] - naive["ci_low"] < 0.5 * (ten[1] - ten[0])

    def test_same_interval_on_every_run(self):
        a, b = self.ratings(60)
        assert excerpt_bootstrap_interval(a, b, np.arange(60) // 3) == excerpt_bootstrap_interval(
            a, b, np.arange(60) // 3
        )

    def test_agreement_table_uses_it_for_pooled_kappa_only(self):
        rows = []
        for i, (a, b) in enumerate(zip(A, B)):
            rows += [["a", f"E{i}", "x" if a else ""], ["b", f"E{i}", "x" if b else ""]]
        table = agreement_table(codings(rows), ["x", "y"], ["a", "b"], "theme").set_index(["code", "statistic"])
        assert BOOTSTRAP_NOTE in table.loc[(POOLED, "cohens_kappa"), "note"]
        assert (
            "the asymptotic interval, which assumes independent units, is "
            in table.loc[(POOLED, "cohens_kappa"), "note"]
        )
        assert BOOTSTRAP_NOTE not in table.loc[("x", "cohens_kappa"), "note"]
        assert table.loc[("x", "cohens_kappa"), "ci_low"] == pytest.approx(cohen_kappa(A, B)["ci_low"])
