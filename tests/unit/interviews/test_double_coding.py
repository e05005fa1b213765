"""Round trips with QDA tools and blind double coding, end to end on projects the tests build.

Export -> an independent reader from PyPI (pyrefiqda); export -> import; a coding package -> a
second coder's project -> import -> disagreement table -> adjudication -> consensus coder.
"""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from pyrefiqda import RefiProject

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.interviews import load_excerpts, refi
from helpers.interviews.adjudication import (
    CONSENSUS,
    consensus,
    disagreements,
    read_adjudication,
    write_adjudication_template,
)
from helpers.interviews.codebook import load_codebook
from helpers.interviews.coders import collect_codings
from helpers.interviews.documents import SEGMENT_COLUMNS
from helpers.interviews.refi.schema import guid
from helpers.interviews.segments import character_agreement

CORPUS = paths.LOCAL_PARTNERSHIPS_2015


@pytest.fixture(scope="module")
def book():
    return load_codebook(CORPUS / "codebook.yaml")


@pytest.fixture(scope="module")
def documents():
    return pd.DataFrame(
        {
            "document_id": ["int01", "int02"],
            "text": ["We tested the market and it was thin. Risk was high.", "Outcomes matter; procurement is a tool."],
            "speaker_role": ["head of commissioning", "county chief executive"],
        }
    )


def segs(rows):
    return pd.DataFrame([(*r, "") if len(r) == 5 else r for r in rows], columns=SEGMENT_COLUMNS)


@pytest.fixture(scope="module")
def two_coders():
    # Overlapping segments by two coders; one memo.
    return segs(
        [
            ("int01", 3, 20, "market_dialogue", "ann", "the market test"),
            ("int01", 14, 37, "market_dialogue", "bob"),
            ("int01", 38, 52, "challenge_change", "ann"),
            ("int02", 0, 15, "outcomes_focus", "ann"),
            ("int02", 0, 15, "outcomes_focus", "bob"),
            ("int02", 17, 38, "beyond_procurement", "bob"),
        ]
    )


def test_export_is_read_whole_by_pyrefiqda(book, documents, two_coders, tmp_path):
    path = refi.write_qdpx(
        book,
        documents,
        two_coders.iloc[0:0][["coder"]].assign(excerpt_id="", code=""),
        tmp_path / "p.qdpx",
        segments=two_coders,
    )
    project = RefiProject.load(path, extract_dir=str(tmp_path / "x"))
    users = {u.guid: u.name for u in project.users.user}
    cases = {c.guid for c in project.cases.case}  # each case is also a code, linked to its text (QualCoder's form)
    found, linked = set(), set()
    for source in project.sources.text_source:
        for sel in source.plain_text_selection:
            for coding in sel.coding:
                assert coding.creating_user == sel.creating_user
                if coding.code_ref.target_guid in cases:
                    linked.add((source.name, sel.start_position, sel.end_position))
                    continue
                found.add(
                    (
                        source.name,
                        sel.start_position,
                        sel.end_position,
                        coding.code_ref.target_guid,
                        users[sel.creating_user],
                    )
                )
    expected = {(d, s, e, guid("code", c), u) for d, s, e, c, u, _ in two_coders.itertuples(index=False)}
    assert found == expected
    assert linked == {(d, 0, len(t)) for d, t in zip(documents["document_id"], documents["text"])}
    assert {s.name for s in project.sets.set} >= {"emerged from the excerpts"}
    assert any(n.plain_text_content == "the market test" for n in project.notes.note)


def test_export_then_import_gives_the_same_segments(book, documents, two_coders, tmp_path):
    empty = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    path = refi.write_qdpx(book, documents, empty, tmp_path / "p.qdpx", segments=two_coders)
    back = refi.read_qdpx(path)
    key = ["document_id", "start", "end", "code", "coder"]
    assert (
        back.segments.sort_values(key)[SEGMENT_COLUMNS].values.tolist() == two_coders.sort_values(key).values.tolist()
    )
    assert back.codebook == book
    assert list(back.documents["speaker_role"]) == list(documents["speaker_role"])


