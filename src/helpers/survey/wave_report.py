"""What notebook 07 (wave against wave) needs: its checked parameters, the two waves, the chart and the results rows.

The notebook reads like the report; the loading, checking and drawing are here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core import parameters
from ..core.errors import ParameterError
from ..outputs.results import result_rows
from ..present.display import Safe, md
from ..present.layout import details
from ..present.tables import p_value, percent_table
from ..present.wording import percent_level
from .comparison import check_mapping, compare_waves, read_mapping
from .folder import Survey, load_survey
from .paired import Linked, link_councils, paired_comparison, paired_method

PAIRED_STATISTIC = "change among councils in both waves (paired, second minus first)"
FIRST, SECOND = "#12436D", "#F46A25"  # the two waves: dark blue and orange, told apart by marker too


@dataclass(frozen=True)
class WaveComparison:
    """Two loaded waves, the mapping between them (if any), and their comparison table."""

    first: Survey
    second: Survey
    level: float
    output_dir: Path
    mapping: pd.DataFrame | None
    table: pd.DataFrame
    linked: Linked | None  # councils linked through `authority`; None where a wave does not name them
    paired: pd.DataFrame | None  # the linked councils' paired changes; None where no council is in both

    @property
    def weighted(self) -> bool:
        return self.first.weighted and self.second.weighted

    @property
    def overlap(self) -> int | None:
        return None if self.linked is None else self.linked.overlap


def comparison_setup(*, first_dir, second_dir, mapping, confidence, output_dir) -> WaveComparison:
    """Check the parameters, load both waves and the mapping, and compare them; a bad value names its parameter."""
    level = parameters.probability("confidence", confidence)
    if second_dir in (None, ""):
        raise ParameterError("second_dir", second_dir, "the later wave's folder, e.g. data/raw/surveys/localis_2013")
    first = load_survey(parameters.existing_dir("first_dir", first_dir))
    second = load_survey(parameters.existing_dir("second_dir", second_dir))
    matched = None
    if mapping not in (None, ""):
        path = parameters.resolve(mapping)
        if not path.is_file():
            raise ParameterError("mapping", mapping, "a mapping CSV file, or None")
        matched = read_mapping(path)
        check_mapping(matched, first, second, path)
    table = compare_waves(first, second, level, matched, ci_method="wilson")
    out = parameters.output_dir("output_dir", output_dir)
    linked = link_councils(first, second)
    paired = paired_comparison(first, second, linked, level, matched) if linked and len(linked.pairs) else None
    return WaveComparison(first, second, level, out, matched, table, linked, paired)


def waves_chart(table: pd.DataFrame, first: str, second: str, level: float) -> tuple[plt.Figure, pd.DataFrame]:
    """Each matched option's share in both waves, side by side, with their intervals."""
    labels = [f"{q}: {o}" for q, o in zip(table["question"], table["option"])]
    n = len(table)
    fig, ax = plt.subplots(figsize=(7.5, 0.6 * n + 1.4))
    y = np.arange(n)[::-1]
    for prefix, name, colour, marker, dy in (
        ("first", first, FIRST, "o", 0.15),
        ("second", second, SECOND, "s", -0.15),
    ):
        share = table[f"{prefix}_share"].to_numpy() * 100
        err = np.vstack([share - table[f"{prefix}_low"] * 100, table[f"{prefix}_high"] * 100 - share])
        ax.errorbar(share, y + dy, xerr=np.clip(err, 0, None), fmt=marker, color=colour, capsize=3, label=name)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"Percent of those who answered, with {percent_level(level)} intervals")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / n), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    columns = ["question", "option"] + [f"{p}_{k}" for p in ("first", "second") for k in ("share", "low", "high")]
    return fig, table[columns].copy()


def comparison_rows(comparison: WaveComparison) -> list[pd.DataFrame]:
    """results.csv rows: each wave's share with its interval, the change with its interval, and the paired change."""
    table = comparison.table
    parts = []
    for prefix, survey in (("first", comparison.first), ("second", comparison.second)):
        rows = table.rename(columns={f"{prefix}_{k}": k for k in ("share", "low", "high", "base")})
        how = f"logit interval, {survey.spec.weighting.describe()}" if comparison.weighted else "Wilson score interval"
        method = f"{percent_level(comparison.level)} {how}"
        parts.append(
            result_rows(rows, "", f"share in {survey.id}", method, "share", "low", "high", option="option").assign(
                question=table["question"].to_numpy()
            )
        )
    changes = table.assign(base=table["second_base"])
    for method, rows in changes.groupby("method", sort=False):
        parts.append(
            result_rows(
                rows,
                "",
                "change (second wave minus first)",
                method,
                "change",
                "change_low",
                "change_high",
                option="option",
            ).assign(question=rows["question"].to_numpy())
        )
    if comparison.paired is not None:
        paired = comparison.paired[comparison.paired["pairs"] > 0]
        method = paired_method(comparison.level)
        rows = result_rows(paired, "", PAIRED_STATISTIC, method, "change", "change_low", "change_high", "pairs")
        parts.append(rows.assign(option=paired["option"].to_numpy(), question=paired["question"].to_numpy()))
    return parts


