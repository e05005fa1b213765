"""Agreement on coded segments: character units per code, per document and pooled, as `agreement.csv` rows.

Every pair of coders is compared on every character of every document (see
`helpers.stats.character_agreement` for the counting and the formulas). A coder counts as having
read every document of the corpus: a blind coding package hands each coder all of them.
Per code: one 2x2 table summed over the documents. Pooled: one table summed over documents and
the codes either coder used (each character x code a unit). Per document: the table summed over
the codes of that document, in its own file (`agreement_by_document.csv`). Percent and positive
agreement and Cohen's kappa get an interval from resampling whole documents (the characters of a
document are not independent), where each coder coded the code in more than `MIN_POSITIVES`
documents; otherwise the note gives those counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from ..stats.agreement import BOOTSTRAP_RESAMPLES, MIN_POSITIVES, POOLED, cluster_bootstrap, pair_label
from ..stats.agreement import COLUMNS as EXCERPT_COLUMNS
from ..stats.character_agreement import TABLE_COLUMNS, overlap_counts, statistics, tables
from .codebook import Codebook
from .documents import pair_note, whole_document_coders

AGREEMENT_COLUMNS = [
    "level",
    "coders",
    "code",
    "statistic",
    "unit",
    "estimate",
    "ci_low",
    "ci_high",
    "n_units",
    "positives",
    "note",
]
CHARACTER_STATISTICS = ["percent_agreement", "positive_agreement", "cohens_kappa", "krippendorff_alpha"]
CHARACTER_NOTE = (
    f"characters as units; interval: percentile bootstrap over documents ({BOOTSTRAP_RESAMPLES} resamples), "
    "since characters are coded in runs, not independently"
)
CONSISTENCY = "a consistency check between these coders, not a measure of reliability"


def roll_up_segments(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Each segment's code replaced by its theme, for agreement at the theme level."""
    return segments.assign(code=[codebook.theme_of(c) for c in segments["code"]])


def pair_tables(segments: pd.DataFrame, documents: pd.DataFrame, codes: Sequence[str], a: str, b: str) -> pd.DataFrame:
    """The 2x2 character table of coders a and b for every (document, code): document_id, code, n11 .. n00."""
    docs = list(documents["document_id"])
    doc_index = {d: i for i, d in enumerate(docs)}
    code_index = {c: i for i, c in enumerate(codes)}
    lengths = documents["text"].str.len().to_numpy(dtype=np.int64)
    keep = segments[segments["code"].isin(code_index) & segments["document_id"].isin(doc_index)]

    def arrays(coder):
        mine = keep[keep["coder"] == coder]
        group = mine["document_id"].map(doc_index).to_numpy(np.int64) * len(codes) + mine["code"].map(
            code_index
        ).to_numpy(np.int64)
        return group, mine["start"].to_numpy(np.int64), mine["end"].to_numpy(np.int64)

    n_groups = len(docs) * len(codes)
    covered_a, covered_b, both = overlap_counts(*arrays(a), *arrays(b), n_groups)
    out = tables(covered_a, covered_b, both, np.repeat(lengths, len(codes)))
    out.insert(0, "code", np.tile(np.asarray(codes, dtype=object), len(docs)))
    out.insert(0, "document_id", np.repeat(np.asarray(docs, dtype=object), len(codes)))
    return out


