"""Coders described by coders.yaml: the flags of independence, and the codebook version agreement is computed on."""

from __future__ import annotations

import pytest

from helpers.core.errors import DataError
from helpers.interviews.study import describe_coders, load_coder_descriptions, versions_compared

ENTRY = """
    label: L
    made_by: M
    human: true
    independent: true
    authored_codebook: false
    derived: false
    codebook_version: "{version}"
    description: D
"""


def described(versions: dict[str, str], codebook_version=None):
    known = {
        c: {
            **dict.fromkeys(["label", "made_by", "description"], c),
            "human": True,
            "independent": True,
            "authored_codebook": False,
            "derived": False,
            "codebook_version": v,
        }
        for c, v in versions.items()
    }
    return describe_coders(list(versions), known, version=codebook_version)


def test_agreement_on_the_codebook_version_and_who_is_left_out():
    kept, sentence = versions_compared(described({"ann": "2", "bob": "2", "cy": "1"}), "2")
    assert kept == ["ann", "bob"]
    assert "version 2" in sentence and "cy (version 1)" in sentence


def test_a_codebook_without_a_version_keeps_everyone_and_says_so():
    kept, sentence = versions_compared(described({"ann": "2", "bob": "1"}), None)
    assert kept == ["ann", "bob"] and "names no version" in sentence


def test_the_rule_coder_records_the_codebook_it_ran():
    row = describe_coders(["rules"], {}, version="3").iloc[0]
    assert row["codebook_version"] == "3" and row["derived"] == "true" and row["independent"] == "false"


def test_coders_yaml_needs_every_flag(tmp_path):
    path = tmp_path / "coders.yaml"
    path.write_text("coders:\n  ann:\n" + ENTRY.format(version="2").replace("    derived: false\n", ""))
    with pytest.raises(DataError, match="authored_codebook, derived, codebook_version"):
        load_coder_descriptions(path)
    path.write_text("coders:\n  ann:\n" + ENTRY.format(version="2"))
    assert load_coder_descriptions(path)["ann"]["codebook_version"] == "2"
