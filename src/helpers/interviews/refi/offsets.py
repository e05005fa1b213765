"""A selection's offsets, checked against the text it says it holds, in characters or in UTF-16 units.

REFI-QDA counts offsets in characters (code points). Some tools count UTF-16 units instead (QualCoder's
coding window, and tools built on .NET or Java strings), which differ after a character past U+FFFF
(an emoji, say): each such character counts two. A selection often stores its text (the `name`
attribute, or a `<Description>`); that text tells the two readings apart. The reading whose slice
matches the stored text wins; where the readings differ and neither matches, the selection is refused.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ELLIPSES = ("…", "...")


@dataclass(frozen=True)
class Reading:
    """The offsets in characters, and how they were read: "characters" or "UTF-16 units"."""

    start: int
    end: int
    unit: str


class Units:
    """A text's UTF-16 positions, for converting offsets counted in UTF-16 units into characters."""

    def __init__(self, text: str):
        self.text = text
        wide = not text.isascii() and len(text.encode("utf-16-le")) != 2 * len(text)
        self.astral = [m.start() for m in _ASTRAL.finditer(text)] if wide else []  # characters counting two units
        self.utf16_length = len(text) + len(self.astral)

    def to_characters(self, units: int) -> int | None:
        """The character offset at `units` UTF-16 units, or None inside a surrogate pair or past the end."""
        if not 0 <= units <= self.utf16_length:
            return None
        if not self.astral:
            return units
        lo, hi = 0, len(self.text)
        while lo < hi:  # the least character offset whose unit offset reaches `units` (it only grows)
            mid = (lo + hi) // 2
            if mid + bisect_left(self.astral, mid) < units:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo + bisect_left(self.astral, lo) == units else None


def _normal(text: str) -> str:
    return " ".join(text.split())


def fits(stored: str, sliced: str) -> bool:
    """Stored text matches a slice: equal up to white space (attributes fold line ends), or a marked truncation."""
    stored, sliced = _normal(stored), _normal(sliced)
    if not stored:
        return False
    if stored == sliced:
        return True
    for mark in _ELLIPSES:
        if stored.endswith(mark) and len(stored) > len(mark) + 3 and sliced.startswith(stored[: -len(mark)].rstrip()):
            return True
    return False


def read_offsets(units: Units, start: int, end: int, stored: list[str]) -> Reading | None:
    """The reading of (start, end) that the stored texts support; None where the readings differ and none fits.

    With no stored text, or where both readings give the same range (no character past U+FFFF before
    the selection's end), offsets are characters and a stored name is not taken as the selected text.
    """
    text = units.text
    stored = [s for s in stored if s and s.strip()]
    as_chars = Reading(start, end, "characters") if 0 <= start < end <= len(text) else None
    if not units.astral:
        return as_chars
    s16, e16 = units.to_characters(start), units.to_characters(end)
    if not stored or (s16, e16) == (start, end):
        return as_chars
    if as_chars is not None and any(fits(s, text[start:end]) for s in stored):
        return as_chars
    if s16 is not None and e16 is not None and s16 < e16 and any(fits(s, text[s16:e16]) for s in stored):
        return Reading(s16, e16, "UTF-16 units")
    return None


__all__ = ["Reading", "Units", "fits", "read_offsets"]
