"""The framework coders: the rule coder and coders' files, checked like the interview coders'."""

from __future__ import annotations

import pytest

from helpers.core.errors import DataError, ParameterError
from helpers.frameworks import load_frameworks
from helpers.frameworks.coding import (
    check_item_coders,
    collect_item_codings,
    describe_item_coders,
    load_coder_descriptions,
    load_item_coding,
)
from helpers.interviews.codebook import load_codebook


@pytest.fixture
def loaded(tiny):
    fw = load_frameworks(tiny)
    ex = fw.as_excerpts()
    return tiny, ex, load_codebook(tiny / "codebook.yaml", ex["excerpt_id"])


def test_rules_and_file_coder_in_one_table(loaded):
    folder, ex, book = loaded
    codings = collect_item_codings(["author", "rules"], ex, book, folder / "codings")
    rules = codings[codings["coder"] == "rules"]
    assert set(zip(rules["excerpt_id"], rules["code"])) == {
        ("A1", "analyse"),
        ("A1", "needs"),
        ("A2", "buy"),
        ("A3", "members"),
        ("B1", "buy"),
        ("B2", ""),
        ("R1", "buy"),
        ("G1", "needs"),
    }
    author = codings[codings["coder"] == "author"]
    assert list(author["excerpt_id"]) == ["A1", "A2", "A3", "B1", "B2", "R1", "G1"]


@pytest.mark.parametrize(
    ("rows", "line", "expected"),
    [
        ("Z9,needs", 2, "an item id"),
        ("A1,nosuch", 2, "a code id"),
        ("A1,around", 2, "only groups others: apply one of members"),
        ("A1,needs\nA1,needs", 3, "each item and code once"),
    ],
)
def test_bad_coding_rows_name_the_line(loaded, tmp_path, rows, line, expected):
    _folder, ex, book = loaded
    path = tmp_path / "someone.csv"
    path.write_text("item_id,code\n" + rows + "\n")
    with pytest.raises(DataError) as info:
        load_item_coding(path, book, ex["excerpt_id"])
    assert info.value.first.line == line and expected in info.value.first.expected


def test_coders_parameter_lists_what_is_available(tiny):
    assert check_item_coders("coders", ["author", "rules"], tiny / "codings") == ["author", "rules"]
    with pytest.raises(ParameterError, match="parameter 'coders'.*'rules', 'author'"):
        check_item_coders("coders", ["rules", "nobody"], tiny / "codings")
    with pytest.raises(ParameterError):
        check_item_coders("coders", ["rules"], tiny / "codings")


def test_coders_are_described_from_coders_yaml_and_never_assumed(tiny):
    (tiny / "codings" / "coders.yaml").write_text(
        "coders:\n  author:\n    label: A\n    made_by: the frame's author\n    human: false\n"
        "    independent: false\n    authored_codebook: true\n    derived: false\n    description: d\n",
        encoding="utf-8",
    )
    table = describe_item_coders(["author", "rules"], load_coder_descriptions(tiny / "codings" / "coders.yaml"))
    author, rules = table.to_dict("records")
    assert (author["human"], author["independent"], author["authored_codebook"], author["derived"]) == (
        "no",
        "no",
        "yes",
        "no",
    )
    assert (rules["human"], rules["independent"], rules["label"]) == ("unknown", "unknown", "not described")


def test_shipped_coders_are_neither_human_nor_independent():
    from helpers.core import paths

    known = load_coder_descriptions(paths.RAW / "frameworks" / "codings" / "coders.yaml")
    assert set(known) == {"rules", "codebook_author"}
    assert all(entry["human"] is False and entry["independent"] is False for entry in known.values())
    assert known["codebook_author"]["authored_codebook"] is True and known["rules"]["derived"] is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("coders:\n  a:\n    label: A\n", "the fields label, made_by"),
        (
            "coders:\n  a:\n    label: A\n    made_by: m\n    human: maybe\n    independent: false\n"
            "    authored_codebook: false\n    derived: false\n    description: d\n",
            "true, false or unknown",
        ),
    ],
)
def test_bad_coders_yaml_names_the_line(tmp_path, text, expected):
    path = tmp_path / "coders.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_coder_descriptions(path)
    assert expected in info.value.first.expected and info.value.first.line >= 2
