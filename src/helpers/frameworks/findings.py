"""Where the 2015 interview themes and the 2011 survey's findings fall on the frame.

The placement is a project-authored map, `findings_map.csv` in the framework folder: one row per
(finding, stage) with columns strand (`interviews` or `survey`), ref (an interview theme id of the
interview codebook, or `<question>: <option or item>` of the survey), stage (a code of the frame)
and reason. The figures beside each finding come from the data: for an interview theme, the
excerpts the report files under it (named, as its evidence); for a tick-all option, the councils
ticking it of those who answered; for a row of a rating grid, the councils choosing an answer above
the scale's middle, of the base the survey analyses use for the grid (`grid_base(..., "answered")`),
which is named. A finding with no supporting excerpt or count is not placed: it is listed as unplaced.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines
from ..interviews.codebook import Codebook
from ..interviews.coders import report_coder
from ..survey import Survey
from ..survey.likert import grid_base

MAP_COLUMNS = ["strand", "ref", "stage", "reason"]
STRANDS = ("interviews", "survey")
FINDING_COLUMNS = ["strand", "ref", "finding", "stage", "stage_name", "count", "base", "measure", "evidence", "reason"]


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


def _interview_figures(excerpts: pd.DataFrame, themes: Codebook) -> dict[str, tuple]:
    placed = report_coder(excerpts, themes)
    ids = placed.groupby("code", sort=False)["excerpt_id"].unique()
    measure = "interview excerpts the report files under the theme"
    out = {}
    for t in themes.themes():
        found = list(ids.get(t, []))
        out[t] = (themes[t].name, len(found), len(excerpts), measure, "excerpts " + ", ".join(found) if found else "")
    return out


def _upper_half(options: list[str]) -> list[str]:
    k = len(options)
    return options[k // 2 + 1 :] if k % 2 else options[k // 2 :]


def _survey_figures(survey: Survey, refs: dict[str, tuple[str, str]]) -> dict[str, tuple]:
    out = {}
    for ref, (qid, label) in refs.items():
        q = survey.question(qid)
        if q.type == "likert":
            row = survey.question_counts(qid, label)
            upper = _upper_half(list(q.options))
            bases, note = grid_base(survey, qid, "answered")
            measure = f"councils answering {' or '.join(repr(o) for o in upper)}, of the base {note}"
            count = int(row[upper].sum())
            out[ref] = (ref, count, int(bases[label]), measure, f"question {qid}: {count} of {int(bases[label])}")
        else:
            verb = "ticking" if q.type == "multi" else "choosing"
            count = int(survey.question_counts(qid)[label])
            base = int(q.answered)
            measure = f"councils {verb} it, of the {base} who answered the question"
            out[ref] = (ref, count, base, measure, f"question {qid}: {count} of {base}")
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
        finding, count, base, measure, evidence = figures[strand][ref]
        if not count:
            continue  # no supporting excerpt or count: not placed (see `unplaced`)
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
                "evidence": evidence,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def unplaced(mapping: pd.DataFrame, placed: pd.DataFrame, themes: Codebook, survey: Survey) -> pd.DataFrame:
    """Interview themes, and options of the survey questions the map uses, not placed, with the reason."""
    on_map = set(zip(mapping["strand"], mapping["ref"]))
    shown = set(zip(placed["strand"], placed["ref"]))
    questions = {ref.split(":", 1)[0] for strand, ref in on_map if strand == "survey"}
    candidates = [("interviews", t, themes[t].name) for t in themes.themes()]
    candidates += [("survey", ref, ref) for ref, (qid, _l) in _survey_refs(survey).items() if qid in questions]
    rows = []
    for strand, ref, finding in candidates:
        if (strand, ref) in shown:
            continue
        why = "no supporting excerpt or count" if (strand, ref) in on_map else "not on the map"
        rows.append((strand, ref, finding, why))
    return pd.DataFrame(rows, columns=["strand", "ref", "finding", "why"])


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
