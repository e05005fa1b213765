"""The map of interview themes and survey findings onto the frame, and their figures from the data."""

from __future__ import annotations

import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.frameworks import coverage as cov
from helpers.frameworks import findings as fnd
from helpers.frameworks import load_frameworks
from helpers.frameworks.coding import collect_item_codings
from helpers.interviews import load_excerpts
from helpers.interviews.codebook import load_codebook
from helpers.survey import load_survey

FRAMEWORKS = paths.RAW / "frameworks"


@pytest.fixture(scope="module")
def inputs():
    frame = load_codebook(FRAMEWORKS / "codebook.yaml")
    themes = load_codebook(paths.LOCAL_PARTNERSHIPS_2015 / "codebook.yaml")
    return frame, themes, load_excerpts(paths.LOCAL_PARTNERSHIPS_2015), load_survey(paths.LOCALIS_2011)


def test_shipped_map_loads(inputs):
    frame, themes, _excerpts, survey = inputs
    mapping = fnd.load_findings_map(FRAMEWORKS / "findings_map.csv", frame, themes, survey)
    assert set(mapping["strand"]) == {"interviews", "survey"}


def test_figures_come_from_the_data(inputs, tmp_path):
    frame, themes, excerpts, survey = inputs
    path = tmp_path / "map.csv"
    path.write_text(
        "strand,ref,stage,reason\n"
        "survey,c: More commissioning experts,around_capacity,r\n"
        "survey,d: Large private sector companies,do_providers,r\n"
        "interviews,market,do_market,r\n"
    )
    mapping = fnd.load_findings_map(path, frame, themes, survey)
    table = fnd.findings_table(mapping, frame, themes, excerpts, survey).set_index("ref")
    # Localis 2011 press release (001_...), table c): 54 of the 78 who answered ticked it.
    assert (
        table.loc["c: More commissioning experts", "count"],
        table.loc["c: More commissioning experts", "base"],
    ) == (
        54,
        78,
    )
    # Table d), large private sector companies: 55 more + 8 many more of 0 + 6 + 22 + 55 + 8 = 91.
    assert (
        table.loc["d: Large private sector companies", "count"],
        table.loc["d: Large private sector companies", "base"],
    ) == (
        63,
        91,
    )
    # Local Partnerships 2015, section 3 quotes five excerpts (LP05-LP09) of 22.
    assert (table.loc["market", "count"], table.loc["market", "base"]) == (5, 22)
    left = fnd.unplaced(mapping, themes, survey)
    assert "risks" in set(left["ref"]) and "c: Other (please specify)" in set(left["ref"])
    assert "d: Public sector (in-house delivery)" in set(left["ref"])


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("interviews,nosuch,do_market,r", "ref"),
        ("survey,c: Telepathy,do_market,r", "ref"),
        ("survey,x,do_market,r", "ref"),
        ("press,market,do_market,r", "strand"),
        ("interviews,market,nowhere,r", "stage"),
    ],
)
def test_bad_map_rows_name_line_and_column(inputs, tmp_path, row, column):
    frame, themes, _excerpts, survey = inputs
    path = tmp_path / "map.csv"
    path.write_text("strand,ref,stage,reason\n" + row + "\n")
    with pytest.raises(DataError) as info:
        fnd.load_findings_map(path, frame, themes, survey)
    assert info.value.first.line == 2 and info.value.first.column == column


def test_findings_by_stage_joins_sources_and_findings(inputs):
    frame, themes, excerpts, survey = inputs
    fw = load_frameworks(FRAMEWORKS)
    ex = fw.as_excerpts()
    codings = collect_item_codings(["codebook_author"], ex, frame, FRAMEWORKS / "codings")
    spread = cov.spread(cov.coverage(codings, fw, frame, "codebook_author"), frame)
    mapping = fnd.load_findings_map(FRAMEWORKS / "findings_map.csv", frame, themes, survey)
    by_stage = fnd.findings_by_stage(fnd.findings_table(mapping, frame, themes, excerpts, survey), spread)
    row = by_stage.set_index("stage").loc["around_capacity"]
    assert (
        "Capacity and skills" in row["interview_themes"]
        and "c: More commissioning experts (54 of 78)" in row["survey_findings"]
    )