def test_project_export_of_the_excerpts_keeps_every_coder(tmp_path):
    excerpts = load_excerpts(CORPUS)
    book = load_codebook(CORPUS / "codebook.yaml", excerpts["excerpt_id"])
    codings = collect_codings(["report", "rules", "codebook_author"], excerpts, book, CORPUS / "codings")
    path = refi.write_qdpx(book, excerpts, codings, tmp_path / "p.qdpx")
    project = RefiProject.load(path, extract_dir=str(tmp_path / "x"))
    cases = {c.guid for c in project.cases.case}
    selections = [sel for s in project.sources.text_source for sel in s.plain_text_selection]
    n = sum(c.code_ref.target_guid not in cases for sel in selections for c in sel.coding)
    # the case links (a whole-text coding with the case's GUID, as QualCoder reads them) are not a coder's
    users = {sel.creating_user for sel in selections if not any(c.code_ref.target_guid in cases for c in sel.coding)}
    assert n == int((codings["code"] != "").sum()) and len(users) == 3


def test_blind_double_coding_round_trip(book, documents, two_coders, tmp_path):
    package = refi.write_coding_package(book, documents, tmp_path / "package.qdpx")
    with zipfile.ZipFile(package) as archive:
        qde = archive.read("project.qde")
    assert b"<Coding " not in qde and b"<PlainTextSelection" not in qde
    assert refi.schema_errors(qde, "project") == []
    # The second coder codes the package in their tool; the test builds what the tool would save.
    first = two_coders[two_coders["coder"] == "ann"]
    second = two_coders[two_coders["coder"] == "bob"]
    empty = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    theirs = refi.write_qdpx(book, documents, empty, tmp_path / "bob.qdpx", segments=second)
    imported = refi.read_qdpx(theirs)
    assert set(imported.segments["coder"]) == {"bob"}
    both = pd.concat([first, imported.segments], ignore_index=True)
    table = disagreements(both, documents, "ann", "bob")
    assert table[["segment", "document_id", "code", "start", "end", "first", "second"]].values.tolist() == [
        ["D1", "int01", "challenge_change", 38, 52, "38-52", ""],
        ["D2", "int01", "market_dialogue", 3, 37, "3-20", "14-37"],
        ["D3", "int02", "beyond_procurement", 17, 38, "", "17-38"],
    ]
    assert table["text"].iloc[2] == documents["text"].iloc[1][17:38]
    adjudication(
        tmp_path / "adj.csv", [("D1", "neither", "not a change"), ("D2", "both", ""), ("D3", "keep-second", "agreed")]
    )
    decided = read_adjudication(tmp_path / "adj.csv", table, "ann", "bob")
    agreed = consensus(both, documents, "ann", "bob", decided)
    assert set(agreed["coder"]) == {CONSENSUS}
    assert agreed[["document_id", "start", "end", "code"]].values.tolist() == [
        ["int01", 3, 20, "market_dialogue"],
        ["int01", 14, 37, "market_dialogue"],
        ["int02", 0, 15, "outcomes_focus"],
        ["int02", 17, 38, "beyond_procurement"],
    ]
    rows, _ = character_agreement(both, documents, ["outcomes_focus"], ["ann", "bob"], "code")
    kappa = rows[(rows["statistic"] == "cohens_kappa")]["estimate"].iloc[0]
    assert kappa == pytest.approx(1.0)


def adjudication(path, rows, first="ann", second="bob", adjudicator="A. Adjudicator", date="2026-12-01", version=""):
    """An adjudication file as the template is filled in: decisions, and the record on every row."""
    head = "segment,decision,note,first_coder,second_coder,adjudicator,date,codebook_version\n"
    body = "".join(f"{s},{d},{n},{first},{second},{adjudicator},{date},{version}\n" for s, d, n in rows)
    path.write_text(head + body, encoding="utf-8")
    return path


