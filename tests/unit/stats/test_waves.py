"""helpers.stats.waves: differences of shares between waves, independent or paired, against published values."""

from __future__ import annotations

import pytest

from helpers.stats.waves import mcnemar_exact_p, newcombe_difference, newcombe_paired_difference

# Newcombe RG (1998), "Improved confidence intervals for the difference between binomial proportions based on
# paired data", Statistics in Medicine 17:2635-2650, table II, method 10 (95%): the table (a, b, c, d) with
# a both, b the first only, c the second only, d neither; the interval of p1 - p2 to four decimals.
PAIRED_TABLE_II = [
    ((36, 12, 2, 0), (0.0569, 0.3404)),
    ((18, 12, 2, 18), (0.0562, 0.3290)),
    ((53, 0, 0, 1), (-0.0729, 0.0729)),
    ((0, 30, 0, 0), (0.8395, 1.0)),
]


@pytest.mark.parametrize(("table", "interval"), PAIRED_TABLE_II)
def test_the_paired_interval_gives_newcombes_published_limits(table, interval) -> None:
    a, b, c, d = table
    difference, low, high = newcombe_paired_difference(a, b, c, d, 0.95)
    assert difference == pytest.approx((b - c) / (a + b + c + d))
    assert (round(low, 4), round(high, 4)) == interval


def test_swapping_the_waves_mirrors_the_interval() -> None:
    difference, low, high = newcombe_paired_difference(18, 12, 2, 18)
    assert newcombe_paired_difference(18, 2, 12, 18) == pytest.approx((-difference, -high, -low))


def test_a_higher_level_gives_a_wider_paired_interval() -> None:
    _, low90, high90 = newcombe_paired_difference(18, 12, 2, 18, 0.90)
    _, low99, high99 = newcombe_paired_difference(18, 12, 2, 18, 0.99)
    assert low99 < low90 and high90 < high99


def test_pairing_narrows_the_interval_when_answers_are_positively_correlated() -> None:
    # Example (b): 30 of 50 in the first, 20 of 50 in the second; as independent samples the interval is wider.
    _, low, high = newcombe_paired_difference(18, 12, 2, 18)
    _, low_indep, high_indep = newcombe_difference(30, 50, 20, 50)
    assert high - low < high_indep - low_indep


def test_mcnemars_exact_test_is_the_binomial_test_of_the_discordant_pairs() -> None:
    # 2 of 14 discordant pairs one way: 2 * P(X <= 2), X ~ Binomial(14, 1/2) = 2 * (1 + 14 + 91) / 2**14.
    assert mcnemar_exact_p(12, 2) == pytest.approx(2 * 106 / 2**14)
    assert mcnemar_exact_p(0, 0) == pytest.approx(1.0)
