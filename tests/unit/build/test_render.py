"""The reviewer's page: our exporter writes nbconvert's lab page to the byte, and code stays text."""

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


def rich_notebook():
    """Markup nbconvert's pass rewrites: entities, quotes, void tags, blank text, a table, an image without alt."""
    table = '<table class="dataframe"><tr><th>&#163;</th></tr><tr><td>a &amp; b</td></tr></table><br>'
    outputs = [
        new_output("display_data", {"text/html": table + '<img src="data:image/png;base64,AA==">', "text/plain": "t"}),
        new_output("display_data", {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
        new_output("execute_result", {"text/plain": "'quoted' \"both\" <tag> & more"}, execution_count=2),
    ]
    return new_notebook(
        cells=[
            new_markdown_cell("# Title &amp; more\n\nText with <b>bold</b>, \"quotes\" and 'apostrophes'.\n\n<br>\n"),
            new_code_cell("x = '<p>' if 1 < 2 else \"&\"\nx", outputs=outputs, execution_count=2),
            notebook().cells[1],
        ],
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
    )


def stock_page(nb) -> str:
    """The page as nbconvert's own HTMLExporter writes it (its BeautifulSoup pass included)."""
    from nbconvert import HTMLExporter

    return render._new_exporter(template="", exporter_class=HTMLExporter).from_notebook_node(nb)[0]


def test_our_exporter_writes_nbconvert_s_page_to_the_byte() -> None:
    """Its closing pass, made by markup.normalise instead of BeautifulSoup, changes nothing."""
    for nb in (notebook(), rich_notebook()):
        assert render._new_exporter().from_notebook_node(nb)[0] == stock_page(nb)


def test_the_committed_notebooks_render_as_nbconvert_renders_them_without_beautifulsoup(monkeypatch) -> None:
    import nbformat

    from helpers.build import markup
    from helpers.core import paths

    scans = []
    scan = markup.normalise
    monkeypatch.setattr(markup, "normalise", lambda page: scans.append(scan(page)) or scans[-1])
    stored = sorted(paths.NOTEBOOKS.glob("0*.ipynb"))  # the analyses, with their stored outputs
    assert len(stored) >= 7
    for path in stored:
        nb = nbformat.read(path, as_version=4)
        assert render._new_exporter().from_notebook_node(nb)[0] == stock_page(nb), path.name
    assert len(scans) == len(stored) and None not in scans  # every page took the fast path


def test_colouring_ahead_colours_every_code_cell_a_page_shows() -> None:
    """The build colours the notebooks' code while the kernels start; rendering then colours nothing more."""
    import nbformat

    from helpers.core import paths

    stored = sorted(paths.NOTEBOOKS.glob("0*.ipynb"))
    render._HIGHLIGHTED.clear()
    render.colour_ahead(stored)
    coloured = dict(render._HIGHLIGHTED)
    assert len(coloured) > 50
    for path in stored:
        render.render_html(nbformat.read(path, as_version=4), "T", PROVENANCE, {})
    assert coloured == render._HIGHLIGHTED  # no cell coloured again, none added
