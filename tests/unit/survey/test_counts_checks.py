"""Bad survey input the loaders once let through, or answered with a traceback: each is one DataError
naming the file, the line and the column."""

from __future__ import annotations

import csv
import shutil
import warnings
from pathlib import Path

import pytest

from helpers.core import paths
from helpers.core.errors import DataError, DataWarning
from helpers.survey import load_survey
from helpers.survey.respondents import expected_columns
from helpers.survey.schema import load_spec


@pytest.fixture
def survey_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(paths.LOCALIS_2011, tmp_path / "localis_2011"))


def error_of(directory: Path) -> str:
    with pytest.raises(DataError) as info:
        load_survey(directory)
    return str(info.value)


def line_number(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines) if text in line) + 1


def set_in_question(path: Path, qid: str, key: str, value: str) -> int:
    """Change `key:` of question `qid` in survey.yaml; return its line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"  - id: {qid}")
    i = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f"{key}:"))
    lines[i] = f"    {key}: {value}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return i + 1


def test_skipped_that_does_not_add_up_to_the_respondents_is_an_error(survey_dir: Path) -> None:
    """Question c with skipped: 200 gave bounds over 278 'respondents' where a, b and c's tables say 105."""
    line = set_in_question(survey_dir / "survey.yaml", "c", "skipped", "200")
    message = error_of(survey_dir)
    assert f"survey.yaml, line {line}, column 'skipped'" in message
    assert "number of respondents, 105" in message and "78 + 200 = 278" in message


def test_a_count_above_the_published_respondents_is_an_error(survey_dir: Path) -> None:
    line = set_in_question(survey_dir / "survey.yaml", "d", "skipped", "300")
    message = error_of(survey_dir)
    assert f"survey.yaml, line {line}, column 'skipped'" in message and "at most the number of respondents" in message


def test_a_21_digit_count_is_an_error_not_an_overflow(survey_dir: Path) -> None:
    counts = survey_dir / "counts.csv"
    counts.write_text(counts.read_text().replace("a,,Mainly in-house,36", "a,,Mainly in-house,123456789012345678901"))
    message = error_of(survey_dir)
    assert f"counts.csv, line {line_number(counts, '123456789012345678901')}, column 'count'" in message
    assert "at most 15 digits" in message


def test_a_counts_file_holding_only_a_byte_order_mark_is_empty(survey_dir: Path) -> None:
    (survey_dir / "counts.csv").write_bytes(b"\xef\xbb\xbf")
    assert "counts.csv, line 1: expected a header line" in error_of(survey_dir)


@pytest.mark.parametrize("date", ["2011-02-30", "next tuesday"])
def test_an_impossible_date_in_survey_yaml_names_its_line(survey_dir: Path, date: str) -> None:
    spec = survey_dir / "survey.yaml"
    spec.write_text(spec.read_text().replace("published: 2011-09-27", f"published: {date}"))
    with pytest.raises(DataError) as info:
        load_spec(survey_dir)
    assert f"survey.yaml, line {line_number(spec, 'published: ')}" in str(info.value)


def test_a_non_utf8_byte_is_named_by_line_and_column(survey_dir: Path) -> None:
    counts = survey_dir / "counts.csv"
    counts.write_bytes(counts.read_bytes().replace(b"Mainly outsourced", b"Mainly outs\xffourced"))
    message = error_of(survey_dir)
    assert "counts.csv, line 3, column 'character 15': expected UTF-8 text" in message and "0xff" in message
    assert "offset" not in message


def test_a_non_utf8_byte_in_survey_yaml_is_named_by_line_and_column(survey_dir: Path) -> None:
    spec = survey_dir / "survey.yaml"
    spec.write_bytes(spec.read_bytes().replace(b"title: Localis", b"title: Loc\xe9lis"))
    with pytest.raises(DataError) as info:
        load_spec(survey_dir)
    line = (
        spec.read_bytes()
        .split(b"\n")
        .index(b"title: Loc\xe9lis survey of council leaders and chief executives on strategic commissioning")
        + 1
    )
    assert f"survey.yaml, line {line}, column 'character 11'" in str(info.value)


def test_a_header_missing_one_column_is_said_once(survey_dir: Path) -> None:
    counts = survey_dir / "counts.csv"
    counts.write_text(counts.read_text().replace("question,item,option,count", "question,item,count", 1))
    message = error_of(survey_dir)
    assert len(message.splitlines()) == 1, message
    assert "line 1, column 'option': expected a column named 'option'" in message


def test_respondents_errors_name_the_right_line_after_a_quoted_field_spanning_two_lines(survey_dir: Path) -> None:
    spec = load_spec(survey_dir)
    (survey_dir / "counts.csv").unlink()
    header = ["respondent_id", *expected_columns(spec)]
    with (survey_dir / "respondents.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for i in range(4):
            row = {c: "" for c in header}
            row["respondent_id"] = "r1 first line\nsecond line" if i == 0 else f"r{i + 1}"
            row["a"] = "Mainly in-house" if i != 2 else "Nonsense"
            writer.writerow([row[c] for c in header])
    # line 1 header, lines 2-3 respondent r1, line 4 r2, line 5 r3 (the bad one)
    assert "respondents.csv, line 5, column 'a'" in error_of(survey_dir)


def test_published_figures_from_another_survey_warn_naming_both_documents(survey_dir: Path) -> None:
    published = survey_dir / "published.csv"
    published.write_text(published.read_text().replace("001_fb2212892cae5d2c.txt", "999_another_wave.txt"))
    with pytest.warns(DataWarning, match="999_another_wave.txt.*never 001_fb2212892cae5d2c.txt"):
        load_survey(survey_dir)


def test_the_shipped_survey_loads_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_survey(paths.LOCALIS_2011)
