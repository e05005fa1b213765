"""Wide content that scrolls inside its own box, so a page never scrolls sideways (WCAG 2.2, 1.4.10).

A table wider than a phone's screen is wrapped in a focusable, labelled region with
`overflow-x: auto`: the reader scrolls the table, keyboard users can reach it, and the page
keeps its width at 320 CSS pixels.
"""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import HTML

from .display import escape, table

_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.DOTALL)


def scrolling(html: str, label: str = "Table") -> str:
    """Every <table> of an HTML fragment inside a region that scrolls sideways on its own.

    >>> print(scrolling("<p>x</p><table><caption>Shares</caption></table>").replace("><", ">\\n<"))
    <p>x</p>
    <div class="workbench-scroll" role="region" tabindex="0" aria-label="Shares" style="overflow-x:auto;max-width:100%">
    <table>
    <caption>Shares</caption>
    </table>
    </div>
    """

    def wrap(match: re.Match) -> str:
        caption = _CAPTION.search(match.group(0))
        name = re.sub(r"<[^>]+>", "", caption.group(1)) if caption else escape(label)
        return (
            f'<div class="workbench-scroll" role="region" tabindex="0" aria-label="{name}" '
            f'style="overflow-x:auto;max-width:100%">{match.group(0)}</div>'
        )

    return _TABLE.sub(wrap, html)


def scroll_table(
    frame: pd.DataFrame, caption: str | None = None, index: bool = False, float_format: str = "{:.3f}"
) -> HTML:
    """`display.table` in a box of its own that scrolls sideways when the table is wider than the page."""
    return HTML(scrolling(table(frame, caption, index=index, float_format=float_format).data, caption or "Table"))


def scroll_figure(figure: HTML, label: str = "Data behind this chart") -> HTML:
    """A chart's HTML (from charts.save_chart) with its data table in a box that scrolls on its own."""
    return HTML(scrolling(figure.data, label))


def details(summary: str, items: list[str]) -> HTML:
    """A closed <details> block: a one-line summary, and a list a reader opens with one click."""
    listed = "".join(f"<li>{escape(item)}</li>" for item in items)
    return HTML(f"<details><summary>{escape(summary)}</summary>\n<ul>{listed}</ul>\n</details>")


def details_table(summary: str, frame: pd.DataFrame, caption: str, float_format: str = "{:.1f}") -> HTML:
    """A closed <details> block holding a table (in its own scrolling box)."""
    inner = scroll_table(frame, caption, float_format=float_format).data
    return HTML(f"<details><summary>{escape(summary)}</summary>\n{inner}\n</details>")
