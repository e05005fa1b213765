"""Every published figure beside the figure reproduced from the counts, and what makes them match.

A published percentage is reproduced as 100 * numerator / base, rounded half up to the printed
number of decimals (Python's round() would round 18.45 to even; survey software rounds half up).
For each figure the candidate bases are tried in order (the question's answered count, then the
row total of a grid item, then a base inferred from all of the question's published percentages,
then everyone asked) and the first that reproduces it is reported, with the difference and a
note on the bases that do not. A figure no base reproduces is reported as such.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..stats.rounding import round_half_up
from .checks import check_kinds
from .figures import for_questions, published_figures, subgroup_claims  # noqa: F401  (the notebooks import them here)
from .folder import Survey

APPROXIMATE = ("some", "approximately", "about", "around", "nearly", "almost")
AT_LEAST = ("over", "more than")
SUBGROUP = re.compile(r"\bthose (that|who)\b[^,(]*", re.IGNORECASE)
RECONCILIATION_COLUMNS = [
    "figure_id",
    "document",
    "printed",
    "question",
    "item",
    "options",
    "numerator",
    "base",
    "base_kind",
    "reproduced",
    "reproduced_as_printed",
    "difference",
    "rounding",
    "match",
    "explanation",
    "note",
    "check_kind",
]


def decimals_of(printed: str) -> int:
    """Decimals shown in a printed figure: '35.0%' has 1, '82%' has 0.

    >>> decimals_of("35.0%"), decimals_of("82%"), decimals_of("4 in 5")
    (1, 0, 0)
    """
    match = re.search(r"\d+(?:\.(\d+))?", printed)
    return len(match.group(1)) if match and match.group(1) else 0


def percent(numerator: int, base: int) -> float:
    return 100.0 * numerator / base if base else float("nan")


def respondents_total(survey: Survey) -> int | None:
    """The number who answered at least one question: the largest answered + skipped of any question."""
    totals = [q.answered + q.skipped for q in survey.spec.questions if q.answered is not None and q.skipped is not None]
    return max(totals) if totals else None


def numerator(survey: Survey, qid: str, item: str, options: list[str]) -> int:
    rows = survey.counts[
        (survey.counts["question"] == qid) & (survey.counts["item"] == item) & survey.counts["option"].isin(options)
    ]
    return int(rows["count"].sum())


def _options(text: str) -> list[str]:
    return [o for o in str(text).split(";") if o]


def likert_percent_figures(survey: Survey, qid: str) -> pd.DataFrame:
    """The distinct published percentages of one grid question: item, options, value, decimals, numerator."""
    if survey.published is None:
        return pd.DataFrame(columns=["label", "item", "options", "value", "decimals", "numerator"])
    rows = survey.published[
        (survey.published["question"] == qid)
        & (survey.published["unit"] == "percent")
        & (survey.published["item"] != "")
    ]
    rows = rows[rows["qualifier"].isin(["exact"])]
    out = []
    for r in rows.drop_duplicates(["item", "options", "value"]).itertuples(index=False):
        opts = _options(r.options)
        out.append(
            {
                "label": r.item,
                "item": r.item,
                "options": r.options,
                "value": r.value,
                "decimals": decimals_of(r.printed),
                "numerator": numerator(survey, qid, r.item, opts),
            }
        )
    return pd.DataFrame(out, columns=["label", "item", "options", "value", "decimals", "numerator"])


def base_search(figures: pd.DataFrame, bases) -> pd.DataFrame:
    """For each candidate base, each figure's percentage rounded as printed and how many it matches.

    `figures` has columns label, value (the printed percentage), decimals and numerator.

    >>> f = pd.DataFrame({"label": ["x", "y"], "value": [82.0, 75.0], "decimals": [0, 0], "numerator": [76, 70]})
    >>> search = base_search(f, [92, 93])
    >>> search[["base", "matches"]].values.tolist(), search["x"].tolist()
    ([[92, 0], [93, 2]], [83.0, 82.0])
    """
    rows = []
    records = list(figures[["label", "value", "decimals", "numerator"]].itertuples(index=False, name=None))
    for base in bases:
        row = {"base": int(base)}
        hits = 0
        for label, printed, decimals, count in records:
            value = round_half_up(percent(count, base), int(decimals))
            row[label] = value
            hits += int(value == printed)
        row["matches"] = hits
        row["all_match"] = hits == len(figures)
        rows.append(row)
    return pd.DataFrame(rows, columns=["base", *figures["label"], "matches", "all_match"])


# The widest search for a grid question's base: every base from 1 up to this many respondents.
BASE_SEARCH_LIMIT = 1000


def infer_grid_base(
    survey: Survey, qid: str, search_range: tuple[int, int] | None = None
) -> tuple[int | None, pd.DataFrame, list[int]]:
    """The base that reproduces every published percentage of a grid question, if exactly one does.

    Returns (base or None, the search table over `search_range` (shown to readers), and every base
    from 1 to BASE_SEARCH_LIMIT that fits all the figures, to show whether the answer is unique).
    """
    figures = likert_percent_figures(survey, qid)
    table = survey.likert_table(qid)
    row_totals = table.sum(axis=1)
    if search_range is None:
        top = respondents_total(survey) or int(row_totals.max()) + 10
        search_range = (max(1, int(row_totals.min()) - 5), top + 5)
    search = base_search(figures, range(search_range[0], search_range[1] + 1))
    if figures.empty:
        return None, search, []
    everywhere = base_search(figures, range(1, BASE_SEARCH_LIMIT + 1))
    fitting = everywhere.loc[everywhere["all_match"], "base"].astype(int).tolist()
    # a base below the largest row total cannot be the number who answered the grid
    fitting = [b for b in fitting if b >= int(row_totals.max())]
    return (fitting[0] if len(fitting) == 1 else None), search, fitting


def _match_percent(
    value: float, printed: str, qualifier: str, reproduced: float, decimals: int
) -> tuple[bool, float, str]:
    """Whether a reproduced percentage matches a printed one under the printed figure's qualifier."""
    words = re.fullmatch(r"\s*(\d+)\s+in\s+(\d+)\s*", printed)
    if words:
        k, m = int(words.group(1)), int(words.group(2))
        shown = round_half_up(reproduced * m / 100, 0)
        return shown == k, 100 * shown / m, f"rounded to the nearest 1 in {m}"
    if qualifier in APPROXIMATE:
        step = 10 if value % 10 == 0 else 5 if value % 5 == 0 else 1
        shown = step * round_half_up(reproduced / step, 0)
        return shown == value, shown, f"rounded to the nearest {step} points ('{qualifier}')"
    if qualifier in AT_LEAST:
        return reproduced > value, reproduced, f"a lower bound ('{qualifier} {value:g}')"
    shown = round_half_up(reproduced, decimals)
    return shown == value, shown, f"rounded half up to {decimals} decimal{'s' if decimals != 1 else ''}"


