"""Safe parsing of QDA-XML: no DTD, no entities, no network, line numbers on every element.

A REFI-QDA file never needs a DTD, so one is refused outright rather than half-read (an entity
would otherwise cut a description short, or expand without bound). Element helpers match local
names, so files with any or no namespace read the same.
"""

from __future__ import annotations

import re

from lxml import etree as LET

from ...core.errors import Collector, DataError

_PARSER = LET.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=True,  # long PlainTextContent; nesting stays bounded by libxml2 and by MAX_CODE_DEPTH
    remove_comments=True,
    remove_pis=True,
)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def local(tag) -> str:
    """An element's name without its namespace ("" for comments and the like)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element, name: str) -> list:
    """Child elements with local name `name`, in any or no namespace (none for a missing element)."""
    return [] if element is None else list(element.iterchildren(f"{{*}}{name}"))


def child(element, name: str):
    """The first child element with local name `name`, or None."""
    return None if element is None else next(element.iterchildren(f"{{*}}{name}"), None)


def line_of(element) -> int | None:
    """The line an element starts on in its file (lxml records it), or None."""
    return getattr(element, "sourceline", None)


def norm_guid(value: str | None) -> str:
    """GUIDs compare in lower case without braces (ATLAS.ti writes upper case)."""
    return (value or "").strip().strip("{}").lower()


def _refuse_dtd(origin: str, line: int | None) -> None:
    errors = Collector(origin)
    errors.add(line, "DOCTYPE", "a QDA-XML document without a DTD (no <!DOCTYPE>, no entities: REFI-QDA needs none)")
    errors.raise_if_any()


def parse_xml(data: bytes, origin: str):
    """The root element of `data`; a DTD (and so any entity) or malformed XML is a DataError naming the line."""
    match = _DOCTYPE.search(data[:65536])
    if match:  # checked before parsing, so nothing in it is ever expanded
        _refuse_dtd(origin, data.count(b"\n", 0, match.start()) + 1)
    try:
        root = LET.fromstring(data, parser=_PARSER)
    except LET.XMLSyntaxError as exc:
        errors = Collector(origin)
        errors.add(exc.lineno, None, "well-formed XML", exc.msg)
        raise DataError(errors.problems) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        _refuse_dtd(origin, None)  # a DOCTYPE in another encoding (UTF-16) or after a long prolog
    if next(root.iter(LET.Entity), None) is not None:  # an entity reference cannot stand without a DTD
        _refuse_dtd(origin, line_of(next(root.iter(LET.Entity))))
    return root


__all__ = ["child", "children", "line_of", "local", "norm_guid", "parse_xml"]