def wave_line(survey: Survey) -> str:
    """One line about a wave: its id, title, how many answered, and whether it is weighted."""
    n = len(survey.respondents) if survey.respondents is not None else None
    size = f"{n} respondents in respondents.csv" if n is not None else "published counts (no respondent-level data)"
    weights = f"weighted, {survey.spec.weighting.describe()}" if survey.weighted else "unweighted"
    return f"{survey.id}: {survey.spec.meta.get('title')} ({size}; {weights})"


def overlap_sentence(comparison: WaveComparison) -> str:
    """How the shares were compared, how many councils answered both, and what the intervals assume."""
    weighted = [s.id for s in (comparison.first, comparison.second) if s.weighted]
    if len(weighted) == 1:
        lead = (
            f"Only {weighted[0]} is weighted, so both waves are compared unweighted (shares of those who "
            "answered, as if each were a simple random sample). "
        )
    else:
        lead = ""
    return lead + _overlap(comparison)


def _overlap(comparison: WaveComparison) -> str:
    if comparison.overlap is None:
        return (
            "A wave does not name its councils (no `authority` column), so councils that answered both cannot be "
            "linked: the intervals treat the two waves as independent samples, which they are only if few "
            "councils answered both."
        )
    paired = (
        "The paired comparison below takes the pairing into account, for these councils only."
        if comparison.paired is not None
        else ""
    )
    return (
        f"{comparison.overlap} councils answered both waves (linked through `authority`). The intervals treat "
        "the waves as independent samples. If a council's answers in the two waves are positively correlated, "
        "as repeated answers usually are, an interval that took the pairing into account would be narrower: "
        f"for changes among these councils the intervals below are then conservative. {paired}"
    ).rstrip()


def paired_sentence(comparison: WaveComparison):
    """What the paired comparison is: who is in it, who is left out and why, its method, level and reach."""
    linked, first, second = comparison.linked, comparison.first.id, comparison.second.id
    if comparison.paired is None:
        if linked is None:
            why = "a wave does not name its councils (no `authority` column)"
        elif linked.overlap:
            why = f"every council named in both waves ({linked.overlap}) is named more than once in a wave"
        else:
            why = "no council answered both waves"
        return md("No paired comparison: {why}.", why=why)
    how = "the frame's council codes" if comparison.weighted else "the `authority` column as written"
    left_out = []
    if linked.repeated:
        left_out.append(f"{len(linked.repeated)} named more than once in a wave (which answer is whose is unclear)")
    for wave, unnamed in zip((first, second), linked.unnamed):
        if unnamed:
            left_out.append(f"{unnamed} respondents of {wave} who name no council")
    also = f" Also left out: {'; '.join(left_out)}." if left_out else ""
    return md(
        "**{pairs}** councils answered both waves, linked through {how}. Left out, as answering one wave only: "
        "**{first_only}** that answered only {first} and **{second_only}** only {second} (listed below).{also} "
        "For each option, the councils counted are those of the {pairs} that answered the question in both waves, "
        "so the number of pairs can differ by question. The change is the share in {second} minus the share in "
        "{first} among the same councils, with the {level} Newcombe hybrid score interval for paired data "
        "(Newcombe 1998, method 10), and McNemar's exact test of the councils that changed answer. It assumes "
        "each pair is the same council answering twice, and is unweighted: it describes these councils only, "
        "and an inference from it reaches only them, not councils that answered one wave or none.",
        pairs=len(linked.pairs),
        how=Safe(how),
        first_only=len(linked.first_only),
        second_only=len(linked.second_only),
        first=first,
        second=second,
        also=also,
        level=percent_level(comparison.level),
    )


def excluded_councils(comparison: WaveComparison) -> list:
    """Closed lists of the councils left out of the paired comparison, each as its wave writes it."""
    linked = comparison.linked
    groups = [
        (f"answered {comparison.first.id} only", linked.first_only),
        (f"answered {comparison.second.id} only", linked.second_only),
        ("named more than once in a wave", linked.repeated),
    ]
    return [details(f"{len(names)} councils {label}", names) for label, names in groups if names]


def paired_table(comparison: WaveComparison) -> pd.DataFrame:
    """The paired comparison as a report shows it: the 2x2 counts, both shares, the change with its interval."""
    first, second, level = comparison.first.id, comparison.second.id, percent_level(comparison.level)
    table = comparison.paired.assign(mcnemar_p=[p_value(p) for p in comparison.paired["mcnemar_p"]])
    return percent_table(
        table.drop(columns=["method"]),
        shares=["first_share", "second_share", "change"],
        intervals=[("change_low", "change_high", f"change: {level} interval (paired)")],
        rename={
            "pairs": "councils in both waves that answered",
            "both": "chose it in both",
            "first_only": f"chose it in {first} only",
            "second_only": f"chose it in {second} only",
            "neither": "in neither",
            "first_share": f"{first}: share (%)",
            "second_share": f"{second}: share (%)",
            "change": "change (points)",
            "mcnemar_p": "McNemar exact p",
        },
    )
