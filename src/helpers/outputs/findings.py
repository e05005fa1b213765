"""Key findings for the research report, read from the analyses' own output files.

The research report types no number: it reads each analysis's `results.csv` (and the coding
tables), picks the statistics a reviewer needs first, and links each to the full analysis.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core import paths
from ..core.errors import Collector
from ..present.wording import percent_level
from .results import RESULT_COLUMNS, SETTINGS_FILE


def read_table(directory: Path | str, name: str, required: list[str]) -> pd.DataFrame:
    """A CSV an analysis wrote, checked for the columns the report reads; a clear error if absent."""
    path = Path(directory) / name
    errors = Collector(path)
    if not path.exists():
        errors.add(
            None,
            None,
            f"{name} written by the analysis (run it first: make reports builds it before the research report)",
        )
        errors.raise_if_any()
    text = ("question", "item", "option", "statistic", "method")
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={column: str for column in text})
    for column in required:
        if column not in frame.columns:
            errors.add(1, column, f"a column named '{column}'", ",".join(frame.columns))
    errors.raise_if_any()
    for column in text:
        if column in frame.columns:
            frame[column] = frame[column].fillna("").astype(str)
    frame.attrs["source"] = paths.shown(path)  # kept through filtering, for `one`'s message
    return frame


def read_results(directory: Path | str) -> pd.DataFrame:
    """An analysis's results.csv (question,item,option,statistic,estimate,ci_low,ci_high,base,method)."""
    return read_table(directory, "results.csv", RESULT_COLUMNS)


def pick(
    results: pd.DataFrame,
    question: str,
    statistic: str,
    method: str | None = None,
    *,
    startswith: bool = False,
    fpc: bool = False,
) -> pd.DataFrame:
    """Rows of one statistic of one question; `method` matched exactly (with or without ' + FPC')."""
    rows = results[results["question"] == question]
    rows = rows[rows["statistic"].str.startswith(statistic)] if startswith else rows[rows["statistic"] == statistic]
    if method is not None:
        has_fpc = rows["method"].str.contains("+ FPC", regex=False)
        rows = rows[rows["method"].str.startswith(method) & (has_fpc == fpc)]
    return rows.reset_index(drop=True)


def one(rows: pd.DataFrame, what: str) -> pd.Series:
    """The single row a finding needs; a clear error naming the statistic (and file) when it is missing."""
    if rows.empty:
        source = rows.attrs.get("source", "the analysis results")
        raise LookupError(f"{source} holds no {what}: was the analysis run with the same survey and ci_method?")
    return rows.iloc[0]


