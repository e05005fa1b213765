"""Counts and levels in sentences as a person writes them: "no figures", "3 figures", "a 90% interval"."""

from __future__ import annotations


def count(n: int, singular: str, plural: str | None = None, zero: str = "no") -> str:
    """A number with its noun, singular or plural, and a word for zero.

    >>> count(0, "figure"), count(1, "figure"), count(3, "figure"), count(2, "coding", zero="none")
    ('no figures', '1 figure', '3 figures', '2 codings')
    """
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{zero} {noun}" if n == 0 else f"{n} {noun}"


def join(items, last: str = "and", none: str = "") -> str:
    """A list in prose: 'a', 'a and b', 'a, b and c'; semicolons when an item holds a comma; `none` for no items.

    >>> join(["a"]), join(["a", "b"]), join(["a", "b", "c"]), join([]), join([], none="none")
    ('a', 'a and b', 'a, b and c', '', 'none')
    >>> join(["Do: secure, deliver", "Review"])
    'Do: secure, deliver; and Review'
    """
    items = [str(i) for i in items]
    if not items:
        return none
    if len(items) == 1:
        return items[0]
    if any("," in i for i in items):
        return "; ".join(items[:-1]) + f"; {last} {items[-1]}"
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def percent_level(level: float) -> str:
    """A confidence level as a percentage, with the decimals it needs and no more.

    >>> percent_level(0.95), percent_level(0.9), percent_level(0.975), percent_level(0.999)
    ('95%', '90%', '97.5%', '99.9%')
    """
    text = f"{100 * level:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def interval_name(level: float | None, method_name: str) -> str:
    """An interval named by its level and method: '90% Wilson score interval'.

    >>> interval_name(0.9, "Wilson score"), interval_name(None, "Wilson score")
    ('90% Wilson score interval', 'Wilson score interval (confidence level not recorded)')
    """
    if level is None:
        return f"{method_name} interval (confidence level not recorded)"
    return f"{percent_level(level)} {method_name} interval"
