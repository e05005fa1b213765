"""helpers.outputs.results: the results.csv rows and file."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.outputs.results import RESULT_COLUMNS, collect, fpc_method, interval_rows, result_rows, write_results


def test_rows_and_file(tmp_path):
    shares = pd.DataFrame(
        {
            "option": ["Yes", "No"],
            "share": [0.8, 0.2],
            "ci_low": [0.7, 0.1],
            "ci_high": [0.9, 0.3],
            "ci_low_fpc": [0.72, 0.12],
            "ci_high_fpc": [0.88, 0.28],
            "base": [10, 10],
        }
    )
    parts = [
        result_rows(shares, "b", "proportion", "wilson", "share", option="option"),
        result_rows(
            shares, "b", "proportion", fpc_method("wilson", 353), "share", "ci_low_fpc", "ci_high_fpc", option="option"
        ),
    ]
    written = write_results(parts, tmp_path)
    back = pd.read_csv(tmp_path / "results.csv", keep_default_na=False)
    assert list(back.columns) == RESULT_COLUMNS and len(back) == 4 == len(written)
    assert back["method"].tolist() == ["wilson", "wilson", "wilson + FPC (N=353)", "wilson + FPC (N=353)"]
    assert back.loc[2, "ci_low"] == pytest.approx(0.72) and back.loc[0, "item"] == ""


def test_missing_intervals_are_empty():
    ratio = pd.DataFrame({"item": ["x"], "ratio": [16.2], "base": [86]})
    rows = result_rows(ratio, "d", "ratio", "none", "ratio", None, None, item="item")
    assert rows[["ci_low", "ci_high"]].isna().all(axis=None)


def test_empty_collection_has_the_columns():
    assert list(collect([]).columns) == RESULT_COLUMNS


def test_interval_rows_writes_the_fpc_rows_only_with_a_population() -> None:
    t = pd.DataFrame(
        {
            "option": ["Yes"],
            "share": [0.8],
            "ci_low": [0.7],
            "ci_high": [0.9],
            "ci_low_fpc": [0.72],
            "ci_high_fpc": [0.88],
            "base": [10],
        }
    )
    both = interval_rows(t, "b", "proportion", "wilson", estimate="share", population_size=353, option="option")
    assert both["method"].tolist() == ["wilson", "wilson + FPC (N=353)"]
    assert both["ci_low"].tolist() == [0.7, 0.72]
    plain = interval_rows(t, "b", "proportion", "wilson", estimate="share", population_size=None, option="option")
    assert plain["method"].tolist() == ["wilson"]


def test_write_results_records_the_confidence_level(tmp_path) -> None:
    write_results([], tmp_path, confidence=0.9)
    assert (tmp_path / "settings.csv").read_text() == "setting,value\nconfidence,0.9\n"