def test_adjudication_file_errors_name_the_line(tmp_path):
    table = pd.DataFrame({"segment": ["D1", "D2"]})
    adjudication(tmp_path / "adj.csv", [("D1", "maybe", ""), ("D7", "both", "")])
    with pytest.raises(DataError) as err:
        read_adjudication(tmp_path / "adj.csv", table, "ann", "bob")
    assert [(p.line, p.column) for p in err.value.problems] == [(2, "decision"), (3, "segment"), (None, "segment")]


def test_the_template_records_the_coder_order_and_the_codebook_version(tmp_path):
    table = pd.DataFrame({"segment": ["D1"]})
    write_adjudication_template(table, tmp_path / "adj.csv", "ann", "bob", "2")
    frame = pd.read_csv(tmp_path / "adj.csv", dtype=str, keep_default_na=False)
    assert frame.iloc[0][["first_coder", "second_coder", "codebook_version"]].tolist() == ["ann", "bob", "2"]
    assert {"adjudicator", "date", "decision"} <= set(frame.columns)


def test_coders_swapped_against_the_record_is_an_error_not_keep_first_on_the_wrong_coder(tmp_path):
    table = pd.DataFrame({"segment": ["D1"]})
    adjudication(tmp_path / "adj.csv", [("D1", "keep-first", "")], first="ann", second="bob")
    with pytest.raises(DataError, match="keep-first would apply to the wrong coder"):
        read_adjudication(tmp_path / "adj.csv", table, "bob", "ann")


@pytest.mark.parametrize(
    "change,expected",
    [
        ({"adjudicator": ""}, "adjudicator"),
        ({"date": "yesterday"}, "YYYY-MM-DD"),
        ({"version": "1"}, "codebook version '2'"),
        ({"first": "carol"}, "the coders of the command"),
    ],
)
def test_the_record_is_checked_on_use(tmp_path, change, expected):
    table = pd.DataFrame({"segment": ["D1"]})
    adjudication(tmp_path / "adj.csv", [("D1", "both", "")], **{"version": "2", **change})
    with pytest.raises(DataError, match=expected):
        read_adjudication(tmp_path / "adj.csv", table, "ann", "bob", "2")


def _project(tmp_path, selection: str, text: str = "abcdefghij") -> object:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t">
  <CodeBook><Codes><Code guid="11111111-1111-1111-1111-111111111111" name="One" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="22222222-2222-2222-2222-222222222222" name="doc">
      <PlainTextContent>{text}</PlainTextContent>
      {selection}
    </TextSource>
  </Sources>
