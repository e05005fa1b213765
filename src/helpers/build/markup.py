"""nbconvert's closing pass over a page, without BeautifulSoup's tree: the same bytes, many times faster.

nbconvert's HTMLExporter ends by parsing its page with BeautifulSoup (html.parser), giving each
image without alt text a placeholder one and each input and output area of the notebook
`tabindex="0"`, and writing the tree back out. Writing it back changes bytes (attributes sorted and
re-quoted, entities decoded and `&`, `<`, `>` escaped again, void tags closed as `<br/>`, runs of
blank text collapsed), so the pass cannot simply be dropped; it took half of a page's render (a
quarter to a third of a second for a report of 600 KB). `normalise` computes the same output in one
scan, about six times faster, for markup whose tree is its tags as written: every end tag closes
the element opened last, every attribute value is quoted, every `&` starts a known entity and every
`<` a tag. A page with anything else (a stray `<`, an unclosed tag, a processing instruction, an
element that newer Pythons' html.parser reads as raw text...) gets None, and BeautifulSoup itself
(`finish`). The escaping is BeautifulSoup's own functions, so text from data stays text as before.
tests/unit/build/test_markup.py and test_render.py compare the two on real pages and generated markup.
"""

from __future__ import annotations

import html
import re

from bs4.builder import HTMLTreeBuilder, nonwhitespace_re
from bs4.dammit import EntitySubstitution, UnicodeDammit

# What nbconvert's HTMLExporter.from_notebook_node (7.17) does to the parsed page, and says.
MISSING_ALT = "No description has been provided for this image"
FOCUSABLE = ("jp-Cell-inputWrapper", "jp-OutputArea-output")  # each a div inside .jp-Notebook
NOTEBOOK = "jp-Notebook"
_WATCHED = {name.lower(): name for name in (*FOCUSABLE, NOTEBOOK)}

_WS = "[ \t\n\r\f]"
_TOKEN = re.compile(
    r"(?P<text>[^<&]+)"
    r"|&(?:#(?P<dec>[0-9]+)|#[xX](?P<hex>[0-9a-fA-F]+)|(?P<entity>[a-zA-Z][a-zA-Z0-9]*));"
    rf"|<(?P<start>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*"
    rf"(?:{_WS}*={_WS}*(?:\"[^\"]*\"|'[^']*'))?)*){_WS}*(?P<slash>/?)>"
    r"|</(?P<end>[a-zA-Z][a-zA-Z0-9-]*)>"
    r"|<!--(?!-?>)(?P<comment>(?:[^-]|-(?!-))*)-->"
    r"|<!DOCTYPE (?P<doctype>[a-zA-Z][^<>]*)>"
)
_ATTR = re.compile(rf"{_WS}+(?P<name>[^ \t\n\r\f=]+)(?:{_WS}*={_WS}*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'))?")
_SPACES = frozenset(" \n\t\x0c\r")  # BeautifulSoup's ASCII_SPACES: a text of only these collapses

_VOID = frozenset(HTMLTreeBuilder.DEFAULT_EMPTY_ELEMENT_TAGS)
_PRESERVE = frozenset(HTMLTreeBuilder.DEFAULT_PRESERVE_WHITESPACE_TAGS)
_LISTS = HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES  # attributes held as word lists ("class")
_RAW_TEXT = frozenset(("script", "style"))  # html.parser's CDATA content, written back unescaped
_TEXT_ONLY = frozenset(("title", "textarea"))  # newer Pythons parse these as text (RCDATA): no tags inside
# Elements newer Pythons' html.parser (or none) reads as raw text or plain text: left to BeautifulSoup.
_ELSEWHERE = frozenset(("xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"))
_CLOSE = {name: re.compile(rf"</\s*{name}", re.I) for name in _RAW_TEXT}
_escape = EntitySubstitution.substitute_xml
_quote = EntitySubstitution.quoted_attribute_value
_ENTITIES = EntitySubstitution.HTML_ENTITY_TO_CHARACTER


class _Unsure(Exception):
    """Markup outside what `normalise` mirrors exactly."""


def finish(page: str) -> tuple[str, int]:
    """The page as nbconvert's BeautifulSoup pass leaves it, and how many of its images had no alt text."""
    return normalise(page) or soup_pass(page)


