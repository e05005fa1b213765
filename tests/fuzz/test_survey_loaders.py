"""Malformed survey folders, generated: every outcome is a loaded survey or one DataError, and quickly.

Each test mutates one real file of the Localis 2011 folder (or a small respondents.csv), or replaces
it with generated text, and loads the folder. Anything but a `Survey` or the project's own
`DataError` (a KeyError, a csv.Error, a RecursionError from deep inside a library), and any load
slower than the deadline, fails the test with the input that caused it. The examples are drawn
deterministically (derandomize), so a failure reproduces; a handful each keeps the suite fast.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mutations import FUZZ, mutated

from helpers.core import paths
from helpers.core.errors import DataError, DataWarning
from helpers.survey import load_survey
from helpers.survey.folder import Survey

TINY_SURVEY = """\
id: tiny
title: A tiny survey for tests
source: {document: none.txt, section: all}
population: {description: five councils, size: 9, size_source: made up}
questions:
  - id: q1
    wording: Will you commission more?
    type: single
    options: ["Yes", "No"]
    answered: null
    skipped: null
  - id: q2
    wording: Which skills?
    type: multi
    options: [Commissioning, Procurement]
    answered: null
    skipped: null
  - id: q3
    wording: Future role of each provider
    type: likert
    items: [Private, Voluntary]
    options: [Fewer, Same, More]
    answered: null
    skipped: null
"""
TINY_RESPONDENTS = """\
respondent_id,q1,q2::Commissioning,q2::Procurement,q3::Private,q3::Voluntary
r1,Yes,1,1,More,More
r2,Yes,1,0,Same,Fewer
r3,No,0,0,Fewer,More
r4,,,,Same,More
"""


def outcome(folder: Path):
    """Load the folder: a Survey or a DataError; anything else propagates and fails the test."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # a warning is a legitimate outcome too
            return load_survey(folder)
    except DataError as exc:
        assert exc.problems and all(p.path for p in exc.problems)
        return exc


def load_with(files: dict[str, str | bytes], base: Path | None = paths.LOCALIS_2011):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "wave"
        if base is not None:
            shutil.copytree(base, folder)
        else:
            folder.mkdir()
        for name, content in files.items():
            target = folder / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8", errors="surrogatepass")
        result = outcome(folder)
        assert isinstance(result, (Survey, DataError))
        return result


SURVEY_YAML = (paths.LOCALIS_2011 / "survey.yaml").read_text(encoding="utf-8")
COUNTS_CSV = (paths.LOCALIS_2011 / "counts.csv").read_text(encoding="utf-8")


def encodable(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


@FUZZ
@given(mutated(SURVEY_YAML))
def test_a_mutated_survey_yaml_loads_or_is_one_data_error(text: str) -> None:
    load_with({"survey.yaml": encodable(text)})


@FUZZ
@given(st.text(max_size=300) | st.binary(max_size=300))
def test_any_text_as_survey_yaml_is_one_data_error(content) -> None:
    load_with({"survey.yaml": content if isinstance(content, bytes) else encodable(content)})


@FUZZ
@given(mutated(COUNTS_CSV))
def test_a_mutated_counts_csv_loads_or_is_one_data_error(text: str) -> None:
    load_with({"counts.csv": encodable(text)})


@FUZZ
@given(mutated(SURVEY_YAML), mutated(COUNTS_CSV))
def test_both_files_mutated_at_once(spec: str, counts: str) -> None:
    load_with({"survey.yaml": encodable(spec), "counts.csv": encodable(counts)})


@FUZZ
@given(mutated(TINY_RESPONDENTS))
def test_a_mutated_respondents_csv_loads_or_is_one_data_error(text: str) -> None:
    load_with({"survey.yaml": TINY_SURVEY, "respondents.csv": encodable(text)}, base=None)


@FUZZ
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_any_content_as_respondents_csv_is_handled(content) -> None:
    data = content if isinstance(content, bytes) else encodable(content)
    load_with({"survey.yaml": TINY_SURVEY, "respondents.csv": data}, base=None)


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"])
def test_the_unmutated_files_load_with_any_line_ending(ending: bytes) -> None:
    """The control: the real folder, and the tiny microdata, load under each line ending."""
    result = load_with({"counts.csv": COUNTS_CSV.encode().replace(b"\n", ending)})
    assert isinstance(result, Survey)
    tiny = load_with(
        {"survey.yaml": TINY_SURVEY, "respondents.csv": TINY_RESPONDENTS.encode().replace(b"\n", ending)}, base=None
    )
    assert isinstance(tiny, Survey) and tiny.level == "respondents"
