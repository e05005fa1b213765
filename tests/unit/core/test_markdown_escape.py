"""Text from data reaches Markdown prose inert: no link, image, emphasis or tag of its own."""

from __future__ import annotations

import pytest

from helpers.present.display import md, md_escape

LABEL = "Fairly even mix [click](javascript:alert(1)) ![x](http://127.0.0.1:9/t.png)"


def rendered(markdown: str) -> str:
    """The HTML nbconvert makes of a Markdown output (as in the reports)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown)


def test_a_label_with_a_link_and_an_image_renders_as_text() -> None:
    page = rendered(md("Councils said *{label}*.", label=LABEL).data)
    assert "<a " not in page and "<img" not in page and "href" not in page
    assert "[click](javascript:alert(1))" in page and "![x](http://127.0.0.1:9/t.png)" in page


@pytest.mark.parametrize(
    "text, tag",
    [("**bold**", "<strong>"), ("_em_", "<em>"), ("`code`", "<code>"), ("~~gone~~", "<del>"), ("<b>x</b>", "<b>")],
)
def test_markup_in_data_renders_literally(text: str, tag: str) -> None:
    page = rendered(md("Label: {value}", value=text).data)
    assert tag not in page


def test_names_with_underscores_inside_words_are_left_as_written() -> None:
    """An underscore between letters or digits marks nothing, so committed outputs keep file names as they are."""
    assert md_escape("001_fb2212892cae5d2c.txt agresti_coull") == "001_fb2212892cae5d2c.txt agresti_coull"
