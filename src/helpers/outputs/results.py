"""The `results.csv` every analysis notebook writes: one row per statistic.

Columns: question, item, option (spelled as in counts.csv; empty where a statistic is about a
whole question or item), statistic (what is estimated), estimate, ci_low, ci_high (empty where
there is no interval), base (the number the statistic is computed on) and method (how the
interval was made, including the finite population correction and its N where applied). A
proportion with and without the correction is two rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..core.csvout import write_csv

RESULT_COLUMNS = ["question", "item", "option", "statistic", "estimate", "ci_low", "ci_high", "base", "method"]


def fpc_method(method: str, population_size: int | None) -> str:
    """The method label of an interval with the finite population correction.

    >>> fpc_method("wilson", 353)
    'wilson + FPC (N=353)'
    """
    return f"{method} + FPC (N={population_size})"


def result_rows(
    frame: pd.DataFrame,
    question: str,
    statistic: str,
    method: str,
    estimate: str,
    ci_low: str | None = "ci_low",
    ci_high: str | None = "ci_high",
    base: str | None = "base",
    item: str | None = None,
    option: str | None = None,
) -> pd.DataFrame:
    """Rows of results.csv from a table: the arguments name its columns (None: left empty).

    >>> t = pd.DataFrame({"option": ["Yes"], "share": [0.8], "ci_low": [0.7], "ci_high": [0.9], "base": [10]})
    >>> row = result_rows(t, "b", "proportion", "wilson", "share", option="option").to_dict("records")[0]
    >>> row["option"], row["estimate"], row["ci_low"], row["ci_high"], row["base"], row["method"]
    ('Yes', 0.8, 0.7, 0.9, 10, 'wilson')
    """
    n = len(frame)

    def column(name, fill):
        return frame[name].to_numpy() if name is not None else np.full(n, fill, dtype=object)

    return pd.DataFrame(
        {
            "question": [question] * n,
            "item": column(item, ""),
            "option": column(option, ""),
            "statistic": [statistic] * n,
            "estimate": column(estimate, np.nan),
            "ci_low": column(ci_low, np.nan),
            "ci_high": column(ci_high, np.nan),
            "base": column(base, np.nan),
            "method": [method] * n,
        },
        columns=RESULT_COLUMNS,
    )


def interval_rows(
    frame: pd.DataFrame,
    question: str,
    statistic: str,
    method: str,
    *,
    estimate: str,
    population_size: int | None,
    base: str | None = "base",
    item: str | None = None,
    option: str | None = None,
) -> pd.DataFrame:
    """The rows of a statistic with its interval, and (with a population size) the FPC rows after them.

    `frame` holds ci_low/ci_high and, for the FPC, ci_low_fpc/ci_high_fpc; the FPC rows' method
    is `fpc_method(method, population_size)`.

    >>> t = pd.DataFrame({"share": [0.8], "ci_low": [0.7], "ci_high": [0.9], "ci_low_fpc": [0.72],
    ...                   "ci_high_fpc": [0.88], "base": [10]})
    >>> interval_rows(t, "b", "proportion", "wilson", estimate="share", population_size=353)["method"].tolist()
    ['wilson', 'wilson + FPC (N=353)']
    """
    columns = {"base": base, "item": item, "option": option}
    rows = [result_rows(frame, question, statistic, method, estimate, **columns)]
    if population_size is not None:
        fpc = fpc_method(method, population_size)
        rows.append(result_rows(frame, question, statistic, fpc, estimate, "ci_low_fpc", "ci_high_fpc", **columns))
    return collect(rows)


def collect(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack result rows from several tables in order."""
    frames = [p for p in parts if len(p)]
    if not frames:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    missing = [c for c in RESULT_COLUMNS if c not in out.columns]
    if missing:
        raise ValueError(f"result rows lack the columns {missing}")
    return out[RESULT_COLUMNS]


SETTINGS_FILE = "settings.csv"


def write_results(
    parts: list[pd.DataFrame], output_dir: Path | str, name: str = "results.csv", *, confidence: float | None = None
) -> pd.DataFrame:
    """Write the stacked rows to output_dir/results.csv (fixed float format: byte-stable) and return them.

    With `confidence`, also settings.csv (setting,value): the level every interval of the file was
    made at, so a report that reads several analyses can say whether they agree.
    """
    table = collect(parts)
    write_csv(table, Path(output_dir) / name, float_format="%.10g")
    if confidence is not None:
        settings = pd.DataFrame({"setting": ["confidence"], "value": [confidence]})
        write_csv(settings, Path(output_dir) / SETTINGS_FILE, float_format="%.10g")
    return table
