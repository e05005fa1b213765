"""Krippendorff's alpha with the MASI distance, and the reading of a single-label source, checked by hand."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest

from helpers.stats.set_agreement import code_sets, masi_alpha, masi_distance, masi_rows, placement_rows

S = frozenset


def test_masi_distance_as_passonneau_defines_it():
    # Passonneau (2006): d = 1 - J * M. Equal sets: 0. Subset: J = 1/2, M = 2/3 -> 1 - 1/3 = 2/3.
    # Overlap ({a, b} and {b, c}): J = 1/3, M = 1/3 -> 1 - 1/9 = 8/9. Disjoint: 1.
    assert masi_distance(S("ab"), S("ab")) == 0
    assert masi_distance(S("a"), S("ab")) == pytest.approx(2 / 3)
    assert masi_distance(S("ab"), S("bc")) == pytest.approx(8 / 9)
    assert masi_distance(S("a"), S("b")) == 1
    assert masi_distance(S(), S()) == 0 and masi_distance(S(), S("a")) == 1


def test_alpha_by_hand():
    # Two coders, three units: ({a}, {a}), ({a, b}, {a}), ({b}, {b}). Values {a}, {a, b}, {b}.
    # Coincidences (one pair per unit, weight 1 / (2 - 1)): o[a,a] = 2, o[ab,a] = o[a,ab] = 1,
    # o[b,b] = 2; n = 6, totals n_a = 3, n_ab = 1, n_b = 2.
    # D_o = (1 + 1) * 2/3 / 6 = 2/9.
    # D_e = 2 * (n_a n_ab 2/3 + n_a n_b 1 + n_ab n_b 2/3) / (6 * 5) = 2 * (2 + 6 + 4/3) / 30 = 28/45.
    # alpha = 1 - (2/9) / (28/45) = 1 - 10/28 = 9/14.
    sets = pd.DataFrame({"x": [S("a"), S("ab"), S("b")], "y": [S("a"), S("a"), S("b")]})
    result = masi_alpha(sets)
    assert result["alpha"] == pytest.approx(9 / 14) and result["n"] == 3


def test_single_codes_give_nominal_alpha_of_the_krippendorff_package():
    # With one code per unit, MASI is the nominal distance (0 equal, 1 otherwise).
    rng = np.random.default_rng(1)
    data = rng.integers(0, 3, size=(3, 15)).astype(float)
    data[2, :4] = np.nan
    sets = pd.DataFrame({c: [None if np.isnan(v) else S([str(int(v))]) for v in data[c]] for c in range(3)})
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert masi_alpha(sets)["alpha"] == pytest.approx(expected)


def test_undefined_when_everyone_gives_the_same_set():
    sets = pd.DataFrame({"x": [S("a"), S("a")], "y": [S("a"), S("a")]})
    result = masi_alpha(sets)
    assert math.isnan(result["alpha"]) and result["note"].startswith("n/a")


def codings(rows):
    return pd.DataFrame(rows, columns=["coder", "excerpt_id", "code"])


def test_code_sets_keep_unread_excerpts_missing():
    c = codings([["a", "E1", "x"], ["a", "E1", "y"], ["a", "E2", ""], ["b", "E1", "y"]])
    sets = code_sets(c, ["a", "b"])
    assert sets.loc["E1", "a"] == S(["x", "y"]) and sets.loc["E2", "a"] == S() and sets.loc["E2", "b"] is None


def test_rows_for_pairs_and_all():
    c = codings([["a", "E1", "x"], ["b", "E1", "x"], ["a", "E2", "y"], ["b", "E2", "x"]])
    rows = masi_rows(c, ["a", "b"], "theme")
    assert list(rows["coders"]) == ["a vs b", "all: a, b"]
    assert (rows["statistic"] == "krippendorff_alpha_masi").all()


def test_placements_reproduced_and_extra_themes():
    # The source places E1 under x, E2 under y, E3 under x. The coder gives {x, z}, {x}, {x, y, z}:
    # it reproduces E1 and E3 (2 of 3) and adds 1, 1 and 2 other themes: mean 4/3.
    c = codings(
        [["report", "E1", "x"], ["report", "E2", "y"], ["report", "E3", "x"]]
        + [["c", "E1", "x"], ["c", "E1", "z"], ["c", "E2", "x"], ["c", "E3", "x"], ["c", "E3", "y"], ["c", "E3", "z"]]
    )
    rows = placement_rows(c, "report", ["c"], "theme").set_index("statistic")
    assert rows.loc["reproduced_share", "estimate"] == pytest.approx(2 / 3)
    assert rows.loc["reproduced_share", "positives"] == "c reproduces 2 of 3 placements"
    assert rows.loc["extra_codes_mean", "estimate"] == pytest.approx(4 / 3)
