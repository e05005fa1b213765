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
        "survey,c: More commissioning experts,do_contracts,r\n"
        "survey,d: Large private sector companies,do_market,r\n"
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
    # Table d), large private sector companies: 55 more + 8 many more = 63, over the base the survey analyses
    # use for the grid: the one base that reproduces every printed percentage (63 of 93 is the 68% printed).
    row = table.loc["d: Large private sector companies"]
    assert (row["count"], row["base"]) == (63, 93)
    assert "inferred" in row["measure"] and "of the base 93" in row["measure"]
    assert row["evidence"] == "question d: 63 of 93"
    # Local Partnerships 2015, section 3 quotes five excerpts (LP05-LP09) of 22.
    assert (table.loc["market", "count"], table.loc["market", "base"]) == (5, 22)
    assert table.loc["market", "evidence"] == "excerpts LP05, LP06, LP07, LP08, LP09"
    placed = fnd.findings_table(mapping, frame, themes, excerpts, survey)
    left = fnd.unplaced(mapping, placed, themes, survey).set_index("ref")
    assert "risks" in left.index and "c: Other (please specify)" in left.index
    assert "d: Public sector (in-house delivery)" in left.index


def test_a_finding_with_no_supporting_excerpt_is_not_placed(inputs, tmp_path):
    frame, themes, excerpts, survey = inputs
    path = tmp_path / "map.csv"
    path.write_text(
        "strand,ref,stage,reason\ninterviews,understanding,plan_decisions,r\ninterviews,market,do_market,r\n"
    )
    mapping = fnd.load_findings_map(path, frame, themes, survey)
    placed = fnd.findings_table(mapping, frame, themes, excerpts, survey)
    # The report quotes no excerpt under section 1, "Understanding commissioning".
    assert list(placed["ref"]) == ["market"]
    left = fnd.unplaced(mapping, placed, themes, survey).set_index("ref")
    assert left.loc["understanding", "why"] == "no supporting excerpt or count"


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
    row = by_stage.set_index("stage").loc["do_market"]
    assert (
        "Market analysis and engagement" in row["interview_themes"]
        and "d: Large private sector companies (63 of 93)" in row["survey_findings"]
    )
