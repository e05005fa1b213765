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
HATCH = "#F46A25"  # the Government Analysis Function's orange: hatching where the coders differ


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(label), width, break_long_words=False)) or str(label)


def differing_cells(matrices: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """True where the coders' matrices disagree on covered (> 0) or not: the cells the heatmap hatches."""
    first = next(iter(matrices.values()))
    covered = [m.reindex(index=first.index, columns=first.columns).to_numpy() > 0 for m in matrices.values()]
    differ = np.zeros(first.shape, dtype=bool)
    for other in covered[1:]:
        differ |= other != covered[0]
    return pd.DataFrame(differ, index=first.index, columns=first.columns)


def _panel(ax, matrix: pd.DataFrame, differ: pd.DataFrame, coder: str, labels: bool) -> None:
    values = matrix.to_numpy(dtype=float)
    rows, cols = values.shape
    cmap = ListedColormap([NOT_COVERED, COVERED])
    ax.imshow(values > 0, cmap=cmap, norm=BoundaryNorm([-0.5, 0.5, 1.5], 2), aspect="auto")
    for (r, c), v in np.ndenumerate(values):
        if differ.iat[r, c]:
            ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///", edgecolor=HATCH, lw=0))
        ax.text(c, r, f"{int(v)}", ha="center", va="center", fontsize=9, color="white" if v > 0 else "black")
    ax.set_xticks(np.arange(cols), [_wrap(s, 12) for s in matrix.columns], fontsize=8)
    ax.set_yticks(np.arange(rows), [_wrap(s, 42) for s in matrix.index] if labels else [], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_xticks(np.arange(-0.5, cols), minor=True)
    ax.set_yticks(np.arange(-0.5, rows), minor=True)
    ax.grid(which="minor", color=GRID, linewidth=0.8)
    ax.tick_params(which="both", length=0)
    ax.set_title(coder, fontsize=9, pad=34)
    for spine in ax.spines.values():
        spine.set_visible(False)


def coverage_heatmap(matrices: dict[str, pd.DataFrame], title: str | None = None) -> plt.Figure:
    """One panel per coder (stages as rows, sources as columns, items in every cell); differing cells hatched."""
    differ = differing_cells(matrices)
    first = next(iter(matrices.values()))
    rows, cols = first.shape
    fig, axes = plt.subplots(
        1, len(matrices), figsize=(1.2 * cols * len(matrices) + 3.6, 0.42 * rows + 2.0), squeeze=False
    )
    for k, (ax, (coder, matrix)) in enumerate(zip(axes[0], matrices.items())):
        _panel(ax, matrix, differ, coder, labels=k == 0)
    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=COVERED, edgecolor=GRID, label="covered (items coded there)"),
        plt.Rectangle((0, 0), 1, 1, facecolor=NOT_COVERED, edgecolor=GRID, label="not in the extracted lists (0)"),
        plt.Rectangle((0, 0), 1, 1, facecolor=NOT_COVERED, edgecolor=HATCH, hatch="///", label="the coders differ"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
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


def heatmap_alt(matrices: dict[str, pd.DataFrame], every: list[str], none: list[str], level: str = "sub-stage") -> str:
    """The heatmap's message in words: who covers most and fewest per coder, what every source covers, what none."""
    from ..present.wording import count, join
    from .coverage import most_and_fewest

    first = next(iter(matrices.values()))
    differ = count(int(differing_cells(matrices).to_numpy().sum()), "cell")
    per_coder = []
    for coder, matrix in matrices.items():
        most, k_most, fewest, k_fewest = most_and_fewest(matrix)
        per_coder.append(
            f"{'in' if per_coder else 'In'} the coding by {coder}, {most} covers the most ({k_most} of {len(matrix)}), "
            f"{fewest} the fewest ({k_fewest})"
        )
    return (
        f"Heatmap of {len(first)} {level}s of the commissioning frame by {first.shape[1]} sources, one panel per "
        f"coder, with the number of items of the sources' extracted lists in every cell; hatched where the coders "
        f"differ: {differ}. In the first coder's coding, covered by every source: {join(every, none='none')}; "
        f"in no source's extracted lists: {join(none, none='none')}. " + "; ".join(per_coder) + "."
    )
