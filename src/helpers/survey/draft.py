"""What each column of a delivered survey file is: questions drafted from labels, every guess named.

A column is placed only where the file says what it is: a value-labelled variable (a single question, or
an item of a grid when its neighbours share the same labels), an SPSS multiple-response set (a tick-all
question), or a spreadsheet export's question and option headers. The rest is listed, not dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.errors import Collector
from .agency_file import AgencyFile, Column
from .respondents import ID_COLUMN, SEPARATOR
from .schema import FILL

ID_NAMES = {"respondent_id", "respondentid", "respondent id", "responseid", "response id", "id", "respid", "caseid"}
AUTHORITY_NAMES = {"authority", "council", "local authority", "local_authority", "la_code", "gss_code", "gss code"}
# Columns survey tools add about the response, not the questionnaire (Qualtrics, SurveyMonkey): never questions.
TOOL_COLUMNS = {
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished", "recordeddate",
    "recipientlastname", "recipientfirstname", "recipientemail", "externalreference", "locationlatitude",
    "locationlongitude", "distributionchannel", "userlanguage", "collector id", "start date", "end date",
    "ip address", "email address", "first name", "last name", "custom data 1",
}  # fmt: skip
MAX_SINGLE_OPTIONS = 12  # a spreadsheet column with more distinct answers is taken as free text, not placed


@dataclass
class DraftQuestion:
    id: str
    wording: str
    type: str
    options: list[str]
    items: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # respondents.csv column -> Series of values


@dataclass
class Draft:
    questions: list[DraftQuestion]
    respondents: pd.DataFrame
    unplaced: pd.DataFrame
    report: str


def draft_questions(delivered: AgencyFile) -> Draft:
    """Place each column of the delivered file; a DataError names every value the labels do not explain."""
    errors = Collector(delivered.path)
    data = delivered.data.reset_index(drop=True)
    id_column = next((c.name for c in delivered.columns if c.name.strip().lower() in ID_NAMES), None)
    authority = next((c.name for c in delivered.columns if c.name.strip().lower() in AUTHORITY_NAMES), None)
    ids = _ids(data, id_column, delivered, errors)
    used = {n for n in (id_column, authority) if n}
    if delivered.kind in ("spss", "stata"):
        questions = _statistical_questions(delivered, used, errors)
    else:
        questions = _spreadsheet_questions(delivered, used)
    errors.raise_if_any()
    respondents = pd.DataFrame({ID_COLUMN: ids})
    if authority:
        respondents["authority"] = data[authority].astype(str).str.strip().to_numpy()
    for question in questions:
        for column, values in question.columns.items():
            respondents[column] = values.to_numpy()
    unplaced_names = [c.name for c in delivered.columns if c.name not in used]
    unplaced = pd.concat([respondents[[ID_COLUMN]], data[unplaced_names].reset_index(drop=True)], axis=1)
    return Draft(questions, respondents, unplaced, _report(delivered, questions, unplaced_names, id_column, authority))


def _ids(data: pd.DataFrame, column: str | None, delivered: AgencyFile, errors: Collector) -> pd.Series:
    if column is None:
        return pd.Series([f"r{i + 1:05d}" for i in range(len(data))])
    values = data[column].map(_text)
    first: dict[str, int] = {}
    for row, value in enumerate(values):
        line = row + delivered.first_data_line
        if value in first:
            errors.add(line, column, f"a respondent id used once (also on row {first[value]})", value)
        elif value == "":
            errors.add(line, column, "a respondent id", "an empty cell")
        else:
            first[value] = line
    return values.reset_index(drop=True)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _labelled(column: Column, values: pd.Series, first_line: int, errors: Collector) -> pd.Series:
    """The values mapped through the column's value labels; a value with no label is an error naming its row."""
    labels = {_text(code): label for code, label in column.value_labels.items()}
    out = []
    for row, value in enumerate(values):
        code = _text(value)
        if code == "":
            out.append("")
        elif code in labels:
            out.append(labels[code])
        else:
            errors.add(row + first_line, column.name, "a value its value labels name: " + ", ".join(labels), code)
            out.append("")
    return pd.Series(out)