def survey_findings(
    delivery: pd.DataFrame,
    shifts: pd.DataFrame,
    skills: pd.DataFrame,
    *,
    ci_method: str,
    delivery_question: str,
    intent_question: str,
    intent_option: str,
    grid_question: str,
    skills_question: str,
) -> pd.DataFrame:
    """One row per headline survey finding: topic, subject, statistic, estimate, interval, base, method, source."""
    rows = []

    def add(topic, subject, row, source):
        rows.append(
            {
                "topic": topic,
                "subject": subject,
                "statistic": row["statistic"],
                "estimate": row["estimate"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "base": row["base"],
                "method": row["method"],
                "source": source,
            }
        )

    intent = pick(delivery, intent_question, "proportion", ci_method)
    add(
        "Strategic-commissioning intent",
        intent_option,
        one(intent[intent["option"] == intent_option], f"proportion for '{intent_option}'"),
        "delivery",
    )
    mix = pick(delivery, delivery_question, "proportion", ci_method).sort_values(
        "estimate", ascending=False, kind="stable"
    )
    for _, row in mix.head(2).iterrows():
        add("Delivery mix", row["option"], row, "delivery")
    more = pick(shifts, grid_question, "share expecting more", ci_method).sort_values(
        "estimate", ascending=False, kind="stable"
    )
    for _, row in more.iterrows():
        add("Providers expected to deliver more", row["item"], row, "shifts")
    ratio = pick(shifts, grid_question, "ratio of less to more", startswith=True).sort_values(
        "estimate", ascending=False, kind="stable"
    )
    if not ratio.empty:
        add("Less versus more provision", ratio.iloc[0]["item"], ratio.iloc[0], "shifts")
    shares = pick(skills, skills_question, "proportion of respondents", ci_method).sort_values(
        "estimate", ascending=False, kind="stable"
    )
    for _, row in shares.head(2).iterrows():
        add("Skills needed", row["option"], row, "skills")
    return pd.DataFrame(rows)


def analysis_levels(directories: dict[str, Path]) -> dict[str, float | None]:
    """The confidence level each analysis wrote in its settings.csv (None where it wrote none)."""
    levels: dict[str, float | None] = {}
    for name, directory in directories.items():
        path = Path(directory) / SETTINGS_FILE
        if not path.exists():
            levels[name] = None
            continue
        settings = read_table(directory, SETTINGS_FILE, ["setting", "value"]).set_index("setting")["value"]
        levels[name] = float(settings["confidence"]) if "confidence" in settings.index else None
    return levels


def level_sentence(levels: dict[str, float | None], method_name: str) -> tuple[str, float | None]:
    """A sentence on the confidence level of every interval read, and the common level (None if they differ).

    >>> level_sentence({"a": 0.95, "b": 0.95}, "Wilson score")[0]
    'Every interval below is a 95% interval (Wilson score for a share, unless another method is named).'
    >>> sentence, common = level_sentence({"delivery": 0.9, "skills": 0.975}, "Wilson score")
    >>> sentence[sentence.index("("):], common
    ('(the delivery analysis at 90%, the skills analysis at 97.5%): each interval names its own.', None)
    """
    known = {name: level for name, level in levels.items() if level is not None}
    distinct = sorted(set(known.values()))
    unknown = [name for name, level in levels.items() if level is None]
    if len(distinct) == 1:
        sentence = (
            f"Every interval below is a {percent_level(distinct[0])} interval ({method_name} for a share, unless "
            "another method is named)."
        )
        common = distinct[0]
    elif distinct:
        parts = ", ".join(f"the {name} analysis at {percent_level(level)}" for name, level in known.items())
        sentence = f"The analyses read were run at different confidence levels ({parts}): each interval names its own."
        common = None
    else:
        sentence, common = "The analyses read do not record their confidence level.", None
    if unknown:
        sentence += f" Not recorded for: {', '.join(unknown)}."
    return sentence, common


def readable_findings(
    findings: pd.DataFrame,
    levels: dict[str, float | None],
    method_names: dict[str, str] | None = None,
    inferred: dict[str, int] | None = None,
) -> pd.DataFrame:
    """The key findings as a reader wants them: shares in percent, the interval with its level and method.

    `inferred` maps a source (an analysis) to a base that no source prints: its Base cells say so.
    """
    names = method_names or {}
    inferred = inferred or {}
    rows = []
    for r in findings.itertuples(index=False):
        level = levels.get(r.source)
        ratio = str(r.statistic).startswith("ratio")
        method = str(r.method)
        for key, label in names.items():
            method = method.replace(f"({key})", f"({label})") if "(" in method else (label if method == key else method)
        if ratio:
            estimate, interval = f"{r.estimate:.1f} to 1", f"{r.ci_low:.1f} to {r.ci_high:.1f}"
        else:
            estimate, interval = f"{100 * r.estimate:.1f}%", f"{100 * r.ci_low:.1f}% to {100 * r.ci_high:.1f}%"
        rows.append(
            {
                "Topic": r.topic,
                "Answer or provider": r.subject,
                "Estimate": estimate,
                "Interval": interval,
                "Interval's level and method": (
                    f"{percent_level(level)} {method} interval"
                    if level is not None
                    else f"{method} interval (confidence level not recorded)"
                ),
                "Base": f"{int(r.base)}" + (" (inferred)" if inferred.get(r.source) == int(r.base) else ""),
            }
        )
    return pd.DataFrame(rows)


def coding_findings(coding: pd.DataFrame) -> pd.DataFrame:
    """Agreement of all coders together on themes, and each pair's pooled Cohen's kappa."""
    pooled = coding[
        (coding["option"] == "(pooled themes)")
        & coding["statistic"].isin(["cohens_kappa", "fleiss_kappa", "krippendorff_alpha"])
    ]
    return (
        pooled[["item", "statistic", "estimate", "ci_low", "ci_high", "base"]]
        .rename(columns={"item": "coders"})
        .reset_index(drop=True)
    )


def theme_counts(coding: pd.DataFrame, coder: str) -> pd.DataFrame:
    """How many excerpts one coder placed under each code (frequency rows of the coding results)."""
    rows = coding[(coding["statistic"] == "frequency") & (coding["option"] == coder)]
    return (
        rows[["item", "estimate", "base"]]
        .rename(columns={"item": "code", "estimate": "excerpts"})
        .reset_index(drop=True)
    )


def check_same_survey(results: pd.DataFrame, survey, questions: list[str], where: str) -> None:
    """Stop when an analysis's results were computed on another survey than `survey`.

    The bases of its proportions must be the survey's `answered` counts; a report that mixed
    waves would otherwise print one wave's findings under another's name.
    """
    for qid in questions:
        question = survey.question(qid)
        rows = results[(results["question"] == qid) & results["statistic"].str.startswith("proportion")]
        if question.answered is None or rows.empty:
            continue
        bases = sorted({int(b) for b in rows["base"].dropna()})
        if bases != [question.answered]:
            raise ValueError(
                f"parameter '{where}': its results.csv has base {bases} for question '{qid}', but survey_dir says "
                f"{question.answered} answered: run the analyses on the same survey as the report"
            )
