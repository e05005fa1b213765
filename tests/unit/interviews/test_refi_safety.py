"""A `.qdpx`, `.qde` or `.qdc` is untrusted: bombs, DTDs, duplicates, odd encodings, deep nesting and
damage each give one DataError naming the file and what was expected, never a wrong result or a traceback."""

from __future__ import annotations

import codecs
import contextlib
import io
import zipfile

import pandas as pd
import pytest
from qda_projects import gid, minimal, selection, text_source, write_qdpx

from helpers.core.errors import DataError
from helpers.interviews import refi
from helpers.interviews.codebook import Code, build_codebook
from helpers.interviews.refi import archive


def _qde(tmp_path, text: str, name: str = "project.qde"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestZipBombs:
    def _bomb(self, tmp_path, members: int, size: int):
        sources = "".join(
            f'<TextSource guid="{gid(f"s{i}")}" name="s{i}" plainTextPath="internal://s{i}.txt"/>'
            for i in range(members)
        )
        files = {f"sources/s{i}.txt": b"a" * size for i in range(members)}
        return write_qdpx(tmp_path / "bomb.qdpx", minimal(sources), files)

    def test_the_total_unpacked_size_is_capped_and_named(self, tmp_path, monkeypatch):
        monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 1_000_000)
        path = self._bomb(tmp_path, 12, 200_000)  # each member small, the total past the cap
        with pytest.raises(DataError, match="1,000,000 bytes in all") as err:
            refi.read_qdpx(path)
        assert "sources/s" in str(err.value)

    def test_a_real_sized_bomb_stops_at_the_default_cap(self, tmp_path):
        path = self._bomb(tmp_path, 3, 100 * 1024 * 1024)  # 300 MiB of text in a file of under 1 MB
        assert path.stat().st_size < 1_000_000
        with pytest.raises(DataError, match=r"268,435,456 bytes \(256 MiB\) in all"):
            refi.read_qdpx(path)

    def test_a_header_that_understates_the_size_is_not_trusted(self, tmp_path, monkeypatch):
        monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 100_000)
        path = self._bomb(tmp_path, 1, 1_000_000)
        data = bytearray(path.read_bytes())
        info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("sources/s0.txt")
        real = (1_000_000).to_bytes(4, "little")
        fake = (10).to_bytes(4, "little")
        assert data.count(real) == 2  # the local header and the central directory
        path.write_bytes(bytes(data).replace(real, fake))
        with pytest.raises(DataError) as err:
            refi.read_qdpx(path)
        assert "damaged" in str(err.value) or "in all" in str(err.value)
        assert info.file_size == 1_000_000


class TestDamage:
    def test_a_truncated_qdpx_is_a_damaged_archive(self, tmp_path):
        path = write_qdpx(tmp_path / "p.qdpx", minimal(text_source("doc", "abc")))
        path.write_bytes(path.read_bytes()[:-40])
        with pytest.raises(DataError, match="damaged") as err:
            refi.read_qdpx(path)
        assert "well-formed" not in str(err.value)

    def test_a_truncated_member_is_a_damaged_archive(self, tmp_path):
        path = write_qdpx(tmp_path / "p.qdpx", minimal(text_source("doc", "abc" * 1000)))
        data = path.read_bytes()
        start = data.index(b"project.qde") + len(b"project.qde")
        path.write_bytes(data[:start] + bytes(50) + data[start + 50 :])
        with pytest.raises(DataError, match="damaged"):
            refi.read_qdpx(path)

    def test_a_codebook_from_a_truncated_qdpx_is_a_damaged_archive(self, tmp_path):
        path = write_qdpx(tmp_path / "p.qdpx", minimal(text_source("doc", "abc")))
        path.write_bytes(path.read_bytes()[:100])
        with pytest.raises(DataError, match="damaged"):
            refi.read_codebook(path)


