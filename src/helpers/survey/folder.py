"""A survey folder read into tidy pandas tables, whichever form its data comes in.

A folder holds `survey.yaml` and either `counts.csv` (published aggregates) or `respondents.csv`
(microdata, aggregated to the same counts), plus optionally `published.csv` (figures the sources
print). `load_survey` validates everything and returns a `Survey`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import Collector, DataError, DataWarning, Problem
from ..core.paths import shown
from ..core.sourced_csv import LINE, read_csv_lines
from .counts import declared_cells, read_counts, validate_counts
from .needs import missing_question
from .respondents import aggregate, check_declared_bases, read_respondents, with_bases
from .schema import Question, SurveySpec, check_bases_agree, read_spec
from .usable import check_usable

PUBLISHED_COLUMNS = [
    "figure_id",
    "document",
    "section",
    "quote",
    "printed",
    "value",
    "unit",
    "qualifier",
    "question",
    "item",
    "options",
    "versus_options",
]
PUBLISHED_UNITS = ("percent", "ratio", "count")


@dataclass(frozen=True)
class Survey:
    """A validated survey: its description, counts and (when given) microdata and published figures."""

    spec: SurveySpec
    counts: pd.DataFrame
    respondents: pd.DataFrame | None
    published: pd.DataFrame | None
    directory: Path
    design: object = None  # helpers.stats.calibration.Design: the raked weights, when survey.yaml asks for them
    councils: pd.DataFrame | None = None  # each respondent's council and margin categories (weighted waves)

    @property
    def weighted(self) -> bool:
        return self.design is not None

    @property
    def id(self) -> str:
        return str(self.spec.meta["id"])

    @property
    def level(self) -> str:
        """'respondents' when microdata was given, else 'aggregate'."""
        return "aggregate" if self.respondents is None else "respondents"

    def question(self, qid: str, parameter: str | None = None) -> Question:
        """A question the wave asked; else a DataError naming the question, the wave and the notebook."""
        if qid not in self.spec.by_id:
            raise missing_question(self.spec, self.directory, qid, parameter)
        return self.spec.by_id[qid]

    def questions_table(self) -> pd.DataFrame:
        """One row per question: id, type, wording, answered, skipped, numbers of items and options."""
        return pd.DataFrame(
            [
                {
                    "question": q.id,
                    "type": q.type,
                    "wording": q.wording,
                    "answered": pd.NA if q.answered is None else q.answered,
                    "skipped": pd.NA if q.skipped is None else q.skipped,
                    "items": len(q.items),
                    "options": len(q.options),
                }
                for q in self.spec.questions
            ]
        ).astype({"answered": "Int64", "skipped": "Int64"})

    def tidy_counts(self) -> pd.DataFrame:
        """The counts in questionnaire order with each question's type and published base."""
        cells = declared_cells(self.spec)
        out = cells.merge(
            self.counts[["question", "item", "option", "count"]], on=["question", "item", "option"], how="left"
        )
        q = self.questions_table()[["question", "type", "answered"]]
        out = out.merge(q, on="question", how="left")
        out = out.sort_values(["question_order", "item_order", "option_order"], kind="stable")
        return out[
            ["question", "type", "item", "option", "count", "answered", "item_order", "option_order"]
        ].reset_index(drop=True)

    def question_counts(self, qid: str, item: str = "") -> pd.Series:
        """The counts of one question (one likert item) indexed by option, in scale order."""
        rows = self.counts[(self.counts["question"] == qid) & (self.counts["item"] == item)]
        return rows.set_index("option")["count"].reindex(list(self.question(qid).options))

    def likert_table(self, qid: str) -> pd.DataFrame:
        """A likert grid as a table: items as rows, options as columns, both in questionnaire order."""
        q = self.question(qid)
        rows = self.counts[self.counts["question"] == qid]
        table = rows.pivot(index="item", columns="option", values="count")
        return table.reindex(index=list(q.items), columns=list(q.options))


def read_published(path: Path, spec: SurveySpec) -> pd.DataFrame:
    """Read `published.csv`: each figure the sources print, and which cells it speaks of."""
    frame = read_csv_lines(path, PUBLISHED_COLUMNS)
    errors = Collector(path)
    for row in frame.itertuples(index=False):
        line = row[0]
        if not row.figure_id.strip():
            errors.add(line, "figure_id", "a figure id")
        try:
            number = float(row.value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):  # float() accepts 'nan' and 'inf': no silent NaN
            errors.add(line, "value", "a number (the figure as a plain number, e.g. 82 for '82%')", row.value)
        if row.unit not in PUBLISHED_UNITS:
            errors.add(line, "unit", "one of " + ", ".join(PUBLISHED_UNITS), row.unit)
        if row.question in spec.unchecked:  # checked once its description in survey.yaml is fixed
            continue
        if row.question in spec.not_asked:
            q = spec.not_asked[row.question]
            errors.add(
                line,
                "question",
                f"a question the wave asked ('{q.id}' has asked: false, {spec.path.name} line {q.line})",
                q.id,
            )
            continue
        if row.question:
            if row.question not in spec.by_id:
                errors.add(line, "question", f"a question of {spec.path.name}: {', '.join(spec.by_id)}", row.question)
                continue
            q = spec.by_id[row.question]
            if row.item and row.item not in q.items:
                errors.add(line, "item", f"an item of question '{q.id}' or empty", row.item)
            for column in ("options", "versus_options"):
                for option in filter(None, getattr(row, column).split(";")):
                    if option not in q.options:
                        errors.add(
                            line,
                            column,
                            f"options of question '{q.id}' separated by ';': {', '.join(q.options)}",
                            option,
                        )
    _warn_foreign_documents(frame, spec, path)
    dupes = frame[frame["figure_id"].duplicated()]
    for line, fid in dupes[[LINE, "figure_id"]].itertuples(index=False):
        errors.add(line, "figure_id", "a unique figure id", fid)
    errors.raise_if_any()
    out = frame.copy()
    out["value"] = out["value"].astype(float)
    return out


