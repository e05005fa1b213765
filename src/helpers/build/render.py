"""Reports for reviewers: executed notebooks rendered to self-contained, accessible HTML.

The reviewer's page hides the code (a "Show the code" switch reveals it, and the executed
notebook sits beside it),
embeds its figures, opens with a table of contents and closes with a provenance footer (commit,
parameters, data hashes, package versions). Nothing is loaded from anywhere: a Content-Security-Policy
on every page says so, and lets run only the template's own scripts, by hash. The output is
byte-identical for the same inputs.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import string
import threading
from pathlib import Path

_EMPTY_SCRIPTS = re.compile(r'<script src="">\s*</script>\n?')
_MATHJAX = re.compile(r'<script type="text/x-mathjax-config">.*?</script>\n?', re.S)
_HEADING = re.compile(r'<h([1-3])\s+id="([^"]+)"[^>]*>(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h\1>', re.S)
_TAGS = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_CHARSET = re.compile(r'<meta charset="utf-8"\s*/?>\n?', re.I)
_JS_TYPES = {"", "module", "text/javascript", "application/javascript"}

# The Content-Security-Policy of every page the build writes: nothing is loaded from anywhere
# (figures are embedded as data: URLs), styles are the page's own, and the only scripts that run
# are those the page template itself puts in <head>, each allowed by its SHA-256. A script or an
# event handler that reached a page from data would not run.
POLICY = (
    "default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)

# Added to every report's <head>: no favicon request, contrast-safe code colours, the code switch.
TEMPLATES = Path(__file__).parent / "templates"
EXTRA_CSS = "\n" + (TEMPLATES / "report_head.html").read_text(encoding="utf-8")


_EXPORTERS: list = []
_HIGHLIGHTED: dict = {}  # code cells coloured by Pygments, by source, lexer and options (see _exporter_class)
_EXPORTER_LOCK = threading.Lock()  # an exporter is not thread-safe; rendering holds the GIL anyway


def _exporter():
    """One configured exporter per process (building one loads and compiles the templates)."""
    if not _EXPORTERS:
        _EXPORTERS.append(_new_exporter())
    return _EXPORTERS[0]


def warm_up() -> None:
    """Build the exporter and load what a first render loads (lexer, sanitiser, parser) ahead of it.

    The build calls this while its kernels start, so the first report does not wait for it.
    """
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    cell = new_code_cell("x = 1", outputs=[new_output("display_data", {"text/html": "<p>x</p>", "text/plain": "x"})])
    # The notebooks' own lexer (IPython 3): Pygments compiles each lexer's patterns on its first use.
    language = {"name": "python", "pygments_lexer": "ipython3", "codemirror_mode": {"name": "ipython", "version": 3}}
    nb = new_notebook(cells=[new_markdown_cell("# Warm-up"), cell], metadata={"language_info": language})
    with _EXPORTER_LOCK:
        _exporter().from_notebook_node(nb)


# The lab template, less one step: it passes Pygments' highlighted code through bleach, which
# changes nothing (Pygments escapes the code it colours) and took a third of each render.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block input %}
<div class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor" data-type="inline">
     <div class="cm-editor cm-s-jupyter">
{{ cell.source | highlight_code(metadata=cell.metadata) }}
     </div>
</div>
{%- endblock input %}
"""


def _new_exporter(template: str = TEMPLATE, exporter_class=None):
    exporter = (exporter_class or _exporter_class())(
        template_name="lab",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        mathjax_url="",
        require_js_url="",
        jquery_url="",
        mermaid_js_url="",
        mermaid_layout_elk_js_url="",
        widget_renderer_url="",
        jupyter_widgets_base_url="",
        anchor_link_text="",
        optimistic_validation=True,  # the notebook checked once after the preprocessors, not after each
    )
    exporter.raw_template = template  # "" keeps nbconvert's lab template as it is
    exporter.register_preprocessor(_tag_remover(), enabled=True)
    return exporter


