"""A new survey wave: the template's questions copied, the old wave's figures left behind, every gap named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.survey import load_survey
from helpers.survey.new_wave import main


@pytest.fixture
def surveys(tmp_path: Path) -> Path:
    shutil.copytree(paths.LOCALIS_2011, tmp_path / "localis_2011")
    return tmp_path


def test_new_wave_copies_the_questions_and_leaves_the_old_waves_figures(surveys: Path, capsys) -> None:
    assert main(["localis_2013", "--surveys", str(surveys)]) == 0
    wave = surveys / "localis_2013"
    assert sorted(p.name for p in wave.iterdir()) == ["counts.csv", "survey.yaml"]
    out = capsys.readouterr().out
    assert "published.csv" in out and "expenditure_footnote.csv" in out and "FILL IN" in out
    assert "survey_dir" in out  # where to point the build
    spec = (wave / "survey.yaml").read_text()
    assert "id: localis_2013" in spec and "answered: 103" not in spec and "001_fb2212892cae5d2c.txt" not in spec
    assert "Mainly in-house" in spec  # the questions stay
    counts = (wave / "counts.csv").read_text().splitlines()
    assert counts[0] == "question,item,option,count" and counts[1] == "a,,Mainly in-house,FILL IN"
    with pytest.raises(DataError) as info:  # loading names what is still to fill in
        load_survey(wave)
    assert "survey.yaml, line" in str(info.value) and "FILL IN" in str(info.value)
    assert (surveys / "localis_2011" / "published.csv").exists()  # the template is untouched


def test_new_wave_refuses_an_existing_folder(surveys: Path) -> None:
    with pytest.raises(SystemExit, match="already exists"):
        main(["localis_2011", "--surveys", str(surveys)])
