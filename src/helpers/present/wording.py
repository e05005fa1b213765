"""Counts in sentences as a person writes them: "no figures", "1 figure", "3 figures"."""

from __future__ import annotations


def count(n: int, singular: str, plural: str | None = None, zero: str = "no") -> str:
    """A number with its noun, singular or plural, and a word for zero.

    >>> count(0, "figure"), count(1, "figure"), count(3, "figure"), count(2, "coding", zero="none")
    ('no figures', '1 figure', '3 figures', '2 codings')
    """
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{zero} {noun}" if n == 0 else f"{n} {noun}"


def join(items, last: str = "and") -> str:
    """A list in prose: 'a', 'a and b', 'a, b and c'.

    >>> join(["a"]), join(["a", "b"]), join(["a", "b", "c"]), join([])
    ('a', 'a and b', 'a, b and c', '')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