def _percent_candidates(survey: Survey, qid: str, item: str, inferred: dict[str, int | None]) -> list[tuple[str, int]]:
    q = survey.question(qid)
    out: list[tuple[str, int]] = []
    if q.answered is not None:
        out.append(("answered the question", q.answered))
    if q.type == "likert":
        out.append(("row total of the item", int(survey.likert_table(qid).loc[item].sum())))
        if inferred.get(qid):
            out.append(("inferred: fits every published percentage of the question", inferred[qid]))
    elif q.type == "single":
        out.append(("sum of the counts", int(survey.question_counts(qid).sum())))
    if q.answered is not None and q.skipped is not None:
        out.append(("answered + skipped", q.answered + q.skipped))
    seen, unique = set(), []
    for kind, base in out:
        if base not in seen and base > 0:
            seen.add(base)
            unique.append((kind, base))
    return unique


def reconcile(survey: Survey) -> pd.DataFrame:
    """One row per row of published.csv: the reproduced figure, the base and rounding that match."""
    if survey.published is None:
        return pd.DataFrame(columns=RECONCILIATION_COLUMNS)
    grids = {q.id for q in survey.spec.questions if q.type == "likert"}
    inferred = {qid: (survey.question(qid).answered or infer_grid_base(survey, qid)[0]) for qid in grids}
    rows = [_reconcile_row(survey, r, inferred) for r in survey.published.itertuples(index=False)]
    _share_subgroup(rows, survey.published)
    table = pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)
    table["explanation"] = [_explain(r) for r in table.itertuples(index=False)]
    table["check_kind"] = check_kinds(table)
    return table.astype({"numerator": "Int64", "base": "Int64"})


def _share_subgroup(rows: list[dict], published: pd.DataFrame) -> None:
    """A subgroup named once in a passage covers the passage's other percentages on the same question."""
    flagged = [r for r in rows if "attributes it to a subgroup" in r["note"]]
    sections = published.set_index("figure_id")["section"]
    for first in flagged:
        for r in rows:
            if (
                r is not first
                and r["document"] == first["document"]
                and r["question"] == first["question"]
                and sections[r["figure_id"]] == sections[first["figure_id"]]
                and "subgroup" not in r["note"]
                and r["printed"].endswith("%")
            ):
                text = (
                    f"in the same passage as {first['figure_id']}, so attributed to the same subgroup; "
                    "it too is reproduced from the whole question's counts"
                )
                r["note"] = "; ".join(filter(None, [text, r["note"]]))


def _explain(r) -> str:
    """One sentence: the arithmetic that reproduces a published figure, or why none does."""
    verdict = "matches" if r.match else "does not match"
    if pd.isna(r.reproduced):
        return f"not reproducible: {r.note}"
    if r.base_kind.startswith("respondents"):
        return f"{r.reproduced:g} respondents, {r.rounding}: {verdict} '{r.printed}'"
    if r.base_kind == "the versus count":
        return (
            f"{int(r.numerator)}/{int(r.base)} = {r.reproduced:.2f}, {r.rounding}: "
            f"{r.reproduced_as_printed:g}; {verdict} '{r.printed}'"
        )
    shown = (
        f"{r.reproduced_as_printed:.{decimals_of(r.printed)}f}"
        if r.rounding.startswith("rounded half up")
        else f"{r.reproduced_as_printed:g}"
    )
    inferred = " (the base is inferred)" if str(r.base_kind).startswith("inferred") else ""
    return (
        f"{int(r.numerator)}/{int(r.base)}{inferred} = {r.reproduced:.3f}%, {r.rounding}: {shown}%; "
        f"{verdict} '{r.printed}'"
    )


