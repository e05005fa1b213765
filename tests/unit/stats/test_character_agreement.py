"""Character-unit agreement: the interval arithmetic against a hand-worked example and brute force."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest

from helpers.stats.character_agreement import overlap_counts, statistics, tables


def test_hand_worked_example():
    # One document of 30 characters. Coder A codes 0-10; coder B codes 2-6 and 20-24.
    # Both: 2-6 = 4 characters (n11); only A: 0-2 and 6-10 = 6 (n10); only B: 20-24 = 4 (n01);
    # neither: 30 - 10 - 8 + 4 = 16 (n00).
    # Po = (4 + 16) / 30 = 2/3. Pe = (10 * 8 + 20 * 22) / 900 = 520/900.
    # kappa = (600/900 - 520/900) / (380/900) = 80/380 = 4/19.
    # alpha: value totals n0 = 2*16 + 10 = 42, n1 = 2*4 + 10 = 18; 1 - 59 * 10 / (42 * 18) = 1 - 590/756.
    a, b, both = overlap_counts(
        np.array([0]), np.array([0]), np.array([10]), np.array([0, 0]), np.array([2, 20]), np.array([6, 24]), 1
    )
    table = tables(a, b, both, [30])
    assert table.iloc[0].tolist() == [4, 6, 4, 16]
    stats = statistics(table).iloc[0]
    assert stats["percent_agreement"] == pytest.approx(2 / 3)
    assert stats["cohens_kappa"] == pytest.approx(4 / 19)
    assert stats["krippendorff_alpha"] == pytest.approx(1 - 590 / 756)
    # Positive agreement, coded by both over coded by either on average: 2 * 4 / (2 * 4 + 6 + 4) = 8/18,
    # far below percent agreement, which the 16 characters nobody coded lift.
    assert stats["positive_agreement"] == pytest.approx(8 / 18)


def test_overlapping_segments_of_one_coder_count_once():
    # A: 0-6 and 4-10 (overlapping) cover 10 characters, not 12.
    a, b, both = overlap_counts(
        np.array([0, 0]), np.array([0, 4]), np.array([6, 10]), np.array([0]), np.array([5]), np.array([15]), 1
    )
    assert (a[0], b[0], both[0]) == (10, 10, 5)


def test_matches_a_character_loop_and_the_krippendorff_package():
    rng = np.random.default_rng(7)
    lengths = [50, 80, 30]
    segs = {}
    for coder in "ab":
        group = rng.integers(0, 3, 25)
        start = np.array([rng.integers(0, lengths[g] - 1) for g in group])
        end = np.array([rng.integers(s + 1, lengths[g] + 1) for s, g in zip(start, group)])
        segs[coder] = (group, start, end)
    a, b, both = overlap_counts(*segs["a"], *segs["b"], 3)
    table = tables(a, b, both, lengths)
    flags = {}
    for coder, (group, start, end) in segs.items():
        flags[coder] = [np.zeros(n, dtype=int) for n in lengths]
        for g, s, e in zip(group, start, end):
            flags[coder][g][s:e] = 1
    fa, fb = np.concatenate(flags["a"]), np.concatenate(flags["b"])
    assert table[["n11", "n10", "n01", "n00"]].sum().tolist() == [
        int((fa & fb).sum()),
        int((fa & ~fb.astype(bool)).sum()),
        int((~fa.astype(bool) & fb).sum()),
        int(((1 - fa) & (1 - fb)).sum()),
    ]
    pooled = statistics(table.sum().to_frame().T).iloc[0]
    expected = krippendorff.alpha(reliability_data=np.vstack([fa, fb]), level_of_measurement="nominal")
    assert pooled["krippendorff_alpha"] == pytest.approx(expected)


def test_undefined_where_nobody_coded():
    stats = statistics(pd.DataFrame({"n11": [0], "n10": [0], "n01": [0], "n00": [40]})).iloc[0]
    assert stats["percent_agreement"] == 1.0
    assert np.isnan(stats["cohens_kappa"]) and np.isnan(stats["krippendorff_alpha"])
    assert np.isnan(stats["positive_agreement"])