def _statistical_questions(delivered: AgencyFile, used: set[str], errors: Collector) -> list[DraftQuestion]:
    data, questions = delivered.data, []
    by_name = {c.name: c for c in delivered.columns}
    for name, spec in delivered.multi_sets.items():
        members = [v for v in spec["variables"] if v in by_name]
        qid = name.lstrip("$")
        answered = data[members].map(_text).ne("").any(axis=1).to_numpy()
        if spec.get("kind") == "C":  # a category set: each variable holds the code of one option ticked
            labels = {_text(code): label for v in members for code, label in by_name[v].value_labels.items()}
            ticked = {code: data[members].map(_text).eq(code).any(axis=1).to_numpy() for code in labels}
            for v in members:
                for row, code in enumerate(data[v].map(_text)):
                    if code and code not in labels:
                        line = row + delivered.first_data_line
                        errors.add(line, v, "a value its value labels name: " + ", ".join(labels), code)
            options = list(labels.values())
            columns = {
                f"{qid}{SEPARATOR}{labels[code]}": pd.Series(np.where(answered, np.where(hit, "1", "0"), ""))
                for code, hit in ticked.items()
            }
        else:  # a dichotomy set: each variable is one option, ticked when it holds the counted value
            counted = _text(spec["counted_value"])
            options = [by_name[v].label or v for v in members]
            columns = {
                f"{qid}{SEPARATOR}{option}": pd.Series(
                    np.where(answered, np.where(data[v].map(_text).eq(counted).to_numpy(), "1", "0"), "")
                )
                for v, option in zip(members, options)
            }
        used.update(members)
        questions.append(DraftQuestion(qid, spec["label"], "multi", options, guessed=["labels"], columns=columns))
    rest = [c for c in delivered.columns if c.name not in used and c.value_labels]
    groups: list[list[Column]] = []
    for column in rest:
        if groups and groups[-1][0].value_labels == column.value_labels and len(column.value_labels) >= 3:
            groups[-1].append(column)
        else:
            groups.append([column])
    for group in groups:
        options = [label for _, label in sorted(group[0].value_labels.items())]
        if len(group) == 1:
            column = group[0]
            values = _labelled(column, data[column.name], delivered.first_data_line, errors)
            questions.append(
                DraftQuestion(
                    column.name,
                    column.label or FILL,
                    "single",
                    options,
                    guessed=["type"],
                    columns={column.name: values},
                )
            )
        else:
            qid = group[0].name
            labels = [c.label or c.name for c in group]
            wording = _common_stem(labels)
            items = [label.split(" - ", 1)[1].strip() if wording else label for label in labels]
            columns = {
                f"{qid}{SEPARATOR}{item}": _labelled(c, data[c.name], delivered.first_data_line, errors)
                for c, item in zip(group, items)
            }
            wording = wording or FILL
            questions.append(DraftQuestion(qid, wording, "likert", options, items, ["type", "items"], columns))
        used.update(c.name for c in group)
    return questions


def _spreadsheet_questions(delivered: AgencyFile, used: set[str]) -> list[DraftQuestion]:
    data, questions = delivered.data, []
    groups: dict[str, list[Column]] = {}
    for column in delivered.columns:
        if column.name in used or column.name.strip().lower() in TOOL_COLUMNS:
            continue
        key = column.name.split("_")[0] if delivered.kind == "qualtrics" else column.question or column.name
        groups.setdefault(key, []).append(column)
    for number, (key, group) in enumerate(groups.items(), start=1):
        qid = key if delivered.kind == "qualtrics" else f"q{number}"
        question = group[0].question or group[0].label or key
        cells = {c.name: data[c.name].map(_text).reset_index(drop=True) for c in group}
        if len(group) == 1:
            values = cells[group[0].name]
            options = sorted(v for v in values.unique() if v)
            if not options or len(options) > MAX_SINGLE_OPTIONS:
                continue
            questions.append(
                DraftQuestion(qid, question, "single", options, guessed=["type", "options"], columns={qid: values})
            )
        elif all(set(cells[c.name].unique()) <= {"", "1", c.option} for c in group):
            options = [c.option or c.name for c in group]
            answered = pd.concat(cells.values(), axis=1).ne("").any(axis=1)
            columns = {
                f"{qid}{SEPARATOR}{option}": pd.Series(
                    [("1" if v else "0") if ok else "" for v, ok in zip(cells[c.name], answered)]
                )
                for c, option in zip(group, options)
            }
            questions.append(DraftQuestion(qid, question, "multi", options, guessed=["type"], columns=columns))
        else:
            scale = sorted({v for values in cells.values() for v in values.unique() if v})
            if len(scale) > MAX_SINGLE_OPTIONS:
                continue
            items = [c.option or c.name for c in group]
            columns = {f"{qid}{SEPARATOR}{item}": cells[c.name] for c, item in zip(group, items)}
            questions.append(DraftQuestion(qid, question, "likert", scale, items, ["type", "options"], columns))
        used.update(c.name for c in group)
    return questions