class TestNoDtd:
    @pytest.mark.parametrize(
        "doctype,use",
        [
            ('<!DOCTYPE Project [<!ENTITY e "INJECTED">]>', "&e;"),
            ('<!DOCTYPE Project [<!ENTITY e SYSTEM "file:///etc/hostname">]>', "&e;"),
            ('<!DOCTYPE Project SYSTEM "http://example.invalid/x.dtd">', ""),
            ('<!DOCTYPE Project [<!ENTITY a "aa"><!ENTITY b "&a;&a;&a;">]>', "&b;"),
        ],
    )
    def test_a_dtd_is_refused_whatever_it_declares(self, tmp_path, doctype, use):
        codes = (
            f'<Code guid="{gid("one")}" name="One" isCodable="true"><Description>Def {use} end.</Description></Code>'
        )
        qde = minimal("", codes=codes).replace("<Project", doctype + "\n<Project", 1)
        for path in (_qde(tmp_path, qde), write_qdpx(tmp_path / "p.qdpx", qde)):
            with pytest.raises(DataError, match="without a DTD") as err:
                refi.read_codebook(path)
            assert err.value.first.line == 2

    def test_a_dtd_in_a_qdc_is_refused(self, tmp_path):
        path = tmp_path / "c.qdc"
        path.write_text('<!DOCTYPE CodeBook [<!ENTITY e "x">]><CodeBook><Codes/></CodeBook>', encoding="utf-8")
        with pytest.raises(DataError, match="without a DTD"):
            refi.read_codebook(path)

    def test_a_dtd_in_utf16_is_refused(self, tmp_path):
        qde = minimal("").replace('encoding="utf-8"', 'encoding="utf-16"').replace("<Project", "<!DOCTYPE P>\n<Project")
        path = tmp_path / "p.qde"
        path.write_bytes(qde.encode("utf-16"))
        with pytest.raises(DataError, match="without a DTD"):
            refi.read_qdpx(path)


USER = '<User guid="{g}" name="{n}"/>'


class TestDuplicateIds:
    @pytest.mark.parametrize(
        "users,codes,sources,column",
        [
            ("", '<Code guid="{a}" name="A"/><Code guid="{A}" name="B"/>', "", "Code guid"),
            (USER.format(g=gid("u1"), n="ann") + USER.format(g=gid("u2"), n="ann"), "", "", "User"),
            (USER.format(g=gid("u1"), n="ann") + USER.format(g=gid("u1").upper(), n="bob"), "", "", "User"),
            ("", "", text_source("s", "abc") + text_source("s", "xyz", name="other"), "TextSource"),
            ("", "", text_source("s1", "abc", name="same") + text_source("s2", "xyz", name="same"), "TextSource"),
            ("", "", text_source("s1", "abcdef", selection("x", 0, 2) + selection("x", 2, 4)), "PlainTextSelection"),
            (
                "",
                "",
                text_source("s1", "abc", selection("x", 0, 2)) + text_source("s2", "xyz", selection("x", 0, 1)),
                "PlainTextSelection",
            ),
        ],
        ids=["code guid", "user name", "user guid", "source guid", "source name", "selection", "selection across"],
    )
    def test_each_duplicate_is_an_error_naming_element_and_line(self, tmp_path, users, codes, sources, column):
        codes = codes.format(a=gid("one"), A="{" + gid("one").upper() + "}")
        path = _qde(tmp_path, minimal(sources, codes=codes, users=f"<Users>{users}</Users>" if users else ""))
        with pytest.raises(DataError, match="once") as err:
            refi.read_qdpx(path)
        assert err.value.first.line is not None and err.value.first.column == column
        assert "first on line" in err.value.first.expected

    def test_a_duplicate_code_guid_in_a_qdc_is_an_error(self, tmp_path):
        path = tmp_path / "c.qdc"
        g = gid("one")
        path.write_text(
            f'<CodeBook><Codes><Code guid="{g}" name="A"/>\n<Code guid="{g}" name="B"/></Codes></CodeBook>',
            encoding="utf-8",
        )
        with pytest.raises(DataError, match="each code GUID once") as err:
            refi.read_codebook(path)
        assert err.value.first.line == 2

    def test_a_case_may_share_its_guid_with_a_code(self, tmp_path):
        g = gid("case")
        codes = f'<Code guid="{gid("one")}" name="One"/><Code guid="{g}" name="Case A"/>'
        extra = f'<Cases><Case guid="{g}" name="Case A"/></Cases>'
        path = _qde(tmp_path, minimal(text_source("s", "abc"), codes=codes).replace("<Sources>", extra + "<Sources>"))
        assert refi.read_qdpx(path).codebook.ids() == ["one"]


