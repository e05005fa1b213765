"""Documents and segments: a researcher's corpus folder, and every bad segment named with its line."""

from __future__ import annotations

import docx
import pandas as pd
import pytest

from helpers.core.errors import DataError
from helpers.interviews.codebook import Code, build_codebook
from helpers.interviews.documents import (
    codings_to_segments,
    segments_to_codings,
    validate_segments,
)
from helpers.interviews.folder import load_corpus_folder

BOOK = build_codebook(
    [Code("market", "Market", definition="d"), Code("risk", "Risk", definition="d"), Code("g", "G", codable=False)]
)

INT01 = "We tested the market first.\nThen we bought."


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "int01.txt").write_text(INT01, encoding="utf-8")
    (tmp_path / "int02.md").write_text("# Notes\nRisk everywhere.", encoding="utf-8")
    word = docx.Document()
    word.add_paragraph("First paragraph.")
    word.add_paragraph("Second one.")
    word.save(tmp_path / "int03.docx")
    (tmp_path / "documents.csv").write_text("document_id,speaker_role\nint01,head of commissioning\n", encoding="utf-8")
    return tmp_path


def test_folder_reads_txt_md_and_docx_with_attributes(folder):
    corpus = load_corpus_folder(folder, BOOK)
    assert list(corpus.documents["document_id"]) == ["int01", "int02", "int03"]
    assert corpus.text("int03") == "First paragraph.\nSecond one."
    assert list(corpus.documents["speaker_role"]) == ["head of commissioning", "", ""]
    assert corpus.segments.empty


def test_segments_csv_is_validated_with_lines(folder):
    (folder / "segments.csv").write_text(
        "document_id,start,end,code,coder\n"
        "int01,14,20,market,ann\n"  # fine: "market"
        "int01,40,80,market,ann\n"  # past the end of the text
        "int09,0,3,market,ann\n"  # unknown document
        "int02,5,5,risk,ann\n"  # empty
        "int02,0,4,nope,ann\n"  # unknown code
        "int02,0,4,g,ann\n",  # a grouping code
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        load_corpus_folder(folder, BOOK)
    lines = [(p.line, p.column) for p in err.value.problems]
    assert lines == [(3, "end"), (4, "document_id"), (5, "end"), (6, "code"), (7, "code")]
    assert f"({len(INT01)} characters)" in str(err.value.problems[0])


def test_unknown_coder_is_an_error():
    docs = pd.DataFrame({"document_id": ["d"], "text": ["abcdef"]})
    segs = pd.DataFrame(
        [["d", 0, 3, "market", "zed", ""]], columns=["document_id", "start", "end", "code", "coder", "memo"]
    )
    with pytest.raises(DataError, match="coder of the project"):
        validate_segments(segs, docs, BOOK, "segments.csv", coders=["ann", "bob"], where=[2])


def test_codings_and_segments_convert_both_ways():
    docs = pd.DataFrame({"document_id": ["d1", "d2"], "text": ["abcdef", "xyz"]})
    codings = pd.DataFrame({"coder": ["ann", "ann"], "excerpt_id": ["d1", "d2"], "code": ["market", ""]})
    segs = codings_to_segments(codings, docs)
    assert segs[["document_id", "start", "end", "code"]].values.tolist() == [["d1", 0, 6, "market"]]
    back = segments_to_codings(segs, docs)
    assert back.values.tolist() == [["ann", "d1", "market"], ["ann", "d2", ""]]


def test_a_transcripts_folder_is_a_study_with_its_coders(folder):
    from helpers.core import paths
    from helpers.interviews.study import load_study

    (folder / "segments.csv").write_text(
        "document_id,start,end,code,coder,memo\nint01,14,20,market_dialogue,ann,first\nint01,10,24,market_dialogue,bob,\n",
        encoding="utf-8",
    )
    codebook = paths.LOCAL_PARTNERSHIPS_2015 / "codebook.yaml"
    study = load_study(folder, codebook, ["ann", "bob", "rules"], unit="character")
    assert study.coders == ["ann", "bob", "rules"]
    assert study.excerpts["excerpt_id"].tolist() == ["int01", "int02", "int03"]
    assert study.segments[study.segments["coder"] == "ann"]["memo"].tolist() == ["first"]
    assert set(study.codings.loc[study.codings["coder"] == "ann", "excerpt_id"]) == {"int01", "int02", "int03"}
    assert study.described["human"].tolist() == ["unknown", "unknown", "false"]
