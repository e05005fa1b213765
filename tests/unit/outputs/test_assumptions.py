"""The assumptions log read into a table; the high-rated ones picked for a report's limitations."""

from __future__ import annotations

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.outputs.assumptions import high_rated, read_assumptions

LOG = """\
# Log

## Summary

| # | Assumption | Quality | Impact |
|---|---|---|---|
| A1 | Population is 353 | AMBER | GREEN |
| A2 | Respondents are one per council | RED | AMBER |

### A2. One per council

The source does not say
whether each respondent is a different council.

- **Quality: RED.**
"""


def test_read_and_pick_the_high_rated(tmp_path) -> None:
    path = tmp_path / "log.md"
    path.write_text(LOG)
    table = read_assumptions(path)
    assert table["id"].tolist() == ["A1", "A2"]
    high = high_rated(table)
    assert high["id"].tolist() == ["A2"]
    assert high.iloc[0]["detail"] == "The source does not say whether each respondent is a different council."


def test_a_rating_outside_rag_names_the_line(tmp_path) -> None:
    path = tmp_path / "log.md"
    path.write_text(LOG.replace("| RED | AMBER |", "| HIGH | AMBER |"))
    with pytest.raises(DataError, match="line 8"):
        read_assumptions(path)


def test_the_projects_log_rates_the_respondent_assumption_red() -> None:
    table = read_assumptions(paths.ROOT / "docs" / "assumptions_caveats.md")
    high = high_rated(table)
    assert high["assumption"].str.contains("one per council").any()
