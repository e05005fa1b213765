"""helpers.survey.import_wave: a wave's folder drafted from an agency's SPSS file or a survey tool's export."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from sav_files import with_multiple_response_set

from helpers.core.errors import DataError
from helpers.survey.agency_file import read_agency_file
from helpers.survey.import_wave import import_wave, main

SCALE = {1: "Strongly agree", 2: "Agree", 3: "Neither agree nor disagree", 4: "Disagree", 5: "Strongly disagree"}


def agency_sav(path: Path, **changes) -> Path:
    """An SPSS file as a fieldwork agency would send it: labelled variables, a grid, a multiple-response set."""
    frame = pd.DataFrame(
        {
            "respid": [101, 102, 103, 104],
            "authority": ["E07000223", "Adur", "ADU", "Birmingham"],
            "q1": [1, 2, 1, None],
            "c_1": [1, 0, None, 1],
            "c_2": [0, 1, None, 1],
            "g_1": [1, 2, 3, 4],
            "g_2": [2, 2, 5, 1],
            "comments": ["more staff", "", "none", "budget"],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={
            "q1": "How do you currently deliver services?",
            "c_1": "More commissioning experts",
            "c_2": "Better data",
            "g_1": "How far do you agree - Outsourcing saves money",
            "g_2": "How far do you agree - Quality improves",
        },
        variable_value_labels={"q1": {1: "Mainly in-house", 2: "Mainly outsourced"}, "g_1": SCALE, "g_2": SCALE},
    )
    with_multiple_response_set(path, "c", "Which new skills will be required?", ["c_1", "c_2"])
    return path


def test_the_test_file_carries_a_multiple_response_set_as_spss_writes_it(tmp_path: Path) -> None:
    _, meta = pyreadstat.read_sav(str(agency_sav(tmp_path / "wave.sav")))
    assert meta.mr_sets["c"]["variable_list"] == ["c_1", "c_2"]


def test_an_spss_file_drafts_questions_from_its_labels_and_lists_what_it_cannot_place(tmp_path: Path) -> None:
    folder = import_wave("wave_2013", agency_sav(tmp_path / "wave.sav"), tmp_path / "surveys")
    spec = (folder / "survey.yaml").read_text(encoding="utf-8")
    respondents = pd.read_csv(folder / "respondents.csv", dtype=str, keep_default_na=False)
    assert list(respondents.columns) == [
        "respondent_id",
        "authority",
        "c::More commissioning experts",
        "c::Better data",
        "q1",
        "g_1::Outsourcing saves money",
        "g_1::Quality improves",
    ]
    assert respondents["q1"].tolist() == ["Mainly in-house", "Mainly outsourced", "Mainly in-house", ""]
    assert respondents["c::Better data"].tolist() == ["0", "1", "", "1"]  # the third skipped the question
    assert respondents["g_1::Quality improves"].tolist() == ["Agree", "Agree", "Strongly disagree", "Strongly agree"]
    assert 'wording: "How far do you agree"' in spec and "type: likert" in spec and "type: multi" in spec
    assert spec.count("    guessed:") == 3  # every question drafted from labels carries its guesses
    unplaced = pd.read_csv(folder / "unplaced.csv", dtype=str, keep_default_na=False)
    assert unplaced["comments"].tolist() == ["more staff", "", "none", "budget"]  # kept, not dropped
    assert "`comments`" in (folder / "IMPORT.md").read_text(encoding="utf-8")


def test_wave_facts_are_left_to_fill_in_never_taken_from_the_file(tmp_path: Path) -> None:
    folder = import_wave("wave_2013", agency_sav(tmp_path / "wave.sav"), tmp_path / "surveys")
    spec = (folder / "survey.yaml").read_text(encoding="utf-8")
    for key in ("document", "section", "date", "size", "frame_date"):
        assert f'{key}: "FILL IN"' in spec


def test_a_value_its_labels_do_not_name_is_an_error_naming_the_variable_and_the_case(tmp_path: Path) -> None:
    path = agency_sav(tmp_path / "wave.sav", q1=[1, 2, 7, None])
    with pytest.raises(DataError, match=r"wave.sav, line 3, column 'q1': expected a value its value labels name"):
        import_wave("wave_2013", path, tmp_path / "surveys")
    assert not (tmp_path / "surveys" / "wave_2013").exists()  # nothing half-made


def test_duplicate_respondent_ids_are_an_error_naming_the_rows(tmp_path: Path) -> None:
    path = agency_sav(tmp_path / "wave.sav", respid=[101, 102, 101, 104])
    with pytest.raises(
        DataError, match=r"line 3, column 'respid': expected a respondent id used once \(also on row 1\)"
    ):
        import_wave("wave_2013", path, tmp_path / "surveys")


def qualtrics_csv(path: Path) -> Path:
    """A Qualtrics export: short names, then question texts, then ImportId rows, then the answers."""
    rows = [
        ["ResponseId", "Progress", "Q1", "Q2_1", "Q2_2"],
        [
            "Response ID",
            "Progress",
            "How do you currently deliver services?",
            "Which new skills will be required? - More commissioning experts",
            "Which new skills will be required? - Better data",
        ],
        [
            '{"ImportId":"_recordId"}',
            '{"ImportId":"progress"}',
            '{"ImportId":"QID1"}',
            '{"ImportId":"QID2_1"}',
            '{"ImportId":"QID2_2"}',
        ],
        ["R_1", "100", "Mainly in-house", "1", ""],
        ["R_2", "100", "Fairly even mix", "", "1"],
        ["R_3", "40", "", "", ""],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_a_qualtrics_export_with_three_header_rows_drafts_a_single_and_a_tick_all_question(tmp_path: Path) -> None:
    folder = import_wave("wave_q", qualtrics_csv(tmp_path / "export.csv"), tmp_path / "surveys")
    respondents = pd.read_csv(folder / "respondents.csv", dtype=str, keep_default_na=False)
    assert respondents["respondent_id"].tolist() == ["R_1", "R_2", "R_3"]
    assert respondents["Q2::More commissioning experts"].tolist() == ["1", "0", ""]
    spec = (folder / "survey.yaml").read_text(encoding="utf-8")
    assert 'wording: "Which new skills will be required?"' in spec
    assert "Progress" in (folder / "IMPORT.md").read_text(encoding="utf-8")


def test_a_surveymonkey_workbook_with_two_header_rows_is_read(tmp_path: Path) -> None:
    rows = [
        ["Respondent ID", "How do you currently deliver services?", "Which new skills will be required?", ""],
        ["", "Response", "More commissioning experts", "Better data"],
        ["9001", "Mainly outsourced", "More commissioning experts", ""],
        ["9002", "Mainly in-house", "", "Better data"],
    ]
    path = tmp_path / "export.xlsx"
    pd.DataFrame(rows).to_excel(path, header=False, index=False)
    delivered = read_agency_file(path)
    assert delivered.kind == "surveymonkey"
    folder = import_wave("wave_s", path, tmp_path / "surveys")
    respondents = pd.read_csv(folder / "respondents.csv", dtype=str, keep_default_na=False)
    assert respondents["q2::Better data"].tolist() == ["0", "1"]


def test_an_export_that_is_not_utf8_is_one_error_naming_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("id,q1\n1,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"export.csv, line 2: expected UTF-8 text"):
        import_wave("wave_l", path, tmp_path / "surveys")


def test_the_command_reports_a_bad_file_in_one_line_without_a_traceback(tmp_path: Path, capsys) -> None:
    path = tmp_path / "broken.sav"
    path.write_bytes(b"not an spss file")
    assert main(["wave_b", str(path), "--surveys", str(tmp_path / "surveys")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("import-wave: ") and "Traceback" not in err and "broken.sav" in err


def test_a_workbook_that_unzips_to_too_much_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    from helpers.survey import agency_file

    path = tmp_path / "export.xlsx"
    pd.DataFrame([["Respondent ID", "q1"], ["1", "Yes"]]).to_excel(path, header=False, index=False)
    monkeypatch.setattr(agency_file, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(DataError, match=r"export.xlsx, no line: expected a workbook that unzips to at most"):
        read_agency_file(path)


def test_a_file_over_the_size_budget_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    from helpers.survey import agency_file

    monkeypatch.setattr(agency_file, "MAX_BYTES", 10)
    with pytest.raises(DataError, match=r"wave.sav, no line: expected a survey file of at most"):
        read_agency_file(agency_sav(tmp_path / "wave.sav"))


def test_a_category_multiple_response_set_becomes_one_column_per_labelled_code(tmp_path: Path) -> None:
    """SPSS's other kind of set: each variable holds the code of an option ticked (first, second mention)."""
    import struct

    from sav_files import _dictionary_end

    path = tmp_path / "mentions.sav"
    frame = pd.DataFrame({"respid": [1, 2, 3], "m_1": [1, 2, None], "m_2": [3, None, None]})
    labels = {1: "Contracts", 2: "Data", 3: "Markets"}
    pyreadstat.write_sav(frame, path, variable_value_labels={"m_1": labels, "m_2": labels})
    label = "Which skills?"
    text = f"$m=C {len(label)} {label} m_1 m_2\n".encode()
    data = path.read_bytes()
    at = _dictionary_end(data)
    path.write_bytes(data[:at] + struct.pack("<iiii", 7, 7, 1, len(text)) + text + data[at:])
    folder = import_wave("wave_m", path, tmp_path / "surveys")
    respondents = pd.read_csv(folder / "respondents.csv", dtype=str, keep_default_na=False)
    assert respondents["m::Contracts"].tolist() == ["1", "0", ""]
    assert respondents["m::Data"].tolist() == ["0", "1", ""]
    assert respondents["m::Markets"].tolist() == ["1", "0", ""]


def test_labels_with_quotes_backslashes_and_line_breaks_come_back_exactly(tmp_path: Path) -> None:
    from helpers.survey import load_survey

    path = tmp_path / "export.csv"
    odd = ['Say "no"', "C:\\path", "Line one\nline two"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["ResponseId", "q1"]] + [[f"R_{i}", v] for i, v in enumerate(odd)])
    folder = import_wave("wave_odd", path, tmp_path / "surveys")
    yaml = folder / "survey.yaml"
    lines = [line for line in yaml.read_text(encoding="utf-8").split("\n") if not line.strip().startswith("guessed:")]
    filled = "\n".join(lines).replace('"FILL IN"', '"x"').replace('frame_date: "x"', "frame_date: 2013-01-01")
    yaml.write_text(
        filled.replace('date: "x"', "date: 2013-01-01").replace('size: "x"', "size: null"), encoding="utf-8"
    )
    survey = load_survey(folder)
    assert sorted(survey.question("q1").options) == sorted(odd)
