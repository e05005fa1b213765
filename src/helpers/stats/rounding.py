"""Rounding as survey tools print percentages: half away from zero, not Python's half to even."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round half away from zero, as survey tools print percentages.

    >>> round_half_up(18.45, 1), round(18.45, 1)
    (18.5, 18.4)
    >>> round_half_up(81.72)
    82.0
    """
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
