"""Grid (likert) questions: bases, net balances, shares, ratios and comparisons of items.

Every item of a grid was rated by the same respondents, so items are not independent samples.
Each helper says what it assumes about that: per-item statistics need nothing; the chi-square
test and the proportional-odds model with model-based standard errors treat every rating as
independent (valid only with cluster-robust errors, which need respondent-level data); the
pairwise bounds hold whatever the dependence.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

from ..stats.models import log_odds_rows
from ..stats.proportions import fpc_factor, proportion_interval, share_row
from .folder import Survey
from .reconciliation import infer_grid_base
from .respondents import SEPARATOR

BASES = ("answered", "row")
# Beyond these a proportional-odds coefficient is a symptom of separation, not an estimate
# (an odds ratio above e^15, about 3 million, or a standard error of 100 on the log scale).
SEPARATION_LOG_ODDS = 15.0
SEPARATION_SE = 100.0
NO_ANSWER = "(no answer to this item)"


def scale_weights(options) -> list[int]:
    """-1 for the lower half of an ordered scale, +1 for the upper half, 0 for a middle option.

    >>> scale_weights(["none", "fewer", "same", "more", "many more"])
    [-1, -1, 0, 1, 1]
    >>> scale_weights(["no", "yes"])
    [-1, 1]
    """
    k = len(options)
    return [-1 if i < k // 2 else (0 if k % 2 and i == k // 2 else 1) for i in range(k)]


def grid_base(survey: Survey, qid: str, base: str) -> tuple[pd.Series, str]:
    """The base of each item, and a sentence saying where it comes from.

    `row`: each item's own total (those who rated it). `answered`: everyone who answered the
    grid, so a missing rating counts as "no answer": the published answered count; else the base
    that reproduces every published percentage (an inference); else the largest row total (a
    lower bound on the number who answered).
    """
    table = survey.likert_table(qid)
    rows = table.sum(axis=1).astype(int)
    q = survey.question(qid)
    if base == "row":
        return rows, "each item's row total (the councils that rated that provider)"
    if base != "answered":
        raise ValueError(f"base must be one of {BASES}")
    if q.answered is not None:
        source = "respondents.csv" if survey.level == "respondents" else "the source"
        return pd.Series(
            q.answered, index=rows.index
        ), f"the {q.answered} who answered the question, as {source} gives it"
    inferred, _, _ = infer_grid_base(survey, qid)
    if inferred is not None:
        return (
            pd.Series(inferred, index=rows.index),
            f"{inferred}, inferred: the source prints no base, and {inferred} is the only base "
            "that reproduces every published percentage of the question",
        )
    top = int(rows.max())
    return pd.Series(
        top, index=rows.index
    ), f"{top}, the largest row total (a lower bound on the number who answered: the source prints none)"


def grid_counts(survey: Survey, qid: str, bases: pd.Series) -> pd.DataFrame:
    """Items by options, plus a no-answer column where an item's base exceeds its row total."""
    table = survey.likert_table(qid).astype(int)
    missing = bases - table.sum(axis=1)
    if (missing < 0).any():
        raise ValueError("an item's base is below its row total")
    if (missing > 0).any():
        table[NO_ANSWER] = missing
    return table


