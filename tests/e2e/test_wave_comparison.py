"""Notebook 07 compares two generated waves (seeded; tests only): shares, changes, paired changes, chart, results.

The waves are made here and stand for no real wave; the report job stays out of the default build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from build_runs import build_command
from interval_text import interval_labels, interval_sentences, levels_named, visible
from notebook_runs import run_notebook
from weighted_waves import write_weighted_wave

from helpers.core import paths
from helpers.core.errors import ParameterError
from helpers.present.display import escape
from helpers.stats.waves import design_difference
from helpers.survey import load_survey
from helpers.survey.paired import link_councils, paired_comparison, paired_overlap
from helpers.survey.wave_report import PAIRED_STATISTIC, comparison_setup
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
    assert set(results["statistic"]) == {
        "share in wave_one",
        "share in wave_two",
        "change (second wave minus first)",
        PAIRED_STATISTIC,
    }
    assert (out / "wave_shares.png").exists() and (out / "comparison.csv").exists()
    executed = nbformat.read(out / "executed.ipynb", as_version=4)
    text = "".join(str(o.get("data", {})) for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert f"{paired_overlap(first, second)} councils answered both waves" in text


def test_councils_in_both_waves_get_the_paired_change_with_those_left_out_named(tmp_path: Path) -> None:
    first_dir = write_weighted_wave(tmp_path / "wave_one", seed=5)
    second_dir = write_weighted_wave(tmp_path / "wave_two", seed=8)
    out = run_notebook(NOTEBOOK, tmp_path / "out", first_dir=str(first_dir), second_dir=str(second_dir), confidence=0.9)
    first, second = load_survey(first_dir), load_survey(second_dir)
    linked = link_councils(first, second)
    expected = paired_comparison(first, second, linked, 0.9).set_index(["question", "option"])
    paired = pd.read_csv(out / "paired.csv", keep_default_na=False).set_index(["question", "option"])
    assert paired[["pairs", "both", "first_only", "second_only", "neither"]].equals(
        expected[["pairs", "both", "first_only", "second_only", "neither"]]
    )
    results = pd.read_csv(out / "results.csv", keep_default_na=False)
    rows = results[results["statistic"] == PAIRED_STATISTIC].set_index(["question", "option"])
    for column, name in (("estimate", "change"), ("ci_low", "change_low"), ("ci_high", "change_high")):
        assert rows[column].astype(float).to_numpy() == pytest.approx(expected[name].to_numpy())
    assert set(rows["method"]) == {
        "90% Newcombe hybrid score interval for paired data (method 10), councils that answered both waves, unweighted"
    }
    assert rows["base"].astype(int).tolist() == expected["pairs"].tolist()
    html = nbformat.read(out / "executed.ipynb", as_version=4)
    shown = "".join(str(o.get("data", {})) for c in html.cells if c.cell_type == "code" for o in c.outputs)
    assert f"**{len(linked.pairs)}** councils answered both waves" in shown
    assert f"{len(linked.first_only)} councils answered wave_one only" in shown
    assert all(escape(name) in shown for name in linked.first_only + linked.second_only)
    assert "change: 90% interval (paired)" in shown and "describes these councils only" in shown


def test_waves_that_do_not_name_their_councils_get_no_paired_comparison(tmp_path: Path) -> None:
    second_dir = tmp_path / "wave_two"
    shutil.copytree(paths.LOCALIS_2011, second_dir, ignore=shutil.ignore_patterns("published.csv", "*footnote*"))
    yaml_file = second_dir / "survey.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("id: localis_2011", "id: wave_two"))
    out = run_notebook(NOTEBOOK, tmp_path / "out", first_dir=str(paths.LOCALIS_2011), second_dir=str(second_dir))
    executed = nbformat.read(out / "executed.ipynb", as_version=4)
    shown = "".join(str(o.get("data", {})) for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert "No paired comparison: a wave does not name its councils" in shown
    assert not (out / "paired.csv").exists()
    results = pd.read_csv(out / "results.csv", keep_default_na=False)
    assert PAIRED_STATISTIC not in set(results["statistic"])


def test_the_built_report_names_the_level_of_every_interval_paired_ones_included(tmp_path: Path) -> None:
    first_dir = write_weighted_wave(tmp_path / "wave_one", seed=5)
    second_dir = write_weighted_wave(tmp_path / "wave_two", seed=8)
    job = _commented_job()
    job["notebook"] = str(NOTEBOOK)
    job["parameters"].update(first_dir=str(first_dir), second_dir=str(second_dir), confidence=0.9)
    (tmp_path / "reports.yaml").write_text(yaml.safe_dump({"jobs": [job]}, sort_keys=False), encoding="utf-8")
    done = subprocess.run(build_command(tmp_path), cwd=paths.ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    soup = visible(tmp_path / "reports" / "wave-comparison" / "index.html")
    labels = interval_labels(soup)
    assert any("paired" in label for label in labels)
    for text in interval_sentences(soup) + labels:
        assert set(levels_named(text)) == {"90"}, text
    page = soup.get_text(" ", strip=True)
    assert re.search(r"\d+ councils answered both waves, linked through the frame's council codes", page)


def test_the_comparison_needs_a_second_wave_named(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="second_dir"):
        comparison_setup(
            first_dir=paths.LOCALIS_2011, second_dir="", mapping=None, confidence=0.95, output_dir=tmp_path
        )


def _commented_job_text() -> str:
    """The wave-comparison job of reports.yaml, uncommented (a YAML list of one job, indented as in the file)."""
    text = (paths.ROOT / "reports.yaml").read_text(encoding="utf-8")
    block = text[text.index("  # - name: wave-comparison") :].split("\n")
    return "\n".join(line.replace("  # ", "  ", 1) for line in block if line.startswith("  # "))


def _commented_job() -> dict:
    return yaml.safe_load("jobs:\n" + _commented_job_text())["jobs"][0]


def test_the_commented_job_in_reports_yaml_is_a_valid_job_once_uncommented(tmp_path: Path) -> None:
    from helpers.build.config import load_config

    job = _commented_job_text()
    second = write_weighted_wave(tmp_path / "second", seed=5)
    job = job.replace("data/raw/surveys/localis_2013", str(second))
    job = job.replace("notebooks/07_wave_comparison.ipynb", str(NOTEBOOK))
    config = tmp_path / "reports.yaml"
    config.write_text("jobs:\n" + job + "\n", encoding="utf-8")
    (jobs,) = load_config(config)
    assert jobs.name == "wave-comparison" and jobs.parameters["second_dir"] == str(second)
