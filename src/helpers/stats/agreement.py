"""Agreement between coders: percent agreement, Cohen's, Fleiss' kappa, Krippendorff's alpha.

The coding is multi-label: a coder may apply several codes to one excerpt. Each code is
therefore treated as its own binary variable, present (1) or absent (0) per excerpt, and every
statistic is computed per code on those binary ratings. The "pooled" figure for a set of codes
takes every (excerpt, code) pair as one unit: one 2x2 table (or one ratings matrix) over all of
them. Pooled units of one excerpt are not independent, so the pooled Cohen's kappa gets its
interval from a bootstrap that resamples whole excerpts (scipy.stats.bootstrap, percentile,
2,000 resamples, seeded so the figure is the same on every run) rather than from the asymptotic
formula, which assumes independent units. Dependence can widen or narrow the interval (codes
that exclude each other within an excerpt narrow it), so the row's note gives the asymptotic
interval too. The bootstrap assumes the excerpts are independent of each other, which they are
not quite either (one interviewee may speak in several), and with few excerpts its coverage is
approximate.

An excerpt a coder did not read is missing, not absent. Pairwise statistics and Fleiss' kappa
use the excerpts every coder concerned read; Krippendorff's alpha uses every excerpt that at
least two coders read (that is how alpha handles missing values). Every figure comes with the
number of excerpts behind it.

Statistics are undefined (NaN, with a note) where chance agreement is 1: when every coder gives
the same value on every excerpt (a code nobody applied, say). Cohen's kappa is 0, not
undefined, when only one of the two coders is constant.

Libraries: `statsmodels.stats.inter_rater` (`to_table`, `cohens_kappa`, `aggregate_raters`,
`fleiss_kappa`) and the `krippendorff` package (`alpha`, level "nominal"). Cohen's interval is
statsmodels' asymptotic 95% interval, clipped to [-1, 1], per code; pooled, see above.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from itertools import combinations

import krippendorff
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa, to_table

POOLED = "(pooled)"
UNDEFINED = "undefined: every coder gave the same value on every excerpt"
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 2015  # fixed: the same interval on every run (the year of the interviews' report)
BOOTSTRAP_NOTE = "interval: percentile bootstrap over excerpts (units of one excerpt are not independent)"
ASYMPTOTIC_NOTE = "the asymptotic interval, which assumes independent units, is {low:.2f} to {high:.2f}"
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
    out.update(
        kappa=float(res["kappa"]), ci_low=float(max(-1.0, res["kappa_low"])), ci_high=float(min(1.0, res["kappa_upp"]))
    )
    return out


def excerpt_bootstrap_interval(a, b, excerpts, confidence: float = 0.95) -> tuple[float, float]:
    """Cohen's kappa interval from resampling whole excerpts, for units clustered in excerpts.

    `a`, `b`: binary ratings per unit; `excerpts`: the excerpt of each unit. Each resample draws
    excerpts with replacement and computes statsmodels' kappa on all their units.
    """
    a, b = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    ids, cluster = np.unique(np.asarray(excerpts), return_inverse=True)
    cells = np.zeros((len(ids), 4))
    np.add.at(cells, (cluster, 2 * a + b), 1)  # per excerpt: (0,0), (0,1), (1,0), (1,1) units

    def kappa(sample):
        table = cells[sample].sum(axis=0).reshape(2, 2)
        if np.count_nonzero(table) == 1 and table[0, 1] == table[1, 0] == 0:
            return np.nan  # both coders constant and equal in this resample: kappa undefined
        return float(cohens_kappa(table, return_results=False))

    if len(ids) < 2:
        return float("nan"), float("nan")
    with warnings.catch_warnings():
        # A resample of excerpts nobody coded leaves kappa undefined; scipy then gives no interval
        # and warns. The percentile interval is taken over the resamples where kappa is defined.
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        result = stats.bootstrap(
            (np.arange(len(ids)),),
            kappa,
            vectorized=False,
            n_resamples=BOOTSTRAP_RESAMPLES,
            confidence_level=confidence,
            method="percentile",
            rng=np.random.default_rng(BOOTSTRAP_SEED),
        )
    tail = (1 - confidence) / 2
    low, high = np.nanquantile(result.bootstrap_distribution, [tail, 1 - tail])
    return float(max(-1.0, low)), float(min(1.0, high))


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
    out["alpha"] = float(
        krippendorff.alpha(reliability_data=pairable.T, level_of_measurement="nominal", value_domain=[0, 1])
    )
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
    return {
        "level": level,
        "coders": coders,
        "code": code,
        "statistic": statistic,
        "estimate": estimate,
        "ci_low": ci[0],
        "ci_high": ci[1],
        "n_excerpts": n_excerpts,
        "n_units": n_units,
        "note": note,
    }


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
            if code == POOLED and not np.isnan(k["ci_low"]):
                asymptotic = ASYMPTOTIC_NOTE.format(low=k["ci_low"], high=k["ci_high"])
                k["ci_low"], k["ci_high"] = excerpt_bootstrap_interval(both[a], both[b], both.index.get_level_values(0))
                k["note"] = "; ".join(filter(None, [k["note"], BOOTSTRAP_NOTE, asymptotic]))
            rows.append(
                _row(
                    level,
                    label,
                    code,
                    "cohens_kappa",
                    k["kappa"],
                    n_exc,
                    k["n"],
                    (k["ci_low"], k["ci_high"]),
                    k["note"],
                )
            )
    label = "all: " + ", ".join(coders)
    for code, block in blocks:
        values = block[list(coders)]
        complete = values.dropna()
        n_complete = (
            complete.index.get_level_values(0).nunique() if isinstance(complete.index, pd.MultiIndex) else len(complete)
        )
        share, n_units = percent_agreement(complete.to_numpy())
        rows.append(_row(level, label, code, "percent_agreement", share, n_complete, n_units))
        f = fleiss(complete.to_numpy())
        rows.append(_row(level, label, code, "fleiss_kappa", f["kappa"], n_complete, f["n"], note=f["note"]))
        pairable = values[values.notna().sum(axis=1) >= 2]
        n_pairable = (
            pairable.index.get_level_values(0).nunique() if isinstance(pairable.index, pd.MultiIndex) else len(pairable)
        )
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
