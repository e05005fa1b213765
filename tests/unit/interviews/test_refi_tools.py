"""REFI-QDA as the tools write it: projects built in QualCoder's, NVivo's and ATLAS.ti's conventions read
right (UTF-16 offsets converted and said so), and the workbench's exports carry what the tools need
(dates on every note, no category under a codable code, variables on the sources, the codebook version)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace

import pandas as pd
import pytest
from lxml import etree
from qda_projects import atlas, nvivo, qualcoder, utf16_offset

from helpers.core.errors import DataError
from helpers.interviews import refi
from helpers.interviews.codebook import Code, Codebook, build_codebook
from helpers.interviews.documents import SEGMENT_COLUMNS

TEXT = "Intro 😀 then the market was thin 🙂 and risk was high."
MARKET = (TEXT.index("the market"), TEXT.index(" 🙂"))
RISK = (TEXT.index("risk"), TEXT.index(" was high"))


def _units(start_end):
    return tuple(utf16_offset(TEXT, x) for x in start_end)


class TestQualCoder:
    def test_offsets_from_its_coding_window_are_converted_and_said_so(self, tmp_path):
        path = qualcoder(tmp_path / "qc.qdpx", TEXT, [(*MARKET, "market_dialogue"), (0, 5, "risk")], units=True)
        project = refi.read_qdpx(path)
        rows = project.segments[["start", "end", "code", "coder"]].values.tolist()
        assert rows == [[*MARKET, "market_dialogue", "jane"], [0, 5, "risk", "jane"]]
        assert TEXT[slice(*MARKET)] == "the market was thin"
        assert len(project.notes) == 1 and "counted in UTF-16 units, converted to characters" in project.notes[0]
        assert f"{_units(MARKET)[0]}-{_units(MARKET)[1]}" in project.notes[0]

    def test_character_offsets_are_kept(self, tmp_path):
        project = refi.read_qdpx(qualcoder(tmp_path / "qc.qdpx", TEXT, [(*RISK, "risk")]))
        assert project.segments[["start", "end"]].values.tolist() == [list(RISK)] and project.notes == []

    def test_a_selection_whose_text_fits_neither_reading_is_refused(self, tmp_path):
        shifted = (RISK[0] - 3, RISK[1] - 3)
        path = qualcoder(tmp_path / "qc.qdpx", TEXT, [(*shifted, "risk", "risk was")])
        with pytest.raises(DataError, match="counted in characters or in UTF-16 units") as err:
            refi.read_qdpx(path)
        assert err.value.first.line is not None and "selection" in err.value.first.expected

    def test_its_categories_hold_codes(self, tmp_path):
        book = refi.read_qdpx(qualcoder(tmp_path / "qc.qdpx", TEXT, [(0, 5, "risk")])).codebook
        assert book.ordered() == ["market", "market_dialogue", "risk"]
        assert not book["market"].codable and book.children("market") == ["market_dialogue", "risk"]


class TestNVivo:
    def test_upper_case_guids_capital_sources_and_a_case_coded_as_a_code(self, tmp_path):
        project = refi.read_qdpx(nvivo(tmp_path / "nv.qdpx", TEXT, *RISK))
        assert project.codebook.ids() == ["risk"]  # the case's code is a case, not a code
        assert project.segments[["start", "end", "code", "coder"]].values.tolist() == [[*RISK, "risk", "NVIVO\\sam"]]
        assert project.sources["text"].item() == TEXT


class TestAtlas:
    def test_nested_codable_codes_its_own_user_and_utf16_offsets(self, tmp_path):
        project = refi.read_qdpx(atlas(tmp_path / "at.qdpx", TEXT, *RISK))
        assert project.codebook.ancestors("risk") == ["theme"] and project.codebook["theme"].codable
        assert sorted(project.users.values()) == ["ATLAS.ti", "Ana Coder"]
        assert project.segments[["start", "end", "coder"]].values.tolist() == [[*RISK, "Ana Coder"]]
        assert "UTF-16 units" in project.notes[0]

    def test_a_truncated_quotation_name_still_tells_the_readings_apart(self, tmp_path):
        quote = TEXT[slice(*RISK)]
        project = refi.read_qdpx(atlas(tmp_path / "at.qdpx", TEXT, *RISK, name=quote[:6] + "…"))
        assert project.segments[["start", "end"]].values.tolist() == [list(RISK)]


# ---------------------------------------------------------------------------- the workbench's exports


@pytest.fixture(scope="module")
def book():
    codes = [
        Code("theme", "Theme", definition="A theme.", section=1, memo="Why the theme is there."),
        Code("group", "Group", parent="theme", definition="Groups two codes.", codable=False),
        Code("a", "A", parent="group", definition="First.", keywords=("alpha",)),
        Code("b", "B", parent="group", definition="Second.", patterns=("be+ta",)),
    ]
    meta = {"author": "ann (see README.md)", "version": "2.1", "changes": [{"date": "2026-11-27", "change": "x"}]}
    return build_codebook(codes, meta=meta)


@pytest.fixture(scope="module")
def documents():
    return pd.DataFrame(
        {
            "document_id": ["d1", "d2"],
            "text": [TEXT, "Plain text about beeta and alpha."],
            "speaker_role": ["chief executive", "commissioner"],
            "authority_type": ["county", "district"],
        }
    )


@pytest.fixture(scope="module")
def segments():
    rows = [("d1", *MARKET, "a", "ann", "a memo"), ("d1", *RISK, "b", "bob", ""), ("d2", 0, 5, "a", "bob", "")]
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def _qde(path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _all(root, name):
    return list(root.iter(f"{{{refi.NS_PROJECT}}}{name}"))


class TestExportForTheTools:
    @pytest.fixture
    def exported(self, book, documents, segments, tmp_path):
        none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
        return refi.write_qdpx(book, documents, none, tmp_path / "p.qdpx", segments=segments)

    def test_every_note_selection_coding_and_source_is_dated_and_has_a_user(self, exported):
        root = _qde(exported)
        users = {u.get("guid") for u in _all(root, "User")}
        dated = [e for n in ("Note", "PlainTextSelection", "Coding", "TextSource") for e in _all(root, n)]
        assert len(_all(root, "Note")) == 2  # the code memo and the segment memo
        assert all(e.get("creationDateTime") == "2026-11-27T00:00:00Z" for e in dated)
        assert all(e.get("creatingUser") in users for e in dated)
        assert root.get("creationDateTime") == "2026-11-27T00:00:00Z" and root.get("creatingUserGUID") in users

    def test_no_category_sits_under_a_codable_code_and_the_round_trip_keeps_it_a_category(self, book, exported):
        root = _qde(exported)
        for code in _all(root, "Code"):
            parent = code.getparent()
            if parent.tag.endswith("}Code") and parent.get("isCodable") == "true":
                assert code.get("isCodable") == "true", code.get("name")
        back = refi.read_qdpx(exported)
        assert back.codebook == book and not back.codebook["group"].codable

    def test_variables_sit_on_the_sources_and_cases_link_them(self, documents, exported):
        root = _qde(exported)
        for source in _all(root, "TextSource"):
            assert len(source.findall(f"{{{refi.NS_PROJECT}}}VariableValue")) == 2
        for case in _all(root, "Case"):
            assert case.findall(f"{{{refi.NS_PROJECT}}}SourceRef") and not case.findall(
                f"{{{refi.NS_PROJECT}}}VariableValue"
            )
        back = refi.read_qdpx(exported)
        assert back.sources["speaker_role"].tolist() == documents["speaker_role"].tolist()

    def test_each_case_is_linked_to_its_texts_as_qualcoder_reads_it(self, book, documents, segments, tmp_path):
        same = documents.assign(same_speaker_as=["", "d1"])  # one speaker quoted twice
        none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
        root = _qde(refi.write_qdpx(book, same, none, tmp_path / "p.qdpx", segments=segments))
        [case] = _all(root, "Case")
        case_code = [c for c in _all(root, "Code") if c.get("guid") == case.get("guid")]
        assert case_code and case_code[0].get("isCodable") == "true"  # QualCoder moves its codings to the case
        linked = {
            (s.getparent().get("name"), s.get("startPosition"), s.get("endPosition"))
            for s in _all(root, "PlainTextSelection")
            for c in s.iter(f"{{{refi.NS_PROJECT}}}CodeRef")
            if c.get("targetGUID") == case.get("guid")
        }
        assert linked == {(d, "0", str(len(t))) for d, t in zip(documents["document_id"], documents["text"])}
        back = refi.read_qdpx(tmp_path / "p.qdpx")
        assert back.codebook == book and len(back.segments) == len(segments)  # read as a case, not as a code

    def test_offsets_past_an_emoji_round_trip_in_characters(self, segments, exported):
        back = refi.read_qdpx(exported)
        key = ["document_id", "start", "end", "code", "coder"]
        assert back.segments.sort_values(key)[key].values.tolist() == segments.sort_values(key)[key].values.tolist()
        assert back.notes == []
        names = {s.get("name") for s in _all(_qde(exported), "PlainTextSelection")}
        assert TEXT[slice(*MARKET)] in names

    def test_the_codebook_version_is_recorded_and_read_back(self, exported):
        assert refi.read_qdpx(exported).codebook_version == "2.1"

    def test_a_codebook_version_as_an_attribute_is_recorded(self, book, documents, tmp_path):
        class Versioned(Codebook):
            version = "3.0"

        versioned = Versioned(codes=book.codes, meta={k: v for k, v in book.meta.items() if k != "version"})
        path = refi.write_coding_package(versioned, documents, tmp_path / "package.qdpx")
        assert refi.read_qdpx(path).codebook_version == "3.0"

    def test_without_a_version_the_file_says_so_and_import_gives_none(self, book, documents, segments, tmp_path):
        plain = build_codebook([replace(c) for c in book.codes.values()])
        none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
        path = refi.write_qdpx(plain, documents, none, tmp_path / "p.qdpx", segments=segments)
        assert refi.read_qdpx(path).codebook_version is None
        with zipfile.ZipFile(path) as archive:
            qde = archive.read("project.qde")
        assert b"Codebook version not recorded" in qde and b'creationDateTime="1980-01-01T00:00:00Z"' in qde


class TestACodersExport:
    """A coder's export that lacks documents: they are missing, not "read, coded nothing"."""

    def test_missing_documents_are_listed_and_absent_from_the_codings(self, book, documents, tmp_path):
        corpus = pd.concat(
            [documents, pd.DataFrame({"document_id": ["d3"], "text": ["A third text."]})], ignore_index=True
        ).rename(columns={"document_id": "excerpt_id"})
        package = refi.read_qdpx(refi.write_coding_package(book, corpus, tmp_path / "package.qdpx")).documents
        kept = package[package["text"] != TEXT]  # the coder's tool dropped d1; d3 read, nothing coded
        d2 = kept.loc[kept["text"] == documents["text"][1], "document_id"].item()
        segs = pd.DataFrame([(d2, 0, 5, "a", "carol", "")], columns=SEGMENT_COLUMNS)
        none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
        path = refi.write_qdpx(book, kept, none, tmp_path / "carol.qdpx", segments=segs)
        result = refi.read_project_coding(path, book, corpus)
        assert result.missing == ["d1"]
        assert result.codings.values.tolist() == [["carol", "d2", "a"], ["carol", "d3", ""]]
        assert any("lacks 1 of the corpus's documents" in n and "d1" in n for n in result.notes)
        assert result.codebook_version == "2.1"
        segments = refi.load_project_coding(path, book, corpus)
        assert segments.attrs["missing_documents"] == ["d1"] and segments["document_id"].tolist() == ["d2"]

    def _coder_project(self, book, documents, tmp_path, extra_code=None, drop_ids=False):
        package = refi.read_qdpx(refi.write_coding_package(book, documents, tmp_path / "package.qdpx"))
        theirs = book
        if extra_code is not None:  # the coder adds a code in their tool
            theirs = build_codebook([*book.codes.values(), extra_code])
        d2 = package.documents.loc[package.documents["text"] == documents["text"][1], "document_id"].item()
        rows = [(d2, 0, 5, "a", "dan", "")] + ([(d2, 6, 10, extra_code.id, "dan", "why")] if extra_code else [])
        segs = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
        none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
        path = refi.write_qdpx(theirs, package.documents, none, tmp_path / "dan.qdpx", segments=segs)
        if drop_ids:  # a tool that keeps names but not the descriptions' "Code id:" lines
            with zipfile.ZipFile(path) as archive:
                members = {n: archive.read(n) for n in archive.namelist()}
            members["project.qde"] = re.sub(rb"\nCode id: [a-z_0-9]+", b"", members["project.qde"])
            path.write_bytes(refi.write.zip_members(members))
        return path, documents.rename(columns={"document_id": "excerpt_id"})

    def test_a_new_code_is_a_proposal_not_an_error(self, book, documents, tmp_path):
        new = Code("new_idea", "New idea", definition="Something the codebook lacks.")
        path, corpus = self._coder_project(book, documents, tmp_path, extra_code=new)
        result = refi.read_project_coding(path, book, corpus)
        assert result.segments["code"].tolist() == ["a"] and set(result.codings["code"]) <= {"a", ""}
        assert result.proposals[["code", "name", "segments"]].values.tolist() == [["new_idea", "New idea", 1]]
        assert result.proposed_segments[["document_id", "start", "end", "memo"]].values.tolist() == [
            ["d2", 6, 10, "why"]
        ]
        assert any("proposes 1 new code" in n for n in result.notes)

    def test_codes_are_matched_by_name_where_a_tool_drops_their_ids(self, book, documents, tmp_path):
        named = build_codebook([replace(c, name=f"Code {c.id.upper()}") for c in book.codes.values()], meta=book.meta)
        path, corpus = self._coder_project(named, documents, tmp_path, drop_ids=True)
        with zipfile.ZipFile(path) as archive:
            assert b"Code id:" not in archive.read("project.qde")
        result = refi.read_project_coding(path, named, corpus)
        assert result.segments["code"].tolist() == ["a"] and result.proposals.empty
