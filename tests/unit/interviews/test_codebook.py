"""The codebook loader: hierarchy lookups, and every validation error naming the code and the line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.interviews.codebook import Code, build_codebook, check_list_links, load_codebook, load_report_lists

CORPUS = paths.LOCAL_PARTNERSHIPS_2015

GOOD = """\
codebook:
  id: tiny
codes:
  - id: market
    name: Market
    section: 3
    definition: The supply side.
    example: LP06
    rules:
      keywords: [market*, supplier*]
  - id: dialogue
    name: Dialogue
    parent: market
    definition: Talking with providers.
    rules:
      patterns: ['soft market test\\w*']
  - id: levers
    name: Levers
    parent: market
    codable: false
    definition: Groups the levers.
  - id: lever_one
    name: Lever one
    parent: levers
    from_list: kelly_levers#1
    definition: The first lever.
  - id: health
    name: Health
    section: 4
    definition: The NHS.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        load_codebook(write(tmp_path, text), **kwargs)
    return str(info.value)


class TestHierarchy:
    def test_lookups(self, tmp_path):
        book = load_codebook(write(tmp_path, GOOD))
        assert book.themes() == ["market", "health"]
        assert book.children("market") == ["dialogue", "levers"]
        assert book.ancestors("lever_one") == ["levers", "market"]
        assert book.theme_of("lever_one") == "market" and book.depth("lever_one") == 2
        assert book.ordered() == ["market", "dialogue", "levers", "lever_one", "health"]
        assert book.codable() == ["market", "dialogue", "lever_one", "health"]
        assert book.theme_for_section() == {3: "market", 4: "health"}
        assert book["market"].keywords == ("market*", "supplier*")
        assert book["market"].line == 4

    def test_frame(self, tmp_path):
        frame = load_codebook(write(tmp_path, GOOD)).to_frame()
        assert list(frame["id"]) == ["market", "dialogue", "levers", "lever_one", "health"]
        assert list(frame["depth"]) == [0, 1, 1, 2, 0]

    def test_the_real_codebook(self):
        from helpers.interviews import load_excerpts

        excerpts = load_excerpts(CORPUS)
        book = load_codebook(CORPUS / "codebook.yaml", excerpts["excerpt_id"])
        lists = load_report_lists(CORPUS / "report_lists.csv")
        check_list_links(book, lists)
        assert len(book.themes()) == 8
        assert sorted(book.theme_for_section()) == list(range(1, 9))
        assert lists.groupby("list_id").size().to_dict() == {
            "drivers_of_change": 7,
            "kelly_levers": 4,
            "not_shaping_impacts": 5,
            "risks": 12,
        }
        # Every list item has exactly one code.
        linked = sorted(c.from_list for c in book.codes.values() if c.from_list)
        assert linked == sorted(lists["list_id"] + "#" + lists["item_number"].astype(str))


class TestErrors:
    def test_unknown_parent(self, tmp_path):
        message = error_for(tmp_path, GOOD.replace("parent: levers", "parent: leverz"))
        assert (
            "line 22" in message and "column 'parent'" in message and "'lever_one'" in message and "'leverz'" in message
        )

    def test_duplicate_id(self, tmp_path):
        message = error_for(tmp_path, GOOD.replace("id: health", "id: market"))
        assert "line 27" in message and "unique id (first on line 4)" in message

    def test_cycle(self, tmp_path):
        text = GOOD.replace("    section: 3\n", "    parent: lever_one\n")
        message = error_for(tmp_path, text)
        assert "line 4" in message and "cycle market -> lever_one -> levers -> market" in message

    def test_self_parent(self, tmp_path):
        assert "parent other than the code itself" in error_for(
            tmp_path,
            GOOD.replace("parent: market\n    definition: Talking", "parent: dialogue\n    definition: Talking"),
        )

    def test_bad_regex(self, tmp_path):
        message = error_for(tmp_path, GOOD.replace("soft market test", "soft (market test"))
        assert (
            "line 16" in message and "code 'dialogue'" in message and "compiles" in message and "missing )" in message
        )

    def test_upper_case_keyword(self, tmp_path):
        message = error_for(tmp_path, GOOD.replace("supplier*", "Supplier*"))
        assert "line 10" in message and "lower-case keyword ('supplier*'" in message and "code 'market'" in message

    def test_star_inside_keyword(self, tmp_path):
        assert "at most one '*', at its end" in error_for(tmp_path, GOOD.replace("supplier*", "supp*lier"))

    def test_unknown_field_and_missing_definition(self, tmp_path):
        message = error_for(tmp_path, GOOD.replace("    definition: The NHS.\n", "    defintion: The NHS.\n"))
        assert "line 30" in message and "'defintion'" in message
        assert "line 27, column 'definition': expected a non-empty definition in code 'health'" in message

    def test_example_must_be_an_excerpt(self, tmp_path):
        message = error_for(tmp_path, GOOD, excerpt_ids=["LP01"])
        assert "line 4" in message and "example of code 'market'" in message and "'LP06'" in message

    def test_rules_on_a_grouping_code(self, tmp_path):
        text = GOOD.replace(
            "    definition: Groups the levers.\n",
            "    definition: Groups the levers.\n    rules:\n      keywords: [lever]\n",
        )
        assert "not codable" in error_for(tmp_path, text)

    def test_section_on_a_sub_code_and_twice(self, tmp_path):
        message = error_for(tmp_path, GOOD.replace("section: 4", "section: 3"))
        assert "section 3 is already on 'market'" in message

    def test_all_problems_at_once(self, tmp_path):
        text = GOOD.replace("parent: levers", "parent: nowhere").replace("supplier*", "Supplier")
        with pytest.raises(DataError) as info:
            load_codebook(write(tmp_path, text))
        assert len(info.value.problems) == 2

    def test_list_link(self, tmp_path):
        book = load_codebook(write(tmp_path, GOOD.replace("kelly_levers#1", "kelly_levers#9")))
        with pytest.raises(DataError, match=r"line 22.*item of report_lists.csv for code 'lever_one'"):
            check_list_links(book, load_report_lists(CORPUS / "report_lists.csv"))

    def test_build_checks_in_memory_codes(self):
        with pytest.raises(DataError, match="cycle a -> b -> a"):
            build_codebook([Code("a", "A", parent="b", definition="x"), Code("b", "B", parent="a", definition="y")])


