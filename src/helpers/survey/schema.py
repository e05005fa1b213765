"""The survey description (`survey.yaml`): its questions, options, items and bases, validated.

Each question has an id, its wording as asked, a type (`single`: one answer; `multi`: tick all
that apply; `likert`: a grid of items each rated on one scale), its options in questionnaire
order, for likert grids its items, and the published `answered` and `skipped` counts (null
where the source does not print them). A question the wave did not ask is kept with
`asked: false` (it then has no counts): an analysis that needs it says so by name. Every
mapping accepts only its own keys, so a typo (`tpye:`) is an error at its line, not ignored.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import Collector, DataError, Problem
from ..core.sourced_yaml import SourcedDict, SourcedList, load_yaml

QUESTION_TYPES = ("single", "multi", "likert")
FILL = "FILL IN"  # what helpers.survey.new_wave leaves for the researcher to replace
# The keys each mapping of survey.yaml may hold ("note" anywhere, for the researcher's remarks).
KEYS = {
    "": ("id", "title", "source", "fieldwork", "respondents", "population", "weighting", "questions", "note"),
    "source": ("document", "publisher", "title", "published", "section", "note"),
    "fieldwork": ("date", "note"),
    "respondents": ("description", "note"),
    "population": ("description", "size", "size_source", "frame_date", "note"),
    "question": ("id", "wording", "type", "options", "items", "answered", "skipped", "asked", "guessed", "note"),
}
# helpers.survey.import_wave marks each guess with a `guessed:` line: the wave loads once every one is confirmed.
CONFIRM_GUESS = "confirm the guessed type/options/items against the questionnaire, then delete this line"


@dataclass(frozen=True)
class Question:
    id: str
    wording: str
    type: str
    options: tuple[str, ...]
    items: tuple[str, ...] = ()
    answered: int | None = None
    skipped: int | None = None
    line: int = 0
    answered_line: int = 0
    skipped_line: int = 0
    asked: bool = True

    @property
    def grid_items(self) -> tuple[str, ...]:
        """The items to report: the likert items, or the single empty item of other types."""
        return self.items if self.type == "likert" else ("",)


@dataclass(frozen=True)
class SurveySpec:
    """What `survey.yaml` says: metadata and the questions in order."""

    path: Path
    meta: dict
    questions: tuple[Question, ...]
    population_size: int | None = None
    by_id: dict = field(default_factory=dict, compare=False, repr=False)
    not_asked: dict = field(default_factory=dict, compare=False, repr=False)  # id -> Question marked asked: false
    unchecked: frozenset = frozenset()  # ids of questions whose own description has problems
    questions_line: int = 0
    weighting: object = None  # helpers.survey.weighting.Weighting when survey.yaml has a `weighting` block

    def question(self, qid: str) -> Question:
        return self.by_id[qid]

    @property
    def size_line(self) -> int:
        """The line of population.size in survey.yaml."""
        population = self.meta.get("population")
        return population.line_of("size") if isinstance(population, SourcedDict) else 0


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


MAX_COUNT = 10**15 - 1  # 15 digits, as counts.csv allows: far above any survey, exact as a float


def _count_or_null(value) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT)


def _labels(errors: Collector, parent: SourcedDict, key: str, qid: str) -> tuple[str, ...]:
    values = parent.get(key)
    line = parent.line_of(key)
    if not isinstance(values, SourcedList) or not values:
        errors.add(line, key, f"a non-empty list of {key} for question '{qid}'", values)
        return ()
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        if not _text(value):
            hint = (
                ' (quote labels such as "Yes" and "No", which YAML reads as true/false)'
                if isinstance(value, bool)
                else ""
            )
            errors.add(values.line_of(i), key, f"a text label{hint}", value)
        elif value in seen:
            errors.add(
                values.line_of(i), key, f"each label once in question '{qid}' (first on line {seen[value]})", value
            )
        else:
            seen[value] = values.line_of(i)
    return tuple(str(v) for v in values)


def load_spec(survey_dir: Path | str) -> SurveySpec:
    """Read and validate `survey_dir/survey.yaml`; raise `DataError` listing every problem."""
    spec, problems = read_spec(survey_dir)
    if problems:
        raise DataError(problems)
    return spec


def read_spec(survey_dir: Path | str) -> tuple[SurveySpec | None, list[Problem]]:
    """`survey_dir/survey.yaml` and its problems; the spec holds the questions that have none.

    The spec is None only when the file cannot be read as a YAML mapping. With problems, the
    other files of the folder can still be checked against the questions that are well described.
    """
    path = Path(survey_dir) / "survey.yaml"
    try:
        doc = load_yaml(path)
    except DataError as exc:
        return None, exc.problems
    errors = Collector(path)
    for key in ("id", "title"):
        if doc.get(key) != FILL and not _text(doc.get(key)):
            errors.add(doc.line_of(key), key, "a text value", doc.get(key))
    _unknown_keys(doc, errors)
    _check_source(doc, errors)
    _unfilled(doc, errors, "")
    size = _population_size(doc, errors)
    questions, unchecked = _questions(doc, errors)
    weighting = _weighting(doc, path, errors)
    meta = {k: v for k, v in doc.items() if k not in ("questions", "weighting")}
    asked = [q for q in questions if q.asked]
    spec = SurveySpec(
        path=path,
        meta=meta,
        questions=tuple(asked),
        population_size=size,
        by_id={q.id: q for q in asked},
        not_asked={q.id: q for q in questions if not q.asked},
        unchecked=frozenset(unchecked),
        questions_line=doc.line_of("questions"),
        weighting=weighting,
    )
    return spec, errors.problems


def _weighting(doc: SourcedDict, path: Path, errors: Collector):
    """The `weighting` block, validated (None when absent); weights need the frame's date."""
    if "weighting" not in doc:
        return None
    from .weighting import parse_weighting  # the weighting module reads the frame: loaded only when asked for

    line = doc.line_of("weighting")
    population = doc.get("population")
    if not isinstance(population, SourcedDict) or "frame_date" not in population:
        expected = "population.frame_date: weights are raked to the frame's councils on that date"
        errors.add(line, "weighting", expected)
    try:
        return parse_weighting(doc["weighting"], path, line)
    except DataError as exc:
        errors.problems.extend(exc.problems)
        return None