def _common_stem(labels: list[str]) -> str:
    """The text grid items share before their own part ("Rate - Cost", "Rate - Speed" -> "Rate")."""
    parts = [label.split(" - ") for label in labels]
    if all(len(p) > 1 for p in parts) and len({p[0] for p in parts}) == 1:
        return parts[0][0].strip()
    return ""


GUESS_TEXT = {
    "type": "the question type, read from how its columns are coded",
    "options": "the options and their order (the file does not give the questionnaire's order)",
    "items": "the grid's items and which columns form it",
    "labels": "the option labels, taken from the variables' labels",
}


def survey_yaml(name: str, delivered: AgencyFile, draft: Draft) -> str:
    """The drafted survey.yaml: wave facts FILL IN, each question with its guesses under `guessed:`."""
    quote = _quote
    lines = [
        f"# Survey wave {name}, drafted by helpers.survey.import_wave from {_one_line(delivered.path.name)} "
        f"({delivered.kind}).",
        "# It does not load until every FILL IN is replaced and every question's `guessed:` list is removed",
        "# once you have checked those guesses against the questionnaire (IMPORT.md lists them).",
        f"id: {name}",
        f"title: {quote(FILL)}",
        "source:",
        f"  document: {quote(FILL)}",
        f"  section: {quote(FILL)}",
        "fieldwork:",
        f"  date: {quote(FILL)}",
        "respondents:",
        f"  description: {quote(FILL)}",
        f"  note: {quote(f'{len(draft.respondents)} rows in {delivered.path.name}')}",
        "population:",
        f"  description: {quote(FILL)}",
        f"  size: {quote(FILL)}",
        f"  size_source: {quote(FILL)}",
        f"  frame_date: {quote(FILL)}",
        "questions:",
    ]
    for q in draft.questions:
        lines += [f"  - id: {quote(q.id)}", f"    wording: {quote(q.wording)}", f"    type: {q.type}"]
        if q.guessed:
            lines.append(f"    guessed: [{', '.join(q.guessed)}]  # confirm, then delete this line")
        lines.append("    options:")
        lines += [f"      - {quote(o)}" for o in q.options]
        if q.items:
            lines.append("    items:")
            lines += [f"      - {quote(i)}" for i in q.items]
        lines += ["    answered: null", "    skipped: null"]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes are YAML's, so a label's quotes, backslashes, line breaks
    and control characters come back exactly as the file gave them (a raw line break would fold to a space)."""
    return json.dumps(str(text), ensure_ascii=False)


def _one_line(text: str) -> str:
    """A file name as it may appear in a comment: no line break can end the comment early."""
    return " ".join(str(text).splitlines())


def _report(delivered: AgencyFile, questions, unplaced: list[str], id_column, authority) -> str:
    lines = [
        f"# Import of {delivered.path.name}",
        "",
        f"Read as {delivered.kind}: {len(delivered.data)} respondents, {len(delivered.columns)} columns.",
        "Respondent ids: "
        + (f"column {id_column!r}." if id_column else "none in the file; numbered r00001, ... in order."),
        "Authority: " + (f"column {authority!r}." if authority else "no column names the council."),
        "",
        "## Guesses to confirm in survey.yaml",
        "",
    ]
    for q in questions:
        for guess in q.guessed:
            lines.append(f"- question `{q.id}` ({q.type}): {GUESS_TEXT[guess]}")
    lines += ["", "## Columns not placed (kept in unplaced.csv)", ""]
    lines += [f"- `{name}`" for name in unplaced] or ["- none"]
    return "\n".join(lines) + "\n"