</Project>
"""
    path = tmp_path / "project.qde"
    path.write_text(qde, encoding="utf-8")
    return path


CODING = '<Coding guid="33333333-3333-3333-3333-333333333333"><CodeRef targetGUID="{code}"/></Coding>'
GOOD_CODE = "11111111-1111-1111-1111-111111111111"


@pytest.mark.parametrize(
    "start,end,code,expected",
    [
        (2, 40, GOOD_CODE, "the length of source 'doc'"),
        (4, 4, GOOD_CODE, "0 <= start < end"),
        ("x", 4, GOOD_CODE, "whole-number character offset"),
        (2, 5, "99999999-9999-9999-9999-999999999999", "a code of the project's codebook"),
    ],
)
def test_import_is_strict_about_what_gives_wrong_numbers(tmp_path, start, end, code, expected):
    selection = (
        f'<PlainTextSelection guid="44444444-4444-4444-4444-444444444444" startPosition="{start}" '
        f'endPosition="{end}">{CODING.format(code=code)}</PlainTextSelection>'
    )
    with pytest.raises(DataError, match=expected) as err:
        refi.read_qdpx(_project(tmp_path, selection))
    assert err.value.first.line is not None


def test_import_takes_the_coder_from_the_selection(tmp_path):
    user = "55555555-5555-5555-5555-555555555555"
    selection = (
        f'<PlainTextSelection guid="44444444-4444-4444-4444-444444444444" startPosition="2" endPosition="5" '
        f'creatingUser="{user.upper()}">{CODING.format(code=GOOD_CODE)}</PlainTextSelection>'
    )
    path = _project(tmp_path, selection)
    path.write_text(
        path.read_text().replace("<CodeBook>", f'<Users><User guid="{{{user}}}" name="Ann"/></Users><CodeBook>')
    )
    project = refi.read_qdpx(path)
    assert project.segments[["document_id", "start", "end", "coder"]].values.tolist() == [["doc", 2, 5, "Ann"]]


def test_a_second_coders_project_in_the_codings_folder_joins_the_corpus(tmp_path):
    """The coding package, coded by a second coder (built here), saved as codings/bob.qdpx, adds bob."""
    import shutil

    from helpers.interviews.adjudication import main
    from helpers.interviews.study import load_study

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    excerpts = load_excerpts(corpus)
    book = load_codebook(corpus / "codebook.yaml")
    package = refi.write_coding_package(book, excerpts, tmp_path / "package.qdpx")
    sources = refi.read_qdpx(package).documents
    lp02 = excerpts.loc[excerpts["excerpt_id"] == "LP02", "text"].item()
    blind_name = sources.loc[sources["text"] == lp02, "document_id"].item()  # the package names no excerpt
    start = lp02.index("improve outcomes")
    bob = segs([(blind_name, start, start + len("improve outcomes"), "outcomes_focus", "Bob Smith")])
    empty = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    refi.write_qdpx(book, sources, empty, corpus / "codings" / "bob.qdpx", segments=bob)
    study = load_study(corpus, corpus / "codebook.yaml", ["codebook_author", "bob"], unit="character")
    mine = study.segments[study.segments["coder"] == "bob"]
    assert mine[["document_id", "start", "end", "code"]].values.tolist() == [
        ["LP02", start, start + 16, "outcomes_focus"]
    ]
    assert set(study.codings.loc[study.codings["coder"] == "bob", "excerpt_id"]) == set(excerpts["excerpt_id"])
    described = study.described.set_index("coder").loc["bob"]
    assert (described["human"], described["independent"]) == ("unknown", "unknown")
    assert "codings/bob.qdpx" in described["made_by"]
    # Both coders in one project, the disagreements decided, a consensus coder written by the command.
    both = refi.write_qdpx(book, excerpts, empty, tmp_path / "both.qdpx", segments=study.segments)
    table = disagreements(study.segments, study.documents, "codebook_author", "bob")
    rows = [(s, "keep-second", "") for s in table["segment"]]
    adjudication(tmp_path / "adj.csv", rows, first="codebook_author", second="bob", version=book.version)
    assert main([str(both), "codebook_author", "bob", str(tmp_path / "adj.csv"), str(tmp_path / "consensus.qdpx")]) == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    agreed = refi.read_qdpx(tmp_path / "consensus.qdpx").segments
    assert set(agreed["coder"]) == {CONSENSUS}
    assert ["LP02", start, start + 16, "outcomes_focus"] in agreed[
        ["document_id", "start", "end", "code"]
    ].values.tolist()
    # Saved beside the codings, the consensus is a coder of its own, described as derived from the two.
    shutil.copy(tmp_path / "consensus.qdpx", corpus / "codings" / "consensus.qdpx")
    study = load_study(corpus, corpus / "codebook.yaml", ["codebook_author", "bob", CONSENSUS], unit="character")
    assert study.described.set_index("coder").loc[CONSENSUS, "derived"] == "true"


def test_a_project_whose_texts_differ_from_the_corpus_is_refused(tmp_path):
    import shutil

    from helpers.interviews.study import load_study

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    excerpts = load_excerpts(corpus)
    book = load_codebook(corpus / "codebook.yaml")
    changed = excerpts.assign(text=excerpts["text"].str.replace("commissioning", "Commissioning"))
    empty = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    refi.write_qdpx(
        book, changed, empty, corpus / "codings" / "bob.qdpx", segments=segs([("LP01", 0, 3, "outcomes_focus", "b")])
    )
    with pytest.raises(DataError, match="unchanged"):
        load_study(corpus, corpus / "codebook.yaml", ["codebook_author", "bob"])


def test_a_code_note_from_another_tool_becomes_the_code_memo(tmp_path):
    note = "66666666-6666-6666-6666-666666666666"
    path = _project(tmp_path, "")
    text = path.read_text()
    text = text.replace('isCodable="true"/>', f'isCodable="true"><NoteRef targetGUID="{note}"/></Code>').replace(
        "</Sources>",
        f'</Sources><Notes><Note guid="{note}" name="why">'
        "<PlainTextContent>Kept broad.</PlainTextContent></Note></Notes>",
    )
    path.write_text(text)
    assert refi.read_qdpx(path).codebook["one"].memo == "Kept broad."


def test_a_coder_missing_from_the_users_is_an_error(tmp_path):
    selection = (
        '<PlainTextSelection guid="44444444-4444-4444-4444-444444444444" startPosition="2" endPosition="5" '
        f'creatingUser="77777777-7777-7777-7777-777777777777">{CODING.format(code=GOOD_CODE)}</PlainTextSelection>'
    )
    with pytest.raises(DataError, match="a user listed under the project's Users") as err:
        refi.read_qdpx(_project(tmp_path, selection))
    assert err.value.first.line is not None


@pytest.fixture
def two_coder_project(book, documents, two_coders, tmp_path):
    """A project holding ann's and bob's segments, and an adjudication file deciding every disagreement keep-first."""
    empty = pd.DataFrame(columns=["coder", "excerpt_id", "code"])
    project = refi.write_qdpx(book, documents, empty, tmp_path / "both.qdpx", segments=two_coders)
    table = disagreements(two_coders, documents, "ann", "bob")
    adj = adjudication(
        tmp_path / "adj.csv", [(s, "keep-first", "") for s in table["segment"]], version=book.version or ""
    )
    return project, adj


@pytest.mark.parametrize(
    "first,second,expected",
    [
        ("bob", "ann", "keep-first would apply to the wrong coder"),
        ("ann", "ann", "a coder other than FIRST"),
        ("carol", "dave", "a coder of the project: ann, bob"),
    ],
)
def test_the_command_refuses_wrong_coders_with_one_message(
    two_coder_project, tmp_path, capsys, first, second, expected
):
    from helpers.interviews.adjudication import main

    project, adj = two_coder_project
    assert main([str(project), first, second, str(adj), str(tmp_path / "out.qdpx")]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not (tmp_path / "out.qdpx").exists()


def test_the_command_never_overwrites_its_input(two_coder_project, tmp_path, capsys):
    from helpers.interviews.adjudication import main

    project, adj = two_coder_project
    before = project.read_bytes()
    other_spelling = tmp_path / "." / project.name
    link = tmp_path / "link.qdpx"
    link.symlink_to(project)
    for out in (project, other_spelling, link, adj):
        assert main([str(project), "ann", "bob", str(adj), str(out)]) == 1
        assert "never overwrites its input" in capsys.readouterr().err
    assert project.read_bytes() == before
    assert main([str(project), "ann", "bob", str(adj), str(tmp_path / "consensus.qdpx")]) == 0
    assert set(refi.read_qdpx(tmp_path / "consensus.qdpx").segments["coder"]) == {CONSENSUS}


def test_a_consensus_coder_is_described_as_derived():
    from helpers.interviews.study import describe_coders

    row = describe_coders([CONSENSUS], {}).iloc[0]
    assert row["derived"] == "true" and row["independent"] == "false"
    assert "never for agreement" in row["description"]


def test_a_theme_against_its_own_sub_code_is_no_disagreement_once_rolled_up(book, documents):
    """ann codes the theme, bob its sub-code, on the same text: two code-level stretches, none at theme level."""
    from helpers.interviews.segments import roll_up_segments

    theme = book.theme_of("market_dialogue")
    both = segs([("int01", 3, 20, theme, "ann"), ("int01", 3, 20, "market_dialogue", "bob")])
    assert len(disagreements(both, documents, "ann", "bob")) == 2
    assert disagreements(roll_up_segments(both, book), documents, "ann", "bob").empty