def _unknown_keys(doc: SourcedDict, errors: Collector) -> None:
    """Every mapping holds only its own keys: a misspelt key (`tpye`) is named with its line."""
    _known(doc, KEYS[""], "", errors)
    for section in ("source", "fieldwork", "respondents", "population"):
        if isinstance(doc.get(section), SourcedDict):
            _known(doc[section], KEYS[section], f"{section}.", errors)
    if isinstance(doc.get("questions"), SourcedList):
        for q in doc["questions"]:
            if isinstance(q, SourcedDict):
                _known(q, KEYS["question"], "", errors, f" of a question (question '{q.get('id')}')")


def _known(mapping: SourcedDict, allowed, prefix: str, errors: Collector, of: str = "") -> None:
    where = of or (f" of '{prefix[:-1]}'" if prefix else " at the top level")
    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            errors.add(
                mapping.line_of(key), f"{prefix}{key}", f"one of the keys{where}: {', '.join(allowed)}{hint}", key
            )


def _check_date(errors: Collector, parent: SourcedDict, key: str, label: str) -> None:
    """A date field, when given, is a real date written YYYY-MM-DD (YAML reads it as a date)."""
    if key in parent and parent.get(key) != FILL and not isinstance(parent.get(key), dt.date):
        errors.add(parent.line_of(key), label, "a date written YYYY-MM-DD", parent.get(key))


def _unfilled(value, errors: Collector, where: str, of: str = "") -> None:
    """Placeholders a new wave's folder starts with (helpers.survey.new_wave) that are still there."""
    if isinstance(value, SourcedDict):
        for key, item in value.items():
            if item == FILL:
                expected = f"the new wave's value{of} in place of {FILL}"
                errors.add(value.line_of(key), f"{where}{key}", expected, item)
            else:
                _unfilled(item, errors, f"{where}{key}.", of)
    elif isinstance(value, SourcedList):
        for item in value:
            if where == "questions." and isinstance(item, SourcedDict):
                _unfilled(item, errors, "", f" for question '{item.get('id')}'")
            else:
                _unfilled(item, errors, where, of)


def _check_source(doc: SourcedDict, errors: Collector) -> None:
    source = doc.get("source")
    if not isinstance(source, SourcedDict) or not all(_text(source.get(k)) for k in ("document", "section")):
        if isinstance(source, SourcedDict) and FILL in (source.get("document"), source.get("section")):
            _check_date(errors, source, "published", "source.published")
            return
        errors.add(doc.line_of("source"), "source", "a mapping with 'document' and 'section'", source)
    else:
        _check_date(errors, source, "published", "source.published")


def _population_size(doc: SourcedDict, errors: Collector) -> int | None:
    """The population's size (None when unknown), its description and where the size comes from."""
    population = doc.get("population")
    if not isinstance(population, SourcedDict):
        errors.add(
            doc.line_of("population"),
            "population",
            "a mapping with 'description', 'size' and 'size_source'",
            population,
        )
        return None
    size = population.get("size")
    if size == FILL:
        size = None
    elif size is not None and not (isinstance(size, int) and not isinstance(size, bool) and 0 < size <= MAX_COUNT):
        expected = "a positive whole number or null (at most 15 digits)"
        errors.add(population.line_of("size"), "population.size", expected, size)
        size = None
    for key in ("description", "size_source"):
        if population.get(key) != FILL and not _text(population.get(key)):
            errors.add(population.line_of(key), f"population.{key}", "a text value", population.get(key))
    _check_date(errors, population, "frame_date", "population.frame_date")
    return size


