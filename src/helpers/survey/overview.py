"""Tables that describe the raw data for the data-overview report."""

from __future__ import annotations

import pandas as pd

from .folder import Survey


def questions_overview(survey: Survey) -> pd.DataFrame:
    """One row per question: id, type, wording, answered, skipped, items and options."""
    return survey.questions_table()[["question", "type", "wording", "answered", "skipped", "items", "options"]]


def frame_by_type(frame: pd.DataFrame) -> pd.DataFrame:
    """Authorities in the frame counted by type, largest first, with a total row."""
    counts = (
        frame.groupby(["local-authority-type", "type_name"])
        .size()
        .rename("authorities")
        .reset_index()
        .sort_values(["authorities", "local-authority-type"], ascending=[False, True])
    )
    counts.columns = ["code", "type", "authorities"]
    total = pd.DataFrame(
        [{"code": "", "type": "all principal authorities", "authorities": int(counts["authorities"].sum())}]
    )
    return pd.concat([counts, total], ignore_index=True)


def published_table(survey: Survey) -> pd.DataFrame:
    """The published figures with where they come from and the cells they speak of."""
    if survey.published is None:
        return pd.DataFrame(columns=["figure_id", "document", "printed", "quote", "question", "item", "options"])
    return survey.published[["figure_id", "document", "section", "printed", "quote", "question", "item", "options"]]


def excerpts_by_section(excerpts: pd.DataFrame) -> pd.DataFrame:
    """Excerpt counts by section (in report order) and speaker role."""
    table = (
        excerpts.groupby(["section_number", "section_title", "speaker_role"])
        .size()
        .rename("excerpts")
        .reset_index()
        .sort_values(["section_number", "speaker_role"])
    )
    return table.reset_index(drop=True)
