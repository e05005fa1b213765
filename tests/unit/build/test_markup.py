"""markup.normalise gives what nbconvert's BeautifulSoup pass gives, to the byte, or None (then BeautifulSoup runs)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.build.markup import finish, normalise, soup_pass

# Each is handled by the scan, and must come out as BeautifulSoup writes it.
HANDLED = [
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">\n<title>A &amp; B&#39;s</title></head></html>',
    '<div   class=" b  a "  id=x-1 data-v="1">t</div>'.replace("id=x-1", 'id="x-1"'),
    "<p>&lt;script&gt; &amp; &quot;q&quot; &#x27;s&#x27; &#8869; &#128512; &#150; &nbsp; &eacute;</p>",
    '<p a=\'say "hi"\' b="it\'s" c=\'both "&#39;\' d="&lt;&amp;&gt;" e>x</p>',
    '<br><br/><img src="data:image/png;base64,AA=="><hr /><input checked>',
    '<div/><span/><P>Upper</P><DIV CLASS="Y">z</DIV>',
    "<pre>\n\n  </pre><div>\n\n  </div><div>  </div><textarea> </textarea><p>\t</p>",
    "<script>if (a < b && c > d) { x = '</div>' + \"&amp;\"; }</script><style> p > a { } </style>",
    '<script src=""> </script><script>\n</script><style></style>',
    "<!-- a comment & <b> --><!----><!-- --><p>x<!--\n--></p>",
    '<div class="jp-Notebook"><div class="jp-Cell-inputWrapper" tabindex="5">i</div>'
    '<div class="a jp-OutputArea-output">o</div><span class="jp-Cell-inputWrapper">s</span></div>'
    '<div class="jp-Cell-inputWrapper">outside</div><div class="jp-Notebook jp-Cell-inputWrapper">self</div>',
    '<img alt="x"><img><img src="a.png"><img alt="">',
    '<a rel=" nofollow  noopener " href="?a=1&amp;b=2&c">l</a><td headers=" h1  h2 ">c</td>',
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    "<table><thead><tr><th>&#163;1</th></tr></thead><tbody><tr><td>2</td></tr></tbody></table>",
    "text only, with > and \u00a0 and \r\n line ends",
    "",
]

# Each is left to BeautifulSoup (the scan cannot be sure of writing it as BeautifulSoup does).
UNSURE = [
    "<div><p>unclosed</div>",
    "</p>stray end tag",
    "<p>a < b</p>",
    "<p>&unknown; &amp</p>",
    "<p>&#39a;</p>",
    "<?pi x?><p>x</p>",
    "<![CDATA[x]]>",
    "<p a=unquoted>x</p>",
    '<p a="1" a="2">dup</p>',
    "<script>var s = '</ script>';</script>",
    "<script>x<!-- y</script>",
    "<title>a <b>b</b></title>",
    "<iframe>x</iframe>",
    "<br></br>",
    '<div class="JP-NOTEBOOK">case</div>',
    '<meta charset="UTF-8">',
    '<meta http-equiv="Content-Type" content="text/html; charset=latin-1">',
    "<!-- a -- b -->",
    "<p>x",
]


@pytest.mark.parametrize("page", HANDLED)
def test_the_scan_writes_what_beautifulsoup_writes(page: str) -> None:
    assert normalise(page) == soup_pass(page)


@pytest.mark.parametrize("page", UNSURE)
def test_markup_the_scan_cannot_mirror_goes_to_beautifulsoup(page: str) -> None:
    assert normalise(page) is None
    assert finish(page) == soup_pass(page)


def test_images_without_alt_text_are_counted_and_given_nbconvert_s_words() -> None:
    page, missing = finish('<img src="a.png"><img alt="a chart">')
    assert missing == 1
    assert page == '<img alt="No description has been provided for this image" src="a.png"/><img alt="a chart"/>'


# Markup from a small grammar: well-formed pieces, and pieces that break the scan's rules.
_TEXT = st.sampled_from(["x", " ", "\n", "  \n ", "a&amp;b", "&lt;", "&#x27;", "&#163;", "&nbsp;", "<", "&", ">", "é"])
_ATTR = st.sampled_from(
    ["", ' class="a  b"', " class='jp-Notebook'", ' class="jp-Cell-inputWrapper x"', ' id="&quot;\'"', " checked"]
    + [' alt="t"', " tabindex='1'", ' data-x="a>b"', " a=b", ' src="s"', ' CLASS="jp-OutputArea-output"']
)
_TAG = st.sampled_from(["div", "span", "p", "pre", "img", "br", "script", "style", "title", "DIV", "td", "a"])


@st.composite
def _markup(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 9 if depth < 3 else 5))
        if choice <= 3:
            parts.append(draw(_TEXT))
        elif choice == 4:
            parts.append(
                draw(st.sampled_from(["<!-- c -->", "<!--\n-->", "</div>", "<br/>", "<div/>", "<!DOCTYPE html>"]))
            )
        elif choice == 5:
            parts.append(draw(_TAG).join(["<", draw(_ATTR) + ">"]))
        else:
            tag = draw(_TAG)
            inner = draw(_markup(depth + 1))
            closing = draw(st.sampled_from([f"</{tag}>", f"</{tag.lower()}>", "", "</span>"]))
            parts.append(f"<{tag}{draw(_ATTR)}>{inner}{closing}")
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(_markup())
def test_on_generated_markup_the_scan_agrees_with_beautifulsoup_or_steps_aside(page: str) -> None:
    done = normalise(page)
    assert done is None or done == soup_pass(page)


# Markup within the scan's rules only, with any text and attribute values: always handled, always equal.
_PLAIN = st.text(st.characters(exclude_characters="<&", exclude_categories=["Cs"]), max_size=12)
_VALUE = st.text(st.characters(exclude_characters="&", exclude_categories=["Cs"]), max_size=10)
_NAMES = ["div", "span", "pre", "td", "a", "img", "br", "script", "style", "textarea", "p"]


@st.composite
def _attributes(draw) -> str:
    out = ""
    for name in draw(st.lists(st.sampled_from(["class", "id", "alt", "rel", "title", "tabindex"]), unique=True)):
        value = draw(st.one_of(_VALUE, st.sampled_from(["jp-Notebook", "jp-Cell-inputWrapper", " a  b "])))
        quote = "'" if '"' in value else '"'
        out += f" {name}={quote}{value.replace(quote, '')}{quote}" if draw(st.booleans()) else f" {name}"
    return out


@st.composite
def _well_formed(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 4 if depth < 3 else 1))
        if kind == 0:
            parts.append(draw(_PLAIN))
        elif kind == 1:
            parts.append(
                draw(st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#x27;", "&nbsp;", "&#10;"]))
            )
        else:
            tag = draw(st.sampled_from(_NAMES))
            opening = f"<{tag}{draw(_attributes())}>"
            if tag in ("img", "br"):
                parts.append(opening)
            elif tag in ("script", "style"):
                body = draw(_PLAIN).replace("</", "").replace("<!--", "")
                parts.append(f"{opening}{body}</{tag}>")
            elif tag == "textarea":
                parts.append(f"{opening}{draw(_PLAIN)}</{tag}>")
            else:
                parts.append(f"{opening}{draw(_well_formed(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(_well_formed())
def test_well_formed_markup_is_written_by_the_scan_as_beautifulsoup_writes_it(page: str) -> None:
    done = normalise(page)
    assert done is not None and done == soup_pass(page)