def _questions(doc: SourcedDict, errors: Collector) -> tuple[list[Question], set[str]]:
    """The questions in order, and the ids of those whose own description has problems."""
    raw_questions = doc.get("questions")
    if not isinstance(raw_questions, SourcedList) or not raw_questions:
        errors.add(doc.line_of("questions"), "questions", "a non-empty list of questions", raw_questions)
        return [], set()
    questions: list[Question] = []
    unchecked: set[str] = set()
    seen_ids: dict[str, int] = {}
    for i, q in enumerate(raw_questions):
        if not isinstance(q, SourcedDict):
            errors.add(raw_questions.line_of(i), "questions", "a mapping with id, wording, type, options", q)
            continue
        qid = q.get("id")
        if isinstance(qid, (int, float)) and not isinstance(qid, bool):
            qid = str(qid)
        if not _text(qid):
            errors.add(q.line_of("id"), "id", "a text question id", qid)
        elif qid in seen_ids:
            errors.add(q.line_of("id"), "id", f"a unique question id (first on line {seen_ids[qid]})", qid)
            unchecked.add(qid)
        else:
            seen_ids[qid] = q.line_of("id")
            before = len(errors.problems)
            question = _question(q, qid, errors)
            if len(errors.problems) > before:
                unchecked.add(qid)
            else:
                questions.append(question)
    return questions, unchecked


def _asked(q: SourcedDict, errors: Collector) -> bool:
    asked = q.get("asked", True)
    if not isinstance(asked, bool):
        errors.add(q.line_of("asked"), "asked", "true or false (false: the wave did not ask this question)", asked)
        return True
    return asked


def _question(q: SourcedDict, qid: str, errors: Collector) -> Question:
    """One question: wording, type, options, likert items, and its answered/skipped counts."""
    if not _text(q.get("wording")):
        errors.add(q.line_of("wording"), "wording", f"the wording of question '{qid}' as asked", q.get("wording"))
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        errors.add(q.line_of("type"), "type", "one of " + ", ".join(QUESTION_TYPES), qtype)
    options = _labels(errors, q, "options", qid)
    if qtype in ("single", "likert") and len(options) == 1:
        errors.add(q.line_of("options"), "options", f"at least two options: question '{qid}' is {qtype}", options[0])
    items: tuple[str, ...] = ()
    if qtype == "likert":
        items = _labels(errors, q, "items", qid)
    elif "items" in q:
        errors.add(
            q.line_of("items"), "items", f"no items: only likert questions have items (question '{qid}' is {qtype})"
        )
    asked = _asked(q, errors)
    if "guessed" in q:
        errors.add(q.line_of("guessed"), "guessed", f"{CONFIRM_GUESS} (question '{qid}')", q.get("guessed"))
    for key in ("answered", "skipped"):
        if not asked:
            if q.get(key) not in (None, FILL):
                errors.add(q.line_of(key), key, f"no {key} count, or null: question '{qid}' has asked: false", q[key])
        elif key not in q:
            errors.add(q.line, key, f"an '{key}' count for question '{qid}' (null if the source does not print it)")
        elif q.get(key) != FILL and not _count_or_null(q.get(key)):
            errors.add(q.line_of(key), key, "a non-negative whole number or null (at most 15 digits)", q.get(key))
    return Question(
        id=qid,
        wording=str(q.get("wording", "")).strip(),
        type=str(qtype),
        options=options,
        items=items,
        answered=q.get("answered") if _count_or_null(q.get("answered")) else None,
        skipped=q.get("skipped") if _count_or_null(q.get("skipped")) else None,
        line=q.line,
        answered_line=q.line_of("answered"),
        skipped_line=q.line_of("skipped"),
        asked=asked,
    )


def check_bases_agree(spec: SurveySpec) -> None:
    """Each question's answered + skipped is the number of respondents: the same for every question.

    The number most questions give is taken as the respondents'; a question giving another, or
    skipping or answering more than that, is an error at its line. Run after the counts are checked
    against `answered`, whose errors say more.
    """
    errors = Collector(spec.path)
    _bases_agree(list(spec.questions), errors)
    errors.raise_if_any()


def _bases_agree(questions: list[Question], errors: Collector) -> None:
    totals = {q.id: q.answered + q.skipped for q in questions if q.answered is not None and q.skipped is not None}
    if not totals:
        return
    by_total: dict[int, list[str]] = {}
    for qid, total in totals.items():
        by_total.setdefault(total, []).append(qid)
    order = list(totals)  # on a tie, the total of the earliest question counts
    respondents = max(by_total, key=lambda t: (len(by_total[t]), -min(order.index(q) for q in by_total[t])))
    agreeing = ", ".join(by_total[respondents])
    for q in questions:
        if q.id in totals and totals[q.id] != respondents:
            errors.add(
                q.skipped_line,
                "skipped",
                f"answered + skipped of question '{q.id}' to equal the number of respondents, {respondents} "
                f"(the sum in questions {agreeing})",
                f"{q.answered} + {q.skipped} = {totals[q.id]}",
            )
        elif q.id not in totals:
            for key, value, line in (("answered", q.answered, q.answered_line), ("skipped", q.skipped, q.skipped_line)):
                if value is not None and value > respondents:
                    errors.add(
                        line,
                        key,
                        f"at most the number of respondents, {respondents} (answered + skipped of {agreeing})",
                        value,
                    )
