"""Duplicate identifiers in a project: each one an error naming the element and its line.

A GUID written twice would silently merge two objects (every coding of a code given to the
impostor, two coders' work made one, two sources' variables joined); a user or source name
written twice would merge them by name. Uniqueness is checked within each kind of object: a
Case may share its GUID with a Code, as NVivo and QualCoder write a case's coding.
"""

from __future__ import annotations

from ...core.errors import Collector
from .parse import child, children, line_of, local, norm_guid

# Kinds whose GUIDs must be unique among themselves (Codes are checked with the codebook).
SELECTIONS = ("PlainTextSelection", "PictureSelection", "PDFSelection", "AudioSelection", "VideoSelection")
SOURCES = ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")


def _kind(element) -> str | None:
    name = local(element.tag)
    if name in SELECTIONS or name == "TranscriptSelection":
        return "selection"
    if name in SOURCES:
        return "source"
    if name in ("User", "Coding", "Case", "Variable", "Note", "Set", "Link", "Graph"):
        return name.lower()
    return None


def _first(seen: dict, key, element, errors: Collector, what: str, shown) -> None:
    if key in seen:
        errors.add(line_of(element), local(element.tag), f"each {what} once (first on line {seen[key]})", shown)
    else:
        seen[key] = line_of(element)


def check_unique(root, errors: Collector) -> None:
    """Add a problem for every GUID repeated within its kind, and every repeated user, source or variable name."""
    seen: dict[tuple, int | None] = {}
    for element in root.iter():
        kind = _kind(element)
        if kind is None or not element.get("guid"):
            continue
        _first(seen, (kind, norm_guid(element.get("guid"))), element, errors, f"{kind} GUID", element.get("guid"))
    sources = child(root, "Sources")
    named = [
        ("user name", children(child(root, "Users"), "User")),
        ("source name", [s for s in ([] if sources is None else sources) if local(s.tag) in SOURCES]),
        ("variable name", children(child(root, "Variables"), "Variable")),
    ]
    for what, elements in named:
        names: dict[tuple, int | None] = {}
        for element in elements:
            name = " ".join((element.get("name") or "").split())
            if name:
                _first(names, (what, name), element, errors, what, name)


__all__ = ["check_unique"]
