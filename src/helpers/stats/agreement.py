"""Agreement between coders per code and pooled: percent and positive agreement, Cohen's, Fleiss', Krippendorff's.

The coding is multi-label: a coder may apply several codes to one excerpt. Each code is its own
binary variable, present (1) or absent (0) per excerpt. Per code and pair of coders the table
gives how many excerpts each coder coded with it (`positives`), percent agreement, positive
specific agreement (coded by both over the mean of each coder's count: 2 n11 / (2 n11 + n10 + n01),
Fleiss 1975; Cicchetti and Feinstein 1990) and Cohen's kappa (statsmodels). The pooled figure
takes every (excerpt, code) pair as one unit, over the codes at least one of the coders applied:
codes nobody applied would only add units everyone agrees on and flatter percent agreement.

Intervals, per code and pooled alike, come from one cluster bootstrap that resamples whole
excerpts (units of one excerpt are not independent): `BOOTSTRAP_RESAMPLES` resamples, seeded,
percentile interval. None is given where a coder has `MIN_POSITIVES` positives or fewer: the note
gives the counts instead, since an interval on so few is not informative (a kappa of 1 on two
positives has a zero-width asymptotic interval that says nothing). The bootstrap assumes the
excerpts independent of each other, which they are not quite (one interviewee may speak in
several); with few excerpts its coverage is approximate.

An excerpt a coder did not read is missing, not absent. Pairwise statistics and Fleiss' kappa
use the excerpts every coder concerned read; Krippendorff's alpha uses every excerpt at least two
coders read. Where a statistic is undefined the estimate is NaN and the note says why (shown
"n/a" with that reason, never 0).

Libraries: `statsmodels.stats.inter_rater` (`to_table`, `cohens_kappa`, `aggregate_raters`,
`fleiss_kappa`) and the `krippendorff` package (`alpha`, level "nominal"). The bootstrap computes
kappa from the summed 2x2 tables with the textbook formula, tested equal to statsmodels'.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from itertools import combinations

import krippendorff
import numpy as np
import pandas as pd
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa, to_table

POOLED = "(pooled)"
UNDEFINED = "undefined: every coder gave the same value on every excerpt"
NOBODY = "n/a: neither coder applied it"
EVERYWHERE = "n/a: both coders applied it to every excerpt"
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 2015  # fixed: the same interval on every run (the year of the interviews' report)
MIN_POSITIVES = 5  # no interval where a coder has this many positives or fewer
CONFIDENCE = 0.95  # the bootstrap intervals' level
BOOTSTRAP_NOTE = "interval: percentile bootstrap over excerpts (units of one excerpt are not independent)"
COLUMNS = [
    "level",
    "coders",
    "code",
    "statistic",
    "estimate",
    "ci_low",
    "ci_high",
    "n_excerpts",
    "n_units",
    "positives",
    "note",
]


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


def cells(a, b) -> np.ndarray:
    """The 2x2 table of two binary raters as [n11, n10, n01, n00] (n10: only the first coded)."""
    a, b = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    return np.array([(a * b).sum(), (a * (1 - b)).sum(), ((1 - a) * b).sum(), ((1 - a) * (1 - b)).sum()])


def table_statistics(table) -> dict[str, np.ndarray]:
    """Percent agreement, positive agreement and Cohen's kappa of 2x2 tables [..., (n11, n10, n01, n00)].

    Vectorised over leading axes (the bootstrap's resamples); NaN where a statistic is undefined.
    """
    t = np.asarray(table, dtype=float)
    n11, n10, n01, n00 = t[..., 0], t[..., 1], t[..., 2], t[..., 3]
    n = n11 + n10 + n01 + n00
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (n11 + n00) / n
        first, second = (n11 + n10) / n, (n11 + n01) / n
        chance = first * second + (1 - first) * (1 - second)
        kappa = np.where(np.isclose(chance, 1.0), np.nan, (observed - chance) / (1 - chance))
        positive = np.where(2 * n11 + n10 + n01 == 0, np.nan, 2 * n11 / (2 * n11 + n10 + n01))
    return {"percent_agreement": observed, "positive_agreement": positive, "cohens_kappa": kappa}


def cohen_kappa(a, b) -> dict:
    """Cohen's kappa of two binary (0/1) raters on the same units (statsmodels): kappa, n, note."""
    a, b = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    out = {"kappa": float("nan"), "n": len(a), "note": ""}
    if len(a) == 0:
        out["note"] = "n/a: no excerpt read by both coders"
        return out
    if len(set(a)) == 1 and len(set(b)) == 1 and a[0] == b[0]:
        out["note"] = NOBODY if a[0] == 0 else EVERYWHERE
        return out
    table, _ = to_table(np.column_stack([a, b]), bins=2)
    out["kappa"] = float(cohens_kappa(table, return_results=False))
    if len(set(a)) == 1 or len(set(b)) == 1:
        out["note"] = "one coder gave the same value on every excerpt: kappa is 0 by the formula"
    return out


@functools.lru_cache(maxsize=8)
def _draw_counts(n: int) -> np.ndarray:
    """How often each of n clusters is drawn in each resample (resamples x n), the same for every code.

    Summing the drawn clusters' tables is then one product with this matrix: exact, since the tables
    hold whole numbers, and far cheaper than gathering every draw's tables code by code.
    """
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    draws = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
    counts = np.zeros((BOOTSTRAP_RESAMPLES, n))
    np.add.at(counts, (np.arange(BOOTSTRAP_RESAMPLES)[:, None], draws), 1)
    counts.flags.writeable = False
    return counts


def cluster_bootstrap(per_cluster, confidence: float = CONFIDENCE) -> dict[str, tuple[float, float]]:
    """Percentile intervals of every `table_statistics` figure, resampling clusters with replacement.

    `per_cluster`: one 2x2 table [n11, n10, n01, n00] per cluster (an excerpt, or a document for
    character units). Each resample draws clusters with replacement and sums their tables; the
    interval is taken over the resamples where the statistic is defined.
    """
    per_cluster = np.asarray(per_cluster, dtype=float)
    names = ["percent_agreement", "positive_agreement", "cohens_kappa"]
    if len(per_cluster) < 2:
        return {k: (float("nan"), float("nan")) for k in names}
    resampled = table_statistics(_draw_counts(len(per_cluster)) @ per_cluster)
    tail = (1 - confidence) / 2
    out = {}
    for name in names:
        values = resampled[name][~np.isnan(resampled[name])]
        low, high = np.quantile(values, [tail, 1 - tail]) if len(values) else (np.nan, np.nan)
        out[name] = (float(low), float(high))
    return out


def excerpt_bootstrap_interval(a, b, excerpts, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Cohen's kappa interval from resampling whole excerpts (`cluster_bootstrap` on each excerpt's table)."""
    frame = pd.DataFrame({"a": np.asarray(a, dtype=int), "b": np.asarray(b, dtype=int), "e": np.asarray(excerpts)})
    tables = np.array([cells(g["a"], g["b"]) for _, g in frame.groupby("e", sort=False)])
    return cluster_bootstrap(tables, confidence)["cohens_kappa"]


def fleiss(ratings) -> dict:
    """Fleiss' kappa of binary ratings (units x raters, complete units only): kappa, n, note."""
    r = np.asarray(ratings, dtype=float)
    r = r[~np.isnan(r).any(axis=1)].astype(int)
    out = {"kappa": float("nan"), "n": len(r), "note": ""}
    if len(r) == 0:
        out["note"] = "n/a: no excerpt read by every coder"
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
        out["note"] = "n/a: no excerpt read by two coders"
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


def _row(level, coders, code, statistic, estimate, n_excerpts, n_units, ci=(np.nan, np.nan), positives="", note=""):
    values = [level, coders, code, statistic, estimate, ci[0], ci[1], n_excerpts, n_units, positives, note]
    return dict(zip(COLUMNS, values))


def pair_label(a: str, b: str) -> str:
    return f"{a} vs {b}"


def _excerpts_of(block: pd.DataFrame) -> int:
    return block.index.get_level_values(0).nunique() if isinstance(block.index, pd.MultiIndex) else len(block)


def _pair_rows(level: str, a: str, b: str, code: str, both: pd.DataFrame) -> list[dict]:
    """Percent agreement, positive agreement and Cohen's kappa of one pair on one code (or pooled)."""
    label, n_exc = pair_label(a, b), _excerpts_of(both)
    x, y = both[a].to_numpy(dtype=int), both[b].to_numpy(dtype=int)
    count_a, count_b = int(x.sum()), int(y.sum())
    positives = f"{a} {count_a}, {b} {count_b}"
    share, n_units = percent_agreement(both.to_numpy())
    kappa = cohen_kappa(x, y)
    stats = table_statistics(cells(x, y))
    intervals, note = {}, ""
    if min(count_a, count_b) <= MIN_POSITIVES:
        note = f"no interval: {a} coded {count_a}, {b} {count_b} (an interval needs more than {MIN_POSITIVES} each)"
    elif n_units:
        excerpt_ids = both.index.get_level_values(0) if isinstance(both.index, pd.MultiIndex) else both.index
        per = pd.DataFrame({"x": x, "y": y, "e": excerpt_ids}).groupby("e", sort=False)
        intervals = cluster_bootstrap(np.array([cells(g["x"], g["y"]) for _, g in per]))
        note = BOOTSTRAP_NOTE
    positive = float(stats["positive_agreement"])
    rows = [
        _row(level, label, code, "percent_agreement", share, n_exc, n_units, positives=positives),
        _row(
            level,
            label,
            code,
            "positive_agreement",
            positive,
            n_exc,
            n_units,
            intervals.get("positive_agreement", (np.nan, np.nan)),
            positives,
            NOBODY if np.isnan(positive) else note,
        ),
        _row(
            level,
            label,
            code,
            "cohens_kappa",
            kappa["kappa"],
            n_exc,
            kappa["n"],
            intervals.get("cohens_kappa", (np.nan, np.nan)),
            positives,
            "; ".join(filter(None, [kappa["note"], "" if np.isnan(kappa["kappa"]) else note])),
        ),
    ]
    return rows


def _group_rows(level: str, coders: Sequence[str], code: str, values: pd.DataFrame) -> list[dict]:
    """Percent agreement, Fleiss' kappa and Krippendorff's alpha of all coders together."""
    label = "all: " + ", ".join(coders)
    complete = values.dropna()
    n_complete = _excerpts_of(complete)
    positives = ", ".join(f"{c} {int(values[c].sum())}" for c in coders)
    share, n_units = percent_agreement(complete.to_numpy())
    f = fleiss(complete.to_numpy())
    pairable = values[values.notna().sum(axis=1) >= 2]
    k = kripp_alpha(values.to_numpy())
    return [
        _row(level, label, code, "percent_agreement", share, n_complete, n_units, positives=positives),
        _row(level, label, code, "fleiss_kappa", f["kappa"], n_complete, f["n"], positives=positives, note=f["note"]),
        _row(
            level,
            label,
            code,
            "krippendorff_alpha",
            k["alpha"],
            _excerpts_of(pairable),
            k["n"],
            positives=positives,
            note=k["note"],
        ),
    ]


def _used(ratings: pd.DataFrame, coders: Sequence[str]) -> pd.DataFrame:
    """The rows of the codes at least one of `coders` applied somewhere (the pooled figure's units)."""
    applied = ratings[list(coders)].fillna(0).groupby(level="code").max().max(axis=1)
    used = set(applied.index[applied > 0])
    return ratings[ratings.index.get_level_values("code").isin(used)]


def agreement_table(codings: pd.DataFrame, codes: Sequence[str], coders: Sequence[str], level: str) -> pd.DataFrame:
    """Every statistic, per code and pooled over the codes used, for each pair of coders and for all together.

    Tidy: one row per (coders, code, statistic) with the estimate, an interval where there is
    one, the excerpts behind it (`n_excerpts`), the binary units (`n_units`: excerpts, or
    excerpts x codes when pooled) and each coder's positives.
    """
    ratings = presence(codings, codes, coders)
    rows = []
    for a, b in combinations(coders, 2):
        for code in codes:
            rows += _pair_rows(level, a, b, code, ratings.xs(code, level="code")[[a, b]].dropna())
        rows += _pair_rows(level, a, b, POOLED, _used(ratings, [a, b])[[a, b]].dropna())
    for code in codes:
        rows += _group_rows(level, coders, code, ratings.xs(code, level="code")[list(coders)])
    rows += _group_rows(level, coders, POOLED, _used(ratings, coders)[list(coders)])
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