def _rows(level: str, pair: tuple[str, str], name: str, per_document: pd.DataFrame, extra: str = "") -> list[dict]:
    """The statistics of one code (or the pooled codes) from its 2x2 table per document, with intervals."""
    summed = per_document[TABLE_COLUMNS].sum().to_frame().T
    s = statistics(summed).iloc[0]
    in_a = int((per_document["n11"] + per_document["n10"] > 0).sum())
    in_b = int((per_document["n11"] + per_document["n01"] > 0).sum())
    (first, second), label = pair, pair_label(*pair)
    positives = f"{first} {in_a}, {second} {in_b} documents"
    if min(in_a, in_b) <= MIN_POSITIVES:
        intervals, why = {}, f"no interval: coded in {positives} (an interval needs more than {MIN_POSITIVES} each)"
    else:
        intervals, why = cluster_bootstrap(per_document[TABLE_COLUMNS].to_numpy()), CHARACTER_NOTE
    rows = []
    for statistic in CHARACTER_STATISTICS:
        undefined = statistic != "percent_agreement" and np.isnan(s[statistic])
        note = "n/a: neither coder coded any character, or both coded every one" if undefined else why
        low, high = intervals.get(statistic, (np.nan, np.nan)) if not undefined else (np.nan, np.nan)
        rows.append(
            {
                "level": level,
                "coders": label,
                "code": name,
                "statistic": statistic,
                "unit": "character",
                "estimate": float(s[statistic]),
                "ci_low": low,
                "ci_high": high,
                "n_units": int(s["n_units"]),
                "positives": positives,
                "note": "; ".join(filter(None, [extra, note])),
            }
        )
    return rows


def character_agreement(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    codes: Sequence[str],
    coders: Sequence[str],
    level: str,
    names: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Character-unit agreement of each pair of coders: (agreement rows, per-document rows).

    Agreement rows have AGREEMENT_COLUMNS, one per (pair, code or "(pooled)", statistic); `names`
    maps a code id to the name shown (the codebook's name by default the id). Per-document rows:
    coders, document_id, the pooled table over `codes` and its statistics.
    """
    names = names or {}
    rows, by_doc = [], []
    whole = whole_document_coders(segments, documents)
    for a, b in combinations(coders, 2):
        label = pair_label(a, b)
        extra = pair_note(a, b, whole)
        per = pair_tables(segments, documents, codes, a, b)
        for code in codes:
            rows += _rows(level, (a, b), names.get(code, code), per[per["code"] == code], extra)
        coded = per.groupby("code")[["n11", "n10", "n01"]].sum().sum(axis=1)
        used = per[per["code"].isin(coded.index[coded > 0])]
        rows += _rows(level, (a, b), POOLED, used.groupby("document_id", sort=False)[TABLE_COLUMNS].sum(), extra)
        docs = per.groupby("document_id", sort=False)[TABLE_COLUMNS].sum()
        frame = pd.concat([docs.reset_index(), statistics(docs).reset_index(drop=True)], axis=1)
        by_doc.append(frame.assign(coders=label, level=level))
    detail = pd.concat(by_doc, ignore_index=True) if by_doc else pd.DataFrame()
    if len(detail):
        detail = detail[["level", "coders", "document_id", *TABLE_COLUMNS, *CHARACTER_STATISTICS, "n_units"]]
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS), detail


def excerpt_agreement(table: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """`agreement_table` rows (unit: excerpt) in the AGREEMENT_COLUMNS layout of `agreement.csv`.

    A pooled row's units are (excerpt, code) pairs; its note says how many excerpts lie behind them.
    """
    names = names or {}
    assert list(table.columns) == EXCERPT_COLUMNS
    pooled = table["code"] == POOLED
    notes = [
        "; ".join(filter(None, [note, f"{n} excerpts" if is_pooled else ""]))
        for note, n, is_pooled in zip(table["note"], table["n_excerpts"], pooled)
    ]
    return pd.DataFrame(
        {
            "level": table["level"],
            "coders": table["coders"],
            "code": [names.get(c, c) for c in table["code"]],
            "statistic": table["statistic"],
            "unit": "excerpt",
            "estimate": table["estimate"],
            "ci_low": table["ci_low"],
            "ci_high": table["ci_high"],
            "n_units": table["n_units"],
            "positives": table["positives"],
            "note": notes,
        },
        columns=AGREEMENT_COLUMNS,
    )


def character_results(agreement: pd.DataFrame) -> pd.DataFrame:
    """Character-unit rows in the layout `results_table` reads (n_excerpts: the units behind them)."""
    out = agreement.drop(columns=["unit"]).assign(n_excerpts=agreement["n_units"])
    return out[EXCERPT_COLUMNS]


__all__ = [
    "AGREEMENT_COLUMNS",
    "CONSISTENCY",
    "character_agreement",
    "character_results",
    "excerpt_agreement",
    "pair_tables",
    "roll_up_segments",
]
