"""Speaker turns: which lines are speaker labels, each turn's offsets, and each speaker's role."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core.errors import DataError
from helpers.interviews.speakers import (
    document_roles,
    labels,
    load_turns,
    read_speakers_csv,
    segment_speakers,
    speaker_turns,
    with_roles,
)

INT01 = (
    "Interviewer: How did you start?\n"
    "Head of commissioning: We tested the market.\n"
    "We held provider days.\n"
    "10:30 a break\n"
    "Interviewer: And then?\n"
    "Head of commissioning: Outcomes."
)
INT02 = "**Interviewer:** Why?\n\n**Jo:** Cost, mostly.\n\n**Jo**: And time."


def docs(**attributes) -> pd.DataFrame:
    frame = pd.DataFrame({"document_id": ["int01", "int02"], "text": [INT01, INT02]})
    return frame.assign(**attributes)


@pytest.mark.parametrize(
    "line",
    [
        "10:30 a break in the recording",
        "[00:12:04] Interviewer: late start",
        "Speaker 2: a number in the label",
        "https://example.org: a web address",
        "One two three four five six seven: seven words",
        "(laughs): not a word",
        "Head of commissioning:no space after the colon",
    ],
)
def test_what_is_not_a_speaker_label(line):
    assert labels(line) == []


def test_a_colon_inside_a_line_is_not_a_label():
    assert [label for label, _, _ in labels("Jo: a market: analysts.")] == ["Jo"]


def test_what_is_a_speaker_label():
    text = "Chief executive: yes\nDr. Jones: no\n**Head of HR:** maybe\n__O'Neill__: fine\nInterviewer:\n"
    assert [label for label, _, _ in labels(text)] == [
        "Chief executive",
        "Dr. Jones",
        "Head of HR",
        "O'Neill",
        "Interviewer",
    ]


def test_turns_run_to_the_next_label_and_carry_continuation_lines():
    turns = speaker_turns(docs())
    first = turns[turns["document_id"] == "int01"]
    assert first["speaker"].tolist() == ["Interviewer", "Head of commissioning"] * 2
    texts = [INT01[a:b] for a, b in zip(first["start"], first["end"])]
    assert texts[1] == "We tested the market.\nWe held provider days.\n10:30 a break"
    assert texts[3] == "Outcomes."


def test_a_label_that_starts_only_one_line_of_the_folder_is_not_a_speaker():
    frame = pd.DataFrame({"document_id": ["d"], "text": ["Interviewer: Well?\nThe answer is simple: we buy less."]})
    assert speaker_turns(frame)["speaker"].tolist() == ["Interviewer"]


def test_roles_from_labels_documents_csv_and_the_interviewer():
    frame = docs(speaker_role=["", "commissioning manager"])
    turns = with_roles(speaker_turns(frame), frame, None)
    assert dict(zip(turns["speaker"], turns["role"])) == {
        "Interviewer": "interviewer",
        "Head of commissioning": "Head of commissioning",  # the label itself
        "Jo": "commissioning manager",  # the document's one speaker, role from documents.csv
    }
    roles = document_roles(frame, turns)
    assert roles["speaker_role"].tolist() == ["Head of commissioning", "commissioning manager"]


def test_speakers_csv_gives_roles_and_decides_which_labels_count(tmp_path):
    (tmp_path / "speakers.csv").write_text(
        "speaker,role,document_id\nInterviewer,interviewer,\nJo,finance director,int02\n"
        "head of commissioning,head of commissioning,int01\n",
        encoding="utf-8",
    )
    frame = docs()
    documents, turns = load_turns(tmp_path, frame)
    assert documents["speaker_role"].tolist() == ["head of commissioning", "finance director"]
    assert set(turns["role"]) == {"interviewer", "head of commissioning", "finance director"}


def test_speakers_csv_rows_are_checked_with_their_lines(tmp_path):
    path = tmp_path / "speakers.csv"
    path.write_text(
        "speaker,role,document_id\n"
        "Jo,finance director,int09\n"  # unknown transcript
        "Sam,director,\n"  # a label no transcript uses
        "Jo,,int02\n"  # no role
        "Interviewer,interviewer,\n"
        "interviewer,interviewer,\n",  # the same speaker twice
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        read_speakers_csv(path, docs())
    assert [(p.line, p.column) for p in info.value.problems] == [
        (2, "document_id"),
        (3, "speaker"),
        (4, "role"),
        (6, "speaker"),
    ]
    assert "('Sam: ...')" in str(info.value)


def test_a_segment_is_attributed_to_the_turns_it_overlaps():
    frame = docs()
    turns = with_roles(speaker_turns(frame), frame, None)
    start = INT01.index("We tested")
    segments = pd.DataFrame(
        {"document_id": ["int01", "int01"], "start": [start, 0], "end": [start + 10, len(INT01)], "code": ["m", "m"]}
    )
    out = segment_speakers(segments, turns)
    assert out["speaker_role"].tolist() == ["Head of commissioning", "interviewer; Head of commissioning"]


def test_a_pathological_line_is_read_at_once():
    """Untrusted transcripts may not hang the workbench: a label of punctuation fails fast."""
    first, second = "Jo" + "." * 70 + "1: x", "A" + "-" * 75 + ": y"
    text = first + "\n" + second
    assert labels(text) == [("A" + "-" * 75, len(first) + 1, len(text) - 1)]
