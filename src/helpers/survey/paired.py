"""Councils that answered both waves: linked through `authority`, and each shared option's change among them.

Councils are linked by the frame's code when both waves are weighted (their respondents were matched to the
frame), otherwise by the `authority` text as written, case and surrounding spaces ignored (which misses a
council one wave names by its code and the other by its name). A council named more than once in a wave is
left out, its pair being ambiguous. For each option both waves share (`comparison.matched_options`), the
linked councils that answered the question in both waves give a 2x2 table (chose it in the first wave, in
the second), and the change of their share has Newcombe's interval for paired data with McNemar's exact test
(`helpers.stats.waves`). It is unweighted and describes the linked councils only, not the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..present.wording import percent_level
from ..stats.waves import mcnemar_exact_p, newcombe_paired_difference
from .comparison import matched_options
from .folder import Survey
from .respondents import AUTHORITY_COLUMN
from .weighted import option_answers

PAIRED_COLUMNS = [
    "question",
    "option",
    "pairs",
    "both",
    "first_only",
    "second_only",
    "neither",
    "first_share",
    "second_share",
    "change",
    "change_low",
    "change_high",
    "mcnemar_p",
    "method",
]


@dataclass(frozen=True)
class Linked:
    """Councils of two waves linked through `authority`: the pairs' rows, and those that cannot be paired.

    `pairs` has one row per linked council: its key and its row in each wave's respondents. The other fields
    name councils as each wave writes them: named in one wave only, or named more than once in a wave (left
    out); `unnamed` counts each wave's respondents that name no council, and `overlap` the councils named in
    both waves (those named twice in a wave included).
    """

    pairs: pd.DataFrame
    first_only: list[str]
    second_only: list[str]
    repeated: list[str]
    unnamed: tuple[int, int]
    overlap: int


def council_keys(survey: Survey, by_code: bool) -> pd.Series | None:
    """Each respondent's council as a linking key ('' where none is named), or None where the wave names none."""
    if by_code:
        return survey.councils[AUTHORITY_COLUMN].astype(str).reset_index(drop=True)
    if survey.respondents is None or AUTHORITY_COLUMN not in survey.respondents.columns:
        return None
    return survey.respondents[AUTHORITY_COLUMN].astype(str).str.strip().str.casefold().reset_index(drop=True)


def link_councils(first: Survey, second: Survey) -> Linked | None:
    """The councils both waves name, each with its row in both; None where a wave does not name its councils."""
    by_code = first.weighted and second.weighted
    keys = [council_keys(s, by_code) for s in (first, second)]
    if any(k is None for k in keys):
        return None
    names = [s.respondents[AUTHORITY_COLUMN].astype(str).str.strip().reset_index(drop=True) for s in (first, second)]
    named = [k[k != ""] for k in keys]
    counts = [k.value_counts() for k in named]
    shared = set(counts[0].index) & set(counts[1].index)
    repeated = {k for k in shared if counts[0][k] > 1 or counts[1][k] > 1}
    rows = [{key: row for row, key in k.items() if key in shared - repeated} for k in named]
    order = sorted(rows[0], key=lambda key: rows[0][key])
    pairs = pd.DataFrame(
        {"key": order, "first_row": [rows[0][k] for k in order], "second_row": [rows[1][k] for k in order]}
    )

    def written(wave: int, wanted) -> list[str]:
        found = dict.fromkeys(names[wave][named[wave].index[named[wave].isin(wanted)]])
        return sorted(found, key=str.casefold)

    return Linked(
        pairs=pairs,
        first_only=written(0, set(counts[0].index) - shared),
        second_only=written(1, set(counts[1].index) - shared),
        repeated=written(0, repeated),
        unnamed=(int((keys[0] == "").sum()), int((keys[1] == "").sum())),
        overlap=len(shared),
    )


def paired_overlap(first: Survey, second: Survey) -> int | None:
    """How many councils answered both waves (through `authority`), or None where a wave does not say."""
    linked = link_councils(first, second)
    return None if linked is None else linked.overlap


def paired_method(level: float) -> str:
    """The method column of a paired change: its level, Newcombe's method and what it assumes."""
    return (
        f"{percent_level(level)} Newcombe hybrid score interval for paired data (method 10), "
        "councils that answered both waves, unweighted"
    )


def paired_comparison(
    first: Survey, second: Survey, linked: Linked, level: float, mapping: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per matched option: the linked councils' 2x2 table, both shares, the change and its interval.

    A council counts for a question when it answered it in both waves; the change is the second wave's share
    minus the first's among those councils, `mcnemar_p` McNemar's exact test that it is zero.
    """
    rows = []
    for pair in matched_options(first, second, mapping).itertuples(index=False):
        one = _paired_answers(first, pair.from_question, pair.from_option, linked.pairs["first_row"])
        two = _paired_answers(second, pair.to_question, pair.to_option, linked.pairs["second_row"])
        answered = one[1] & two[1]
        before, after = one[0][answered], two[0][answered]
        cells = {
            "both": int((before & after).sum()),
            "first_only": int((before & ~after).sum()),
            "second_only": int((~before & after).sum()),
            "neither": int((~before & ~after).sum()),
        }
        n = int(answered.sum())
        row = {"question": pair.to_question, "option": pair.to_option, "pairs": n, **cells}
        if n:
            # The second wave is Newcombe's p1, so the difference is the second wave minus the first.
            change = newcombe_paired_difference(
                cells["both"], cells["second_only"], cells["first_only"], cells["neither"], level
            )
            row.update(
                first_share=(cells["both"] + cells["first_only"]) / n,
                second_share=(cells["both"] + cells["second_only"]) / n,
                mcnemar_p=mcnemar_exact_p(cells["first_only"], cells["second_only"]),
            )
            row.update(dict(zip(("change", "change_low", "change_high"), change)))
        rows.append({**row, "method": paired_method(level)})
    return pd.DataFrame(rows, columns=PAIRED_COLUMNS)


def _paired_answers(survey: Survey, qid: str, option: str, rows: pd.Series):
    """Whether each linked council chose the option, and whether it answered the question, in one wave."""
    chosen, answered = option_answers(survey, qid)
    index = rows.to_numpy(dtype=int)
    return chosen[option][index], answered[index]
