"""The plain reader (numpy) against pandas: the same frame for every plain file, pandas for any other.

`read_respondents(..., plain=False)` reads every file with pandas (`general_csv`); a file either
reads to the same frame both ways (dtypes, categories and their order, the lines kept in attrs)
or fails with the same message, whatever it holds.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.core.errors import DataError
from helpers.survey import plain_csv
from helpers.survey.respondents import ID_COLUMN, _values, read_respondents
from helpers.survey.schema import load_spec

SURVEY = """\
id: plain
title: A survey whose options test the plain reader
source: {document: none.txt, section: all}
population: {description: councils, size: null, size_source: made up}
questions:
  - id: q1
    wording: Will you commission more?
    type: single
    options: ["Yes", "No", "Ne", "Don't know", "Étoile", "a,b", "Other (please specify)"]
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
    options: [Fewer contracts/services, More contracts/services, No change, "No"]
    answered: null
    skipped: null
"""
COLUMNS = ["q1", "q2::Commissioning", "q2::Procurement", "q3::Private", "q3::Voluntary"]
CELLS = {
    "q1": ["Yes", "No", "Ne", "Don't know", "Étoile", "Other (please specify)"],
    "q2::Commissioning": ["0", "1"],
    "q2::Procurement": ["0", "1"],
    "q3::Private": ["Fewer contracts/services", "More contracts/services", "No change", "No"],
    "q3::Voluntary": ["Fewer contracts/services", "More contracts/services", "No change", "No"],
}
ODD = ["", " ", "01", "yes", "No ", "NoNo", "Étoil", "é", "\t", "1.0", '"Yes"', "a,b", "x" * 70, "\ufeff", "\x00"]
FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("plain")
    (directory / "survey.yaml").write_text(SURVEY, encoding="utf-8")
    return directory


def outcome(path: Path, plain: bool):
    """The frame read, or the message of the `DataError` raised."""
    spec = load_spec(path.parent)  # outside the try: survey.yaml itself must load
    try:
        return read_respondents(path, spec, plain=plain)
    except DataError as exc:
        return str(exc)


def assert_same(path: Path) -> object:
    """Both readers give the same frame, to the dtype and the order of categories, or the same error."""
    fast, slow = outcome(path, True), outcome(path, False)
    if isinstance(fast, str) or isinstance(slow, str):
        assert fast == slow
        return fast
    pd.testing.assert_frame_equal(fast, slow)
    assert [repr(t) for t in fast.dtypes] == [repr(t) for t in slow.dtypes]
    assert repr(fast.columns) == repr(slow.columns) and repr(fast.index) == repr(slow.index)
    assert fast.attrs == slow.attrs
    return fast


def plain(folder: Path, text: str) -> pd.DataFrame | None:
    """What the plain reader alone makes of the text (None: the file goes to pandas)."""
    file = io.BytesIO(text.encode("utf-8", errors="surrogatepass"))
    first = file.readline()
    header = next(csv.reader([first.decode("utf-8-sig")]))
    return plain_csv.read_plain(file, first, header, _values(load_spec(folder)), ID_COLUMN)


@st.composite
def respondent_files(draw) -> str:
    """A respondents.csv, mostly plain: cells drawn from the options, with odd cells, ends and columns now and then."""
    extra = draw(st.sampled_from([[], ["authority"]]))
    columns = draw(st.permutations([ID_COLUMN, *COLUMNS, *extra]))
    odd = draw(st.sampled_from([0.0, 0.0, 0.02, 0.2]))
    rows = []
    for r in range(draw(st.integers(1, 25))):
        row = []
        for c in columns:
            if c == ID_COLUMN:
                row.append(draw(st.sampled_from([f"r{r}", f"r{r}", "", "r0", "é" * r])))
            elif c == "authority":
                row.append(draw(st.sampled_from(["Leeds", "Kingston upon Hull, City of", "", "x" * 80, "Bury"])))
            elif draw(st.floats(0, 1)) < odd:
                row.append(draw(st.sampled_from(ODD)))
            else:
                row.append(draw(st.sampled_from(["", *CELLS[c]])))
        rows.append(",".join(row))
    bom = draw(st.sampled_from(["", "", "\ufeff"]))
    end = draw(st.sampled_from(["", "\n", "\n", "\n\n", "\r\n", "\n,,,,,,\n"]))
    header = ",".join(columns)
    return bom + header + "\n" + "\n".join(rows) + end


@FUZZ
@given(respondent_files(), st.sampled_from([plain_csv.CHUNK, 200, 64]))
def test_both_readers_agree_on_any_file(folder: Path, text: str, chunk: int) -> None:
    """Small pieces too: rows cut between pieces, blank lines at a piece's end, a line longer than a piece."""
    path = folder / "respondents.csv"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    with patch.object(plain_csv, "CHUNK", chunk):
        assert_same(path)


