"""Where the 2015 interview themes and the 2011 survey's findings fall on the frame.

The placement is a project-authored map, `findings_map.csv` in the framework folder: one row per
(finding, stage) with columns strand (`interviews` or `survey`), ref (an interview theme id of the
interview codebook, or `<question>: <option or item>` of the survey), stage (a code of the frame)
and reason. The figures beside each finding come from the data: for an interview theme, the
excerpts the report files under it; for a tick-all option, the councils ticking it of those who
answered; for a row of a rating grid, the councils choosing an answer above the scale's middle.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines
from ..interviews.codebook import Codebook
from ..interviews.coders import report_coder
from ..survey import Survey

MAP_COLUMNS = ["strand", "ref", "stage", "reason"]
STRANDS = ("interviews", "survey")
FINDING_COLUMNS = ["strand", "ref", "finding", "stage", "stage_name", "count", "base", "measure", "reason"]


def _survey_refs(survey: Survey) -> dict[str, tuple[str, str]]:
    """Every 'question: option' (or 'question: item' of a grid) of the survey, as (question, label)."""
    refs = {}
    for q in survey.spec.questions:
        for label in q.items if q.type == "likert" else q.options:
            refs[f"{q.id}: {label}"] = (q.id, label)
    return refs


def load_findings_map(path: Path | str, frame: Codebook, themes: Codebook, survey: Survey) -> pd.DataFrame:
    """Read and validate findings_map.csv against the frame, the interview codebook and the survey."""
    path = Path(path)
    table = read_csv_lines(path, MAP_COLUMNS)
    errors = Collector(path)
    survey_refs = _survey_refs(survey)
    for line, strand, ref, stage in table[[LINE, "strand", "ref", "stage"]].itertuples(index=False):
        if strand not in STRANDS:
            errors.add(line, "strand", "one of " + ", ".join(STRANDS), strand)
        elif strand == "interviews" and ref not in themes.themes():
            errors.add(line, "ref", "a theme id of the interview codebook: " + ", ".join(themes.themes()), ref)
        elif strand == "survey" and ref not in survey_refs:
            errors.add(line, "ref", "'<question>: <option>' (or '<question>: <item>') of the survey", ref)
        if stage not in frame:
            errors.add(line, "stage", "a code id of the frame's codebook", stage)
    pairs = table["strand"] + "\x00" + table["ref"] + "\x00" + table["stage"]
    for line, ref, stage in table.loc[pairs.duplicated(), [LINE, "ref", "stage"]].itertuples(index=False):
        errors.add(line, "stage", "each finding and stage once", f"{ref},{stage}")
    errors.raise_if_any()
    return table.drop(columns=[LINE]).reset_index(drop=True)


def _interview_figures(excerpts: pd.DataFrame, themes: Codebook) -> dict[str, tuple[str, int, int, str]]:
    placed = report_coder(excerpts, themes)
    counts = placed.groupby("code")["excerpt_id"].nunique()
    measure = "interview excerpts the report files under the theme"
    return {t: (themes[t].name, int(counts.get(t, 0)), len(excerpts), measure) for t in themes.themes()}


def _survey_figures(survey: Survey, refs: dict[str, tuple[str, str]]) -> dict[str, tuple[str, int, int, str]]:
    out = {}
    for ref, (qid, label) in refs.items():
        q = survey.question(qid)
        if q.type == "likert":
            row = survey.question_counts(qid, label)
            upper = (
                list(q.options)[len(q.options) // 2 + 1 :]
                if len(q.options) % 2
                else list(q.options)[len(q.options) // 2 :]
            )
            measure = "councils answering " + " or ".join(f"'{o}'" for o in upper) + ", of those rating the row"
            out[ref] = (ref, int(row[upper].sum()), int(row.sum()), measure)
        elif q.type == "multi":
            out[ref] = (
                ref,
                int(survey.question_counts(qid)[label]),
                int(q.answered),
                "councils ticking it, of those answering",
            )
        else:
            out[ref] = (
                ref,
                int(survey.question_counts(qid)[label]),
                int(q.answered),
                "councils choosing it, of those answering",
            )
    return out


def findings_table(
    mapping: pd.DataFrame, frame: Codebook, themes: Codebook, excerpts: pd.DataFrame, survey: Survey
) -> pd.DataFrame:
    """One row per mapped (finding, stage), in map order, with the finding's figure from the data."""
    figures = {
        "interviews": _interview_figures(excerpts, themes),
        "survey": _survey_figures(survey, _survey_refs(survey)),
    }
    rows = []
    for strand, ref, stage, reason in mapping[MAP_COLUMNS].itertuples(index=False):
        finding, count, base, measure = figures[strand][ref]
        rows.append(
            {
                "strand": strand,
                "ref": ref,
                "finding": finding,
                "stage": stage,
                "stage_name": frame[stage].name,
                "count": count,
                "base": base,
                "measure": measure,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def unplaced(mapping: pd.DataFrame, themes: Codebook, survey: Survey) -> pd.DataFrame:
    """Interview themes, and options of the survey questions the map uses, that the map places nowhere."""
    placed = set(zip(mapping["strand"], mapping["ref"]))
    questions = {ref.split(":", 1)[0] for strand, ref in placed if strand == "survey"}
    rows = [("interviews", t, themes[t].name) for t in themes.themes() if ("interviews", t) not in placed]
    for ref, (qid, _label) in _survey_refs(survey).items():
        if qid in questions and ("survey", ref) not in placed:
            rows.append(("survey", ref, ref))
    return pd.DataFrame(rows, columns=["strand", "ref", "finding"])


def findings_by_stage(findings: pd.DataFrame, spread_table: pd.DataFrame) -> pd.DataFrame:
    """The frame with everything on it: per stage, the sources covering it and the findings placed there."""
    rows = []
    for r in spread_table.itertuples(index=False):
        here = findings[findings["stage"] == r.stage]
        rows.append(
            {
                "stage": r.stage,
                "stage_name": r.stage_name,
                "level": r.level,
                "sources_covering": r.sources_covering,
                "sources": r.sources,
                "interview_themes": "; ".join(here.loc[here["strand"] == "interviews", "finding"]),
                "survey_findings": "; ".join(
                    f"{f} ({c} of {b})"
                    for f, c, b in here.loc[here["strand"] == "survey", ["finding", "count", "base"]].itertuples(
                        index=False
                    )
                ),
            }
        )
    return pd.DataFrame(rows)
