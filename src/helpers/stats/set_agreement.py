"""Krippendorff's alpha over sets of codes, with the MASI distance: agreement on multi-label codings as wholes.

Each coder gives each excerpt a set of codes (empty: read, nothing applied). Two sets differ by
the MASI distance (Passonneau 2006, "Measuring agreement on set-valued items (MASI) for semantic
and pragmatic annotation", LREC): d = 1 - J * M, with J the Jaccard overlap |A & B| / |A | B| and
M = 1 where the sets are equal, 2/3 where one holds the other, 1/3 where they overlap otherwise,
0 where they are disjoint (the form nltk's `masi_distance` computes). Two empty sets are equal
(d = 0); an empty set and a non-empty one are disjoint (d = 1).

Alpha = 1 - D_o / D_e over the coincidence matrix of the values (Krippendorff 2011, "Computing
Krippendorff's alpha-reliability", section E, any metric): each unit coded by m_u >= 2 coders
adds 1 / (m_u - 1) for every ordered pair of its values; D_o = sum o_ck d_ck / n and
D_e = sum n_c n_k d_ck / (n (n - 1)), with n_c the values' totals and n the pairable values.
The binary per-code figures stay beside it: this one says how far whole codings agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from .agreement import COLUMNS, pair_label

MASI = "krippendorff_alpha_masi"
SETS = "(sets of codes)"
PLACEMENTS = "(placements)"


def masi_distance(a: frozenset, b: frozenset) -> float:
    """MASI distance of two sets of codes (see the module docstring).

    >>> masi_distance(frozenset("a"), frozenset("ab")), masi_distance(frozenset("ab"), frozenset("bc"))
    (0.6666666666666667, 0.8888888888888888)
    """
    if a == b:
        return 0.0
    shared = len(a & b)
    if shared == 0:
        return 1.0
    monotone = 2 / 3 if (a <= b or b <= a) else 1 / 3
    return 1.0 - shared / len(a | b) * monotone


def masi_alpha(sets: pd.DataFrame) -> dict:
    """Krippendorff's alpha with the MASI distance: `sets` has one row per unit, one column per coder.

    Each cell is a frozenset of codes, or None where the coder did not read the unit. Returns
    alpha, n (units coded by at least two coders) and a note where alpha is undefined.
    """
    units = [[v for v in row if v is not None] for row in sets.itertuples(index=False)]
    units = [u for u in units if len(u) >= 2]
    out = {"alpha": float("nan"), "n": len(units), "note": ""}
    if not units:
        out["note"] = "n/a: no excerpt coded by two coders"
        return out
    values = list(dict.fromkeys(v for u in units for v in u))
    index = {v: i for i, v in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for unit in units:
        weight = 1.0 / (len(unit) - 1)
        for i, x in enumerate(unit):
            for j, y in enumerate(unit):
                if i != j:
                    coincidence[index[x], index[y]] += weight
    distance = np.array([[masi_distance(x, y) for y in values] for x in values])
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    expected = (np.outer(totals, totals) * distance).sum() / (n * (n - 1))
    if expected == 0:
        out["note"] = "n/a: every coder gave every excerpt the same set of codes"
        return out
    observed = (coincidence * distance).sum() / n
    out["alpha"] = float(1 - observed / expected)
    return out


def code_sets(codings: pd.DataFrame, coders: Sequence[str]) -> pd.DataFrame:
    """Each coder's set of codes per excerpt (None where the coder did not read it), excerpts in first-seen order.

    `codings` has columns coder, excerpt_id, code (empty code: read, nothing applied).
    """
    excerpts = list(dict.fromkeys(codings["excerpt_id"]))
    out = pd.DataFrame(index=pd.Index(excerpts, name="excerpt_id"))
    for coder in coders:
        mine = codings[codings["coder"] == coder]
        read = set(mine["excerpt_id"])
        sets = mine[mine["code"] != ""].groupby("excerpt_id")["code"].agg(frozenset)
        out[coder] = [sets.get(e, frozenset()) if e in read else None for e in excerpts]
    return out


def masi_rows(codings: pd.DataFrame, coders: Sequence[str], level: str) -> pd.DataFrame:
    """Alpha with the MASI distance for each pair and for all coders, as agreement-table rows (code SETS)."""
    sets = code_sets(codings, coders)
    groups = [(pair_label(a, b), [a, b]) for a, b in combinations(coders, 2)]
    groups.append(("all: " + ", ".join(coders), list(coders)))
    rows = []
    for label, members in groups:
        result = masi_alpha(sets[members])
        note = result["note"] or "Krippendorff's alpha over each excerpt's set of codes, MASI distance"
        rows.append([level, label, SETS, MASI, result["alpha"], result["n"], result["n"], np.nan, np.nan, "", note])
    order = ["level", "coders", "code", "statistic", "estimate", "n_excerpts", "n_units", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=[*order, "positives", "note"])[COLUMNS]


def placement_rows(codings: pd.DataFrame, source: str, coders: Sequence[str], level: str) -> pd.DataFrame:
    """Against a single-label source: the share of its placements each coder reproduces, and extra themes.

    For each coder other than `source`, over the excerpts both read that the source placed:
    `reproduced_share` (the coder applied the source's code too) and `extra_codes_mean` (codes the
    coder applied beyond the source's, per excerpt). A kappa would count every extra theme of a
    multi-label coder as a disagreement with a source that can give only one.
    """
    sets = code_sets(codings, [source, *coders])
    rows = []
    for coder in coders:
        both = sets[[source, coder]].dropna()
        placed = both[[len(s) > 0 for s in both[source]]]
        n = len(placed)
        hit = sum(bool(s & c) for s, c in zip(placed[source], placed[coder]))
        extra = [len(c - s) for s, c in zip(placed[source], placed[coder])]
        label = pair_label(source, coder)
        counts = f"{coder} reproduces {hit} of {n} placements"
        share = hit / n if n else np.nan
        mean = float(np.mean(extra)) if n else np.nan
        rows.append([level, label, PLACEMENTS, "reproduced_share", share, np.nan, np.nan, n, n, counts, ""])
        note = f"{sum(extra)} codes beyond the source's on {n} excerpts"
        rows.append([level, label, PLACEMENTS, "extra_codes_mean", mean, np.nan, np.nan, n, n, counts, note])
    return pd.DataFrame(rows, columns=COLUMNS)


__all__ = ["MASI", "PLACEMENTS", "SETS", "code_sets", "masi_alpha", "masi_distance", "masi_rows", "placement_rows"]
