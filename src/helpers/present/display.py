"""What notebooks show: prose built from variables, tables, and charts with alt text and data.

Text that comes from data (option labels, wordings, excerpts) is escaped before it reaches a
report, for HTML everywhere and for Markdown too in prose, so it always renders as text, never as
markup, a link or an image.
"""

from __future__ import annotations

import base64
import html
import re

import pandas as pd
from IPython.display import HTML, Markdown

# Markdown's markup characters. An underscore between two letters or digits never marks emphasis
# (so file names such as 001_fb.txt stay as written); one elsewhere can, and is escaped. The colon
# of "://" is escaped so that a bare address is not turned into a link.
_MD_SPECIAL = re.compile(r"[\\`*\[\]~|#]|(?<![^\W_])_|_(?![^\W_])|:(?=//)")


def escape(value) -> str:
    """Text from data made inert for HTML (tables, captions, attributes).

    >>> escape("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    return html.escape(str(value), quote=True)


def md_escape(value) -> str:
    """Text from data made inert for Markdown and HTML: no link, image, emphasis or tag survives.

    >>> md_escape("mix [click](javascript:alert(1)) ![x](http://h/t.png) <b>")
    'mix \\\\[click\\\\](javascript:alert(1)) !\\\\[x\\\\](http\\\\://h/t.png) &lt;b&gt;'
    """
    return html.escape(_MD_SPECIAL.sub(lambda m: "\\" + m.group(0), str(value)), quote=True)


class Safe(str):
    """Markdown already made inert by `strong`, `code` or `md_join`: `md` inserts it as it is."""


def strong(value) -> Safe:
    """Text from data in bold, escaped: `md("{x}", x=strong(name))` shows the name bold, never `**`."""
    return Safe(f"**{md_escape(value)}**")


def code(value) -> Safe:
    """Text from data as inline code (a file or code name), escaped as HTML so no backtick shows.

    >>> code("a`<b>")
    '<code>a`&lt;b&gt;</code>'
    """
    return Safe(f"<code>{escape(value)}</code>")


def md_join(items, sep: str = ", ", last: str | None = None) -> Safe:
    """Items in prose, each escaped unless already `Safe`: "a, b and c" with last="and".

    >>> md_join([strong("report"), "x*y"], last="and")
    '**report** and x\\\\*y'
    """
    parts = [i if isinstance(i, Safe) else md_escape(i) for i in items]
    if last and len(parts) > 1:
        return Safe(f"{sep.join(parts[:-1])} {last} {parts[-1]}")
    return Safe(sep.join(parts))


def prose(value) -> Safe:
    """Text from a trusted-layout file (the assumptions log) escaped, its `code` spans kept as code.

    >>> prose("see `a_b.csv` *now* <i>")
    'see <code>a_b.csv</code> \\\\*now\\\\* &lt;i&gt;'
    """
    parts = str(value).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: nothing is code
        return Safe(md_escape(value))
    return Safe("".join(code(p) if i % 2 else md_escape(p) for i, p in enumerate(parts)))


def md(template: str, **values) -> Markdown:
    """Markdown prose whose numbers and labels come from variables, escaped (`Safe` values as they are).

    >>> md("**{n}** councils said *{label}*", n=84, label="Yes <b>").data
    '**84** councils said *Yes &lt;b&gt;*'
    """
    safe = {k: v if isinstance(v, (int, float, Safe)) else md_escape(v) for k, v in values.items()}
    return Markdown(template.format(**safe))


def table(frame: pd.DataFrame, caption: str | None = None, index: bool = False, float_format: str = "{:.3f}") -> HTML:
    """A table as accessible HTML: header cells, a caption, cell text escaped."""
    frame = frame.rename_axis(index=None, columns=None) if not index else frame.rename_axis(columns=None)
    frame = frame.astype(object).where(frame.notna(), "")
    # Cell text escaped here with its line breaks kept as <br> (pandas would print a literal "\n"); html.escape
    # without quotes escapes what pandas itself escapes, so other tables stay as they were.
    frame = frame.map(_cell).rename(columns=lambda c: html.escape(str(c), quote=False))
    if index:
        frame = frame.rename(index=_cell)
    body = frame.to_html(
        index=index,
        escape=False,
        border=0,
        na_rep="",
        float_format=float_format.format,
        classes="dataframe workbench-table",
    )
    if caption:
        body = body.replace(">\n  <thead>", f">\n  <caption>{escape(caption)}</caption>\n  <thead>", 1)
    return HTML(body)


def _cell(value):
    return html.escape(value, quote=False).replace("\n", "<br>") if isinstance(value, str) else value


def figure_html(png: bytes, alt: str, caption: str, data: pd.DataFrame, data_file: str | None = None) -> str:
    """An embedded chart: the image with its alt text, a caption, and its data one click away."""
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    data_table = data.to_html(index=False, escape=True, border=0, na_rep="", classes="dataframe workbench-table")
    link = f'<p>Download: <a href="{escape(data_file)}">{escape(data_file)}</a></p>\n' if data_file else ""
    return (
        f'<figure class="workbench-figure">\n<img src="{src}" alt="{escape(alt)}" style="max-width:100%">\n'
        f"<figcaption>{escape(caption)}</figcaption>\n"
        f"<details><summary>Data behind this chart</summary>\n{link}{data_table}\n</details>\n</figure>"
    )
