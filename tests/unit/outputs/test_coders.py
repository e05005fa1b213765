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
    single_label,
    theme_checks,
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
    table, source = read_coders(tmp_path, ["report", "rules", "codebook_author", "someone"])
    assert "no coders.csv" in source
    assert not table["human"].any() and not table["independent"].any()
    assert table.set_index("coder").loc["someone", "made_by"] == "not described"
    fallback = FALLBACK_CODERS.set_index("coder")
    assert "machine-made" in fallback.loc["codebook_author", "made_by"]
    assert fallback.loc["codebook_author", "authored_codebook"] and fallback.loc["rules", "derived"]
    assert "source the codebook's themes were taken from" in fallback.loc["report", "description"]


def test_coders_csv_is_read_when_present(tmp_path) -> None:
    (tmp_path / "coders.csv").write_text(
        "coder,label,made_by,human,independent,authored_codebook,derived,codebook_version,description\n"
        "report,placement,the report,false,false,false,false,,by section\n"
        "b,second coder,a person,true,true,false,false,2,coded blind\n"
    )
    table, source = read_coders(tmp_path, ["report", "b"])
    assert "coders.csv" in source
    assert table["human"].tolist() == [False, True] and table["independent"].tolist() == [False, True]
    assert table["codebook_version"].tolist() == ["", "2"]


def test_an_imported_coder_of_unknown_kind_is_called_neither_human_nor_independent(tmp_path) -> None:
    """A coder imported from a QDA project is described from the file: 'unknown' claims nothing."""
    (tmp_path / "coders.csv").write_text(
        "coder,label,made_by,human,independent,authored_codebook,derived,codebook_version,description\n"
        "b,B,user b in the project,unknown,unknown,unknown,unknown,unknown,imported\n"
    )
    table, _ = read_coders(tmp_path, ["b"])
    assert table["human"].tolist() == [False] and table["independent"].tolist() == [False]


def test_a_bad_flag_in_coders_csv_names_line_and_column(tmp_path) -> None:
    (tmp_path / "coders.csv").write_text(
        "coder,label,made_by,human,independent,authored_codebook,derived,codebook_version,description\nb,x,y,yes,false,false,false,,z\n"
    )
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


AGREEMENT = pd.DataFrame(
    [
        ("theme", "report vs rules", "Theme one", "positive_agreement", 1.0, None, None, 3, "report 2, rules 2", "x"),
        ("theme", "report vs rules", "Theme one", "cohens_kappa", 1.0, None, None, 3, "report 2, rules 2", "x"),
        (
            "theme",
            "report vs rules",
            "Theme two",
            "positive_agreement",
            None,
            None,
            None,
            3,
            "report 0, rules 0",
            "n/a: neither coder applied it",
        ),
        (
            "theme",
            "report vs rules",
            "Theme two",
            "cohens_kappa",
            None,
            None,
            None,
            3,
            "report 0, rules 0",
            "n/a: neither coder applied it",
        ),
        ("theme", "report vs rules", "(pooled)", "positive_agreement", 0.8, 0.5, 1.0, 6, "report 2, rules 3", ""),
        ("theme", "report vs rules", "(pooled)", "cohens_kappa", 0.7, 0.2, 0.9, 6, "report 2, rules 3", ""),
        ("theme", "report vs rules", "(sets of codes)", "krippendorff_alpha_masi", 0.81, None, None, 3, "", ""),
        (
            "theme",
            "report vs rules",
            "(placements)",
            "reproduced_share",
            0.5,
            None,
            None,
            2,
            "rules reproduces 1 of 2 placements",
            "",
        ),
        ("theme", "report vs rules", "(placements)", "extra_codes_mean", 1.5, None, None, 2, "", ""),
    ],
    columns=["level", "coders", "code", "statistic", "estimate", "ci_low", "ci_high", "n_units", "positives", "note"],
)


def test_pair_checks_read_every_figure_against_the_threshold() -> None:
    row = pair_checks(AGREEMENT).iloc[0]
    assert row["Cohen's kappa"] == "0.70 (0.20 to 0.90)"
    assert row["kappa read against the threshold"] == "tentative only"
    assert row["alpha read against the threshold"] == "conclusions"
    assert row["placements reproduced"] == "50%: rules reproduces 1 of 2 placements"
    assert row["extra themes per excerpt"] == "1.50"


def test_theme_checks_print_counts_and_never_zero_for_undefined() -> None:
    table = theme_checks(AGREEMENT, {}).set_index("theme")
    assert table.loc["Theme one", "excerpts coded"] == "report 2, rules 2"
    assert table.loc["Theme two", "Cohen's kappa"] == "n/a: neither coder applied it"
    assert table.loc["Theme two", "read against the threshold"] == "n/a"
