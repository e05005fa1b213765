"""Loading the interview excerpts: the real corpus, and each rule on a broken copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.interviews import load_excerpts, load_sections

CORPUS = paths.LOCAL_PARTNERSHIPS_2015


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the excerpts and sections (codebook and codings are not needed here)."""
    directory = tmp_path / "local_partnerships_2015"
    directory.mkdir()
    for name in ("excerpts.csv", "sections.csv"):
        shutil.copy(paths.LOCAL_PARTNERSHIPS_2015 / name, directory / name)
    return directory


def edit_row(path: Path, key: str, column: str, value: str) -> int:
    """Set `column` of the row whose first field is `key`; return that row's line in the rewritten file."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    index = frame.index[frame.iloc[:, 0] == key]
    assert len(index) == 1
    frame.loc[index[0], column] = value
    frame.to_csv(path, index=False)
    return int(index[0]) + 2  # no field spans lines in these files (checked below)


def load_error(directory: Path) -> DataError:
    with pytest.raises(DataError) as info:
        load_excerpts(directory)
    return info.value


def assert_names(error: DataError, file: str, line: int, column: str | None, expected: str) -> None:
    where = f"{file}, line {line}" + (f", column '{column}'" if column else "")
    matching = [m for m in str(error).splitlines() if where in m]
    assert matching, f"no problem at {where!r} in:\n{error}"
    assert any(expected in m.split(": expected ", 1)[-1] for m in matching if ": expected " in m), str(error)


class TestRealCorpus:
    def test_excerpts(self):
        excerpts = load_excerpts(paths.LOCAL_PARTNERSHIPS_2015)
        assert excerpts.shape[0] == 22
        assert excerpts["excerpt_id"].tolist() == [f"LP{i:02d}" for i in range(1, 23)]
        assert list(excerpts.columns) == [
            "excerpt_id",
            "section_number",
            "section_title",
            "speaker_role",
            "role_source",
            "same_speaker_as",
            "authority_type",
            "attribution",
            "text",
        ]
        assert excerpts["section_number"].dtype == "int64"
        assert sorted(excerpts["section_number"].unique()) == [2, 3, 4, 5, 6, 7]
        assert not excerpts.isna().any().any()
        assert excerpts.loc[excerpts["role_source"] == "context", "excerpt_id"].tolist() == ["LP03", "LP07", "LP20"]

    def test_sections(self):
        sections = load_sections(paths.LOCAL_PARTNERSHIPS_2015)
        assert sections["section_number"].tolist() == list(range(9))
        assert sections.loc[7, "section_title"] == "Capacity and skills"

    def test_no_field_spans_lines(self):
        for name in ("excerpts.csv", "sections.csv"):
            path = paths.LOCAL_PARTNERSHIPS_2015 / name
            assert len(pd.read_csv(path, dtype=str)) == len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_empty_text(corpus):
    line = edit_row(corpus / "excerpts.csv", "LP05", "text", "  ")
    assert_names(load_error(corpus), "excerpts.csv", line, "text", "the quoted text of excerpt 'LP05'")


def test_unknown_section(corpus):
    line = edit_row(corpus / "excerpts.csv", "LP05", "section_number", "9")
    error = load_error(corpus)
    assert_names(
        error, "excerpts.csv", line, "section_number", "a section listed in sections.csv: 0, 1, 2, 3, 4, 5, 6, 7, 8"
    )
    assert "found '9'" in str(error)


def test_wrong_title(corpus):
    line = edit_row(corpus / "excerpts.csv", "LP10", "section_title", "Partnership with health")
    error = load_error(corpus)
    assert_names(
        error,
        "excerpts.csv",
        line,
        "section_title",
        "'Commissioning in partnership with health', the title of section 4",
    )


def test_duplicate_id(corpus):
    line = edit_row(corpus / "excerpts.csv", "LP07", "excerpt_id", "LP06")
    assert_names(
        load_error(corpus), "excerpts.csv", line, "excerpt_id", f"a unique excerpt id (first on line {line - 1})"
    )


def test_missing_column(corpus):
    path = corpus / "excerpts.csv"
    pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="speaker_role").to_csv(path, index=False)
    assert_names(load_error(corpus), "excerpts.csv", 1, "speaker_role", "a column named 'speaker_role' in the header")


def test_empty_speaker_role(corpus):
    line = edit_row(corpus / "excerpts.csv", "LP12", "speaker_role", "")
    assert_names(load_error(corpus), "excerpts.csv", line, "speaker_role", "the speaker's role as the report writes it")


def test_same_speaker_as_unknown_excerpt(corpus):
    line = edit_row(corpus / "excerpts.csv", "LP03", "same_speaker_as", "LP99")
    assert_names(load_error(corpus), "excerpts.csv", line, "same_speaker_as", "an excerpt id of this file or empty")


def test_text_spanning_lines_keeps_line_numbers(corpus):
    """A quoted text holding a line break makes the next rows' lines one further on; the error says so."""
    path = corpus / "excerpts.csv"
    edit_row(path, "LP01", "text", "For me commissioning\nis a whole system approach")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["excerpt_id"] == "LP02", "text"] = ""
    frame.to_csv(path, index=False)
    assert_names(load_error(corpus), "excerpts.csv", 4, "text", "the quoted text of excerpt 'LP02'")


def test_empty_excerpts_csv(corpus):
    (corpus / "excerpts.csv").write_text("", encoding="utf-8")
    error = load_error(corpus)
    assert_names(error, "excerpts.csv", 1, None, "a header line with columns excerpt_id")


def test_sections_bad_number(corpus):
    path = corpus / "sections.csv"
    line = edit_row(path, "8", "section_number", "eight")
    error = load_error(corpus)
    assert_names(error, "sections.csv", line, "section_number", "a whole number")


def test_sections_duplicate_number(corpus):
    path = corpus / "sections.csv"
    line = edit_row(path, "8", "section_number", "7")
    assert_names(load_error(corpus), "sections.csv", line, "section_number", "each section once")


class TestSpeakers:
    def test_role_and_type_apart_and_identity_unknown_unless_established(self):
        from helpers.interviews.corpus import with_speakers

        excerpts = with_speakers(CORPUS, load_excerpts(CORPUS))
        assert set(excerpts["speaker_role"]) == {"chief executive", "head of commissioning"}
        assert set(excerpts["authority_type"]) == {"county", "London borough", "not stated"}
        known = excerpts[excerpts["speaker"] != "unknown"]
        assert known.groupby("speaker")["excerpt_id"].agg(list).to_dict() == {
            "LP02": ["LP02", "LP03"],
            "LP19": ["LP19", "LP20"],
        }
        assert excerpts.loc[excerpts["excerpt_id"] == "LP01", "speaker_role_printed"].item() == "county chief executive"

    def test_the_project_export_makes_a_case_only_for_a_known_speaker(self, tmp_path):
        import zipfile

        from helpers.interviews import refi
        from helpers.interviews.codebook import load_codebook
        from helpers.interviews.corpus import with_speakers

        excerpts = with_speakers(CORPUS, load_excerpts(CORPUS))
        book = load_codebook(CORPUS / "codebook.yaml")
        none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
        with zipfile.ZipFile(refi.write_qdpx(book, excerpts, none, tmp_path / "p.qdpx")) as archive:
            qde = archive.read("project.qde")
        assert qde.count(b"<Case ") == 2
        back = refi.read_qdpx(tmp_path / "p.qdpx")
        assert back.sources["authority_type"].tolist() == excerpts["authority_type"].tolist()
