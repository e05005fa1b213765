"""Cross-tabulations that only respondent-level data can give: one question by another.

Aggregate counts hold each question's margins only; how answers combine within a respondent is
lost, so these tables, tests and models exist only when a survey folder has respondents.csv.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

from ..stats.models import log_odds_rows
from .schema import SurveySpec

MONTE_CARLO_TABLES = 20000
MONTE_CARLO_SEED = 2011
ABSENT_WITH_AGGREGATES = (
    "The survey folder gives aggregate counts only (no respondents.csv): each question's totals, "
    "not how one council's answers combine. A cross-tabulation of one question by another, its "
    "test and a regression need those combinations, so they are not shown, and none are made up."
)


def crosstab(respondents: pd.DataFrame, spec: SurveySpec, row_qid: str, col_qid: str) -> pd.DataFrame:
    """Counts of respondents answering both single-choice questions, options in questionnaire order.

    Options nobody chose (among those answering both) are dropped: they carry no information for
    a test of association and would make expected counts zero.
    """
    rows, cols = respondents[row_qid].astype(str), respondents[col_qid].astype(str)
    both = (rows != "") & (cols != "")
    table = pd.crosstab(rows[both], cols[both])
    table = table.reindex(
        index=list(spec.question(row_qid).options), columns=list(spec.question(col_qid).options), fill_value=0
    )
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    table.index.name, table.columns.name = row_qid, col_qid
    return table


def association_test(table: pd.DataFrame) -> dict:
    """A test of independence: Pearson's chi-square when every expected count is at least 5, else Fisher's exact test.

    A 2 x 2 table gets Fisher's exact p-value; larger tables the Fisher-Freeman-Halton test, its
    p-value estimated from random tables with the observed margins (a fixed seed, so the
    result repeats).
    """
    observed = table.to_numpy()
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        return {
            "test": "none",
            "statistic": np.nan,
            "df": np.nan,
            "p_value": np.nan,
            "min_expected": np.nan,
            "reason": "fewer than two options in use on one side: no association to test",
        }
    expected = stats.contingency.expected_freq(observed)
    df = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    if expected.min() >= 5:
        result = stats.chi2_contingency(observed, correction=False)
        return {
            "test": "Pearson chi-square",
            "statistic": float(result.statistic),
            "df": df,
            "p_value": float(result.pvalue),
            "min_expected": float(expected.min()),
            "reason": "every expected count is at least 5",
        }
    if observed.shape == (2, 2):
        result = stats.fisher_exact(observed)
        return {
            "test": "Fisher exact",
            "statistic": float(result.statistic),
            "df": df,
            "p_value": float(result.pvalue),
            "min_expected": float(expected.min()),
            "reason": "an expected count is below 5",
        }
    method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES, rng=np.random.default_rng(MONTE_CARLO_SEED))
    result = stats.fisher_exact(observed, method=method)
    return {
        "test": f"Fisher-Freeman-Halton (Monte Carlo, {MONTE_CARLO_TABLES} tables)",
        "statistic": float(result.statistic),
        "df": df,
        "p_value": float(result.pvalue),
        "min_expected": float(expected.min()),
        "reason": "an expected count is below 5",
    }


def logistic_regression(
    respondents: pd.DataFrame, spec: SurveySpec, outcome_qid: str, outcome_option: str, predictor_qid: str
) -> tuple[pd.DataFrame, dict]:
    """Logistic regression of choosing `outcome_option` on the options of another question.

    The first option in use is the reference. Where an option's respondents all gave, or all
    withheld, the outcome, the maximum-likelihood estimate does not exist (separation): the table
    is then empty and the dict says which option caused it.
    """
    table = crosstab(respondents, spec, predictor_qid, outcome_qid)
    columns = ["option", "log_odds_ratio", "se", "ci_low", "ci_high", "odds_ratio", "p_value", "respondents"]
    info = {
        "reference": table.index[0] if len(table) else "",
        "respondents": int(table.to_numpy().sum()),
        "problem": "",
    }
    if outcome_option not in table.columns or len(table.index) < 2:
        info["problem"] = "the outcome or the predictor has fewer than two answers in use"
        return pd.DataFrame(columns=columns), info
    yes = table[outcome_option]
    no = table.sum(axis=1) - yes
    separated = [o for o in table.index if yes[o] == 0 or no[o] == 0]
    if separated:
        info["problem"] = (
            "separation: every respondent choosing " + ", ".join(f"'{o}'" for o in separated) + " gave the same outcome"
        )
        return pd.DataFrame(columns=columns), info
    predictor = respondents[predictor_qid].astype(str)
    outcome = respondents[outcome_qid].astype(str)
    both = (predictor != "") & (outcome != "")
    levels = list(table.index)
    x = pd.get_dummies(pd.Categorical(predictor[both], categories=levels), dtype=float).iloc[:, 1:]
    x.columns = levels[1:]
    x = sm.add_constant(x.reset_index(drop=True), has_constant="add")
    y = (outcome[both] == outcome_option).astype(float).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            fit = sm.Logit(y, x).fit(disp=0)
        except (PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError) as exc:
            info["problem"] = f"the model did not converge ({type(exc).__name__})"
            return pd.DataFrame(columns=columns), info
    rows = [
        {**row, "respondents": int(table.loc[row["option"]].sum())} for row in log_odds_rows(fit, levels[1:], "option")
    ]
    info["lr_p_value"] = float(fit.llr_pvalue)
    return pd.DataFrame(rows, columns=columns), info
