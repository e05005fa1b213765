"""REFI-QDA exchange: exports validate against the schemas, are reproducible, and round-trip;
imports are lenient (other tools' codebooks, the ATLAS.ti sample, CSV codebooks)."""

from __future__ import annotations

import zipfile

import pytest
import xmlschema

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.interviews import load_excerpts, refi
from helpers.interviews.codebook import load_codebook
from helpers.interviews.coders import applied, collect_codings

CORPUS = paths.LOCAL_PARTNERSHIPS_2015
SAMPLES = paths.ROOT.parent / "shared" / "refi-qda" / "samples"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="ATLAS.ti samples not found in ../shared/refi-qda/samples"
)


@pytest.fixture(scope="module")
def corpus():
    excerpts = load_excerpts(CORPUS)
    book = load_codebook(CORPUS / "codebook.yaml", excerpts["excerpt_id"])
    codings = collect_codings(["report", "rules", "codebook_author"], excerpts, book, CORPUS / "codings")
    return book, excerpts, codings


def schema(name):
    return xmlschema.XMLSchema(str(refi.SCHEMAS / name))


class TestExport:
    def test_qdc_validates(self, corpus):
        xml = refi.codebook_qdc(corpus[0])
        schema("Codebook.xsd").validate(xml.decode("utf-8"))
        assert xml.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"')

    def test_qdpx_validates_and_holds_the_sources(self, corpus, tmp_path):
        path = refi.write_qdpx(*corpus, tmp_path / "p.qdpx")
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            qde = archive.read("project.qde")
        schema("Project-mrt2019.xsd").validate(qde.decode("utf-8"))
        assert names[0] == "project.qde" and len(names) == 1 + 22
        assert qde.count(b"<Case ") == 20  # without a speaker column: 22 excerpts, two speakers quoted twice
        assert b'<User guid="' in qde and b'name="codebook_author"' in qde

    def test_exports_are_byte_identical(self, corpus, tmp_path):
        one = refi.write_qdpx(*corpus, tmp_path / "a.qdpx").read_bytes()
        two = refi.write_qdpx(*corpus, tmp_path / "b.qdpx").read_bytes()
        assert one == two
        assert refi.codebook_qdc(corpus[0]) == refi.codebook_qdc(corpus[0])

    def test_invalid_documents_are_reported(self):
        bad = (
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
            b'<Codes><Code guid="x" name="a" isCodable="true"/></Codes></CodeBook>'
        )
        assert any("guid" in e for e in refi.schema_errors(bad, "codebook"))
        assert refi.schema_errors(b"<oops", "codebook")[0].startswith("not well-formed")


class TestRoundTrip:
    def test_codebook(self, corpus, tmp_path):
        back = refi.read_codebook(refi.write_qdc(corpus[0], tmp_path / "c.qdc"))
        assert back == corpus[0]
        assert back.ordered() == corpus[0].ordered()

    def test_project(self, corpus, tmp_path):
        book, excerpts, codings = corpus
        project = refi.read_qdpx(refi.write_qdpx(book, excerpts, codings, tmp_path / "p.qdpx"))
        assert project.codebook == book
        assert sorted(map(tuple, project.codings.to_numpy())) == sorted(map(tuple, applied(codings).to_numpy()))
        assert project.sources["excerpt_id"].tolist() == excerpts["excerpt_id"].tolist()
        assert project.sources["text"].tolist() == excerpts["text"].tolist()
        assert project.sources["speaker_role"].tolist() == excerpts["speaker_role"].tolist()
        assert project.sources["authority_type"].tolist() == excerpts["authority_type"].tolist()

    def test_csv(self, corpus, tmp_path):
        assert refi.read_codebook_csv(refi.write_codebook_csv(corpus[0], tmp_path / "c.csv")) == corpus[0]


class TestLenientImport:
    OTHER_TOOL = b"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="SomeTool 1.0">
  <Codes>
    <Code guid="{A182CD3A-D83C-4D8C-BC80-26D9103EC6D6}" name="Market &amp; supply" isCodable="false" color="#0a0">
      <Code guid="2D2466F0-D77F-4F8C-BDF9-628966B6B74D" name="Providers" isCodable="true">
        <Description>Anything about providers.
Written by hand.</Description>
        <Code guid="086AC733-7B1C-4749-A138-D7182F63A5C9" name="Providers" isCodable="TRUE" color="not a colour"/>
      </Code>
    </Code>
  </Codes>
