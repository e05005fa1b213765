"""The blind coding package is blind: opened as a second coder would, it holds the documents, the codes'
names, definitions and use / don't-use notes and the instructions, and nothing that places an excerpt:
no excerpt id, report section, rule keyword or pattern, example, quote or memo."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from helpers.core import paths
from helpers.interviews import load_excerpts, refi
from helpers.interviews.codebook import load_codebook
from helpers.interviews.corpus import with_speakers
from helpers.interviews.refi.schema import guid

CORPUS = paths.LOCAL_PARTNERSHIPS_2015
NS = f"{{{refi.NS_PROJECT}}}"


@pytest.fixture(scope="module")
def corpus():
    excerpts = with_speakers(CORPUS, load_excerpts(CORPUS))
    return load_codebook(CORPUS / "codebook.yaml", excerpts["excerpt_id"]), excerpts


@pytest.fixture(scope="module")
def package(corpus, tmp_path_factory):
    book, excerpts = corpus
    path = refi.write_coding_package(book, excerpts, tmp_path_factory.mktemp("p") / "coding_package.qdpx")
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return path, members


def _codebook_part(qde: bytes) -> str:
    root = etree.fromstring(qde)
    return etree.tostring(root.find(f"{NS}CodeBook"), encoding="unicode")


def test_no_excerpt_id_anywhere(corpus, package):
    _, excerpts = corpus
    _, members = package
    everything = "\n".join([*members, *(m.decode("utf-8") for m in members.values())])
    found = [e for e in excerpts["excerpt_id"] if re.search(rf"\b{re.escape(e)}\b", everything)]
    assert found == []
    source_guids = {guid("source", e) for e in excerpts["excerpt_id"]}
    assert not any(g in everything for g in source_guids)  # GUIDs from the ids would name the excerpts too


def test_no_section_list_example_quote_or_memo(corpus, package):
    book, _ = corpus
    _, members = package
    qde = members["project.qde"].decode("utf-8")
    assert "section" not in qde.lower()
    codes = _codebook_part(members["project.qde"])
    for label in ("Example:", "Example quote:", "Near miss:", "Memo:", "From list:", "Set:", "Keyword:", "Pattern:"):
        assert label not in codes, label
    for code in book.codes.values():
        for text in (code.example_quote, code.memo, code.near_miss):
            assert not text or text not in codes, code.id
        assert not code.from_list or code.from_list not in qde


def test_no_rule_keyword_or_pattern_in_the_codes(corpus, package):
    book, _ = corpus
    _, members = package
    root = etree.fromstring(members["project.qde"])
    by_name = {c.get("name"): c.find(f"{NS}Description").text for c in root.iter(f"{NS}Code")}
    for code in book.codes.values():
        allowed = " ".join([code.name, code.definition, code.use_when, code.dont_use_when]).lower()
        description = by_name[code.name].lower()
        for keyword in code.keywords:
            stem = keyword.rstrip("*").lower()
            assert stem not in description or stem in allowed, (code.id, keyword)
        for pattern in code.patterns:
            assert pattern not in members["project.qde"].decode("utf-8"), (code.id, pattern)


def test_what_a_coder_needs_is_there(corpus, package):
    book, excerpts = corpus
    path, members = package
    project = refi.read_qdpx(path)
    assert sorted(project.sources["text"]) == sorted(excerpts["text"])
    assert set(project.sources.columns) == {"excerpt_id", "text", "speaker_role", "authority_type"}
    assert all(re.fullmatch(r"Document \d\d", n) for n in project.sources["excerpt_id"])
    assert project.sources["text"].tolist() != excerpts["text"].tolist()  # not in the report's order
    for code in book.codes.values():
        mine = project.codebook[code.id]
        assert (mine.name, mine.definition, mine.use_when, mine.dont_use_when, mine.codable) == (
            code.name,
            code.definition,
            code.use_when,
            code.dont_use_when,
            code.codable,
        )
    assert project.segments.empty and project.codebook_version == getattr(book, "version", None)


def test_the_instructions_travel_as_a_dated_note_with_the_segmentation_rule(corpus, package):
    _, members = package
    root = etree.fromstring(members["project.qde"])
    notes = list(root.iter(f"{NS}Note"))
    assert [n.get("name") for n in notes] == ["Coding instructions"]
    # A file the note names, the form in which QualCoder shows a note as a journal.
    text = members["sources/" + notes[0].get("plainTextPath").removeprefix("internal://")].decode("utf-8")
    assert "Segmentation: code the smallest span of text that carries the code's meaning" in text
    assert "Codebook version" in text
    assert notes[0].get("creationDateTime") and notes[0].get("creatingUser")


def test_whole_excerpt_segmentation_can_be_asked_for(corpus, tmp_path):
    book, excerpts = corpus
    path = refi.write_coding_package(book, excerpts, tmp_path / "p.qdpx", segmentation="excerpt")
    with zipfile.ZipFile(path) as archive:
        texts = b"".join(archive.read(n) for n in archive.namelist())
    assert b"Segmentation: code each document as a whole" in texts


def test_the_package_is_byte_identical_from_run_to_run(corpus, package, tmp_path):
    book, excerpts = corpus
    again = refi.write_coding_package(book, excerpts, tmp_path / "again.qdpx")
    assert again.read_bytes() == package[0].read_bytes()
