"""The coders: the report's placement, the rule coder (exact, one scan on RE2), human coding files."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from helpers.core import paths
from helpers.core.errors import DataError, ParameterError
from helpers.interviews import load_excerpts
from helpers.interviews.codebook import load_codebook
from helpers.interviews.coders import (
    RuleCoder,
    check_coders,
    collect_codings,
    coverage,
    human_coders,
    load_human_coding,
    report_coder,
    roll_up,
    with_ancestors,
)

CORPUS = paths.LOCAL_PARTNERSHIPS_2015

BOOK = """\
codes:
  - id: market
    name: Market
    section: 3
    definition: Supply.
    rules:
      keywords: [market, supplier*]
  - id: soft_testing
    name: Soft market testing
    parent: market
    definition: Talking before buying.
    rules:
      keywords: [soft market testing]
  - id: testing
    name: Testing
    parent: market
    definition: Any testing.
    rules:
      keywords: [market testing]
  - id: groups
    name: Groups
    parent: market
    codable: false
    definition: Groups.
  - id: health
    name: Health
    section: 4
    definition: NHS.
    rules:
      keywords: [nhs, health]
      patterns: ['judge?ment', 'judg\\w+ call', 'n\\.h\\.s\\.?']
"""


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(BOOK, encoding="utf-8")
    return load_codebook(path)


def keyword_rx(keyword: str) -> re.Pattern:
    """The reference for one keyword, searched alone with Python's re: at a word start, words apart by any
    white space, ending at a word end unless it ends in *."""
    body = r"\s+".join(re.escape(w) for w in keyword.rstrip("*").split())
    return re.compile(r"(?<!\w)" + body + ("" if keyword.endswith("*") else r"(?!\w)"))


def separate_rules(book) -> list[tuple[str, re.Pattern]]:
    """Every rule of the codebook as its own Python regular expression, matched at a word start."""
    rules = [(c.id, keyword_rx(k)) for c in book.codes.values() for k in c.keywords]
    return rules + [(c.id, re.compile(r"(?<!\w)(?:" + p + ")")) for c in book.codes.values() for p in c.patterns]


def excerpts(*rows):
    return pd.DataFrame(rows, columns=["excerpt_id", "section_number", "text"])


class TestReportCoder:
    def test_section_to_theme(self, book):
        out = report_coder(excerpts(("A", 3, "x"), ("B", 4, "y")), book)
        assert out.values.tolist() == [["report", "A", "market"], ["report", "B", "health"]]

    def test_a_section_without_theme_is_an_error(self, book):
        with pytest.raises(DataError, match="a theme with 'section: 7'"):
            report_coder(excerpts(("A", 7, "x")), book)


class TestRuleCoder:
    def test_whole_words_and_stars(self, book):
        coder = RuleCoder(book)
        assert coder.codes_for("The MARKET is weak") == {"market"}
        assert coder.codes_for("a supermarket and marketplace") == set()
        assert coder.codes_for("our Suppliers") == {"market"}
        assert coder.codes_for("nothing here") == set()

    def test_phrases_across_any_space_and_overlaps(self, book):
        coder = RuleCoder(book)
        # One position matches three keywords: the longest wins the scan, the others are implied.
        assert coder.codes_for("soft\n market   testing") == {"market", "soft_testing", "testing"}
        assert coder.codes_for("market testing") == {"market", "testing"}

    def test_patterns_at_word_starts_and_at_one_position(self, book):
        coder = RuleCoder(book)
        assert coder.codes_for("a judgment call") == {"health"}
        assert coder.codes_for("prejudgement") == set()
        assert coder.codes_for("the N.H.S.") == {"health"}

    def test_excerpts_table_keeps_excerpts_without_codes(self, book):
        out = RuleCoder(book).code_excerpts(excerpts(("A", 3, "The NHS market"), ("B", 3, "nothing")))
        assert out.values.tolist() == [["rules", "A", "market"], ["rules", "A", "health"], ["rules", "B", ""]]

    def test_same_as_searching_each_rule_separately(self, book):
        """The combined scan finds exactly what one search per rule finds (random texts)."""
        coder = RuleCoder(book)
        rules = separate_rules(book)
        words = [
            "soft",
            "market",
            "testing",
            "suppliers",
            "nhs",
            "health",
            "judgement",
            "judgment",
            "call",
            "n.h.s.",
            "super",
            "the",
            "xmarket",
            "-",
            "'",
            "\n",
            "  ",
        ]
        rng = random.Random(4)
        for _ in range(500):
            text = " ".join(rng.choices(words, k=rng.randint(0, 12))).replace(" - ", "-")
            expected = {code for code, rx in rules if rx.search(text.lower())}
            assert coder.codes_for(text) == expected, text

    def test_real_corpus_matches_separate_searches(self):
        book = load_codebook(CORPUS / "codebook.yaml")
        coder = RuleCoder(book)
        rules = separate_rules(book)
        for text in load_excerpts(CORPUS)["text"]:
            assert coder.codes_for(text) == {code for code, rx in rules if rx.search(text.lower())}


class TestHumanCoding:
    def write(self, tmp_path: Path, text: str, name: str = "ana.csv") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def test_valid_file(self, tmp_path, book):
        path = self.write(tmp_path, "excerpt_id,code,note\nA,market,x\nA,testing,\nB,,read it\n")
        out = load_human_coding(path, book, ["A", "B", "C"])
        assert out.values.tolist() == [["ana", "A", "market"], ["ana", "A", "testing"], ["ana", "B", ""]]
        assert coverage(out) == {"ana": {"A", "B"}}

    def test_unknown_excerpt_and_code_name_file_and_line(self, tmp_path, book):
        path = self.write(tmp_path, "excerpt_id,code\nA,market\nZ,market\nB,markets\nB,groups\nA,market\n")
        with pytest.raises(DataError) as info:
            load_human_coding(path, book, ["A", "B"])
        message = str(info.value)
        assert "ana.csv, line 3, column 'excerpt_id': expected an excerpt id of the corpus, found 'Z'" in message
        assert (
            "ana.csv, line 4, column 'code': expected a code id of the codebook" in message and "'markets'" in message
        )
        assert "line 5" in message and "codable code" in message
        assert "line 6" in message and "each excerpt and code once" in message

    def test_reserved_coder_names(self, tmp_path, book):
        path = self.write(tmp_path, "excerpt_id,code\nA,market\n", name="rules.csv")
        with pytest.raises(DataError, match="other than 'report' and 'rules'"):
            load_human_coding(path, book, ["A"])

    def test_the_real_coding(self):
        corpus = load_excerpts(CORPUS)
        book = load_codebook(CORPUS / "codebook.yaml", corpus["excerpt_id"])
        assert "codebook_author" in human_coders(CORPUS / "codings")
        out = collect_codings(["report", "rules", "codebook_author"], corpus, book, CORPUS / "codings")
        assert {c: len(s) for c, s in coverage(out).items()} == {"report": 22, "rules": 22, "codebook_author": 22}


def test_check_coders():
    assert check_coders("coders", ["report", "ana"], ["report", "rules", "ana"]) == ["report", "ana"]
    for bad in (["report"], ["report", "report"], ["report", "bob"], "report"):
        with pytest.raises(ParameterError, match="parameter 'coders'"):
            check_coders("coders", bad, ["report", "rules", "ana"])


def test_roll_up_and_ancestors(book):
    codings = pd.DataFrame(
        [["a", "X", "soft_testing"], ["a", "X", "testing"], ["a", "Y", ""]], columns=["coder", "excerpt_id", "code"]
    )
    assert roll_up(codings, book).values.tolist() == [["a", "X", "market"], ["a", "Y", ""]]
    assert with_ancestors(codings, book).values.tolist() == [
        ["a", "X", "soft_testing"],
        ["a", "X", "market"],
        ["a", "X", "testing"],
        ["a", "Y", ""],
    ]
