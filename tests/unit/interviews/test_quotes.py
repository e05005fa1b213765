"""Coding by quotes: each quote found in its document with exact offsets, or one error naming the row."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.core.errors import DataError
from helpers.interviews.codebook import Code, build_codebook
from helpers.interviews.quotes import find_quote, nearest_match, read_quote_coding

BOOK = build_codebook(
    [Code("market", "Market", definition="d"), Code("risk", "Risk", definition="d"), Code("g", "G", codable=False)]
)
INT01 = "Interviewer: Why?\nHead of commissioning: We tested the market\nfirst. Then we bought the market\u2019s best."
DOCS = pd.DataFrame({"document_id": ["int01", "int02"], "text": [INT01, "Risk everywhere."]})


def write(tmp_path, body: str, name: str = "ann.csv"):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_a_quote_across_a_line_break_gets_the_offsets_of_the_transcripts_own_words():
    ((start, end),) = find_quote("tested the market first.", INT01)
    assert INT01[start:end] == "tested the market\nfirst."


def test_curly_and_straight_apostrophes_match_and_the_offsets_keep_the_transcripts_character():
    ((start, end),) = find_quote("the market's best", INT01)
    assert INT01[start:end] == "the market\u2019s best"


def test_rows_become_segments_whole_documents_and_quotes(tmp_path):
    path = write(
        tmp_path,
        "document,code,quote\n"
        'int01,market,"We tested the market first."\n'  # one space where the transcript breaks the line
        "int02,risk,\n"  # the whole document
        "int02,,\n",  # read, nothing coded
    )
    segments = read_quote_coding(path, DOCS, BOOK)
    assert segments[["document_id", "code", "coder"]].values.tolist() == [
        ["int01", "market", "ann"],
        ["int02", "risk", "ann"],
    ]
    first = segments.iloc[0]
    assert INT01[first["start"] : first["end"]] == "We tested the market\nfirst."
    assert (segments.iloc[1]["start"], segments.iloc[1]["end"]) == (0, len("Risk everywhere."))


def test_a_quote_found_nowhere_names_the_file_the_line_and_the_nearest_passage(tmp_path):
    path = write(tmp_path, "document,code,quote\nint02,risk,\nint01,market,We tasted the markets first\n")
    with pytest.raises(DataError) as info:
        read_quote_coding(path, DOCS, BOOK)
    (problem,) = info.value.problems
    assert (problem.path.endswith("ann.csv"), problem.line, problem.column) == (True, 3, "quote")
    assert "the nearest passage is 'We tested the market first.'" in problem.expected
    assert problem.found == "We tasted the markets first"


def test_a_quote_found_twice_says_where_and_asks_for_more_words(tmp_path):
    path = write(tmp_path, "document,code,quote\nint01,market,the market\n")
    with pytest.raises(DataError) as info:
        read_quote_coding(path, DOCS, BOOK)
    (problem,) = info.value.problems
    assert problem.line == 2 and "found 2 times: at line 2, line 3 of the transcript" in problem.expected
    assert "quote a few more words" in problem.expected


def test_every_bad_row_is_named_at_once(tmp_path):
    path = write(
        tmp_path,
        "document,code,quote\n"
        "int09,market,\n"  # unknown document
        "int01,nope,\n"  # unknown code
        "int01,g,\n"  # a grouping code
        "int01,,We tested\n"  # a quote without a code
        "int02,risk,\n"
        "int02,risk,\n",  # the same row twice
    )
    with pytest.raises(DataError) as info:
        read_quote_coding(path, DOCS, BOOK)
    assert [(p.line, p.column) for p in info.value.problems] == [
        (2, "document"),
        (3, "code"),
        (4, "code"),
        (5, "code"),
        (7, "code"),
    ]
    assert "int01, int02" in info.value.problems[0].expected


def test_the_file_name_is_the_coder_and_must_be_one(tmp_path):
    path = write(tmp_path, "document,code\nint02,risk\n", name="Rules.csv")
    with pytest.raises(DataError, match="lower-case coder name"):
        read_quote_coding(path, DOCS, BOOK)


def test_a_missing_column_is_named(tmp_path):
    path = write(tmp_path, "excerpt_id,code\nint02,risk\n")
    with pytest.raises(DataError, match="column named 'document'"):
        read_quote_coding(path, DOCS, BOOK)


def test_nearest_match_is_the_most_similar_window():
    assert nearest_match("bought the markets", INT01) == "bought the market\u2019s"


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abc\u2019'", min_size=1, max_size=4), min_size=1, max_size=12),
    spaces=st.lists(st.sampled_from([" ", "\n", "  ", "\t", " \n "]), min_size=12, max_size=12),
    first=st.integers(0, 11),
    length=st.integers(1, 12),
)
def test_offsets_found_always_cover_the_quoted_words_as_the_transcript_writes_them(words, spaces, first, length):
    text = "".join(w + s for w, s in zip(words, spaces)).strip()
    chosen = words[first % len(words) : first % len(words) + length]
    quote = " ".join(chosen)
    for start, end in find_quote(quote, text):
        # The passage differs from the quote only in its spacing and its kind of apostrophe.
        assert " ".join(text[start:end].split()).replace("\u2019", "'") == quote.replace("\u2019", "'")
    assert find_quote(quote, text)  # words of the text, re-spaced, are always found


def test_a_missing_quote_in_a_long_repetitive_transcript_is_answered_promptly(tmp_path):
    """An untrusted file may not hang the workbench: the nearest-passage search grows with the text's length."""
    text = "a b " * 50_000
    docs = pd.DataFrame({"document_id": ["long"], "text": [text]})
    rows = "".join(f"long,market,{'a b ' * 500}c {i}\n" for i in range(40))
    path = write(tmp_path, "document,code,quote\n" + rows)
    started = time.monotonic()
    with pytest.raises(DataError) as info:
        read_quote_coding(path, docs, BOOK)
    assert time.monotonic() - started < 20  # well under a second here; minutes before the search was bounded
    assert len(info.value.problems) == 40 and "nearest passage" in info.value.problems[0].expected
    assert "nearest passage" not in info.value.problems[-1].expected