def _source_file(tmp_path, data: bytes):
    source = f'<TextSource guid="{gid("s")}" name="doc" plainTextPath="internal://doc.txt">'
    qde = minimal(f"{source}{selection('x', 0, 3)}</TextSource>")
    return write_qdpx(tmp_path / "p.qdpx", qde, {"sources/doc.txt": data})


class TestEncodings:
    TEXT = "Café – “naïve” coöperation, £5"

    @pytest.mark.parametrize(
        "data,used",
        [
            (TEXT.encode("utf-8"), None),
            (codecs.BOM_UTF8 + TEXT.encode("utf-8"), None),
            (TEXT.encode("utf-16"), "utf-16 (byte-order mark)"),
            (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16 (byte-order mark)"),
            (TEXT.encode("utf-16-le"), "utf-16-le (no byte-order mark)"),
            (TEXT.encode("utf-16-be"), "utf-16-be (no byte-order mark)"),
            (TEXT.encode("cp1252"), "cp1252 (not valid UTF-8)"),
        ],
        ids=["utf-8", "utf-8 bom", "utf-16 bom", "utf-16-be bom", "utf-16-le", "utf-16-be", "cp1252"],
    )
    def test_text_is_decoded_and_the_decoding_named(self, tmp_path, data, used):
        project = refi.read_qdpx(_source_file(tmp_path, data))
        assert project.sources["text"].item() == self.TEXT
        assert project.notes == ([] if used is None else [f"source 'doc': text decoded as {used}"])

    def test_latin1_text_reads(self, tmp_path):
        text = "Größe und Café, ½ des Budgets"
        assert refi.read_qdpx(_source_file(tmp_path, text.encode("latin-1"))).sources["text"].item() == text

    def test_undecodable_bytes_are_one_error_naming_the_source(self, tmp_path):
        with pytest.raises(DataError, match="the text of source 'doc'"):
            refi.read_qdpx(_source_file(tmp_path, b"abc \x81\x8d\x8f\x90\x9d" + b"\xff" * 3))

    def test_a_bad_bom_is_one_error(self, tmp_path):
        with pytest.raises(DataError, match="source 'doc'"):
            refi.read_qdpx(_source_file(tmp_path, codecs.BOM_UTF8 + b"abc \xff\xfe\xfd"))


class TestDeepNesting:
    def test_1500_nested_codes_are_one_error_not_a_recursion_error(self, tmp_path):
        depth = 1500
        inner = "".join(f'<Code guid="{gid(f"c{i}")}" name="C{i}">' for i in range(depth)) + "</Code>" * depth
        for path in (_qde(tmp_path, minimal("", codes=inner)), tmp_path / "c.qdc"):
            if path.suffix == ".qdc":
                path.write_text(f"<CodeBook><Codes>{inner}</Codes></CodeBook>", encoding="utf-8")
            with pytest.raises(DataError, match="nested at most 100 deep") as err:
                refi.read_codebook(path)
            assert err.value.first.line is not None

    def test_nesting_within_the_limit_reads(self, tmp_path):
        depth = 100
        inner = "".join(f'<Code guid="{gid(f"c{i}")}" name="C{i}">' for i in range(depth)) + "</Code>" * depth
        book = refi.read_codebook(_qde(tmp_path, minimal("", codes=inner)))
        assert len(book) == depth and book.theme_of("c99") == "c0"


class TestCodebookFiles:
    def test_a_qdc_is_read_as_qda_xml(self, tmp_path):
        book = build_codebook([Code("one", "One", definition="D.")])
        path = refi.write_qdc(book, tmp_path / "book.qdc")
        assert refi.load_any_codebook(path) == book

    def test_yaml_named_qdc_is_a_clear_error(self, tmp_path):
        path = tmp_path / "book.qdc"
        path.write_text("codebook:\n  id: x\ncodes:\n  - id: one\n", encoding="utf-8")
        with pytest.raises(DataError, match="well-formed XML") as err:
            refi.load_any_codebook(path)
        assert err.value.first.line == 1 and "book.qdc" in str(err.value)

    def test_an_unknown_suffix_is_a_clear_error(self, tmp_path):
        path = tmp_path / "book.txt"
        path.write_text("x", encoding="utf-8")
        with pytest.raises(DataError, match=r"\.yaml, \.yml, \.qdc"):
            refi.load_any_codebook(path)


class TestCoderFiles:
    def test_a_coder_file_named_after_a_built_in_coder_is_an_error(self, tmp_path):
        (tmp_path / "rules.qdpx").write_bytes(b"")
        (tmp_path / "bob.csv").write_text("excerpt_id,code\n", encoding="utf-8")
        with pytest.raises(DataError, match="built-in coder 'rules'") as err:
            refi.check_coder_files(tmp_path, ["report", "rules"])
        assert "rules.qdpx" in str(err.value)

    def test_a_csv_beside_a_qdpx_of_the_same_name_names_both(self, tmp_path):
        (tmp_path / "bob.qdpx").write_bytes(b"")
        (tmp_path / "bob.csv").write_text("excerpt_id,code\n", encoding="utf-8")
        with pytest.raises(DataError) as err:
            refi.check_coder_files(tmp_path, ["report", "rules"])
        assert "bob.csv" in str(err.value) and "bob.qdpx" in str(err.value)
        book = build_codebook([Code("one", "One", definition="D.")])
        excerpts = pd.DataFrame({"excerpt_id": ["LP01"], "text": ["abc"]})
        with pytest.raises(DataError, match="not both bob.qdpx and bob.csv"):
            refi.read_project_coding(tmp_path / "bob.qdpx", book, excerpts)

    def test_a_coder_file_name_that_is_markup_is_refused(self, tmp_path):
        path = tmp_path / "<img src=x onerror=alert(3)>.qdpx"
        path.write_bytes(b"")
        book = build_codebook([Code("one", "One", definition="D.")])
        excerpts = pd.DataFrame({"excerpt_id": ["LP01"], "text": ["abc"]})
        with pytest.raises(DataError, match="lower-case coder name"):
            refi.read_project_coding(path, book, excerpts)

    def test_usable_files_pass(self, tmp_path):
        (tmp_path / "bob.qdpx").write_bytes(b"")
        (tmp_path / "ann.csv").write_text("excerpt_id,code\n", encoding="utf-8")
        (tmp_path / "coders.yaml").write_text("coders: {}\n", encoding="utf-8")
        refi.check_coder_files(tmp_path, ["report", "rules"])


class TestMutatedFiles:
    """Seeded mutations of a real export: every outcome is a result or a DataError, never another exception."""

    PIECES = [
        b"<",
        b">",
        b'"',
        b"&",
        b"\x00",
        b"-1",
        b"99999999999999999999",
        b"</Code>",
        b'<Code guid="x">',
        b"\xff\xfe",
    ]

    def _mutate(self, rng, data: bytes) -> bytes:
        data = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(max(len(data), 1))
            choice = rng.random()
            if choice < 0.4 and data:
                data[i] = rng.randrange(256)
            elif choice < 0.7:
                del data[i : i + rng.randint(1, 20)]
            else:
                data[i:i] = rng.choice(self.PIECES)
        return bytes(data)

    def test_mutated_projects_and_codebooks(self, tmp_path):
        import random
        import time

        book = build_codebook(
            [
                Code("theme", "Theme", definition="T.", section=1),
                Code("group", "Group", parent="theme", definition="G.", codable=False),
                Code("a", "A", parent="group", definition="A.", keywords=("x",)),
            ]
        )
        documents = pd.DataFrame({"document_id": ["d1", "d2"], "text": ["Hello 😀 world, risk.", "Second text."]})
        segments = pd.DataFrame(
            [("d1", 0, 5, "a", "ann", "memo"), ("d2", 3, 9, "a", "bob", "")],
            columns=["document_id", "start", "end", "code", "coder", "memo"],
        )
        none = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
        original = refi.write_qdpx(book, documents, none, tmp_path / "p.qdpx", segments=segments)
        with zipfile.ZipFile(original) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        rng = random.Random(2015)
        started = time.perf_counter()
        for k in range(300):
            path = tmp_path / f"m{k}.qdpx"
            if k % 3 == 0:
                path.write_bytes(self._mutate(rng, original.read_bytes()))
            else:
                changed = {
                    n: self._mutate(rng, d) if (n == "project.qde") == (k % 3 == 1) else d for n, d in members.items()
                }
                write_qdpx(path, changed.pop("project.qde"), changed)
            for read in (refi.read_qdpx, refi.read_codebook):
                with contextlib.suppress(DataError):
                    read(path)
        assert time.perf_counter() - started < 60