def test_a_clean_file_takes_the_plain_reader(folder: Path) -> None:
    """The common case (no quotes, every row complete) is the numpy path, and reads as pandas reads it."""
    text = "respondent_id,q1,q2::Commissioning,q2::Procurement,q3::Private,q3::Voluntary\n" + "".join(
        f"r{i},{['Yes', 'Étoile', ''][i % 3]},{i % 2},{(i + 1) % 2},No,{['No change', ''][i % 2]}\n" for i in range(50)
    )
    assert plain(folder, text) is not None
    (folder / "respondents.csv").write_text(text, encoding="utf-8")
    frame = assert_same(folder / "respondents.csv")
    assert list(frame["q1"].cat.categories) == ["", "Yes", "Étoile"]  # only the options that occur, sorted
    assert frame["q2::Commissioning"].tolist()[:3] == ["0", "1", "0"]


def test_pieces_and_long_cells_across_chunks(folder: Path, monkeypatch) -> None:
    """Small pieces: rows cut between pieces, and free-text cells longer than LONG_CELL, still read the same."""
    monkeypatch.setattr(plain_csv, "CHUNK", 300)
    text = "q1,authority,respondent_id,q2::Commissioning,q2::Procurement,q3::Private,q3::Voluntary\n" + "\n".join(
        f"{['Yes', 'No', 'Ne'][i % 3]},{'Bury' if i % 4 else 'x' * (60 + i)},id{i},1,0,No,More contracts/services"
        for i in range(40)
    )
    assert plain(folder, text) is not None
    (folder / "respondents.csv").write_text(text, encoding="utf-8")
    frame = assert_same(folder / "respondents.csv")
    assert frame["authority"].dtype == "category" and frame[ID_COLUMN].tolist()[-1] == "id39"


@pytest.mark.parametrize(
    "body",
    [
        'r1,"Yes",1,0,No,No',  # a quote: pandas unquotes it
        "r1,Yes,1,0,No",  # a short row
        "r1,Yes,1,0,No,No,",  # a long row
        "r1,Yes,1,0,No,No\n\nr2,No,0,0,No,No",  # a blank line inside
        "r1,Maybe,1,0,No,No",  # a value no option matches
        "r1,Yes,1,0,No,No\n,,,,,",  # a last row of empty cells
        "r1,Yes,1,0,No,No\x00",  # a NUL byte
    ],
)
def test_anything_else_goes_to_pandas(folder: Path, body: str) -> None:
    text = "respondent_id,q1,q2::Commissioning,q2::Procurement,q3::Private,q3::Voluntary\n" + body + "\n"
    assert plain(folder, text) is None
    (folder / "respondents.csv").write_text(text, encoding="utf-8")
    assert_same(folder / "respondents.csv")


def test_a_header_quoted_oddly_goes_to_pandas(folder: Path) -> None:
    text = '"respondent_id",q1,q2::Commissioning,q2::Procurement,q3::Private,q3::Voluntary\nr1,Yes,1,0,No,No\n'
    assert plain(folder, text) is None


@pytest.mark.parametrize("options", [3, 20])  # up to 16 values: a comparison per value; more: bincount
@pytest.mark.parametrize("empty", [False, True])
def test_categories_are_those_that_occur_sorted(options: int, empty: bool) -> None:
    values = plain_csv._encoded([f"option {i}" for i in range(options)])
    codes = np.array([2, 1, 2, options], dtype=np.int8)  # "" (code 0) and most options never occur
    texts = [values[c].decode() for c in codes]
    expected = pd.Categorical(texts, categories=sorted(set(texts) | ({""} if empty else set())))
    pd.testing.assert_extension_array_equal(plain_csv._categorical(codes, values, empty), expected)
