"""Coding tables on a tiny hand-made corpus: frequencies, co-occurrence, quotes, code summary, results."""

from __future__ import annotations

import pandas as pd

from helpers.interviews.codebook import Code, build_codebook
from helpers.interviews.tables import (
    code_summary,
    coder_quotes,
    cooccurrence,
    cooccurrence_matrix,
    frequencies,
    quotes_by_theme,
    results_table,
    risks_by_theme,
    risks_table,
    themes_in_sections,
    top_pairs,
    wide_frequencies,
)
from helpers.stats.agreement import agreement_table

BOOK = build_codebook(
    [
        Code("market", "Market", definition="d", section=3),
        Code("dialogue", "Dialogue", parent="market", definition="d"),
        Code("health", "Health", definition="d", section=4),
        Code("risks", "Risks", definition="d", section=8),
    ]
)
EXCERPTS = pd.DataFrame(
    {
        "excerpt_id": ["E1", "E2", "E3"],
        "section_number": [3, 3, 4],
        "speaker_role": ["chief executive", "head of commissioning", "chief executive"],
        "authority_type": ["county", "", "county"],
        "text": ["We talk to the market.", "Providers and the NHS.", "Health is different."],
    }
)
# ann: E1 dialogue; E2 market + health; E3 health. bob: E1 market; E2 nothing; did not read E3.
CODINGS = pd.DataFrame(
    [
        ("ann", "E1", "dialogue"),
        ("ann", "E2", "market"),
        ("ann", "E2", "health"),
        ("ann", "E3", "health"),
        ("bob", "E1", "market"),
        ("bob", "E2", ""),
    ],
    columns=["coder", "excerpt_id", "code"],
)


def test_frequencies_count_excerpts_with_sub_codes_over_what_each_coder_read():
    freq = frequencies(CODINGS, EXCERPTS, BOOK, "authority_type")
    row = freq.set_index(["coder", "code", "authority_type"])
    # ann: market on E1 (through dialogue) and E2; E1 and E3 are county, E2 not stated.
    assert row.loc[("ann", "market", "county"), ["excerpts", "base"]].tolist() == [1, 2]
    assert row.loc[("ann", "market", "not stated"), ["excerpts", "base"]].tolist() == [1, 1]
    # bob read E1 and E2 only: his county base is 1.
    assert row.loc[("bob", "market", "county"), ["excerpts", "base"]].tolist() == [1, 1]
    assert row.loc[("bob", "health", "county"), "share"] == 0
    assert list(freq["authority_type"].unique()) == ["county", "not stated"]


def test_wide_frequencies_show_n_of_base():
    wide = wide_frequencies(frequencies(CODINGS, EXCERPTS, BOOK, "speaker_role"), "speaker_role", BOOK)
    assert wide.loc[wide["theme"] == "Health", "ann: chief executive"].item() == "1 of 2"


def test_cooccurrence_counts_themes_on_one_excerpt_by_one_coder():
    co = cooccurrence(CODINGS, BOOK)
    ann = cooccurrence_matrix(co, "ann", BOOK)
    assert ann.loc["Market", "Health"] == 1 and ann.loc["Market", "Market"] == 2 and ann.loc["Health", "Health"] == 2
    assert cooccurrence_matrix(co, "bob", BOOK).loc["Market", "Health"] == 0
    best = top_pairs(co)
    assert best.set_index("coder").loc["ann", ["theme_a", "theme_b", "excerpts"]].tolist() == ["market", "health", 1]


def test_quotes_name_who_placed_them():
    quotes = quotes_by_theme(CODINGS, EXCERPTS, BOOK)
    e1 = quotes[(quotes["theme"] == "market") & (quotes["excerpt_id"] == "E1")].iloc[0]
    assert (e1["coded_by"], e1["coders"], e1["sub_codes"]) == ("ann, bob", 2, "dialogue")
    bobs = coder_quotes(CODINGS, EXCERPTS, BOOK, "bob")
    assert bobs[["theme", "excerpt_id", "placed_by"]].values.tolist() == [["market", "E1", "bob"]]


def test_coder_quotes_use_the_coders_segments_when_given():
    segments = pd.DataFrame(
        [("E1", 3, 7, "market", "bob", "")], columns=["document_id", "start", "end", "code", "coder", "memo"]
    )
    assert coder_quotes(CODINGS, EXCERPTS, BOOK, "bob", segments)["text"].tolist() == ["talk"]


def test_code_summary_and_themes_in_sections():
    summary = code_summary(CODINGS, BOOK, ["ann", "bob"]).set_index("code")
    assert summary.loc["market", ["ann", "bob"]].tolist() == [2, 1]
    assert summary.loc["dialogue", "name"] == "  Dialogue"
    assert themes_in_sections(EXCERPTS, BOOK) == ["market", "health"]


def test_results_rows_for_frequencies_and_pooled_agreement():
    freq = frequencies(CODINGS, EXCERPTS, BOOK)
    agreement = agreement_table(CODINGS, ["market", "health"], ["ann", "bob"], "theme")
    results = results_table(freq, agreement)
    pooled = results[(results["option"] == "(pooled themes)") & (results["statistic"] == "cohens_kappa")]
    assert pooled["item"].tolist() == ["ann vs bob"] and pooled["base"].item() == 2
    assert "per excerpt over (excerpt, code) units" in pooled["method"].item()
    character = results_table(freq, agreement, unit="character")
    assert "each character coded or not" in character["method"].iloc[-1]


def test_a_risk_merged_into_a_code_of_another_theme_counts_for_that_theme():
    """The report lists risks in section 8; risk 2 was merged into a health code, and still counts for health."""
    book = build_codebook(
        [
            Code("health", "Health", definition="d", section=4),
            Code("cultures", "Cultures", parent="health", definition="d", from_list="risks#2", keywords=["cultures"]),
            Code("risks", "Risks", definition="d", section=8),
            Code("weak_market", "Weak market", parent="risks", definition="d", from_list="risks#1"),
        ]
    )
    lists = pd.DataFrame(
        {
            "list_id": ["risks", "risks"],
            "item_number": [1, 2],
            "text": ["A weak market", "Different health cultures"],
            "section": [8, 8],
        }
    )
    codings = pd.DataFrame([("ann", "E1", "cultures")], columns=["coder", "excerpt_id", "code"])
    per_theme = risks_by_theme(risks_table(lists, book, codings), book).set_index("theme")
    assert per_theme.loc["health", "risks"] == 1 and per_theme.loc["health", "items"] == "2"
    assert per_theme.loc["risks", "risks"] == 0  # the theme that lists them is not a theme "in" them
