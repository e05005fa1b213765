"""Coders described by how their coding was made; quotes and role tables from one named coder."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core.errors import DataError
from helpers.outputs.coders import (
    FALLBACK_CODERS,
    lowered_by_construction,
    one_quote_per_theme,
    pair_checks,
    read_coders,
    shared_theme_checks,
    single_label,
    themes_by_role,
    unused_themes,
)

METHOD = "theme level, each code binary present/absent per excerpt"
CODING = pd.DataFrame(
    [
        ("interviews", "t1", "report", "frequency", 2, None, None, 3, "freq"),
        ("interviews", "t2", "report", "frequency", 0, None, None, 3, "freq"),
        ("interviews", "t1", "rules", "frequency", 2, None, None, 3, "freq"),
        ("interviews", "t2", "rules", "frequency", 1, None, None, 3, "freq"),
        ("interviews", "report vs rules", "t1", "cohens_kappa", 1.0, 1.0, 1.0, 3, METHOD),
        ("interviews", "report vs rules", "t2", "cohens_kappa", 0.0, None, None, 3, METHOD),
        ("interviews", "report vs rules", "(pooled themes)", "percent_agreement", 0.83, None, None, 3, METHOD),
        ("interviews", "report vs rules", "(pooled themes)", "cohens_kappa", 0.6, 0.2, 0.9, 3, METHOD),
    ],
    columns=["question", "item", "option", "statistic", "estimate", "ci_low", "ci_high", "base", "method"],
)
QUOTES = pd.DataFrame(
    {
        "theme": ["t1", "t1", "t2", "t1"],
        "theme_name": ["Theme one", "Theme one", "Theme two", "Theme one"],
        "excerpt_id": ["E1", "E2", "E2", "E3"],
        "speaker_role": ["chief executive", "head", "head", "head"],
        "text": ["one", "two", "two", "three"],
        "coded_by": ["report, rules", "rules", "rules", "report"],
    }
)


def test_fallback_describes_no_coding_as_human_or_independent(tmp_path) -> None:
    table, source = read_coders(tmp_path, ["report", "rules", "analyst_a", "someone"])
    assert "no coders.csv" in source
    assert not table["human"].any() and not table["independent"].any()
    assert table.set_index("coder").loc["someone", "made_by"] == "not described"
    assert "machine-made" in FALLBACK_CODERS.set_index("coder").loc["analyst_a", "made_by"]


def test_coders_csv_is_read_when_present(tmp_path) -> None:
    (tmp_path / "coders.csv").write_text(
        "coder,label,made_by,human,independent,description\n"
        "report,placement,the report,false,false,by section\n"
        "b,second coder,a person,true,true,coded blind\n"
    )
    table, source = read_coders(tmp_path, ["report", "b"])
    assert "coders.csv" in source
    assert table["human"].tolist() == [False, True] and table["independent"].tolist() == [False, True]


def test_an_imported_coder_of_unknown_kind_is_called_neither_human_nor_independent(tmp_path) -> None:
    """A coder imported from a QDA project is described from the file: 'unknown' claims nothing."""
    (tmp_path / "coders.csv").write_text(
        "coder,label,made_by,human,independent,description\nb,B,user b in the project,unknown,unknown,imported\n"
    )
    table, _ = read_coders(tmp_path, ["b"])
    assert table["human"].tolist() == [False] and table["independent"].tolist() == [False]


def test_a_bad_flag_in_coders_csv_names_line_and_column(tmp_path) -> None:
    (tmp_path / "coders.csv").write_text("coder,label,made_by,human,independent,description\nb,x,y,yes,false,z\n")
    with pytest.raises(DataError, match="line 2.*human|human.*line 2"):
        read_coders(tmp_path, ["b"])


def test_quotes_and_role_tables_come_from_the_chosen_coder_only() -> None:
    quotes = one_quote_per_theme(QUOTES, "report")
    assert quotes["excerpt_id"].tolist() == ["E1"]  # report placed E1 and E3 under theme one only
    rules = one_quote_per_theme(QUOTES, "rules")
    assert rules["excerpt_id"].tolist() == ["E1", "E2"]  # no excerpt shown twice where another is available
    roles = themes_by_role(QUOTES, "report")
    assert roles["excerpts"].sum() == 2


def test_agreement_lowered_by_construction_is_named() -> None:
    assert unused_themes(CODING, "report") == ["t2"]
    assert single_label(QUOTES, "report") and not single_label(QUOTES, "rules")
    reason = lowered_by_construction(CODING, QUOTES, "report vs rules")
    assert "report gives one theme per excerpt" in reason and "Theme two" in reason
    shared, themes = shared_theme_checks(CODING)
    assert themes == ["t1"] and shared["report vs rules"].tolist() == [1.0]
    pairs = pair_checks(CODING)
    assert pairs.iloc[0][["percent_agreement", "kappa", "ci_low", "ci_high"]].tolist() == [0.83, 0.6, 0.2, 0.9]
