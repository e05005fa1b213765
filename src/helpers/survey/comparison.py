"""Wave against wave: each share two waves both asked about, its change, and the change's interval.

Questions are matched by id, or through a mapping file (`from_question,to_question,from_option,to_option`)
where the wording or the options changed between waves; only single-choice and tick-all questions are
compared (a grid's items would need their own matching). The two waves are taken as independent samples
(Newcombe's hybrid score interval, or the design-based difference when both waves are weighted;
`helpers.stats.waves`); councils that answered both waves are linked, and their paired change given, by
`helpers.survey.paired`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines
from ..present.wording import percent_level
from ..stats.proportions import share_row
from ..stats.waves import design_difference, newcombe_difference
from .bases import answered_base
from .folder import Survey
from .weighted import weighted_shares

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


def compare_waves(
    first: Survey, second: Survey, level: float, mapping: pd.DataFrame | None = None, ci_method: str = "wilson"
) -> pd.DataFrame:
    """One row per matched option: each wave's count, base, share and interval, the change and its interval.

    When both waves are weighted, the shares are weighted (helpers.survey.weighted) and the change has the
    design-based interval; otherwise each share has the `ci_method` interval and the change Newcombe's.
    The `method` column says which.
    """
    weighted = first.weighted and second.weighted
    rows = []
    for pair in matched_options(first, second, mapping).itertuples(index=False):
        one = _share(first, pair.from_question, pair.from_option, level, ci_method, weighted)
        two = _share(second, pair.to_question, pair.to_option, level, ci_method, weighted)
        if weighted:
            change = design_difference(two["share"], two["se"], one["share"], one["se"], level)
            method = (
                f"{percent_level(level)} design-based interval "
                "(normal, summed variances of two independent weighted waves)"
            )
        else:
            change = newcombe_difference(two["count"], two["base"], one["count"], one["base"], level)
            method = f"{percent_level(level)} Newcombe hybrid score interval (independent samples)"
        row = {"question": pair.to_question, "option": pair.to_option}
        for prefix, share in (("first", one), ("second", two)):
            row.update({f"{prefix}_{k}": share[k] for k in ("count", "base", "share", "low", "high")})
        row.update(dict(zip(("change", "change_low", "change_high"), change)), method=method)
        rows.append(row)
    columns = ["question", "option"]
    columns += [f"{p}_{k}" for p in ("first", "second") for k in ("count", "base", "share", "low", "high")]
    return pd.DataFrame(rows, columns=[*columns, "change", "change_low", "change_high", "method"])


def _share(survey: Survey, qid: str, option: str, level: float, ci_method: str, weighted: bool) -> dict:
    """One wave's share of an option with its interval: weighted (design-based) or from the counts."""
    if weighted:
        table = weighted_shares(survey, qid, level, ci_method).set_index("option")
        row = table.loc[option]
        return {
            "count": int(row["count"]),
            "base": int(row["base"]),
            "share": row["share"],
            "se": row["se"],
            "low": row["ci_low"],
            "high": row["ci_high"],
        }
    base = answered_base(survey, qid)[0]
    count = int(survey.question_counts(qid)[option])
    interval = share_row(count, base, level, ci_method)
    return {
        "count": count,
        "base": base,
        "share": interval["share"],
        "low": interval["ci_low"],
        "high": interval["ci_high"],
    }


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
