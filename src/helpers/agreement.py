"""Agreement between coders: percent agreement, Cohen's, Fleiss' kappa, Krippendorff's alpha.

The coding is multi-label: a coder may apply several codes to one excerpt. Each code is
therefore treated as its own binary variable, present (1) or absent (0) per excerpt, and every
statistic is computed per code on those binary ratings. The "pooled" figure for a set of codes
takes every (excerpt, code) pair as one unit: one 2x2 table (or one ratings matrix) over all of
them. Pooled units of one excerpt are not independent, so pooled intervals are too narrow.

An excerpt a coder did not read is missing, not absent. Pairwise statistics and Fleiss' kappa
use the excerpts every coder concerned read; Krippendorff's alpha uses every excerpt that at
least two coders read (that is how alpha handles missing values). Every figure comes with the
number of excerpts behind it.

Statistics are undefined (NaN, with a note) where chance agreement is 1: when every coder gives
the same value on every excerpt (a code nobody applied, say). Cohen's kappa is 0, not
undefined, when only one of the two coders is constant.

Libraries: `statsmodels.stats.inter_rater` (`to_table`, `cohens_kappa`, `aggregate_raters`,
`fleiss_kappa`) and the `krippendorff` package (`alpha`, level "nominal"). Cohen's interval is
statsmodels' asymptotic 95% interval, clipped to [-1, 1].
"""
from __future__ import annotations

from itertools import combinations
from collections.abc import Sequence

import krippendorff
import numpy as np
import pandas as pd
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa, to_table

POOLED = "(pooled)"
UNDEFINED = "undefined: every coder gave the same value on every excerpt"
COLUMNS = ["level", "coders", "code", "statistic", "estimate", "ci_low", "ci_high", "n_excerpts", "n_units", "note"]


# ---------------------------------------------------------------------------- single statistics

def percent_agreement(ratings) -> tuple[float, int]:
    """Share of units on which all raters agree, over units every rater rated; (share, units).

    `ratings`: units in rows, raters in columns, NaN where a rater did not rate.
    """
    r = np.asarray(ratings, dtype=float)
    complete = r[~np.isnan(r).any(axis=1)]
    if len(complete) == 0:
        return float("nan"), 0
    return float((complete == complete[:, :1]).all(axis=1).mean()), len(complete)


