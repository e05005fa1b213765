"""Weighted shares of a wave raked to the frame, with design-based intervals, design effects and effective sizes.

Each share is estimated over those who answered the question (a domain of the raked design, as R's
`svyciprop(~y, subset(design, answered))`), with the linearised standard error that takes the raking into
account (helpers.stats.calibration). The notebooks' `ci_method` maps to `svyciprop`'s methods: "beta"
(Clopper-Pearson) to "beta" (Korn and Graubard's design-based version of it); every other method to
"logit", R's default for a share.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..core.csvout import write_csv
from ..present.wording import percent_level
from ..stats.calibration import mean_estimate, share_interval
from .folder import Survey
from .respondents import ID_COLUMN, SEPARATOR

WEIGHTED_COLUMNS = ["option", "count", "base", "share", "se", "ci_low", "ci_high", "deff", "effective_n"]


def design_method(ci_method: str) -> str:
    """`svyciprop`'s method for a notebook's `ci_method`: "beta" stays "beta", the others are "logit"."""
    return "beta" if ci_method == "beta" else "logit"


def weighted_method(survey: Survey, level: float, ci_method: str) -> str:
    """The method column of a weighted share: '95% logit interval, raked to type and region'."""
    return f"{percent_level(level)} {design_method(ci_method)} interval, {survey.spec.weighting.describe()}"


def option_answers(survey: Survey, qid: str, item: str = "") -> tuple[dict[str, np.ndarray], np.ndarray]:
    """For each option, which respondents chose it; and which answered the question (or likert item)."""
    q = survey.question(qid)
    data = survey.respondents
    if q.type == "multi":
        cells = {option: data[f"{qid}{SEPARATOR}{option}"].astype(str).to_numpy() for option in q.options}
        answered = np.logical_or.reduce([v != "" for v in cells.values()])
        return {option: v == "1" for option, v in cells.items()}, answered
    column = data[qid if q.type == "single" else f"{qid}{SEPARATOR}{item}"].astype(str).to_numpy()
    return {option: column == option for option in q.options}, column != ""


def weighted_shares(survey: Survey, qid: str, level: float, ci_method: str, item: str = "") -> pd.DataFrame:
    """One row per option: respondents choosing it, those who answered, the weighted share and its interval."""
    chosen, answered = option_answers(survey, qid, item)
    method = design_method(ci_method)
    rows = []
    for option, picked in chosen.items():
        estimate = mean_estimate(picked, survey.design, domain=answered)
        low, high = share_interval(estimate, survey.design, level, method)
        rows.append(
            {
                "option": option,
                "count": int(np.count_nonzero(picked & answered)),
                "base": estimate.n,
                "share": estimate.mean,
                "se": estimate.se,
                "ci_low": low,
                "ci_high": high,
                "deff": estimate.deff,
                "effective_n": estimate.effective_n,
            }
        )
    return pd.DataFrame(rows, columns=WEIGHTED_COLUMNS)


def write_weights(survey: Survey, output_dir: Path | str) -> pd.DataFrame:
    """`weights.csv` in output_dir: each respondent's id (its row number where the file gives none) and weight."""
    data = survey.respondents
    ids = data[ID_COLUMN].astype(str).to_numpy() if ID_COLUMN in data.columns else np.arange(1, len(data) + 1)
    weights = pd.DataFrame({"respondent_id": ids, "weight": survey.design.weights})
    write_csv(weights, Path(output_dir) / "weights.csv")
    return weights