def _exporter_class():
    """nbconvert's HTMLExporter, whose closing BeautifulSoup pass is made by markup.normalise where it can.

    The page is the same to the byte (tests/unit/build/test_render.py, test_markup.py); the pass took
    most of a page's render.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    from .markup import finish

    class Highlight(Highlight2HTML):
        """Each distinct code cell coloured once per process: a sweep's reports share their code."""

        def __call__(self, source, language=None, metadata=None):
            magics = metadata.get("magics_language") if metadata else None  # all the colouring reads of it
            key = (self.pygments_lexer, repr(self.extra_formatter_options), source, language, magics)
            if key not in _HIGHLIGHTED:
                if len(_HIGHLIGHTED) > 5000:
                    _HIGHLIGHTED.clear()
                _HIGHLIGHTED[key] = super().__call__(source, language, metadata)
            return _HIGHLIGHTED[key]

    class Exporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node (nbconvert 7.17) up to its BeautifulSoup pass
            info = nb.metadata.get("language_info", {})
            lexer = info.get("pygments_lexer", info.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", data_type)
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            page, missing_alt = finish(page)
            if missing_alt:
                self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
            return page, resources

    Exporter.Highlight = Highlight
    return Exporter


def colour_ahead(notebooks: list[Path]) -> None:
    """Colour the notebooks' code cells now, into the cache their pages will read (see _exporter_class).

    The build runs this beside the fork server's start, when the build process has nothing else
    to do: most of a page's render is Pygments colouring the (hidden) code, and the code is the
    notebook's own, papermill's injected cell aside (the page drops that one).
    """
    exporter = _exporter()
    for path in dict.fromkeys(notebooks):
        try:
            nb = json.loads(Path(path).read_text(encoding="utf-8"))
            info = nb.get("metadata", {}).get("language_info", {})
            highlight = exporter.Highlight(pygments_lexer=info.get("pygments_lexer", info.get("name")), parent=exporter)
            for cell in nb["cells"]:
                if cell.get("cell_type") == "code":
                    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                    highlight(source, metadata=cell.get("metadata"))
        except Exception:  # noqa: BLE001  (only a head start: a page colours what is missing as it renders)
            continue


def _tag_remover():
    from nbconvert.preprocessors import TagRemovePreprocessor

    return TagRemovePreprocessor(remove_cell_tags={"injected-parameters", "remove-cell"}, enabled=True)


def table_of_contents(body: str) -> str:
    """A nav list of the page's h2 and h3 headings (the h1 is the title)."""
    items = []
    for level, anchor, text in _HEADING.findall(body):
        if level == "1":
            continue
        label = html.escape(html.unescape(_TAGS.sub("", text)).strip())
        indent = ' style="margin-left:1.5rem"' if level == "3" else ""
        items.append(f'<li{indent}><a href="#{anchor}">{label}</a></li>')
    if not items:
        return ""
    return (
        '<nav class="workbench-nav" aria-label="Contents"><h2 id="contents">Contents</h2>\n<ul>\n'
        + "\n".join(items)
        + "\n</ul></nav>\n"
    )


def insert_after_title(body: str, block: str) -> str:
    """Put a block after the cell holding the page's h1 (or at the start of <main>)."""
    title = body.find("<h1")
    cell = body.find('<div class="jp-Cell jp-', title) if title >= 0 else -1
    if cell >= 0:
        return body[:cell] + block + body[cell:]
    return body.replace("<main>", "<main>\n" + block, 1)


def provenance_footer(provenance: dict, links: dict[str, str]) -> str:
    """The footer: where the report came from, as a table a reviewer can read."""

    def rows(mapping: dict) -> str:
        return "\n".join(
            f'<tr><th scope="row">{html.escape(str(k))}</th><td><code>{html.escape(str(v))}</code></td></tr>'
            for k, v in mapping.items()
        )

    link_html = " · ".join(f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for label, href in links.items())
    return (
        '<footer class="workbench-footer">\n<h2 id="provenance">Provenance</h2>\n'
        f"<p>{link_html}</p>\n"
        f"<p>Built from commit <code>{html.escape(provenance['commit'])}</code> "
        "by <code>python -m helpers.build</code>.</p>\n"
        "<table><caption>Parameters</caption>\n" + rows(provenance["parameters"]) + "\n</table>\n"
        "<table><caption>Data files read (SHA-256)</caption>\n" + rows(provenance["data"]) + "\n</table>\n"
        "<table><caption>Package versions</caption>\n" + rows(provenance["packages"]) + "\n</table>\n"
        "</footer>\n"
    )


TOGGLE = (
    '<p class="workbench-toggle"><input type="checkbox" id="workbench-show-code"> '
    '<label for="workbench-show-code">Show the code behind each result</label></p>\n'
)


def render_html(nb, title: str, provenance: dict, links: dict[str, str], hide_code: bool = True) -> str:
    """One executed notebook as a self-contained HTML page.

    With `hide_code`, the code is in the page but hidden until the reader ticks "Show the code"
    (CSS only, no script): one render serves both readers.
    """
    nb = nb.copy()
    nb.metadata["title"] = title
    with _EXPORTER_LOCK:
        body, _ = _exporter().from_notebook_node(nb)
    body = _EMPTY_SCRIPTS.sub("", body)
    body = _MATHJAX.sub("", body)
    body = body.replace("</head>", EXTRA_CSS + "</head>", 1)
    toc = table_of_contents(body)
    body = insert_after_title(body, (TOGGLE if hide_code else "") + toc)
    body = (
        body.replace("</main>", "</main>\n" + provenance_footer(provenance, links), 1)
        if "</main>" in body
        else body.replace("</body>", provenance_footer(provenance, links) + "</body>", 1)
    )
    return with_policy(body)


def template_scripts(page: str) -> list[str]:
    """The 'sha256-...' source of each inline script the page's <head> holds (the template's own)."""
    head = page[: page.find("</head>")] if "</head>" in page else ""
    sources = []
    for attributes, body in _SCRIPT.findall(head):
        kind = re.search(r'type\s*=\s*"([^"]*)"', attributes)
        if (kind.group(1).strip().lower() if kind else "") in _JS_TYPES:
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
            sources.append(f"'sha256-{digest}'")
    return sorted(set(sources))


def policy_meta(page: str) -> str:
    """The CSP <meta> line for a page, allowing only its template's own inline scripts."""
    scripts = " ".join(template_scripts(page)) or "'none'"
    return f'<meta http-equiv="Content-Security-Policy" content="{POLICY.format(scripts=scripts)}">\n'


def with_policy(page: str) -> str:
    """The page with its CSP as the line after <meta charset> (before any script it governs)."""
    found = _CHARSET.search(page)
    if found is None:
        raise ValueError('a page without <meta charset="utf-8"> cannot take its policy first')
    return (
        page[: found.end()] + ("" if found.group(0).endswith("\n") else "\n") + policy_meta(page) + page[found.end() :]
    )


def _template(name: str) -> string.Template:
    return string.Template((TEMPLATES / name).read_text(encoding="utf-8"))


def index_page(entries: list[dict], commit: str) -> str:
    """reports/index.html: every report, grouped by analysis, with its status and parameters.

    The page is templates/index.html, one templates/index_group.html per group and one
    templates/index_row.html per report; every value is escaped here.
    """
    page, group_html, row_html = (_template(n) for n in ("index.html", "index_group.html", "index_row.html"))
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        groups.setdefault(entry["group"], []).append(entry)
    parts = []
    for group, items in groups.items():
        rows = "".join(row_html.substitute(_index_row(e)) for e in items)
        parts.append(group_html.substitute(group=html.escape(group), rows=rows))
    return with_policy(page.substitute(commit=html.escape(commit), groups="".join(parts)))


def _index_row(e: dict) -> dict[str, str]:
    title = html.escape(e["title"])
    return {
        "report": f'<a href="{html.escape(e["output"])}/index.html">{title}</a>'
        if e["available"]
        else f"{title} (not built yet)",
        "description": f"<br>{html.escape(e['description'])}" if e["description"] else "",
        "status_class": ' class="failed"' if e["status"].startswith("failed") else "",
        "status": html.escape(e["status"]),
        "parameters": "<br>".join(
            f"{html.escape(str(k))} = <code>{html.escape(str(v))}</code>" for k, v in e["parameters"].items()
        ),
    }