def cohen_kappa(a, b) -> dict:
    """Cohen's kappa of two binary (0/1) raters on the same units: kappa, ci_low, ci_high, n, note."""
    a, b = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    n = len(a)
    out = {"kappa": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"), "n": n, "note": ""}
    if n == 0:
        out["note"] = "no excerpt read by both coders"
        return out
    table, _ = to_table(np.column_stack([a, b]), bins=2)
    if len(set(a)) == 1 and len(set(b)) == 1 and a[0] == b[0]:
        out["note"] = UNDEFINED
        return out
    if len(set(a)) == 1 or len(set(b)) == 1:
        # One coder constant: kappa is 0 by the formula; the asymptotic variance is degenerate.
        out["kappa"] = float(cohens_kappa(table, return_results=False))
        out["note"] = "one coder gave the same value on every excerpt: kappa is 0, no interval"
        return out
    with np.errstate(divide="ignore", invalid="ignore"):  # only the unused z-value can divide by 0
        res = cohens_kappa(table)
    out.update(kappa=float(res["kappa"]), ci_low=float(max(-1.0, res["kappa_low"])),
               ci_high=float(min(1.0, res["kappa_upp"])))
    return out


def fleiss(ratings) -> dict:
    """Fleiss' kappa of binary ratings (units x raters, complete units only): kappa, n, note."""
    r = np.asarray(ratings, dtype=float)
    r = r[~np.isnan(r).any(axis=1)].astype(int)
    out = {"kappa": float("nan"), "n": len(r), "note": ""}
    if len(r) == 0:
        out["note"] = "no excerpt read by every coder"
        return out
    if (r == r[0, 0]).all():
        out["note"] = UNDEFINED
        return out
    table, _ = aggregate_raters(r, n_cat=2)
    out["kappa"] = float(fleiss_kappa(table, method="fleiss"))
    return out


def kripp_alpha(ratings) -> dict:
    """Krippendorff's alpha (nominal) of binary ratings; `ratings` units x raters with NaN missing.

    n is the number of units rated by at least two raters (the pairable units alpha uses).
    """
    r = np.asarray(ratings, dtype=float)
    pairable = r[(~np.isnan(r)).sum(axis=1) >= 2]
    out = {"alpha": float("nan"), "n": len(pairable), "note": ""}
    if len(pairable) == 0:
        out["note"] = "no excerpt read by two coders"
        return out
    values = pairable[~np.isnan(pairable)]
    if len(np.unique(values)) < 2:
        out["note"] = UNDEFINED
        return out
    out["alpha"] = float(krippendorff.alpha(reliability_data=pairable.T, level_of_measurement="nominal",
                                            value_domain=[0, 1]))
    return out


# ---------------------------------------------------------------------------- tables

def presence(codings: pd.DataFrame, codes: Sequence[str], coders: Sequence[str]) -> pd.DataFrame:
    """Binary ratings: one row per (excerpt_id, code), one column per coder; 1 applied, 0 not, NaN not read.

    `codings` has columns coder, excerpt_id, code (empty code: read, nothing applied). Excerpts
    appear in the order first seen.
    """
    excerpts = list(dict.fromkeys(codings["excerpt_id"]))
    index = pd.MultiIndex.from_product([excerpts, list(codes)], names=["excerpt_id", "code"])
    out = pd.DataFrame(index=index)
    for coder in coders:
        mine = codings[codings["coder"] == coder]
        read = set(mine["excerpt_id"])
        hits = set(zip(mine["excerpt_id"], mine["code"]))
        out[coder] = [(1.0 if (e, c) in hits else 0.0) if e in read else np.nan for e, c in index]
    return out


def _row(level, coders, code, statistic, estimate, n_excerpts, n_units, ci=(np.nan, np.nan), note=""):
    return {"level": level, "coders": coders, "code": code, "statistic": statistic, "estimate": estimate,
            "ci_low": ci[0], "ci_high": ci[1], "n_excerpts": n_excerpts, "n_units": n_units, "note": note}


def pair_label(a: str, b: str) -> str:
    return f"{a} vs {b}"


def agreement_table(codings: pd.DataFrame, codes: Sequence[str], coders: Sequence[str], level: str) -> pd.DataFrame:
    """Every statistic, per code and pooled over `codes`, for each pair of coders and for all together.

    Tidy: one row per (coders, code, statistic) with the estimate, an interval where there is
    one, the excerpts behind it (`n_excerpts`) and the binary units (`n_units`: excerpts, or
    excerpts x codes when pooled).
    """
    ratings = presence(codings, codes, coders)
    rows = []
    blocks = [(code, ratings.xs(code, level="code")) for code in codes] + [(POOLED, ratings)]
    for a, b in combinations(coders, 2):
        label = pair_label(a, b)
        for code, block in blocks:
            both = block[[a, b]].dropna()
            n_exc = both.index.get_level_values(0).nunique() if isinstance(both.index, pd.MultiIndex) else len(both)
            share, n_units = percent_agreement(both.to_numpy())
            rows.append(_row(level, label, code, "percent_agreement", share, n_exc, n_units))
            k = cohen_kappa(both[a].to_numpy(), both[b].to_numpy())
            rows.append(_row(level, label, code, "cohens_kappa", k["kappa"], n_exc, k["n"], (k["ci_low"], k["ci_high"]), k["note"]))
    label = "all: " + ", ".join(coders)
    for code, block in blocks:
        values = block[list(coders)]
        complete = values.dropna()
        n_complete = complete.index.get_level_values(0).nunique() if isinstance(complete.index, pd.MultiIndex) else len(complete)
        share, n_units = percent_agreement(complete.to_numpy())
        rows.append(_row(level, label, code, "percent_agreement", share, n_complete, n_units))
        f = fleiss(complete.to_numpy())
        rows.append(_row(level, label, code, "fleiss_kappa", f["kappa"], n_complete, f["n"], note=f["note"]))
        pairable = values[values.notna().sum(axis=1) >= 2]
        n_pairable = pairable.index.get_level_values(0).nunique() if isinstance(pairable.index, pd.MultiIndex) else len(pairable)
        k = kripp_alpha(values.to_numpy())
        rows.append(_row(level, label, code, "krippendorff_alpha", k["alpha"], n_pairable, k["n"], note=k["note"]))
    return pd.DataFrame(rows, columns=COLUMNS)


def pooled_matrix(table: pd.DataFrame, statistic: str, coders: Sequence[str]) -> pd.DataFrame:
    """A coder x coder matrix of one pairwise pooled statistic (diagonal 1), for display."""
    out = pd.DataFrame(np.eye(len(coders)), index=list(coders), columns=list(coders))
    pooled = table[(table["code"] == POOLED) & (table["statistic"] == statistic)]
    for a, b in combinations(coders, 2):
        value = pooled.loc[pooled["coders"] == pair_label(a, b), "estimate"]
        if len(value):
            out.loc[a, b] = out.loc[b, a] = float(value.iloc[0])
    return out.rename_axis("coder").reset_index()