def test_report_lists_errors(tmp_path):
    path = tmp_path / "report_lists.csv"
    path.write_text("list_id,item_number,text,section\nrisks,1,One,8\nrisks,1,Again,8\nRisks,x,,s\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_report_lists(path)
    message = str(info.value)
    assert "line 3, column 'item_number': expected each list item once" in message
    assert "line 4, column 'list_id'" in message and "line 4, column 'text'" in message


class TestPatternsThatBreakTheRuleCoder:
    BASE = """\
    codes:
      - id: market
        name: Market
        definition: The supply side.
        rules:
          patterns: ['{pattern}']
    """

    def test_a_flag_is_scoped_to_its_pattern(self, tmp_path):
        # RE2 keeps (?i) inside the pattern's own group, so it cannot leak into the other rules.
        assert load_codebook(write(tmp_path, self.BASE.format(pattern="(?i)market")))["market"].patterns == (
            "(?i)market",
        )

    @pytest.mark.parametrize("pattern", [r"(?:\w+\s?)+$", r"(?:a|aa)+$", r"(?:\w\w?)+x"])
    def test_a_pattern_that_backtracks_elsewhere_is_accepted_since_re2_runs_it_in_linear_time(self, tmp_path, pattern):
        assert load_codebook(write(tmp_path, self.BASE.format(pattern=pattern)))["market"].patterns == (pattern,)

    def test_a_bounded_repeat_is_fine(self, tmp_path):
        book = load_codebook(write(tmp_path, self.BASE.format(pattern=r"market\W+(?:\w+\W+){0,3}difficult")))
        assert book["market"].patterns == (r"market\W+(?:\w+\W+){0,3}difficult",)


class TestMethodologistFields:
    def test_memo_quote_near_miss_sets_and_change_log(self, tmp_path):
        book = load_codebook(
            write(
                tmp_path,
                """\
                codes:
                  - id: market
                    name: Market
                    definition: The supply side.
                    example_quote: we tested the market
                    near_miss: a market town
                    memo: Kept broad on purpose.
                    sets: [report risks]
                changes:
                  - date: 2026-11-27
                    change: Risks became a set.
                """,
            )
        )
        code = book["market"]
        assert (code.example_quote, code.near_miss, code.memo, code.sets) == (
            "we tested the market",
            "a market town",
            "Kept broad on purpose.",
            ("report risks",),
        )
        assert book.sets()["report risks"] == ["market"]
        assert [(c["date"], c["change"]) for c in book.changes()] == [("2026-11-27", "Risks became a set.")]
        assert book.version is None and book.changes()[0]["version"] is None

    def test_an_undated_change_is_an_error(self, tmp_path):
        text = "codes:\n  - id: a\n    name: A\n    definition: D.\nchanges:\n  - change: no date\n"
        assert "line 6" in error_for(tmp_path, text)


class TestExampleQuotes:
    def test_the_real_codebook_quotes_its_examples(self):
        from helpers.interviews import load_excerpts
        from helpers.interviews.codebook import check_example_quotes

        excerpts = load_excerpts(CORPUS)
        book = load_codebook(CORPUS / "codebook.yaml", excerpts["excerpt_id"])
        check_example_quotes(book, excerpts)
        with_example = [c for c in book.codes.values() if c.example]
        assert with_example and all(c.example_quote for c in with_example)
        assert all(c.memo for c in book.codes.values())

    def test_a_quote_not_in_its_example_is_an_error(self, tmp_path):
        import pandas as pd

        from helpers.interviews.codebook import check_example_quotes

        text = "codes:\n  - id: a\n    name: A\n    definition: D.\n    example: E1\n    example_quote: not there\n"
        book = load_codebook(write(tmp_path, text))
        with pytest.raises(DataError, match="quoted from example excerpt E1") as err:
            check_example_quotes(book, pd.DataFrame({"excerpt_id": ["E1"], "text": ["Something else."]}))
        assert err.value.first.line == 2
