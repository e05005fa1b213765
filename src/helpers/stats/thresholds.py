"""Agreement read against a threshold stated before the figures are seen (Krippendorff's).

Krippendorff (2004, *Content Analysis: An Introduction to Its Methodology*, 2nd ed., p. 241): rely on
variables with alpha >= 0.800; consider those with 0.667 <= alpha < 0.800 only for tentative
conclusions; below 0.667, draw none. The same cut-offs are applied here to Cohen's and Fleiss'
kappa, which are close to alpha on the same data (a convention, stated where it is used).
Percent and positive agreement are not corrected for chance and get no reading.
"""

from __future__ import annotations

import math

CONCLUSIONS = 0.800
TENTATIVE = 0.667
CHANCE_CORRECTED = ("cohens_kappa", "fleiss_kappa", "krippendorff_alpha", "krippendorff_alpha_masi")
THRESHOLD_SENTENCE = (
    f"Threshold stated in advance (Krippendorff): alpha >= {CONCLUSIONS:.3f} for conclusions, >= {TENTATIVE:.3f} "
    "for tentative ones, below that none; the same cut-offs are applied to kappa."
)


def reading(statistic: str, estimate: float) -> str:
    """What a figure allows against the threshold: conclusions, tentative, none, or why there is no reading.

    >>> reading("cohens_kappa", 0.81), reading("krippendorff_alpha", 0.7), reading("cohens_kappa", 0.5)
    ('conclusions', 'tentative only', 'below the threshold')
    >>> reading("percent_agreement", 0.9), reading("cohens_kappa", float("nan"))
    ('no threshold: not chance-corrected', 'n/a')
    """
    if statistic not in CHANCE_CORRECTED:
        return "no threshold: not chance-corrected"
    if estimate is None or math.isnan(estimate):
        return "n/a"
    if estimate >= CONCLUSIONS:
        return "conclusions"
    return "tentative only" if estimate >= TENTATIVE else "below the threshold"


def figure(estimate: float, note: str = "", digits: int = 3) -> str:
    """An estimate as shown: its value, or "n/a" with the note's reason where it is undefined.

    >>> figure(0.5), figure(float("nan"), "n/a: neither coder applied it"), figure(float("nan"))
    ('0.500', 'n/a: neither coder applied it', 'n/a')
    """
    if estimate is None or math.isnan(estimate):
        reason = next((part for part in str(note).split("; ") if part.startswith(("n/a", "undefined"))), "")
        return reason if reason.startswith("n/a") else ("n/a (" + reason + ")" if reason else "n/a")
    return f"{estimate:.{digits}f}"


__all__ = ["CHANCE_CORRECTED", "CONCLUSIONS", "TENTATIVE", "THRESHOLD_SENTENCE", "figure", "reading"]
