"""The reviewer's page: the trimmed template renders as nbconvert's lab template does, code stays text."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.build import render

PROVENANCE = {"commit": "abc", "parameters": {"p": 1}, "data": {"d.csv": "00"}, "packages": {"python": "3"}}


def notebook():
    code = 'html = "<script>alert(1)</script><img src=x onerror=alert(2)>"  # markup in code\nprint(html)'
    out = new_output("stream", name="stdout", text="<b>not bold</b>\n")
    nb = new_notebook(
        cells=[new_markdown_cell("# Title\n\n## Part"), new_code_cell(code, outputs=[out], execution_count=1)],
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
    )
    return nb


def test_trimmed_template_gives_the_lab_templates_page() -> None:
    """Dropping bleach from the code cells (see render.TEMPLATE) must not change a byte of the page."""
    nb = notebook()
    ours, _ = render._new_exporter().from_notebook_node(nb)
    stock, _ = render._new_exporter(template="").from_notebook_node(nb)
    assert "highlight" in ours and ours == stock


def test_code_and_output_markup_render_as_text() -> None:
    page = render.render_html(notebook(), "T", PROVENANCE, {})
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;not bold&lt;/b&gt;" in page
    assert 'id="workbench-show-code"' in page and "Provenance" in page
