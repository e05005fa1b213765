"""R's survey package as the reference: whether Rscript has it, running a script, and writing a wave for it.

Shared by the tests that compare the workbench with R (calibration, weighted waves, wave comparison). Where
Rscript or the package is absent they skip with one line; `.ci/run` installs Debian's r-cran-survey.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from weighted_waves import FRAME_DATE

from helpers.survey.weighting import NO_REGION, frame_on


def r_survey_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    done = subprocess.run(["Rscript", "-e", "library(survey)"], capture_output=True, timeout=120)
    return done.returncode == 0


needs_r = pytest.mark.skipif(not r_survey_available(), reason="Rscript with the survey package is not installed")


def run_r(script: str, folder: Path) -> dict:
    """Run an R script in `folder`; it writes out.json, which is returned."""
    (folder / "script.R").write_text("suppressMessages(library(survey))\n" + script, encoding="utf-8")
    done = subprocess.run(["Rscript", "script.R"], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((folder / "out.json").read_text(encoding="utf-8"))


def write_r_inputs(wave: Path, survey, folder: Path) -> None:
    """What R reads of a generated weighted wave (weighted_waves): the respondents with their council's type and
    region as the workbench matched them (wave.csv), and the frame's counts of each (pop_type.csv, pop_region.csv).
    """
    folder.mkdir(parents=True, exist_ok=True)
    respondents = pd.read_csv(wave / "respondents.csv", dtype=str, keep_default_na=False)
    frame = frame_on(FRAME_DATE)
    councils = survey.councils
    respondents.assign(type=councils["local-authority-type"], region=councils["region"], N=len(frame)).to_csv(
        folder / "wave.csv", index=False
    )
    totals = {
        "type": frame["local-authority-type"].replace({"CC": "LBO"}),
        "region": frame["region"].replace({NO_REGION: "South West"}),
    }
    for name, values in totals.items():
        values.value_counts().rename_axis(name).rename("Freq").reset_index().to_csv(
            folder / f"pop_{name}.csv", index=False
        )