def soup_pass(page: str) -> tuple[str, int]:
    """nbconvert's pass itself (the end of HTMLExporter.from_notebook_node): parse, edit, write back."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, features="html.parser")
    missing = soup.select("img:not([alt])")
    for elem in missing:
        elem.attrs["alt"] = MISSING_ALT
    for name in FOCUSABLE:
        for elem in soup.select(f".{NOTEBOOK} div.{name}"):
            elem.attrs["tabindex"] = "0"
    return str(soup), len(missing)


def normalise(page: str) -> tuple[str, int] | None:
    """`str(BeautifulSoup(page, "html.parser"))` after nbconvert's edits, and how many images lacked alt text.

    None when the page holds markup this scan does not mirror exactly (see the module's docstring).
    """
    try:
        return _Scan(page).run()
    except _Unsure:
        return None


class _Scan:
    def __init__(self, page: str):
        self.page = page
        self.out: list[str] = []
        self.text: list[str] = []  # the text since the last tag, decoded
        self.stack: list[tuple[str, bool]] = []  # open elements: name, whether it has class jp-Notebook
        self.in_notebook = 0  # open elements with class jp-Notebook
        self.preserve = 0  # open <pre> and <textarea>: their blank text is kept
        self.missing_alt = 0
        self.tags: dict[tuple[str, bool], tuple[str, bool, bool]] = {}  # each distinct start tag, written once

    def run(self) -> tuple[str, int]:
        page, pos, end = self.page, 0, len(self.page)
        while pos < end:
            found = _TOKEN.match(page, pos)
            if found is None:
                raise _Unsure
            kind = found.lastgroup
            if kind == "text":
                self.text.append(found.group("text"))
            elif kind in ("dec", "hex"):
                number = int(found.group(kind), 10 if kind == "dec" else 16)
                self.text.append(UnicodeDammit.numeric_character_reference(number)[0])
            elif kind == "entity":
                character = _ENTITIES.get(found.group("entity"))
                if character is None:
                    raise _Unsure
                self.text.append(character)
            elif kind == "attrs" or kind == "slash" or kind == "start":
                pos = self.start(found)
                continue
            elif kind == "end":
                self.end(found.group("end").lower())
            elif kind == "comment":
                if self.stack and self.stack[-1][0] in _TEXT_ONLY:
                    raise _Unsure
                self.flush()
                self.out.append("<!--" + self.collapse(found.group("comment")) + "-->")
            else:
                self.flush()
                self.out.append("<!DOCTYPE " + self.collapse(found.group("doctype")) + ">\n")
            pos = found.end()
        self.flush()
        if self.stack:
            raise _Unsure
        return "".join(self.out), self.missing_alt

    def collapse(self, text: str) -> str:
        """BeautifulSoup's one change to text: blank text (outside <pre>) becomes a newline or a space."""
        if self.preserve or not _SPACES.issuperset(text):
            return text
        return "\n" if "\n" in text else " "

    def flush(self) -> None:
        if self.text:
            text = self.collapse("".join(self.text))
            self.text = []
            self.out.append(text if self.stack and self.stack[-1][0] in _RAW_TEXT else _escape(text))

    def start(self, found: re.Match) -> int:
        name = found.group("start").lower()
        if name in _ELSEWHERE or (self.stack and self.stack[-1][0] in _TEXT_ONLY):
            raise _Unsure
        self.flush()
        key = (found.group(0), self.in_notebook > 0)  # a page repeats its tags: Pygments' <span>s above all
        if key not in self.tags:
            self.tags[key] = self.tag(name, found.group("attrs"))
        tag, notebook, missing_alt = self.tags[key]
        self.missing_alt += missing_alt
        if name in _VOID:
            self.out.append(tag + "/>")
            return found.end()
        self.out.append(tag + ">")
        if found.group("slash"):  # <div/>: opened and closed at once
            self.out.append(f"</{name}>")
            return found.end()
        self.stack.append((name, notebook))
        self.in_notebook += notebook
        self.preserve += name in _PRESERVE
        if name not in _RAW_TEXT:
            return found.end()
        return self.raw_text(name, found.end())

    def tag(self, name: str, source: str) -> tuple[str, bool, bool]:
        """A start tag as written back (less its closing `>`), whether it is a notebook, whether it lacked alt."""
        attrs = self.attributes(name, source)
        classes = attrs.get("class", "").split(" ")
        missing_alt = name == "img" and "alt" not in attrs
        if missing_alt:
            attrs["alt"] = MISSING_ALT
        if name == "div" and self.in_notebook and set(FOCUSABLE) & set(classes):
            attrs["tabindex"] = "0"
        text = "<" + name + "".join(f" {k}={_quote(_escape(v))}" for k, v in sorted(attrs.items()))
        return text, NOTEBOOK in classes, missing_alt

    def raw_text(self, name: str, pos: int) -> int:
        """A <script> or <style>: its text is everything up to its end tag, as written."""
        found = _CLOSE[name].search(self.page, pos)  # html.parser's end, in any Python: the first `</ name`
        close = found.start() if found else len(self.page)
        body = self.page[pos:close]
        if self.page[close : close + len(name) + 3] != f"</{name}>" or "<!--" in body:
            raise _Unsure
        if body:
            self.text.append(body)
        self.end(name)
        return close + len(name) + 3

    def end(self, name: str) -> None:
        if not self.stack or self.stack[-1][0] != name:
            raise _Unsure  # a stray or misnested end tag: BeautifulSoup closes elements its own way
        self.flush()
        _, notebook = self.stack.pop()
        self.in_notebook -= notebook
        self.preserve -= name in _PRESERVE
        self.out.append(f"</{name}>")

    def attributes(self, tag: str, source: str) -> dict[str, str]:
        attrs: dict[str, str] = {}
        lists = _LISTS.get("*", set()) | _LISTS.get(tag, set())
        for found in _ATTR.finditer(source):
            name = found.group("name").lower()
            value = found.group("dq") if found.group("dq") is not None else found.group("sq") or ""
            if name in attrs:
                raise _Unsure  # html.parser keeps the last, BeautifulSoup by its own rule
            value = html.unescape(value) if value else value
            if name in lists:
                value = " ".join(nonwhitespace_re.findall(value))  # as BeautifulSoup splits and joins it
                if name == "class" and any(_WATCHED.get(w.lower(), w) != w for w in value.split(" ")):
                    raise _Unsure  # a class the selectors might match in another case
            elif tag == "meta" and (name == "http-equiv" or (name == "charset" and value != "utf-8")):
                raise _Unsure  # BeautifulSoup rewrites declared encodings
            attrs[name] = value
        return attrs
