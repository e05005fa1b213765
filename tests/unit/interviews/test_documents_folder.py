"""A transcripts folder as docs/interviews.md lays it out: README, speakers, coders' files by quotes and by tool."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.interviews import refi
from helpers.interviews.codebook import load_codebook
from helpers.interviews.folder import load_corpus_folder

EXAMPLE = paths.ROOT / "tests" / "fixtures" / "my_interviews"


@pytest.fixture
def folder(tmp_path):
    return shutil.copytree(EXAMPLE, tmp_path / "my_study")


@pytest.fixture
def book():
    return load_codebook(EXAMPLE / "codebook.yaml")


def test_the_worked_example_loads_with_its_speakers_and_both_coders(folder, book):
    corpus = load_corpus_folder(folder, book)
    documents = corpus.documents.set_index("document_id")
    assert list(documents.index) == ["int01", "int02", "int03"]  # README.md is not a transcript
    # Roles from the labels, and from documents.csv for int03, whose speaker is labelled by name.
    assert documents["speaker_role"].tolist() == ["Head of commissioning", "Chief executive", "commissioning manager"]
    assert corpus.origins == {"ann": "codings/ann.csv", "bob": "codings/bob.csv"}
    assert corpus.coders() == ["ann", "bob"]
    ann = corpus.segments[corpus.segments["coder"] == "ann"]
    texts = [documents.loc[d, "text"][a:b] for d, a, b in zip(ann["document_id"], ann["start"], ann["end"])]
    # A quote across the transcript's line break keeps the break; a row without a quote is the whole document.
    assert "We wrote outcomes into every contract, and we\nmeasure them each quarter." in texts
    bob = corpus.segments[corpus.segments["coder"] == "bob"]
    assert (bob["start"] == 0).all() and bob["end"].tolist() == [
        len(documents.loc[d, "text"]) for d in bob["document_id"]
    ]


def test_a_coder_in_two_files_is_refused(folder, book):
    (folder / "segments.csv").write_text("document_id,start,end,code,coder\nint01,0,5,market,ann\n", encoding="utf-8")
    with pytest.raises(DataError, match="one file per coder \\('ann' also codes in segments.csv\\)"):
        load_corpus_folder(folder, book)


def test_segments_csv_adds_its_coders_beside_the_quote_files(folder, book):
    (folder / "segments.csv").write_text("document_id,start,end,code,coder\nint01,0,5,market,cy\n", encoding="utf-8")
    corpus = load_corpus_folder(folder, book)
    assert corpus.origins == {"cy": "segments.csv", "ann": "codings/ann.csv", "bob": "codings/bob.csv"}


def test_a_coders_export_from_a_qda_tool_is_one_more_coder(folder, book):
    corpus = load_corpus_folder(folder, book)
    documents = corpus.documents
    text = documents.set_index("document_id").loc["int02", "text"]
    start = text.index("Outcomes come first")
    segments = pd.DataFrame(
        [("int02", start, start + len("Outcomes come first"), "outcomes", "Dee Coder", "")],
        columns=["document_id", "start", "end", "code", "coder", "memo"],
    )
    excerpts = documents.rename(columns={"document_id": "excerpt_id"})
    none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    refi.write_qdpx(book, excerpts, none, folder / "codings" / "dee.qdpx", segments=segments)
    again = load_corpus_folder(folder, book)
    assert again.origins["dee"] == "codings/dee.qdpx"
    dee = again.segments[again.segments["coder"] == "dee"]
    assert dee[["document_id", "start", "code"]].values.tolist() == [["int02", start, "outcomes"]]


def test_an_export_whose_texts_differ_from_the_transcripts_is_refused(folder, book):
    documents = load_corpus_folder(folder, book).documents
    excerpts = documents.rename(columns={"document_id": "excerpt_id"}).assign(text=lambda f: f["text"] + " (edited)")
    none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    refi.write_qdpx(book, excerpts, none, folder / "codings" / "dee.qdpx")
    with pytest.raises(DataError, match="unchanged"):
        load_corpus_folder(folder, book)


def test_a_quote_error_names_the_coders_file_and_row(folder, book):
    path = folder / "codings" / "ann.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("the market first", "the markets first"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_corpus_folder(folder, book)
    (problem,) = info.value.problems
    assert problem.path.endswith("codings/ann.csv") and problem.line == 2 and problem.column == "quote"


def test_whole_document_coders_are_told_apart_from_passage_coders(folder, book):
    from helpers.interviews.documents import pair_note, whole_document_coders

    corpus = load_corpus_folder(folder, book)
    whole = whole_document_coders(corpus.segments, corpus.documents)
    assert whole == ["bob"]  # bob.csv has no quotes; ann.csv quotes passages
    assert pair_note("ann", "bob", whole).startswith("bob codes whole documents and ann codes passages")
    assert pair_note("ann", "cy", whole) == "" and pair_note("bob", "rules", whole + ["rules"]) == ""


def test_the_one_coder_hint_names_the_three_ways_the_docs_describe():
    from helpers.interviews.documents import ADD_A_SECOND_CODER

    docs = (paths.ROOT / "docs" / "interviews.md").read_text(encoding="utf-8")
    for way in ["codings/<name>.csv", "segments.csv", "codings/<name>.qdpx", "codings/coders.yaml"]:
        assert way in ADD_A_SECOND_CODER and way in docs
    assert "'Adding a second coder'" in ADD_A_SECOND_CODER and "## Adding a second coder" in docs


def test_the_speakers_csv_of_the_docs_gives_the_example_its_roles(folder, book):
    text = (paths.ROOT / "docs" / "interviews.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```csv\n(.*?)```", text, re.S) if b.startswith("speaker,role")]
    (folder / "speakers.csv").write_text(block, encoding="utf-8")
    corpus = load_corpus_folder(folder, book)
    roles = dict(zip(corpus.documents["document_id"], corpus.documents["speaker_role"]))
    assert roles == {"int01": "head of commissioning", "int02": "chief executive", "int03": "commissioning manager"}
    assert set(corpus.turns["role"]) == {
        "interviewer",
        "head of commissioning",
        "chief executive",
        "commissioning manager",
    }
