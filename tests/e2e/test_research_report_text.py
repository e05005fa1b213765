"""The built research report says no more than the evidence supports, read from its text.

Checked against the files the analyses wrote and the assumptions log, not against typed figures:
no coding is called human unless a person made it; the confidence level is stated beside the
key findings' intervals; the inferred base of the grid question is called inferred wherever it
appears; the finite-population-corrected interval stays out of the key findings; every
assumption the log rates RED appears in the Limitations.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from helpers.core import paths
from helpers.outputs.assumptions import high_rated, read_assumptions
from helpers.outputs.coders import coders_in, read_coders
from helpers.outputs.findings import analysis_levels, read_results, read_table
from helpers.stats.proportions import CI_METHOD_NAMES


@pytest.fixture(scope="module")
def report(built_reports) -> dict[str, list[str]]:
    """The research report's visible text: per h2 section, its blocks (a paragraph, list item, table or details).

    Code and the data tables behind charts are left out; a table or details block is one block.
    """
    soup = BeautifulSoup((built_reports / "research-report" / "index.html").read_text(encoding="utf-8"), "html.parser")
    for hidden in soup.select("script, style, .jp-CodeCell .jp-InputArea, figure details"):
        hidden.decompose()
    sections: dict[str, list[str]] = {}
    current = "(top)"
    for element in soup.find_all(["h2", "p", "li", "table", "details", "figcaption"]):
        if element.name == "h2":
            current = element.get_text(" ", strip=True).rstrip("¶").strip()
            continue
        if element.find_parent(["table", "details", "li"]):
            continue
        text = element.get_text(" ", strip=True)
        # a table or details block is marked so a check can treat its header or summary as its label
        sections.setdefault(current, []).append(("\t" if element.name in ("table", "details") else "") + text)
    return sections


def section(report, start: str) -> list[str]:
    found = [blocks for name, blocks in report.items() if name.startswith(start)]
    assert found, f"no section starting {start!r} in {list(report)}"
    return found[0]


def test_no_coding_is_called_human_unless_a_person_made_it(report, built_reports) -> None:
    coding_dir = built_reports / "interview-coding"
    coders, _ = read_coders(coding_dir, coders_in(read_results(coding_dir)))
    text = "\n".join(block for blocks in report.values() for block in blocks).lower()
    if not coders["human"].any():
        assert "human" not in text
    for label in coders.loc[~coders["independent"], "label"]:
        assert f"{label.lower()} is independent" not in text


def test_the_confidence_level_is_stated_beside_the_key_intervals(report, built_reports) -> None:
    levels = analysis_levels({"d": built_reports / "delivery-mix-wilson", "s": built_reports / "skills-gaps"})
    label = f"{levels['d']:.0%} {CI_METHOD_NAMES['wilson']} interval"
    blocks = [b for b in section(report, "Key findings") if re.search(r"\d\.\d% to \d+\.\d%", b)]
    assert blocks
    for block in blocks:
        if "Interval's level and method" in block:  # the findings table names the level in its own column
            assert label in block
            continue
        assert re.search(r"\d+% [\w' -]*interval", block), block


def test_the_inferred_base_is_called_inferred_wherever_it_appears(report, built_reports) -> None:
    alternatives = read_table(built_reports / "provider-shifts", "base_alternatives.csv", ["base"])
    base = str(int(alternatives["base"].iloc[0]))
    number = re.compile(rf"(?<![\w.]){base}(?![\w.%])")  # not inside a hash or a longer number
    blocks = [b for blocks in report.values() for b in blocks if number.search(b)]
    assert blocks
    for block in blocks:
        if block.startswith("\t"):  # a table or a details block: its headers or summary say "inferred"
            assert "inferred" in block, block[:300]
            continue
        for match in number.finditer(block):
            assert "inferred" in block[max(0, match.start() - 160) : match.end() + 160], block


def test_the_fpc_interval_is_not_a_key_finding(report) -> None:
    findings = "\n".join(section(report, "Key findings")).lower()
    assert "fpc" not in findings and "finite population" not in findings


def test_every_high_rated_assumption_is_in_the_limitations(report) -> None:
    limitations = "\n".join(section(report, "Limitations"))
    high = high_rated(read_assumptions(paths.ROOT / "docs" / "assumptions_caveats.md"))
    assert len(high)
    for assumption in high["assumption"]:
        assert assumption in limitations
    assert "different council" in limitations


def test_the_document_analysis_says_what_was_coded_and_by_whom(report, built_reports) -> None:
    blocks = section(report, "The sources' own models of commissioning")
    text = "\n".join(blocks)
    assert "every item of every source" not in text and "leaves out" not in text
    assert "extracted whole" in text and "excluded by rule" in text
    coders = read_table(built_reports / "frameworks", "coders.csv", ["coder", "label", "human", "independent"])
    table = next(b for b in blocks if b.startswith("\t") and "Made by a person" in b)
    for row in coders.itertuples(index=False):
        assert row.coder in table and row.label in table
    if not (coders["human"] == "yes").any():
        assert "human" not in text.lower()


def test_a_gap_the_report_names_is_one_both_coders_and_the_text_agree_on(report, built_reports) -> None:
    gaps = read_table(built_reports / "frameworks", "gaps.csv", ["source", "stage_name", "level", "confirmed"])
    unconfirmed = gaps[~gaps["confirmed"].astype(str).eq("True")]
    sentence = next(b for b in section(report, "The sources' own models of commissioning") if "Whole stages" in b)
    for row in unconfirmed[unconfirmed["level"] == "stage"].itertuples(index=False):
        assert f"{row.stage_name} ({row.source})" not in sentence


def test_the_document_analysis_limitation_and_its_sources_are_listed(report) -> None:
    assumptions = read_assumptions(paths.ROOT / "docs" / "assumptions_caveats.md").set_index("id")
    assert assumptions.loc["A10", "assumption"] in "\n".join(section(report, "Limitations"))
    sources = "\n".join(section(report, "Sources"))
    for named in [
        "OPM",
        "Winchester",
        "footnote 1",
        "Notes for Editors, 2.",
        "Commissioning for better public services",
    ]:
        assert named in sources, named


def test_speaker_roles_are_counted_apart_from_the_authority_type(report) -> None:
    """speakers.csv holds the role alone ("chief executive"); "county chief executive" is a role and a type."""
    from helpers.interviews.corpus import load_excerpts, with_speakers

    speakers = with_speakers(paths.LOCAL_PARTNERSHIPS_2015, load_excerpts(paths.LOCAL_PARTNERSHIPS_2015))
    block = next(b for b in section(report, "The interview themes") if "speaker roles" in b)
    found = re.search(r"from (\d+) speaker roles \(([^)]*)\)", block)
    assert found, block
    assert int(found.group(1)) == speakers["speaker_role"].nunique()
    assert "county chief executive" not in found.group(2)


def test_a_coding_is_said_to_give_one_theme_per_excerpt_only_where_it_does(report, built_reports) -> None:
    quotes = read_table(
        built_reports / "interview-coding", "quotes_all_coders.csv", ["theme", "excerpt_id", "coded_by"]
    )
    table = next(b for b in section(report, "Consistency") if "Lowered by construction" in b)
    for coder in coders_in(read_results(built_reports / "interview-coding")):
        placed = quotes[quotes["coded_by"].str.split(", ").apply(lambda names, c=coder: c in names)]
        several = placed.groupby("excerpt_id")["theme"].nunique().max() > 1
        if several:
            assert f"{coder} gives one theme per excerpt" not in table


def test_the_interview_sections_show_no_literal_markdown(report) -> None:
    for name in ("The interview themes", "Consistency", "Limitations"):
        for block in section(report, name):
            assert "**" not in block and "`" not in block, block[:200]


def test_agreement_is_read_against_a_threshold_stated_in_advance(report) -> None:
    text = "\n".join(section(report, "Consistency"))
    assert "Threshold stated in advance" in text and "0.800" in text and "0.667" in text
    assert "0.000" not in text
