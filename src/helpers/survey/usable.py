"""A survey that loads must also be one the analyses can use: someone answered every question it asked.

A question nobody answered (or a grid item nobody rated, or a wave with no respondents at all)
would reach the analyses as a division by zero; it is refused at load time instead, naming the
file, the line and the question, with the way out (`asked: false` for a question the wave did
not ask). The population size must be at least the number of respondents: that is a fault of
survey.yaml, named at its line, not of a notebook parameter.
"""

from __future__ import annotations

import pandas as pd

from ..core.errors import Collector
from ..core.paths import shown
from .respondents import SEPARATOR, expected_columns
from .schema import SurveySpec

NOT_ASKED = "mark it asked: false in survey.yaml if the wave did not ask it"


def check_usable(spec: SurveySpec, counts: pd.DataFrame, microdata: pd.DataFrame | None) -> None:
    """Raise one DataError naming every question nobody answered, or the empty wave; and a too small population."""
    errors = Collector(spec.path)
    if microdata is not None and len(microdata) == 0:
        data = Collector(spec.path.parent / "respondents.csv")
        data.add(2, None, "at least one respondent (one row per respondent below the header)", "no rows")
        data.raise_if_any()
    bases = {q.id: _base(q, counts) for q in spec.questions}
    if bases and not any(bases.values()):
        errors.add(
            spec.questions_line, "questions", "at least one respondent who answered a question", "nobody answered any"
        )
        errors.raise_if_any()
    for q in spec.questions:
        if bases[q.id] == 0:
            _nobody(errors, spec, q, microdata)
        elif q.type == "likert":
            rows = counts[counts["question"] == q.id].groupby("item", sort=False)["count"].sum()
            for item in q.items:
                if int(rows.get(item, 0)) == 0:
                    errors.add(
                        q.line,
                        "items",
                        f"at least one rating of item '{item}' of question '{q.id}' (nobody rated it; "
                        "a grid item nobody rated cannot be analysed: remove it from items if the wave did not ask it)",
                    )
    _population(errors, spec, counts)
    errors.raise_if_any()


def _base(q, counts: pd.DataFrame) -> int:
    """How many answered the question: its answered count, else the most its counts show."""
    if q.answered is not None:
        return int(q.answered)
    rows = counts[counts["question"] == q.id]
    if q.type == "likert":
        return int(rows.groupby("item")["count"].sum().max()) if len(rows) else 0
    return int(rows["count"].sum() if q.type == "single" else rows["count"].max() if len(rows) else 0)


def _nobody(errors: Collector, spec: SurveySpec, q, microdata: pd.DataFrame | None) -> None:
    expected = f"someone who answered question '{q.id}' (nobody did; {NOT_ASKED})"
    if microdata is not None:
        column = next(c for c in expected_columns(spec) if c == q.id or c.startswith(f"{q.id}{SEPARATOR}"))
        data = Collector(spec.path.parent / "respondents.csv")
        data.add(1, column, expected, "every cell of the question empty")
        errors.problems.extend(data.problems)
    elif q.answered is not None:
        errors.add(q.answered_line, "answered", expected, q.answered)
    else:
        errors.add(q.line, "answered", expected + f"; every count of it in {shown(spec.path.parent)}/counts.csv is 0")


def _population(errors: Collector, spec: SurveySpec, counts: pd.DataFrame) -> None:
    """population.size is at least the number of respondents (the largest answered + skipped, or base)."""
    if spec.population_size is None:
        return
    totals = [
        (q.answered + q.skipped, f"answered + skipped of question '{q.id}'")
        for q in spec.questions
        if q.answered is not None and q.skipped is not None
    ]
    totals += [(_base(q, counts), f"those who answered question '{q.id}'") for q in spec.questions]
    if not totals:
        return
    most, what = max(totals, key=lambda t: t[0])
    if spec.population_size < most:
        errors.add(
            spec.size_line,
            "population.size",
            f"a population at least as large as the number of respondents, {most} ({what})",
            spec.population_size,
        )
