"""Wide tables scroll inside their own box, and that box is reachable and named."""

from __future__ import annotations

import pandas as pd

from helpers.present.layout import details, details_table, scroll_table


def test_a_table_scrolls_inside_a_labelled_focusable_region() -> None:
    html = scroll_table(pd.DataFrame({"a": [1]}), caption="Shares <by> option").data
    assert html.startswith('<div class="workbench-scroll" role="region" tabindex="0"')
    assert 'aria-label="Shares &lt;by&gt; option"' in html
    assert "overflow-x:auto" in html and html.rstrip().endswith("</table></div>")


def test_details_are_closed_and_escape_their_text() -> None:
    html = details("How", ["<b>x</b>"]).data
    assert html.startswith("<details><summary>How</summary>") and "&lt;b&gt;x&lt;/b&gt;" in html
    inner = details_table("Alternatives", pd.DataFrame({"a": [1.25]}), "Caption").data
    assert "<details>" in inner and 'role="region"' in inner and "1.2" in inner
