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
SOURCES = ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")
KINDS = {
    "selection": ("PlainTextSelection", "PictureSelection", "PDFSelection", "AudioSelection", "VideoSelection")
    + ("TranscriptSelection",),
    "source": SOURCES,
    **{name.lower(): (name,) for name in ("User", "Coding", "Case", "Variable", "Note", "Set", "Link", "Graph")},
}


def _repeats(elements, key, errors: Collector, what: str) -> None:
    """A problem for each element whose key (None: skipped) an earlier element already had."""
    seen: dict = {}
    for element in elements:
        value = key(element)
        if not value:
            continue
        if value in seen:
            first = line_of(seen[value])
            errors.add(line_of(element), local(element.tag), f"each {what} once (first on line {first})", value)
        else:
            seen[value] = element


def check_unique(root, errors: Collector) -> None:
    """Add a problem for every GUID repeated within its kind, and every repeated user, source or variable name."""
    by_tag: dict[str, list] = {}
    for element in root.iter(*(f"{{*}}{name}" for names in KINDS.values() for name in names)):
        by_tag.setdefault(element.tag, []).append(element.get("guid"))
    for kind, names in KINDS.items():
        guids = [norm_guid(g) for tag, found in by_tag.items() if local(tag) in names for g in found if g]
        if len(set(guids)) < len(guids):  # only then walk the elements again, for their lines
            elements = root.iter(*(f"{{*}}{name}" for name in names))
            _repeats(elements, lambda e: norm_guid(e.get("guid")), errors, f"{kind} GUID")
    sources = child(root, "Sources")
    named = [
        ("user name", children(child(root, "Users"), "User")),
        ("source name", [s for s in ([] if sources is None else sources) if local(s.tag) in SOURCES]),
        ("variable name", children(child(root, "Variables"), "Variable")),
    ]
    for what, elements in named:
        _repeats(elements, lambda e: " ".join((e.get("name") or "").split()), errors, what)


__all__ = ["check_unique"]