def _warn_foreign_documents(frame: pd.DataFrame, spec: SurveySpec, path: Path) -> None:
    """Figures none of which cite the survey's source document likely belong to another survey or wave.

    Other documents may report the same survey (a press article), so one foreign document alone is
    fine; a published.csv that never cites the survey's own source is a warning naming both.
    """
    source = spec.meta.get("source")
    document = str(source.get("document")) if isinstance(source, dict) else ""
    cited = sorted(set(frame["document"]) - {""})
    if document and cited and document not in cited:
        warnings.warn(
            f"{shown(path)}, column 'document': the figures cite {', '.join(cited)}, never {document}, "
            f"the survey's source in {spec.path.name} (is published.csv from another survey or wave?)",
            DataWarning,
            stacklevel=3,
        )


def load_survey(survey_dir: Path | str) -> Survey:
    """Read and validate a survey folder; raise one `DataError` naming every problem in every file."""
    directory = Path(survey_dir)
    if not directory.is_dir():
        errors = Collector(directory)
        errors.add(None, None, "a survey folder holding survey.yaml and counts.csv or respondents.csv")
        errors.raise_if_any()
    spec, problems = read_spec(directory)
    spec, counts, microdata = _read_data(directory, spec, problems)
    published = None
    if spec is not None and not problems:
        _collect(problems, check_bases_agree, spec)
        _collect(problems, check_usable, spec, counts, microdata)
    published_path = directory / "published.csv"
    if spec is not None and published_path.exists():
        published = _collect(problems, read_published, published_path, spec)
    weighted = None
    if not problems and spec.weighting is not None:
        weighted = _collect(problems, _weigh, spec, microdata, directory / "respondents.csv")
    if problems:
        raise DataError(problems)
    counts = counts[["question", "item", "option", "count"]].reset_index(drop=True)
    design, councils = weighted or (None, None)
    return Survey(spec, counts, microdata, published, directory, design, councils)


def _weigh(spec: SurveySpec, microdata: pd.DataFrame | None, path: Path):
    """The raked design of a wave whose survey.yaml has a `weighting` block (it needs respondents.csv)."""
    if microdata is None:
        errors = Collector(spec.path)
        errors.add(None, "weighting", "respondents.csv with an authority column: weights are given to respondents")
        errors.raise_if_any()
    from .weighting import weigh  # reads the frame: only for weighted waves

    return weigh(microdata, spec.weighting, spec.meta["population"]["frame_date"], path)


def _collect(problems: list[Problem], check, *args):
    """Run one reader or check; its problems join the list (the load goes on to the other files)."""
    try:
        return check(*args)
    except DataError as exc:
        problems.extend(exc.problems)
        return None


def _read_data(directory: Path, spec: SurveySpec | None, problems: list[Problem]):
    """The counts (from respondents.csv or counts.csv), the spec with its bases, and the microdata."""
    respondents_path = directory / "respondents.csv"
    counts_path = directory / "counts.csv"
    if not respondents_path.exists() and not counts_path.exists():
        problems.append(Problem(shown(directory), None, None, "counts.csv or respondents.csv in the survey folder"))
        return spec, None, None
    if not respondents_path.exists():
        counts = _collect(problems, read_counts, directory, spec)
        return spec, (None if counts is None else counts.drop(columns=[LINE])), None
    if spec is None:
        return spec, None, None
    microdata = _collect(problems, read_respondents, respondents_path, spec)
    aggregated = None if microdata is None else _collect(problems, aggregate, microdata, spec, respondents_path)
    if aggregated is None:
        return spec, None, microdata
    counts, bases = aggregated
    before = len(problems)
    _collect(problems, check_declared_bases, spec, bases, respondents_path)
    if len(problems) > before:
        return spec, counts, microdata
    spec = with_bases(spec, bases)
    if counts_path.exists():
        published_counts = _collect(problems, read_counts, directory, spec)
        if published_counts is not None:
            _collect(problems, _check_same_counts, published_counts, counts, counts_path)
    return spec, counts, microdata


def _check_same_counts(published: pd.DataFrame, computed: pd.DataFrame, path: Path) -> None:
    """When both counts.csv and respondents.csv are present, they must agree cell by cell."""
    merged = published.merge(computed, on=["question", "item", "option"], suffixes=("", "_microdata"))
    errors = Collector(path)
    for row in merged[merged["count"] != merged["count_microdata"]].itertuples(index=False):
        errors.add(row[0], "count", f"{row.count_microdata}, the count respondents.csv gives", int(row.count))
    errors.raise_if_any()


__all__ = ["Survey", "load_survey", "validate_counts", "read_published"]