def net_balance(counts, weights, confidence: float = 0.95, population_size: int | None = None) -> dict:
    """Net balance sum(w_i p_i) with a normal interval from the multinomial covariance.

    `counts` covers every category of the base (a no-answer category with weight 0 included), so
    the categories are one multinomial: Var = w' (diag(p) - p p') w / n (the delta method, exact
    here because the statistic is linear in p). The FPC multiplies the standard error.

    >>> r = net_balance([1, 80, 6, 5, 0], [-1, -1, 0, 1, 1])
    >>> round(r["estimate"], 4), round(r["se"], 4)
    (-0.8261, 0.0524)
    """
    counts = np.asarray(counts, dtype=float)
    weights = np.asarray(weights, dtype=float)
    n = counts.sum()
    p = counts / n
    covariance = (np.diag(p) - np.outer(p, p)) / n
    estimate = float(weights @ p)
    se = float(math.sqrt(max(weights @ covariance @ weights, 0.0)))
    z = stats.norm.ppf(0.5 + confidence / 2)
    out = {
        "estimate": estimate,
        "se": se,
        "base": int(n),
        "ci_low": float(max(-1.0, estimate - z * se)),
        "ci_high": float(min(1.0, estimate + z * se)),
        "se_fpc": math.nan,
        "ci_low_fpc": math.nan,
        "ci_high_fpc": math.nan,
    }
    if population_size is not None:
        se_fpc = se * fpc_factor(int(n), population_size)
        out.update(
            se_fpc=se_fpc,
            ci_low_fpc=float(max(-1.0, estimate - z * se_fpc)),
            ci_high_fpc=float(min(1.0, estimate + z * se_fpc)),
        )
    return out


def net_balance_table(
    counts: pd.DataFrame, weights, confidence: float = 0.95, population_size: int | None = None
) -> pd.DataFrame:
    """One row per item of `grid_counts` output: net balance, its standard error and intervals."""
    w = list(weights) + [0] * (counts.shape[1] - len(weights))
    rows = [
        {"item": item, **net_balance(row.to_numpy(), w, confidence, population_size)} for item, row in counts.iterrows()
    ]
    return pd.DataFrame(rows)


def share_table(
    counts: pd.DataFrame, options, confidence: float = 0.95, method: str = "wilson", population_size: int | None = None
) -> pd.DataFrame:
    """The share of each item's base choosing any of `options`, with intervals without and with the FPC."""
    rows = [
        {"item": item, **share_row(int(row[list(options)].sum()), int(row.sum()), confidence, method, population_size)}
        for item, row in counts.iterrows()
    ]
    return pd.DataFrame(rows)


def ratio_interval(x: int, y: int, confidence: float = 0.95, method: str = "beta") -> tuple[float, float, float]:
    """x/y for two cells of one multinomial, with an interval conditional on x + y.

    Given x + y, x is binomial with probability pi = p_x/(p_x + p_y), and p_x/p_y = pi/(1 - pi):
    an interval for pi (statsmodels `proportion_confint`) maps to one for the ratio. The base
    cancels, so the ratio and its interval do not depend on it.

    >>> [round(v, 2) for v in ratio_interval(81, 5, method="wilson")]
    [16.2, 6.75, 38.86]
    """
    if x + y == 0:
        return math.nan, math.nan, math.nan
    _, low, high = proportion_interval(x, x + y, confidence, method)

    def odds(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p)

    return (math.inf if y == 0 else x / y), odds(low), odds(high)