</CodeBook>"""

    def test_other_tools_codebook(self, tmp_path):
        path = tmp_path / "other.qdc"
        path.write_bytes(self.OTHER_TOOL)
        book = refi.read_codebook(path)
        assert book.ordered() == ["market_supply", "providers", "providers_2"]
        assert book["market_supply"].codable is False and book["market_supply"].colour == "#00AA00"
        assert book.ancestors("providers_2") == ["providers", "market_supply"]
        assert book["providers"].definition == "Anything about providers. Written by hand."
        assert book["providers_2"].colour is None

    def test_without_namespace(self, tmp_path):
        path = tmp_path / "plain.qdc"
        path.write_bytes(b'<CodeBook><Codes><Code guid="a" name="One" isCodable="true"/></Codes></CodeBook>')
        assert refi.read_codebook(path).ids() == ["one"]

    def test_not_xml(self, tmp_path):
        path = tmp_path / "broken.qdc"
        path.write_bytes(b"<CodeBook><Codes>")
        with pytest.raises(DataError, match="well-formed XML"):
            refi.read_codebook(path)

    def test_csv_codebook_from_a_spreadsheet(self, tmp_path):
        path = tmp_path / "codes.csv"
        path.write_text(
            "name,parent,definition,keywords\nMarket,,Supply,market; supplier*\n"
            "Dialogue,Market,Talking,\nDialogue,market,Again,\n",
            encoding="utf-8",
        )
        book = refi.read_codebook_csv(path)
        assert book.ordered() == ["market", "dialogue", "dialogue_2"]
        assert book["market"].keywords == ("market", "supplier*")

    def test_csv_codebook_errors_name_the_line(self, tmp_path):
        path = tmp_path / "codes.csv"
        path.write_text("id,name,parent,patterns\na,A,,\nb,B,zz,(oops\n", encoding="utf-8")
        with pytest.raises(DataError) as info:
            refi.read_codebook_csv(path)
        assert "line 3, column 'parent'" in str(info.value) and "line 3, column 'patterns'" in str(info.value)


@needs_samples
class TestAtlasSample:
    def test_codebook_with_nested_codes_and_upper_case_guids(self):
        book = refi.read_codebook(SAMPLES / "target-atlas-project.qdpx")
        assert book.themes() == ["commits"]
        assert len(book.children("commits")) == 2
        assert [book[c].name for c in book.children("commits")] == [
            "2022-05-10T02:05:59Z 19e4dce",
            "2022-02-11T10:39:25Z cdbfd92",
        ]

    def test_project(self):
        project = refi.read_qdpx(SAMPLES / "target-atlas-project.qdpx")
        assert sorted(project.users.values()) == ["ATLAS.ti", "Enric Llagostera"]
        assert "088b08ac-d5cd-4adb-8b71-b4f3459c177f" in project.users
        assert project.sources.empty and project.codings.empty

    def test_blank_project(self):
        project = refi.read_qdpx(SAMPLES / "blank-atlas-project.qdpx")
        assert len(project.codebook) == 0

    def test_sample_is_schema_valid_and_reads_as_a_bare_qde(self, tmp_path):
        with zipfile.ZipFile(SAMPLES / "target-atlas-project.qdpx") as archive:
            qde = archive.read("project.qde")
        assert refi.schema_errors(qde, "project") == []
        (tmp_path / "project.qde").write_bytes(qde)
        assert refi.read_codebook(tmp_path / "project.qde").ids()[0] == "commits"


class TestStrictCodebookImport:
    """What would silently give a wrong codebook is one error naming the element's line."""

    def qdc(self, tmp_path, codes: str):
        path = tmp_path / "book.qdc"
        path.write_text(
            f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n{codes}'
            "</Codes>\n</CodeBook>\n",
            encoding="utf-8",
        )
        return path

    def test_a_section_in_other_digits_is_an_error(self, tmp_path):
        path = self.qdc(
            tmp_path,
            '<Code guid="a" name="One" isCodable="true"><Description>D.\nReport section: ²</Description></Code>\n',
        )
        with pytest.raises(DataError, match="digits 0-9") as err:
            refi.read_codebook(path)
        assert err.value.first.line == 4 and err.value.first.column == "Report section"

    def test_a_duplicate_id_is_an_error_not_renamed(self, tmp_path):
        one = '<Code guid="{g}" name="{n}" isCodable="true"><Description>D.\nCode id: same</Description></Code>\n'
        path = self.qdc(tmp_path, one.format(g="a", n="One") + one.format(g="b", n="Two"))
        with pytest.raises(DataError, match="each code id once") as err:
            refi.read_codebook(path)
        assert err.value.first.line == 6  # the second Code element

    def test_no_codes_is_an_error(self, tmp_path):
        with pytest.raises(DataError, match="at least one Code"):
            refi.read_codebook(self.qdc(tmp_path, ""))
