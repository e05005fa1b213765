"""The coverage heatmap and the scrolling table."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from helpers.frameworks.figures import (
    COVERED,
    HATCH,
    coverage_heatmap,
    differing_cells,
    heatmap_alt,
    scroll_figure_data,
    scroll_table,
)

MATRIX = pd.DataFrame({"A": [2, 0], "B": [1, 1]}, index=["Needs", "Buying"])
OTHER = pd.DataFrame({"A": [1, 1], "B": [1, 1]}, index=["Needs", "Buying"])


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_cell_is_annotated_and_covered_is_told_from_white_at_3_to_1():
    fig = coverage_heatmap({"author": MATRIX})
    texts = [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)
    assert sorted(texts) == ["0", "1", "1", "2"]
    assert (1.05) / (luminance(COVERED) + 0.05) >= 3


def test_one_panel_per_coder_and_differing_cells_hatched():
    differ = differing_cells({"author": MATRIX, "rules": OTHER})
    assert differ.to_numpy().tolist() == [[False, False], [True, False]]  # A's Buying: 0 for author, 1 for rules
    fig = coverage_heatmap({"author": MATRIX, "rules": OTHER})
    titles = [ax.get_title() for ax in fig.axes]
    hatched = [p for ax in fig.axes for p in ax.patches if p.get_hatch()]
    plt.close(fig)
    assert titles == ["author", "rules"]
    assert len(hatched) == 2  # the one differing cell, on each panel
    assert all(p.get_edgecolor()[:3] == tuple(int(HATCH[i : i + 2], 16) / 255 for i in (1, 3, 5)) for p in hatched)


def test_alt_text_states_the_message_per_coder():
    alt = heatmap_alt({"author": MATRIX, "rules": OTHER}, ["Needs"], [])
    assert "covered by every source: Needs" in alt and "in no source's extracted lists: none" in alt
    assert ". In the coding by author, B covers the most (2 of 2), A the fewest (1); in the coding by rules," in alt
    assert "hatched where the coders differ: 1 cell." in alt


def test_scroll_table_is_a_focusable_named_region():
    html = scroll_table(MATRIX.reset_index(), "Items <per> stage")
    assert 'role="region"' in html and 'tabindex="0"' in html and "overflow-x:auto" in html
    assert 'aria-label="Items &lt;per&gt; stage"' in html


def test_chart_data_table_scrolls_in_its_own_box():
    figure = '<figure><img alt="x"><details><table class="t"><tr><td>1</td></tr></table></details></figure>'
    wrapped = scroll_figure_data(figure, "Data")
    assert wrapped.startswith('<figure><img alt="x"><details><div class="workbench-scroll"')
    assert wrapped.endswith("</table>\n</div></details></figure>")
    assert scroll_figure_data("<p>no table</p>", "Data") == "<p>no table</p>"
