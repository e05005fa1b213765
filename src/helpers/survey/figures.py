"""Views of the reconciliation table for the reports: rows of some questions, published figures, subgroup claims."""

from __future__ import annotations

import pandas as pd

from .folder import PUBLISHED_COLUMNS, Survey


def for_questions(table: pd.DataFrame, questions, include_general: bool = False) -> pd.DataFrame:
    """The reconciliation rows of some questions (and, if asked, of figures tied to no question)."""
    keep = table["question"].isin(list(questions))
    if include_general:
        keep |= table["question"] == ""
    return table[keep].reset_index(drop=True)


def published_figures(survey: Survey, question: str | None = None, unit: str | None = None) -> pd.DataFrame:
    """The rows of published.csv about a question (and of one unit); an empty table when there are none."""
    if survey.published is None:
        return pd.DataFrame(columns=PUBLISHED_COLUMNS)
    rows = survey.published
    if question is not None:
        rows = rows[rows["question"] == question]
    if unit is not None:
        rows = rows[rows["unit"] == unit]
    return rows[PUBLISHED_COLUMNS].reset_index(drop=True)


def subgroup_claims(table: pd.DataFrame) -> list[dict]:
    """Passages that attribute percentages to a subgroup, with the same figures printed elsewhere without it.

    Each entry: the flagged figure, the document, the figures of its passage, their base and base
    kind, and the figure ids (and documents) that print the same values with no subgroup.
    """
    claims = []
    for row in table[table["note"].str.contains("attributes it to a subgroup", regex=False)].itertuples(index=False):
        in_passage = (table["figure_id"] == row.figure_id) | table["note"].str.contains(
            f"same passage as {row.figure_id},", regex=False
        )
        passage = table[in_passage]
        keys = set(zip(passage["item"], passage["options"], passage["printed"]))
        same_values = pd.Series(
            [key in keys for key in zip(table["item"], table["options"], table["printed"])], index=table.index
        )
        elsewhere = table[same_values & ~table["note"].str.contains("subgroup", regex=False)]
        claims.append(
            {
                "figure_id": row.figure_id,
                "document": row.document,
                "figures": list(passage["figure_id"]),
                "printed": list(passage["printed"]),
                "bases": sorted(set(passage["base"].dropna().astype(int))),
                "base_kind": row.base_kind,
                "elsewhere": list(elsewhere["figure_id"]),
                "elsewhere_documents": sorted(set(elsewhere["document"])),
            }
        )
    return claims
