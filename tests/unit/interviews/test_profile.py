"""What a corpus says about itself: title and introduction from its README, and its layout's own sections."""

from __future__ import annotations

import shutil

from helpers.core import paths
from helpers.interviews.profile import corpus_profile, main, readme_title

EXAMPLE = paths.ROOT / "tests" / "fixtures" / "my_interviews"


def test_a_transcripts_folder_is_described_by_its_readme_and_has_no_report_sections():
    profile = corpus_profile(EXAMPLE)
    assert profile.title == "Commissioning day care: three example interviews"
    assert profile.intro.startswith("Invented transcripts, written for the workbench's documentation")
    assert "\n" not in profile.intro and profile.described_by == "README.md"
    assert (profile.report_lists, profile.report_placement) == (False, False)


def test_the_local_partnerships_corpus_keeps_its_report_sections():
    profile = corpus_profile("data/raw/interviews/local_partnerships_2015")  # relative to the project root
    assert profile.title.startswith("Local Partnerships 2015")
    assert "Public Intelligence" in profile.intro and "*" not in profile.intro and "`" not in profile.intro
    assert (profile.report_lists, profile.report_placement) == (True, True)


def test_a_folder_without_a_readme_is_named_and_says_so(tmp_path):
    (tmp_path / "int01.txt").write_text("Interviewer: Hello?", encoding="utf-8")
    profile = corpus_profile(tmp_path)
    assert profile.title == tmp_path.name and "has no README.md" in profile.intro and profile.described_by == ""


def test_the_first_heading_and_the_first_paragraph_after_it(tmp_path):
    (tmp_path / "README.md").write_text(
        "Some preamble.\n\n# My *study*\n\n| a | table |\n\n"
        "The [first](http://x) paragraph,\nover two lines.\n\nMore.\n",
        encoding="utf-8",
    )
    assert readme_title(tmp_path / "README.md") == ("My study", "The first paragraph, over two lines.")


def test_a_project_file_is_described_by_its_name():
    profile = corpus_profile("unused", "projects/two.qdpx")
    assert profile.title == "two.qdpx" and not profile.report_lists


def test_the_check_command_prints_what_the_report_will_read(tmp_path, capsys):
    folder = shutil.copytree(EXAMPLE, tmp_path / "my_study")
    assert main([str(folder), str(folder / "codebook.yaml")]) == 0
    out = capsys.readouterr().out
    assert "transcripts: 3 (int01, int02, int03)" in out
    assert "int03: speaker role commissioning manager" in out
    rows = (folder / "codings" / "ann.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert f"coder ann: {len(rows)} segments from codings/ann.csv" in out


def test_the_check_command_shows_the_error_and_no_traceback(tmp_path, capsys):
    folder = shutil.copytree(EXAMPLE, tmp_path / "my_study")
    (folder / "codings" / "bob.csv").unlink()
    (folder / "documents.csv").write_text("document_id,speaker_role\nint09,x\n", encoding="utf-8")
    assert main([str(folder)]) == 1
    err = capsys.readouterr().err
    assert "documents.csv, line 2, column 'document_id'" in err and "Traceback" not in err


def test_a_coder_without_a_description_is_described_by_the_kind_of_file_it_came_from():
    from helpers.interviews.profile import undescribed_coder

    assert "REFI-QDA" not in undescribed_coder("cy", "my_study/segments.csv")["description"]
    assert "REFI-QDA" not in undescribed_coder("ann", "my_study/codings/ann.csv")["description"]
    assert undescribed_coder("dee", "my_study/codings/dee.qdpx")["description"].startswith("Imported from a REFI-QDA")
    assert {undescribed_coder("cy", "segments.csv")[k] for k in ("human", "independent")} == {"unknown"}


def test_the_check_command_refuses_a_missing_folder(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere")]) == 1
    assert "expected a folder of transcripts" in capsys.readouterr().err


def test_the_check_command_says_how_to_add_a_second_coder(tmp_path, capsys):
    folder = shutil.copytree(EXAMPLE, tmp_path / "my_study")
    (folder / "codings" / "bob.csv").unlink()
    assert main([str(folder)]) == 0
    out = capsys.readouterr().out
    assert "1 coder's file" in out and "to add a second coder" in out and "codings/<name>.qdpx" in out
