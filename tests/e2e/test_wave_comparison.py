"""Notebook 07 compares two generated weighted waves (seeded; tests only): shares, changes, chart and results."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from notebook_runs import run_notebook
from weighted_waves import write_weighted_wave

from helpers.core import paths
from helpers.core.errors import ParameterError
from helpers.stats.waves import design_difference
from helpers.survey import load_survey
from helpers.survey.comparison import paired_overlap
from helpers.survey.wave_report import comparison_setup
from helpers.survey.weighted import weighted_shares

NOTEBOOK = paths.NOTEBOOKS / "07_wave_comparison.ipynb"


def test_two_weighted_waves_give_each_share_and_its_design_based_change(tmp_path: Path) -> None:
    first_dir = write_weighted_wave(tmp_path / "wave_one", seed=5)
    second_dir = write_weighted_wave(tmp_path / "wave_two", seed=8)
    out = run_notebook(NOTEBOOK, tmp_path / "out", first_dir=str(first_dir), second_dir=str(second_dir))
    results = pd.read_csv(out / "results.csv", keep_default_na=False)
    change = results[results["statistic"] == "change (second wave minus first)"].set_index(["question", "option"])
    first, second = load_survey(first_dir), load_survey(second_dir)
    one = weighted_shares(first, "c", 0.95, "wilson").set_index("option").loc["Data analysis"]
    two = weighted_shares(second, "c", 0.95, "wilson").set_index("option").loc["Data analysis"]
    row = change.loc[("c", "Data analysis")]
    expected = design_difference(two["share"], two["se"], one["share"], one["se"], 0.95)
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == pytest.approx(expected)
    assert set(results["statistic"]) == {"share in wave_one", "share in wave_two", "change (second wave minus first)"}
    assert (out / "wave_shares.png").exists() and (out / "comparison.csv").exists()
    executed = nbformat.read(out / "executed.ipynb", as_version=4)
    text = "".join(str(o.get("data", {})) for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert f"{paired_overlap(first, second)} councils answered both waves" in text


def test_the_comparison_needs_a_second_wave_named(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="second_dir"):
        comparison_setup(
            first_dir=paths.LOCALIS_2011, second_dir="", mapping=None, confidence=0.95, output_dir=tmp_path
        )


def test_the_commented_job_in_reports_yaml_is_a_valid_job_once_uncommented(tmp_path: Path) -> None:
    from helpers.build.config import load_config

    text = (paths.ROOT / "reports.yaml").read_text(encoding="utf-8")
    block = text[text.index("  # - name: wave-comparison") :].split("\n")
    job = "\n".join(line.replace("  # ", "  ", 1) for line in block if line.startswith("  # "))
    second = write_weighted_wave(tmp_path / "second", seed=5)
    job = job.replace("data/raw/surveys/localis_2013", str(second))
    job = job.replace("notebooks/07_wave_comparison.ipynb", str(NOTEBOOK))
    config = tmp_path / "reports.yaml"
    config.write_text("jobs:\n" + job + "\n", encoding="utf-8")
    (jobs,) = load_config(config)
    assert jobs.name == "wave-comparison" and jobs.parameters["second_dir"] == str(second)