def ratio_table(
    counts: pd.DataFrame, options, weights, confidence: float = 0.95, method: str = "wilson"
) -> pd.DataFrame:
    """Per item: those expecting less (negative options) for each one expecting more (positive), with an interval.

    >>> t = pd.DataFrame([[1, 80, 6, 5, 0]], index=["in-house"], columns=list("abcde"))
    >>> ratio_table(t, list("abcde"), [-1, -1, 0, 1, 1])[["item", "negative", "positive", "ratio"]].values.tolist()
    [['in-house', 81, 5, 16.2]]
    """
    negative = [o for o, w in zip(options, weights) if w < 0]
    positive = [o for o, w in zip(options, weights) if w > 0]
    rows = []
    for item, row in counts.iterrows():
        x, y = int(row[negative].sum()), int(row[positive].sum())
        ratio, low, high = ratio_interval(x, y, confidence, method)
        rows.append({"item": item, "negative": x, "positive": y, "ratio": ratio, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows)


def expand_counts(counts: pd.DataFrame, options) -> pd.DataFrame:
    """One row per rating (item, option) from a table of counts: the likelihood is the same."""
    long = counts[list(options)].stack().rename("n").reset_index()
    long.columns = ["item", "option", "n"]
    rows = long.loc[long.index.repeat(long["n"])].reset_index(drop=True)
    return rows[["item", "option"]]


def long_ratings(respondents: pd.DataFrame, qid: str, items) -> pd.DataFrame:
    """Ratings from respondent-level data: one row per respondent and rated item, with a respondent key."""
    frames = []
    for item in items:
        col = respondents[f"{qid}{SEPARATOR}{item}"].astype(str)
        keep = col != ""
        frames.append(
            pd.DataFrame({"respondent": np.flatnonzero(keep.to_numpy()), "item": item, "option": col[keep].to_numpy()})
        )
    return pd.concat(frames, ignore_index=True)


def proportional_odds(ratings: pd.DataFrame, items, options, groups=None) -> tuple[pd.DataFrame, dict]:
    """A proportional-odds (ordered logit) model of the rating on the item, first item as reference.

    `ratings` has one row per rating (columns item, option). Options nobody chose are dropped
    (their thresholds are not identified). Without `groups` the standard errors treat every
    rating as independent; with `groups` (a respondent key per rating) they are cluster-robust.
    Returns a table of log odds ratios against the reference (positive: higher on the scale) and
    a dict of fit facts; if the fit fails to converge, the table is empty and the dict says so.
    """
    used = [o for o in options if (ratings["option"] == o).any()]
    items = [i for i in items if (ratings["item"] == i).any()]
    endog = pd.Series(pd.Categorical(ratings["option"], categories=used, ordered=True))
    exog = pd.get_dummies(pd.Categorical(ratings["item"], categories=items), dtype=float).iloc[:, 1:]
    exog.columns = items[1:]
    info = {
        "reference": items[0],
        "ratings": len(ratings),
        "options_used": len(used),
        "converged": False,
        "errors": "cluster-robust by respondent"
        if groups is not None
        else "model-based (ratings treated as independent)",
    }
    columns = ["item", "log_odds_ratio", "se", "ci_low", "ci_high", "odds_ratio", "p_value"]
    if len(used) < 2 or len(items) < 2:
        info["problem"] = "fewer than two options or items in use"
        return pd.DataFrame(columns=columns), info
    kwargs = {"cov_type": "cluster", "cov_kwds": {"groups": np.asarray(groups)}} if groups is not None else {}
    model = OrderedModel(endog, exog, distr="logit")
    try:
        with warnings.catch_warnings():
            # A grid where one item's answers all fall in one option has no finite estimate: the
            # optimiser then warns; turn that into an error and report it instead of a number.
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("error", HessianInversionWarning)
            warnings.simplefilter("error", RuntimeWarning)
            fit = model.fit(method="bfgs", disp=False, maxiter=5000, **kwargs)
    except (ConvergenceWarning, HessianInversionWarning, RuntimeWarning, np.linalg.LinAlgError) as exc:
        info["problem"] = f"the model did not converge ({type(exc).__name__})"
        return pd.DataFrame(columns=columns), info
    info["converged"] = bool(fit.mle_retvals.get("converged", False))
    if not info["converged"] or not np.all(np.isfinite(fit.bse)):
        info["problem"] = "the model did not converge"
        return pd.DataFrame(columns=columns), info
    slopes = fit.params[items[1:]]
    if (slopes.abs() > SEPARATION_LOG_ODDS).any() or (fit.bse[items[1:]] > SEPARATION_SE).any():
        # (quasi-)separation: one item's answers all lie above or below another's; the likelihood
        # keeps rising as a coefficient grows, and the optimiser stops at an arbitrary large value
        info["converged"] = False
        info["problem"] = (
            "the model did not converge to finite estimates (an item's answers are separated from another's)"
        )
        return pd.DataFrame(columns=columns), info
    rows = log_odds_rows(fit, items[1:], "item")
    info["log_likelihood"] = float(fit.llf)
    return pd.DataFrame(rows, columns=columns), info


def homogeneity_chi2(counts: pd.DataFrame, options) -> dict:
    """Pearson's chi-square test that every item has the same distribution over `options`.

    It treats the items as independent samples, which a grid rated by the same respondents is
    not: the p-value has no valid reference distribution here and is shown only with that caveat.
    """
    table = counts[list(options)]
    table = table.loc[:, table.sum(axis=0) > 0]
    result = stats.chi2_contingency(table.to_numpy())
    return {
        "statistic": float(result.statistic),
        "df": int(result.dof),
        "p_value": float(result.pvalue),
        "ratings": int(table.to_numpy().sum()),
    }


def pairwise_bounds(counts: pd.DataFrame, options, confidence: float = 0.95, method: str = "wilson") -> pd.DataFrame:
    """Every pair of items: difference in the share choosing `options`, with an interval valid under any dependence.

    Each share gets a (1 - alpha/2) interval; by Bonferroni's inequality both hold together with
    probability at least 1 - alpha whatever the correlation between the two items' answers, so
    [low_a - high_b, high_a - low_b] covers the difference with at least that probability. It is
    conservative. Where both items share one base, the number of respondents who answered the two
    differently (the discordant pairs a paired test such as McNemar's needs) is only bounded by
    the margins: from |x_a - x_b| to min(x_a + x_b, 2n - x_a - x_b).
    """
    inner = 1 - (1 - confidence) / 2
    shares = {}
    for item, row in counts.iterrows():
        x, n = int(row[list(options)].sum()), int(row.sum())
        shares[item] = (x, n, *proportion_interval(x, n, inner, method))
    rows = []
    for a, b in itertools.combinations(counts.index, 2):
        xa, na, pa, la, ha = shares[a]
        xb, nb, pb, lb, hb = shares[b]
        low, high = la - hb, ha - lb
        entry = {
            "item_a": a,
            "item_b": b,
            "share_a": pa,
            "share_b": pb,
            "difference": pa - pb,
            "ci_low": max(-1.0, low),
            "ci_high": min(1.0, high),
            "excludes_zero": bool(low > 0 or high < 0),
        }
        if na == nb:
            entry["discordant_min"] = abs(xa - xb)
            entry["discordant_max"] = min(xa + xb, 2 * na - xa - xb)
        rows.append(entry)
    out = pd.DataFrame(rows)
    for column in ("discordant_min", "discordant_max"):
        if column in out.columns:
            out[column] = out[column].astype("Int64")
    return out


def paired_tests(respondents: pd.DataFrame, qid: str, items, options) -> pd.DataFrame:
    """Respondent-level data only: McNemar's exact test for every pair of items on choosing `options`.

    Uses the respondents who rated both items; the paired table is what aggregate counts lack.
    """
    rows = []
    for a, b in itertools.combinations(items, 2):
        col_a = respondents[f"{qid}{SEPARATOR}{a}"].astype(str)
        col_b = respondents[f"{qid}{SEPARATOR}{b}"].astype(str)
        both = (col_a != "") & (col_b != "")
        ya, yb = col_a[both].isin(list(options)), col_b[both].isin(list(options))
        table = pd.crosstab(ya, yb).reindex(index=[True, False], columns=[True, False], fill_value=0).to_numpy()
        result = mcnemar(table, exact=True)
        n = int(both.sum())
        rows.append(
            {
                "item_a": a,
                "item_b": b,
                "respondents": n,
                "share_a": float(ya.mean()) if n else math.nan,
                "share_b": float(yb.mean()) if n else math.nan,
                "a_only": int(table[0, 1]),
                "b_only": int(table[1, 0]),
                "p_value": float(result.pvalue),
            }
        )
    return pd.DataFrame(rows)
