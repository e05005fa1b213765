"""helpers.survey.wave_report: what notebook 07 says about the paired comparison when it cannot give one."""

from __future__ import annotations

from pathlib import Path

from weighted_waves import small_wave

from helpers.survey.wave_report import comparison_setup, excluded_councils, paired_sentence


def sentence(tmp_path: Path, first: list[str], second: list[str]) -> str:
    one = small_wave(tmp_path / "one", first, ["Yes"] * len(first))
    two = small_wave(tmp_path / "two", second, ["No"] * len(second))
    comparison = comparison_setup(
        first_dir=str(one), second_dir=str(two), mapping=None, confidence=0.95, output_dir=str(tmp_path / "out")
    )
    assert comparison.paired is None
    return paired_sentence(comparison).data


def test_waves_with_no_council_in_common_say_so(tmp_path: Path) -> None:
    assert sentence(tmp_path, ["Avon", "Bath"], ["Crewe"]) == "No paired comparison: no council answered both waves."


def test_a_council_in_both_but_named_twice_is_not_paired_and_the_report_says_why(tmp_path: Path) -> None:
    text = sentence(tmp_path, ["Avon", "avon", "Bath"], ["Avon", "Crewe"])
    assert text == "No paired comparison: every council named in both waves (1) is named more than once in a wave."


def test_council_names_from_a_wave_reach_the_page_escaped(tmp_path: Path) -> None:
    """A respondents file is untrusted: a council name written as markup is shown as text, never as a tag."""
    tag = '<img src=x onerror="alert(1)">'
    one = small_wave(tmp_path / "one", ["Avon", tag, "Bath"], ["Yes", "No", "Yes"])
    two = small_wave(tmp_path / "two", ["Avon", "Bath", "*Crewe*"], ["No", "No", "Yes"])
    comparison = comparison_setup(
        first_dir=str(one), second_dir=str(two), mapping=None, confidence=0.95, output_dir=str(tmp_path / "out")
    )
    assert comparison.paired is not None
    page = "".join(block.data for block in [paired_sentence(comparison), *excluded_councils(comparison)])
    assert "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "<li>*Crewe*</li>" in page  # in an HTML list, Markdown's emphasis does not apply
