"""A researcher's new notebook, from the documented commands alone: `make new-notebook`, then a build of it.

The copy is made in notebooks/ (where `make new-notebook` puts it) under a name no one else uses, and
removed afterwards; the build runs on a reports.yaml naming only that job, into a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from helpers.core import paths
from helpers.new_notebook import TEMPLATE
from helpers.outputs.findings import read_results

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture
def new_notebook():
    """`make new-notebook NAME=...` in the project; the notebook is removed afterwards."""
    name = f"zz_first_day_{os.getpid()}"
    target = paths.NOTEBOOKS / f"{name}.ipynb"
    env = {k: v for k, v in os.environ.items() if k not in ("NAME", "MAKEFLAGS")}
    try:
        done = subprocess.run(
            ["make", "--no-print-directory", "new-notebook", f"NAME={name}"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            env=env,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        yield name, target, done.stdout
    finally:
        target.unlink(missing_ok=True)


def test_make_new_notebook_then_a_build_gives_a_report_with_named_intervals(new_notebook, tmp_path) -> None:
    name, target, printed = new_notebook
    assert target.is_file() and f"notebooks/{name}.ipynb" in printed and "reports.yaml" in printed
    nb = json.loads(target.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "commissioning-workbench"
    parameters = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(parameters) == 1 and f'output_dir = "data/processed/{name}"' in "".join(parameters[0]["source"])
    lint = subprocess.run(
        [str(paths.ROOT / ".venv" / "bin" / "ruff"), "format", "--check", str(target)], capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr  # `make lint` passes on the copy as made

    config = tmp_path / "reports.yaml"
    job = {
        "name": "first-day",
        "title": "A first day's analysis",
        "group": "Survey analyses",
        "notebook": str(target),
        "parameters": {"survey_dir": "data/raw/surveys/localis_2011", "confidence": 0.9},
    }
    config.write_text(yaml.safe_dump({"jobs": [job]}), encoding="utf-8")
    reports = tmp_path / "reports"
    build = subprocess.run(
        [str(paths.ROOT / ".venv" / "bin" / "python"), "-m", "helpers.build", "--config", str(config)]
        + ["--reports", str(reports), "--no-progress"],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    folder = reports / "first-day"
    results = read_results(folder)
    with_interval = results[results["ci_low"].notna()]
    without = results[results["ci_low"].isna() & results["ci_high"].isna()]
    assert len(with_interval) and len(without)
    assert (with_interval["estimate"].between(with_interval["ci_low"], with_interval["ci_high"])).all()
    assert pd.read_csv(folder / "settings.csv").set_index("setting").loc["confidence", "value"] == 0.9
    written = {p.name for p in folder.iterdir()}
    assert {"upper_half.png", "upper_half.csv"} <= written and "upper_half.svg" not in written  # PNG only
    soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text(" ", strip=True)
    assert "90% Wilson score interval" in text and "95%" not in text
    assert "Provenance" in text


def test_the_template_is_left_out_of_nbval_and_never_replaced(new_notebook) -> None:
    name, target, _ = new_notebook
    again = subprocess.run(
        ["make", "--no-print-directory", "new-notebook", f"NAME={name}"],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
    )
    assert again.returncode != 0 and "already exists" in again.stdout + again.stderr
    assert TEMPLATE.parent.name == "templates" and TEMPLATE.parent.parent == paths.NOTEBOOKS
    assert "--ignore=notebooks/templates" in (paths.ROOT / "Makefile").read_text(encoding="utf-8")
