"""Generated malformed text for the fuzz tests: a real file with pieces that matter to YAML and CSV
inserted, deleted or replaced at drawn places (Hypothesis, drawn deterministically so a failure
reproduces)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=15,
    deadline=timedelta(seconds=3),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces that matter to YAML and CSV: structure, quoting, line ends, the workbench's own words.
PIECES = [
    ":",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    '"',
    "'",
    "#",
    "&a ",
    "*a",
    "!!",
    "|",
    ">",
    "\n",
    "\r",
    "\r\n",
    "\t",
    " ",
    "  ",
    "\x00",
    "\ufeff",
    "é",
    "0",
    "-1",
    "1e9",
    "99999999999999999999",
    "null",
    "true",
    "FILL IN",
    "asked: false",
    "type: likert",
    "id: a",
    "items: []",
    "answered: 0",
    "::",
    "a,,",
    "\n\n",
    "=1+1",
]


@st.composite
def mutated(draw, original: str) -> str:
    """The original text with a few pieces inserted, deleted or replaced at drawn places."""
    text = original
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(PIECES) | st.text(min_size=1, max_size=6))
        span = draw(st.integers(1, 40))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + span :]
        else:
            text = text[:at] + piece + text[at + span :]
    return text
