"""A new survey wave: the questions copied, every fact of the earlier wave to fill in, made whole or not at all."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.outputs import processed
from helpers.survey import load_survey
from helpers.survey.check import main as check
from helpers.survey.clean_wave import main as clean
from helpers.survey.new_wave import main
from helpers.survey.schema import FILL


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
    assert len(counts) == len((paths.LOCALIS_2011 / "counts.csv").read_text().splitlines())
    with pytest.raises(DataError) as info:  # loading names what is still to fill in
        load_survey(wave)
    assert "survey.yaml, line" in str(info.value) and "FILL IN" in str(info.value)
    assert (surveys / "localis_2011" / "published.csv").exists()  # the template is untouched


def test_every_fact_of_the_earlier_wave_is_to_fill_in(surveys: Path) -> None:
    """Nothing of 2011 that is not a question survives: dates, sizes, respondents, notes, counts."""
    assert main(["localis_2013", "--surveys", str(surveys)]) == 0
    new = yaml.safe_load((surveys / "localis_2013" / "survey.yaml").read_text())
    old = yaml.safe_load((paths.LOCALIS_2011 / "survey.yaml").read_text())
    for section in ("source", "fieldwork", "respondents", "population"):
        assert set(new[section]) == set(old[section]), section
        assert all(value == FILL for value in new[section].values()), section
    assert new["title"] == FILL
    for q_new, q_old in zip(new["questions"], old["questions"], strict=True):
        assert q_new["answered"] == q_new["skipped"] == FILL
        assert {k: q_new[k] for k in ("id", "wording", "type", "options")} == {
            k: q_old[k] for k in ("id", "wording", "type", "options")
        }
    text = (surveys / "localis_2013" / "survey.yaml").read_text()
    for fact in ("353", "2011-09-01", "105", "2011-09-27", "never guessed", "left unknown"):
        assert fact not in text, fact


def test_each_fill_in_is_named_once_by_the_loader(surveys: Path) -> None:
    main(["localis_2013", "--surveys", str(surveys)])
    text = (surveys / "localis_2013" / "survey.yaml").read_text().split("\n")
    with pytest.raises(DataError) as info:
        load_survey(surveys / "localis_2013")
    in_yaml = [p.line for p in info.value.problems if p.path.endswith("survey.yaml")]
    assert sorted(in_yaml) == [i + 1 for i, line in enumerate(text) if line.endswith(f": {FILL}")]
    in_counts = [p for p in info.value.problems if p.path.endswith("counts.csv")]
    assert len(in_counts) == 1 and "36 rows" in in_counts[0].expected


def test_new_wave_refuses_an_existing_folder(surveys: Path, capsys) -> None:
    assert main(["localis_2011", "--surveys", str(surveys)]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"id: x\nquestions: [\xff\n"),  # not UTF-8
        lambda p: p.write_text("id: x\nquestions: [unclosed\n"),  # not YAML
        lambda p: p.write_text("- a list\n"),  # not a mapping
        lambda p: p.write_text("id: x\nquestions: []\n"),  # no questions
        lambda p: p.write_text("a: &x [1]\nb: *x\n"),  # an alias
        lambda p: (p.unlink(), p.mkdir()),  # a folder, not a file
        lambda p: (p.unlink(), os.mkfifo(p)),  # a pipe: reading it would wait for ever
    ],
)
def test_a_template_that_cannot_be_read_leaves_nothing_behind(surveys: Path, damage, capsys) -> None:
    damage(surveys / "localis_2011" / "survey.yaml")
    before = sorted(p.name for p in surveys.iterdir())
    assert main(["localis_2013", "--surveys", str(surveys)]) == 2
    assert sorted(p.name for p in surveys.iterdir()) == before  # no half-made folder, no temporary one
    err = capsys.readouterr().err
    assert "new_wave:" in err and "nothing was changed" in err and "Traceback" not in err


def test_an_unreadable_template_leaves_nothing_behind(surveys: Path, monkeypatch, capsys) -> None:
    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert main(["localis_2013", "--surveys", str(surveys)]) == 2
    assert sorted(p.name for p in surveys.iterdir()) == ["localis_2011"]
    assert "Permission denied" in capsys.readouterr().err


def test_a_failure_while_writing_leaves_nothing_behind(surveys: Path, monkeypatch) -> None:
    from helpers.survey import new_wave

    def broken(doc):
        raise OSError(28, "No space left on device", "counts.csv")

    monkeypatch.setattr(new_wave, "counts_csv_text", broken)
    assert main(["localis_2013", "--surveys", str(surveys)]) == 2
    assert sorted(p.name for p in surveys.iterdir()) == ["localis_2011"]


@pytest.mark.parametrize("name", ["x;touch p", "../escape", ".hidden", "", "a b", "é"])
def test_a_bad_wave_name_is_refused(surveys: Path, name: str, capsys) -> None:
    assert main([name, "--surveys", str(surveys)]) == 2
    assert sorted(p.name for p in surveys.iterdir()) == ["localis_2011"]
    assert "not a folder name" in capsys.readouterr().err


# --- the check command prints the problems only ------------------------------------------------


def test_the_check_command_lists_every_problem_without_a_traceback(surveys: Path) -> None:
    main(["localis_2013", "--surveys", str(surveys)])
    done = subprocess.run(
        [sys.executable, "-m", "helpers.survey.check", str(surveys / "localis_2013")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    problems = [line for line in done.stderr.splitlines() if line.startswith("  ")]
    assert len(problems) > 20  # all of them, not the first twenty
    assert all("FILL IN" in line for line in problems)


def test_the_check_command_says_a_good_folder_loads(capsys) -> None:
    assert check([str(paths.LOCALIS_2011)]) == 0
    assert "loads: 4 questions" in capsys.readouterr().out


# --- removing a wave no job reads --------------------------------------------------------------


def config_reading(path: Path, folder: Path) -> Path:
    """A reports.yaml whose one job reads `folder`."""
    text = (paths.ROOT / "reports.yaml").read_text()
    text = re.sub(r"survey_dir: data/raw/surveys/localis_2011", f"survey_dir: {folder}", text)
    text = text.replace("notebook: notebooks/", f"notebook: {paths.NOTEBOOKS}/")
    path.write_text(text)
    return path


def test_clean_wave_removes_a_wave_no_job_reads(surveys: Path, capsys) -> None:
    main(["localis_2013", "--surveys", str(surveys)])
    assert clean(["localis_2013", "--surveys", str(surveys)]) == 0
    assert sorted(p.name for p in surveys.iterdir()) == ["localis_2011"]
    assert "Removed" in capsys.readouterr().out


def test_clean_wave_refuses_a_wave_a_job_reads_and_names_the_jobs(surveys: Path, tmp_path: Path, capsys) -> None:
    main(["localis_2013", "--surveys", str(surveys)])
    config = config_reading(tmp_path / "reports.yaml", surveys / "localis_2013")
    assert clean(["localis_2013", "--surveys", str(surveys), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "skills-gaps" in err and "delivery-mix" in err and "nothing was removed" in err
    assert (surveys / "localis_2013" / "survey.yaml").exists()


def test_clean_wave_refuses_the_default_wave_read_by_notebook_defaults(capsys) -> None:
    assert clean(["localis_2011"]) == 2
    assert "research-report" in capsys.readouterr().err
    assert (paths.LOCALIS_2011 / "survey.yaml").exists()


@pytest.mark.parametrize("name", ["../surveys", "missing", "x;rm -rf ."])
def test_clean_wave_refuses_what_is_not_a_wave(surveys: Path, name: str) -> None:
    assert clean([name, "--surveys", str(surveys)]) == 2
    assert (surveys / "localis_2011" / "survey.yaml").exists()


# --- an unfilled wave blocks only the jobs that read it -----------------------------------------


def test_an_unfilled_wave_no_job_reads_blocks_nothing(surveys: Path, monkeypatch, tmp_path: Path, capsys) -> None:
    main(["localis_2013", "--surveys", str(surveys)])
    monkeypatch.setattr(paths, "SURVEYS", surveys)
    processed.write_tables(tmp_path / "out")
    assert (tmp_path / "out" / "surveys" / "localis_2011" / "counts.csv").exists()
    assert not (tmp_path / "out" / "surveys" / "localis_2013").exists()
    assert "no job in reports.yaml reads it" in capsys.readouterr().err


def test_an_unfilled_wave_a_job_reads_names_the_jobs_it_blocks(surveys: Path, monkeypatch, tmp_path: Path) -> None:
    from helpers.survey import readers

    main(["localis_2013", "--surveys", str(surveys)])
    monkeypatch.setattr(paths, "SURVEYS", surveys)
    monkeypatch.setattr(readers, "CONFIG", config_reading(tmp_path / "reports.yaml", surveys / "localis_2013"))
    with pytest.raises(DataError) as info:
        processed.write_tables(tmp_path / "out")
    assert "it blocks the jobs research-report, data-overview, delivery-mix" in str(info.value.first)
    assert any("FILL IN" in str(p) for p in info.value.problems)


def test_a_job_reading_a_wave_through_its_notebooks_default_is_found(tmp_path: Path) -> None:
    """A job that sets no survey_dir reads the one its notebook's parameters cell gives."""
    from helpers.survey.readers import jobs_reading

    config = tmp_path / "reports.yaml"
    config.write_text(
        "jobs:\n"
        "  - name: skills\n"
        f"    notebook: {paths.NOTEBOOKS / '03_skills_gaps.ipynb'}\n"
        "  - name: coding\n"
        f"    notebook: {paths.NOTEBOOKS / '04_interview_coding.ipynb'}\n"
    )
    assert jobs_reading(paths.LOCALIS_2011, config) == ["skills"]