def _reconcile_row(survey: Survey, r, inferred: dict[str, int | None]) -> dict:
    """One published figure: a count of respondents, a ratio of two counts, or a percentage."""
    out = {
        "figure_id": r.figure_id,
        "document": r.document,
        "printed": r.printed,
        "question": r.question,
        "item": r.item,
        "options": r.options,
        "numerator": np.nan,
        "base": np.nan,
        "base_kind": "",
        "reproduced": np.nan,
        "reproduced_as_printed": np.nan,
        "difference": np.nan,
        "rounding": "",
        "match": False,
        "note": "",
        "check_kind": "",
    }
    if r.unit == "count":
        return _count_row(survey, r, out)
    out["numerator"] = numerator(survey, r.question, r.item, _options(r.options))
    if r.unit == "ratio":
        return _ratio_row(survey, r, out)
    return _percent_row(survey, r, out, inferred)


def _count_row(survey: Survey, r, out: dict) -> dict:
    """A number of respondents ("over 100"): the largest answered + skipped of any question."""
    total = respondents_total(survey)
    if total is None:
        out["note"] = "no question gives answered and skipped counts: the number of respondents is unknown"
        return out
    ok = total > r.value if r.qualifier in AT_LEAST else total == r.value
    out.update(
        reproduced=float(total),
        reproduced_as_printed=float(total),
        difference=float(total - r.value),
        base_kind="respondents: largest answered + skipped of any question",
        match=ok,
        rounding=f"a lower bound ('{r.qualifier} {r.value:g}')" if r.qualifier in AT_LEAST else "exact",
    )
    return out


def _ratio_row(survey: Survey, r, out: dict) -> dict:
    """A ratio ("16 to 1") of two counts, noting any reading with one answer left out that also matches."""
    decimals = decimals_of(r.printed)
    opts, x = _options(r.options), out["numerator"]
    y = numerator(survey, r.question, r.item, _options(r.versus_options))
    ratio = x / y if y else float("nan")
    shown = round_half_up(ratio, decimals) if y else float("nan")
    notes = [f"{x} ({' + '.join(opts)}) to {y} ({' + '.join(_options(r.versus_options))}) = {ratio:.2f}"]
    if len(opts) > 1 and y:
        for drop in opts:
            rest = numerator(survey, r.question, r.item, [o for o in opts if o != drop])
            if round_half_up(rest / y, decimals) == r.value:
                notes.append(f"without '{drop}' it also matches: {rest}/{y} = {rest / y:.2f}")
    out.update(
        base=float(y),
        base_kind="the versus count",
        reproduced=ratio,
        reproduced_as_printed=shown,
        difference=shown - r.value,
        rounding=f"rounded half up to {decimals} decimals",
        match=bool(shown == r.value),
        note="; ".join(notes),
    )
    return out


def _percent_row(survey: Survey, r, out: dict, inferred: dict[str, int | None]) -> dict:
    """A percentage: the first candidate base that reproduces it, with notes on the others."""
    decimals, x = decimals_of(r.printed), out["numerator"]
    candidates = _percent_candidates(survey, r.question, r.item, inferred)
    tried = []
    chosen = None
    for kind, base in candidates:
        value = percent(x, base)
        ok, shown, rounding = _match_percent(r.value, r.printed, r.qualifier, value, decimals)
        tried.append(f"{kind} {base}: {value:.2f}%")
        if ok and chosen is None:
            chosen = (kind, base, value, shown, rounding)
    notes = []
    if chosen is None:
        if not candidates:
            out["note"] = "no base is known for this question"
            return out
        kind, base = candidates[0]
        value = percent(x, base)
        _, shown, rounding = _match_percent(r.value, r.printed, r.qualifier, value, decimals)
        chosen = (kind, base, value, shown, rounding)
        notes.append("no base tried reproduces it: " + "; ".join(tried))
        match = False
    else:
        match = True
        others = [t for t in tried if not t.startswith(chosen[0])]
        if others:
            notes.append("other bases: " + "; ".join(others))
    if chosen[0].startswith("inferred"):
        notes.insert(0, "an inference: the source prints no base for this question")
    subgroup = SUBGROUP.search(str(r.quote))
    if subgroup:
        notes.insert(
            0,
            f"the source attributes it to a subgroup ('{subgroup.group(0).strip()}'), but it is reproduced "
            "from the whole question's counts; no cross-tabulation by that subgroup is published",
        )
    kind, base, value, shown, rounding = chosen
    out.update(
        base=float(base),
        base_kind=kind,
        reproduced=value,
        reproduced_as_printed=shown,
        difference=shown - r.value,
        rounding=rounding,
        match=match,
        note="; ".join(notes),
    )
    return out
