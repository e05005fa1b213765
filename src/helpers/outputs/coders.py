"""Who coded the interview excerpts, and what agreement between their codings can and cannot show.

The interview-coding analysis may write `coders.csv` (coder,label,made_by,human,independent,
description): how each coding was made. Where it does not, FALLBACK_CODERS describes the three
codings the workbench has always had. A coding is called human only where `human` is true, and
independent only where `independent` is true; with no independent coder, agreement between
codings is a consistency check, not a measure of reliability.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from .findings import read_table

CODER_COLUMNS = ["coder", "label", "made_by", "human", "independent", "description"]
FALLBACK_CODERS = pd.DataFrame(
    [
        (
            "report",
            "the report's own placement",
            "derived from the report: each excerpt coded with the theme of the section it is quoted in",
            False,
            False,
            "single-label, by section; the codebook's themes were taken from these sections",
        ),
        (
            "rules",
            "the keyword rule coder",
            "the codebook's keyword rules, applied by the workbench (machine, deterministic)",
            False,
            False,
            "the same text gives the same codes on every run; it checks the rules against the text they were "
            "written from",
        ),
        (
            "analyst_a",
            "a coding by the codebook's author",
            "a machine-made coding by the codebook's author",
            False,
            False,
            "made by the author of the codebook's rules, so it is not independent of the codebook",
        ),
    ],
    columns=CODER_COLUMNS,
)
POOLED_THEMES = "(pooled themes)"


def _flag(value, errors: Collector, line: int, column: str) -> bool:
    """True only where the file says true: "unknown" (an imported coder's) claims nothing."""
    text = str(value).strip().lower()
    if text not in ("true", "false", "unknown"):
        errors.add(line, column, "true, false or unknown", value)
    return text == "true"


def read_coders(coding_dir: Path | str, coders: list[str]) -> tuple[pd.DataFrame, str]:
    """How each of `coders` was made: from coders.csv when the analysis wrote one, else FALLBACK_CODERS.

    Returns the table (CODER_COLUMNS, one row per coder in `coders` order) and where it came from.
    A coder neither describes is listed as "not described", never as human or independent.
    """
    path = Path(coding_dir) / "coders.csv"
    if path.exists():
        table = read_table(coding_dir, "coders.csv", CODER_COLUMNS).fillna("")
        errors = Collector(path)
        for column in ("human", "independent"):
            table[column] = [_flag(v, errors, i + 2, column) for i, v in enumerate(table[column])]
        errors.raise_if_any()
        source = "the interview-coding analysis (its coders.csv)"
    else:
        table = FALLBACK_CODERS.copy()
        source = "the workbench (the interview-coding analysis wrote no coders.csv)"
    known = table.set_index("coder")
    rows = []
    for coder in coders:
        if coder in known.index:
            rows.append({"coder": coder, **known.loc[coder].to_dict()})
        else:
            rows.append(
                {
                    "coder": coder,
                    "label": coder,
                    "made_by": "not described",
                    "human": False,
                    "independent": False,
                    "description": "",
                }
            )
    return pd.DataFrame(rows, columns=CODER_COLUMNS), source


def coders_in(coding: pd.DataFrame) -> list[str]:
    """The coders of a coding results.csv, in the order of its frequency rows."""
    return list(dict.fromkeys(coding.loc[coding["statistic"] == "frequency", "option"]))


def themes_of(coding: pd.DataFrame) -> list[str]:
    """The theme codes agreement was computed on (theme level, one code at a time)."""
    rows = coding[coding["method"].str.startswith("theme level") & ~coding["option"].str.startswith("(")]
    return list(dict.fromkeys(rows["option"]))


def unused_themes(coding: pd.DataFrame, coder: str) -> list[str]:
    """The themes a coder never applied (neither the theme nor any of its sub-codes)."""
    used = coding[(coding["statistic"] == "frequency") & (coding["option"] == coder) & (coding["estimate"] > 0)]
    return [t for t in themes_of(coding) if t not in set(used["item"])]


def single_label(quotes: pd.DataFrame, coder: str) -> bool:
    """Whether a coder put every excerpt under at most one theme (from quotes.csv's coded_by)."""
    mine = quotes_by(quotes, coder)
    return bool(mine.empty or mine.groupby("excerpt_id")["theme_name"].nunique().max() <= 1)


def quotes_by(quotes: pd.DataFrame, coder: str) -> pd.DataFrame:
    """The rows of quotes.csv (one per theme and excerpt) where `coder` placed the excerpt under the theme."""
    placed = quotes["coded_by"].astype(str).str.split(", ").apply(lambda names: coder in names)
    return quotes[placed].reset_index(drop=True)


def themes_by_role(quotes: pd.DataFrame, coder: str) -> pd.DataFrame:
    """Excerpts one coder placed under each theme, by speaker role (columns theme_name, speaker_role, excerpts)."""
    mine = quotes_by(quotes, coder)
    return mine.groupby(["theme_name", "speaker_role"], sort=False).size().rename("excerpts").reset_index()


def one_quote_per_theme(quotes: pd.DataFrame, coder: str) -> pd.DataFrame:
    """One excerpt per theme, each one the coder placed under that theme; no excerpt shown twice where avoidable."""
    mine = quotes_by(quotes, coder)
    shown: set[str] = set()
    rows = []
    for _, group in mine.groupby("theme_name", sort=False):
        fresh = group[~group["excerpt_id"].isin(shown)]
        row = (fresh if len(fresh) else group).iloc[0]
        shown.add(row["excerpt_id"])
        rows.append(row)
    columns = ["theme_name", "excerpt_id", "speaker_role", "text"]
    return pd.DataFrame(rows, columns=list(mine.columns))[columns].reset_index(drop=True)


def pair_checks(coding: pd.DataFrame) -> pd.DataFrame:
    """Each pair of coders' pooled agreement on themes: percent agreement and Cohen's kappa with its interval."""
    pooled = coding[(coding["option"] == POOLED_THEMES) & ~coding["item"].str.startswith("all:")]
    rows = []
    for pair, group in pooled.groupby("item", sort=False):
        stats = group.set_index("statistic")
        kappa = stats.loc["cohens_kappa"] if "cohens_kappa" in stats.index else None
        rows.append(
            {
                "coders": pair,
                "percent_agreement": stats.loc["percent_agreement", "estimate"]
                if "percent_agreement" in stats.index
                else float("nan"),
                "kappa": kappa["estimate"] if kappa is not None else float("nan"),
                "ci_low": kappa["ci_low"] if kappa is not None else float("nan"),
                "ci_high": kappa["ci_high"] if kappa is not None else float("nan"),
                "excerpts": int(group["base"].iloc[0]),
            }
        )
    return pd.DataFrame(rows, columns=["coders", "percent_agreement", "kappa", "ci_low", "ci_high", "excerpts"])


def shared_theme_checks(coding: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Each pair's Cohen's kappa on every theme that all coders use (wide: theme by pair), and those themes.

    A theme one coder never applies gives a kappa of 0 or none by construction; leaving such
    themes out shows agreement where every coding could agree.
    """
    coders = coders_in(coding)
    unused = {t for c in coders for t in unused_themes(coding, c)}
    shared = [t for t in themes_of(coding) if t not in unused]
    rows = coding[
        (coding["statistic"] == "cohens_kappa")
        & coding["option"].isin(shared)
        & ~coding["item"].str.startswith("all:")
        & coding["method"].str.startswith("theme level")
    ]
    wide = rows.pivot_table(index="option", columns="item", values="estimate", sort=False).reindex(shared)
    return wide.rename_axis(index="theme", columns=None).reset_index(), shared


def theme_names(quotes: pd.DataFrame) -> dict[str, str]:
    """Theme code to theme name, from quotes.csv (codes no quote carries keep their code)."""
    return dict(zip(quotes["theme"], quotes["theme_name"])) if "theme" in quotes.columns else {}


def bootstrap_level() -> float | None:
    """The confidence level of the interview-coding analysis's bootstrap kappa interval (None if unknown)."""
    from ..stats import agreement

    interval = getattr(agreement, "excerpt_bootstrap_interval", None)
    if interval is None:
        return None
    default = inspect.signature(interval).parameters.get("confidence")
    return float(default.default) if default is not None and default.default is not inspect.Parameter.empty else None


def lowered_by_construction(coding: pd.DataFrame, quotes: pd.DataFrame, pair: str) -> str:
    """Why a pair's pooled agreement is lowered by construction, or '' if it is not.

    A coder that gives one theme per excerpt, or never uses a theme, disagrees with a multi-label
    coder on every excerpt where the other applies a second theme or that theme, whatever the text.
    """
    names = theme_names(quotes)
    reasons = []
    for coder in pair.split(" vs "):
        unused = [names.get(t, t) for t in unused_themes(coding, coder)]
        parts = []
        if single_label(quotes, coder):
            parts.append("gives one theme per excerpt")
        if unused:
            parts.append(f"never uses {', '.join(unused)}")
        if parts:
            reasons.append(f"{coder} {' and '.join(parts)}")
    return "; ".join(reasons)
