"""Wave against wave: each share two waves both asked about, its change, and the change's interval.

Questions are matched by id, or through a mapping file (`from_question,to_question,from_option,to_option`)
where the wording or the options changed between waves; only single-choice and tick-all questions are
compared (a grid's items would need their own matching). The two waves are taken as independent samples
(Newcombe's hybrid score interval, `helpers.stats.waves`): councils that answered both are counted by
`paired_overlap`, and while they are few that assumption is the honest one to state.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines
from ..stats.waves import newcombe_difference
from .bases import answered_base
from .folder import Survey

MAPPING_COLUMNS = ["from_question", "to_question", "from_option", "to_option"]
COMPARED_TYPES = ("single", "multi")


def read_mapping(path: Path | str) -> pd.DataFrame:
    """A mapping file: which question (and option) of the first wave is which of the second."""
    return read_csv_lines(path, MAPPING_COLUMNS[:2], MAPPING_COLUMNS[2:])


def matched_options(first: Survey, second: Survey, mapping: pd.DataFrame | None = None) -> pd.DataFrame:
    """(question, option) pairs of the first wave with their counterparts in the second."""
    pairs = []
    renamed = {} if mapping is None else _renames(mapping)
    for q in first.spec.questions:
        target = renamed.get((q.id, ""), (q.id, ""))[0]
        if q.type not in COMPARED_TYPES or target not in second.spec.by_id:
            continue
        other = second.question(target)
        if other.type != q.type:
            continue
        for option in q.options:
            counterpart = renamed.get((q.id, option), (target, option))[1]
            if counterpart in other.options:
                pairs.append((q.id, target, option, counterpart))
    return pd.DataFrame(pairs, columns=MAPPING_COLUMNS)


def _renames(mapping: pd.DataFrame) -> dict:
    out = {}
    for row in mapping.to_dict("records"):
        out[(row["from_question"], row.get("from_option", ""))] = (row["to_question"], row.get("to_option", ""))
        out.setdefault((row["from_question"], ""), (row["to_question"], ""))
    return out


def compare_waves(first: Survey, second: Survey, level: float, mapping: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per matched option: each wave's count, base and share, the change and its interval."""
    rows = []
    bases = {}
    for pair in matched_options(first, second, mapping).itertuples(index=False):
        for survey, qid in ((first, pair.from_question), (second, pair.to_question)):
            if (survey.id, qid) not in bases:
                bases[(survey.id, qid)] = answered_base(survey, qid)[0]
        n1, n2 = bases[(first.id, pair.from_question)], bases[(second.id, pair.to_question)]
        x1 = int(first.question_counts(pair.from_question)[pair.from_option])
        x2 = int(second.question_counts(pair.to_question)[pair.to_option])
        change, low, high = newcombe_difference(x2, n2, x1, n1, level)
        rows.append(
            {
                "question": pair.to_question,
                "option": pair.to_option,
                "first_count": x1,
                "first_base": n1,
                "first_share": x1 / n1,
                "second_count": x2,
                "second_base": n2,
                "second_share": x2 / n2,
                "change": change,
                "change_low": low,
                "change_high": high,
            }
        )
    return pd.DataFrame(rows)


def paired_overlap(first: Survey, second: Survey) -> int | None:
    """How many councils answered both waves (through `authority`), or None where a wave does not say."""
    columns = [None if s.respondents is None else s.respondents.get("authority") for s in (first, second)]
    if any(c is None for c in columns):
        return None
    return len(set(columns[0].astype(str)) & set(columns[1].astype(str)))


def check_mapping(mapping: pd.DataFrame, first: Survey, second: Survey, path: Path | str) -> None:
    """Every question and option a mapping names exists in its wave; else one error per row."""
    errors = Collector(path)
    for row in mapping.to_dict("records"):
        line = row.get(LINE)
        for survey, side in ((first, "from"), (second, "to")):
            qid, option = row[f"{side}_question"], row.get(f"{side}_option", "")
            if qid not in survey.spec.by_id:
                errors.add(line, f"{side}_question", f"a question of {survey.id}", qid)
            elif option and option not in survey.question(qid).options:
                errors.add(line, f"{side}_option", f"an option of question {qid} in {survey.id}", option)
    errors.raise_if_any()
