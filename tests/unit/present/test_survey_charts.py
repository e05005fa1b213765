"""The survey charts: what they draw, the data they hand back, and colours a reader can tell apart."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from helpers.present import charts
from helpers.present.survey_charts import BAR, WHISKERS, bounds_chart, diverging_chart, share_chart

SHARES = pd.DataFrame(
    {
        "option": ["Yes", "No"],
        "share": [0.8, 0.2],
        "ci_low": [0.7, 0.12],
        "ci_high": [0.88, 0.3],
        "sim_low": [0.65, 0.1],
        "sim_high": [0.9, 0.35],
    }
)


@pytest.fixture(autouse=True)
def _close_figures():
    charts.configure()
    yield
    plt.close("all")


def test_share_chart_returns_the_plotted_columns_and_draws_opaque_bars() -> None:
    fig, data = share_chart(
        SHARES, "option", "Percent", {"95% interval": ("ci_low", "ci_high"), "simultaneous": ("sim_low", "sim_high")}
    )
    assert list(data.columns) == ["option", "share", "ci_low", "ci_high", "sim_low", "sim_high"]
    bars = [p for p in fig.axes[0].patches]
    assert [round(b.get_width(), 6) for b in bars] == [80.0, 20.0]
    # no faded bars: a bar drawn at alpha 0.35 falls below 3:1 against white
    assert all(b.get_alpha() in (None, 1) for b in bars)
    assert {to_hex(b.get_facecolor()) for b in bars} == {BAR.lower()}
    # each bar carries its value as a direct label
    assert {"80%", "20%"} <= {t.get_text() for t in fig.axes[0].texts}


def test_bounds_chart_returns_bounds_and_share() -> None:
    frame = pd.DataFrame(
        {
            "option": ["x"],
            "share_of_answered": [0.69],
            "lower": [0.51],
            "upper": [0.77],
            "ci_low": [0.42],
            "ci_high": [0.84],
        }
    )
    fig, data = bounds_chart(frame, "option", "Percent")
    assert data.to_dict("records") == frame.to_dict("records")
    assert len(fig.axes[0].get_legend().get_texts()) == 3


def test_diverging_chart_centres_the_neutral_answer_and_labels_segments() -> None:
    options = ["None", "Fewer", "Same", "More", "Many more"]
    shares = pd.DataFrame([[0.0, 0.1, 0.2, 0.5, 0.2]], index=["VCO"], columns=options)
    fig, data = diverging_chart(shares, [-1, -1, 0, 1, 1], pd.Series({"VCO": 93}), "Percent")
    lefts = dict(zip(data["option"], data["left"]))
    assert lefts["Same"] == pytest.approx(-10.0)  # the neutral 20 % straddles zero
    assert lefts["Fewer"] == pytest.approx(-20.0)
    assert set(data["n"]) == {93}
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"10", "20", "50"} <= labels  # segments of 6 % or more carry their percent
    for patch in fig.axes[0].patches:
        assert to_hex(patch.get_edgecolor()) == "#ffffff" and patch.get_linewidth() >= 1  # borders between segments


def colours_used() -> list[str]:
    """Every colour a reader must tell apart in the survey charts."""
    return sorted(
        {c.upper() for c in charts.GAF_CATEGORICAL}
        | {c.upper() for n in (3, 4, 5, 6, 7) for c in charts.diverging(n)}
        | {BAR.upper()}
        | {colour.upper() for colour, _, _ in WHISKERS}
    )


@pytest.mark.parametrize("colour", colours_used())
def test_every_chart_colour_has_3_to_1_contrast_on_white(colour) -> None:
    # WCAG 2.2 success criterion 1.4.11, non-text contrast
    assert charts.contrast(colour, charts.BACKGROUND) >= 3.0


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7])
def test_adjacent_segments_of_an_ordered_scale_are_separated(n) -> None:
    colours = charts.diverging(n)
    for left, right in zip(colours, colours[1:]):
        # neighbours differ by 3:1, or are drawn with a white border between them
        assert charts.contrast(left, right) >= 3.0 or charts.SEGMENT_EDGE["edgecolor"] == charts.BACKGROUND


def test_whiskers_stand_out_on_the_bars_they_are_drawn_on() -> None:
    for colour, _, _ in WHISKERS[:2]:
        assert charts.contrast(colour, BAR) >= 3.0


def test_contrast_matches_the_wcag_definition() -> None:
    assert charts.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert charts.contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic grey on white
