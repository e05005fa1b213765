"""What a reproduced published figure proves: an independent check, or a fit made by construction.

A printed figure that the counts reproduce is only an independent check when nothing was chosen
to make it fit. Four kinds, computed from the reconciliation table (reconciliation.reconcile):

- `independent`: a precise figure reproduced from a base the source gives (or the sum of the
  counts), with one reading;
- `by construction`: reproduced over a base inferred from the published figures themselves, so it
  fits because the base was chosen to fit;
- `verbal`: a figure in words ("over 100", "4 in 5", "Some 80%"), consistent with a range of
  counts, so it checks little;
- `ambiguous`: reproduced under more than one reading of the counts (a ratio that also matches
  with one of its answers left out);
- `not reproduced`: no base or reading gives it.
"""

from __future__ import annotations

import re

import pandas as pd

CHECK_KINDS = {
    "independent": "independent check",
    "by construction": "fits by construction (base inferred from these figures)",
    "verbal": "figure in words (fits a range of counts)",
    "ambiguous": "fits more than one reading of the counts",
    "not reproduced": "not reproduced",
}


PHRASES = {
    "independent": ("is an independent check", "are independent checks"),
    "by construction": (
        "fits by construction (its base was inferred from the published figures themselves)",
        "fit by construction (their base was inferred from the published figures themselves)",
    ),
    "verbal": ("is a figure in words that fits a range of counts", "are figures in words that fit a range of counts"),
    "ambiguous": ("fits more than one reading of the counts", "fit more than one reading of the counts"),
    "not reproduced": ("is not reproduced", "are not reproduced"),
}


def kind_sentence(kinds: dict[str, int]) -> str:
    """The check kinds of some figures as a clause: '6 are independent checks and 1 fits more than one reading'.

    >>> kind_sentence({"independent": 6, "by construction": 0, "verbal": 1})
    '6 are independent checks and 1 is a figure in words that fits a range of counts'
    """
    parts = [f"{n} {PHRASES[k][0] if n == 1 else PHRASES[k][1]}" for k, n in kinds.items() if n]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def check_kind(match: bool, base_kind: str, rounding: str, note: str) -> str:
    """The kind of check one reconciliation row is (a key of CHECK_KINDS).

    >>> check_kind(True, "answered the question", "rounded half up to 1 decimal", "")
    'independent'
    >>> check_kind(True, "inferred: fits every published percentage", "rounded half up to 0 decimals", "")
    'by construction'
    >>> check_kind(True, "sum of the counts", "rounded to the nearest 1 in 5", "")
    'verbal'
    """
    if not match:
        return "not reproduced"
    if str(base_kind).startswith("inferred"):
        return "by construction"
    if not (str(rounding).startswith("rounded half up") or rounding == "exact"):
        return "verbal"
    if "it also matches" in str(note):
        return "ambiguous"
    return "independent"


def check_kinds(table: pd.DataFrame) -> pd.Series:
    """The check kind of every row of a reconciliation table."""
    return pd.Series(
        [
            check_kind(bool(r.match), r.base_kind, r.rounding, r.note)
            for r in table[["match", "base_kind", "rounding", "note"]].itertuples(index=False)
        ],
        index=table.index,
        dtype=object,
    )


def kind_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many rows of each check kind (every kind present, zeros included), in CHECK_KINDS order."""
    kinds = table["check_kind"] if "check_kind" in table.columns else check_kinds(table)
    return {kind: int((kinds == kind).sum()) for kind in CHECK_KINDS}


def inferred_base_alternatives(survey, table: pd.DataFrame) -> pd.DataFrame:
    """For each figure reproduced over an inferred base: its share on each item's own row total instead.

    Columns: figure_id, item, printed, numerator, base (inferred), share_inferred (percent),
    row_total, share_row_total (percent), difference (percentage points, row total minus inferred).
    """
    rows = []
    inferred = table[table["base_kind"].astype(str).str.startswith("inferred")]
    for r in inferred.itertuples(index=False):
        row_total = int(survey.likert_table(r.question).loc[r.item].sum())
        on_base = 100 * int(r.numerator) / int(r.base)
        on_row = 100 * int(r.numerator) / row_total
        rows.append(
            {
                "figure_id": r.figure_id,
                "item": r.item,
                "printed": r.printed,
                "numerator": int(r.numerator),
                "base": int(r.base),
                "share_inferred": on_base,
                "row_total": row_total,
                "share_row_total": on_row,
                "difference": on_row - on_base,
            }
        )
    columns = [
        "figure_id",
        "item",
        "printed",
        "numerator",
        "base",
        "share_inferred",
        "row_total",
        "share_row_total",
        "difference",
    ]
    return pd.DataFrame(rows, columns=columns)


def decimals_of(printed: str) -> int:
    """Decimals shown in a printed figure: '35.0%' has 1, '82%' has 0."""
    match = re.search(r"\d+(?:\.(\d+))?", printed)
    return len(match.group(1)) if match and match.group(1) else 0


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation table as a reader wants it: plain headers, words instead of True/False.

    The long explanation of each row is left out (show it in a note or a details block); an
    inferred base says so beside the number.
    """
    kinds = table["check_kind"] if "check_kind" in table.columns else check_kinds(table)

    def base(row) -> str:
        if pd.isna(row.base):
            return ""
        inferred = " (inferred)" if str(row.base_kind).startswith("inferred") else ""
        return f"{int(row.base)}{inferred}"

    def shown(row) -> str:
        if pd.isna(row.reproduced_as_printed):
            return ""
        if str(row.printed).rstrip().endswith("%"):
            return f"{row.reproduced_as_printed:.{decimals_of(row.printed)}f}%"
        return f"{row.reproduced_as_printed:g}"

    rows = {
        "Figure": table["figure_id"],
        "As printed": table["printed"],
        "About": [
            str(i) if str(i) else (f"question {q}" if str(q) else "the respondents")
            for i, q in zip(table["item"].fillna("").astype(str), table["question"].fillna("").astype(str))
        ],
        "From the counts": [shown(r) for r in table.itertuples(index=False)],
        "Base": [base(r) for r in table.itertuples(index=False)],
        "Reproduced": ["yes" if bool(m) else "no" for m in table["match"]],
        "What the match shows": [CHECK_KINDS.get(k, k) for k in kinds],
    }
    return pd.DataFrame(rows)
