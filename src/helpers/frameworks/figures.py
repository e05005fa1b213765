"""The coverage heatmap and wide tables for the report.

The heatmap tells "covered" from "not covered" by colour and by the number written in every
cell, so colour is never the only channel: covered cells are the Government Analysis Function's dark blue
(#12436D, 10.2:1 against white) with white numbers, uncovered cells white with black numbers, all outlined in a
grey with 4.5:1 contrast against white. Wide tables scroll inside their own box, so the page
never scrolls sideways on a narrow screen.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap

from ..present.charts import GAF_CATEGORICAL
from ..present.display import escape, table

COVERED = GAF_CATEGORICAL[0]
NOT_COVERED = "#FFFFFF"
GRID = "#767676"


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(label), width, break_long_words=False)) or str(label)


def coverage_heatmap(matrix: pd.DataFrame, title: str | None = None) -> plt.Figure:
    """Stages as rows, sources as columns, the count of items in every cell."""
    values = matrix.to_numpy(dtype=float)
    rows, cols = values.shape
    fig, ax = plt.subplots(figsize=(1.3 * cols + 3.6, 0.42 * rows + 1.6))
    cmap = ListedColormap([NOT_COVERED, COVERED])
    ax.imshow(values > 0, cmap=cmap, norm=BoundaryNorm([-0.5, 0.5, 1.5], 2), aspect="auto")
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{int(v)}", ha="center", va="center", fontsize=9, color="white" if v > 0 else "black")
    ax.set_xticks(np.arange(cols), [_wrap(s, 12) for s in matrix.columns], fontsize=8)
    ax.set_yticks(np.arange(rows), [_wrap(s, 42) for s in matrix.index], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_xticks(np.arange(-0.5, cols), minor=True)
    ax.set_yticks(np.arange(-0.5, rows), minor=True)
    ax.grid(which="minor", color=GRID, linewidth=0.8)
    ax.tick_params(which="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=COVERED, edgecolor=GRID, label="covered (items coded there)"),
        plt.Rectangle((0, 0), 1, 1, facecolor=NOT_COVERED, edgecolor=GRID, label="not covered (0 items)"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), ncol=2, fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10, pad=28)
    fig.tight_layout()
    return fig


def scroll_box(html: str, label: str) -> str:
    """HTML in a box that scrolls sideways on its own: a named region, reachable by keyboard."""
    return (
        f'<div class="workbench-scroll" role="region" aria-label="{escape(label)}" tabindex="0" '
        f'style="overflow-x:auto;max-width:100%">\n{html}\n</div>'
    )


def scroll_table(frame: pd.DataFrame, caption: str) -> str:
    """A table (see present.display.table) in its own sideways-scrolling box."""
    return scroll_box(table(frame, caption=caption).data, caption)


def scroll_figure_data(figure: str, label: str) -> str:
    """A chart's HTML (see present.charts.save_chart) with its data table in its own sideways-scrolling box."""
    start, end = figure.find("<table"), figure.rfind("</table>")
    if start < 0 or end < 0:
        return figure
    end += len("</table>")
    return figure[:start] + scroll_box(figure[start:end], label) + figure[end:]


def heatmap_alt(matrix: pd.DataFrame, every: list[str], none: list[str], level: str = "sub-stage") -> str:
    """The heatmap's message in words: what every source covers, what none does, who covers most and fewest."""
    from .coverage import describe, most_and_fewest

    most, k_most, fewest, k_fewest = most_and_fewest(matrix)
    return (
        f"Heatmap of {len(matrix)} {level}s of the commissioning cycle by {matrix.shape[1]} sources, "
        f"with the number of items in every cell. Covered by every source: {describe(every)}. "
        f"Covered by no source: {describe(none)}. {most} covers the most {level}s ({k_most} of {len(matrix)}), "
        f"{fewest} the fewest ({k_fewest})."
    )
