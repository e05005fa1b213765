"""Who coded the interview excerpts, and what agreement between their codings can and cannot show.

The interview-coding analysis may write `coders.csv` (coder, label, made_by, the flags human,
independent, authored_codebook and derived, codebook_version, description): how each coding was
made. Where it does not, FALLBACK_CODERS describes the three codings the workbench has always had.
A coding is called human only where `human` is true, and independent (coded without seeing or
conferring about the other codings, using the agreed codebook) only where `independent` is true;
with no two independent coders, agreement between codings is a consistency check, not a measure of
reliability.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..stats.set_agreement import MASI
from ..stats.thresholds import figure, reading
from .findings import read_table

FLAGS = ["human", "independent", "authored_codebook", "derived"]
CODER_COLUMNS = ["coder", "label", "made_by", *FLAGS, "codebook_version", "description"]
FALLBACK_CODERS = pd.DataFrame(
    [
        (
            "report",
            "the report's own placement",
            "derived from the report: each excerpt coded with the theme of the section it is quoted in",
            False,
            False,
            False,
            False,
            "",
            "single-label, by section; the source the codebook's themes were taken from, so agreement with it is "
            "circular",
        ),
        (
            "rules",
            "the keyword rule coder",
            "the codebook's keyword rules, applied by the workbench (machine, deterministic)",
            False,
            False,
            False,
            True,
            "",
            "the same text gives the same codes on every run; it checks the rules against the text they were "
            "written from",
        ),
        (
            "codebook_author",
            "a coding by the codebook's author",
            "a machine-made coding by the project's authors, who wrote the codebook",
            False,
            False,
            True,
            False,
            "",
            "made by the authors of the codebook and its rules, so it is not independent of the codebook",
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
        read_table(coding_dir, "coders.csv", CODER_COLUMNS)  # checks the file and its columns
        table = pd.read_csv(path, dtype=str, keep_default_na=False)  # every field as written ("2", not 2.0)
        errors = Collector(path)
        for column in FLAGS:
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
                    **dict.fromkeys(FLAGS, False),
                    "codebook_version": "",
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


AGREEMENT_COLUMNS = ["level", "coders", "code", "statistic", "unit", "estimate", "ci_low", "ci_high", "n_units"]
AGREEMENT_COLUMNS += ["positives", "note"]


def read_agreement(coding_dir: Path | str) -> pd.DataFrame:
    """The interview-coding analysis's `agreement.csv`, numbers as numbers and empty text as ''."""
    table = read_table(coding_dir, "agreement.csv", AGREEMENT_COLUMNS)
    for column in ("estimate", "ci_low", "ci_high"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    for column in ("positives", "note"):
        table[column] = table[column].fillna("").astype(str)
    return table


def _shown(row) -> str:
    """An estimate with its interval, or "n/a" and why, or the counts where no interval is given."""
    text = figure(row["estimate"], row["note"], digits=2)
    if pd.notna(row["ci_low"]):
        return f"{text} ({row['ci_low']:.2f} to {row['ci_high']:.2f})"
    return text


def _reading(row) -> str:
    """A kappa read against the threshold, flagged where it rests on too few positives for an interval."""
    text = reading("cohens_kappa", row["estimate"])
    return f"{text} (too few positives for an interval)" if row["note"].startswith("no interval") else text


def pair_checks(agreement: pd.DataFrame) -> pd.DataFrame:
    """Each pair of codings on themes: positives, positive agreement, kappa (95% interval), reading, MASI alpha.

    Pooled over the themes either coder used; against a single-label source, the share of its
    placements the other reproduces and the mean extra themes.
    """
    themes = agreement[(agreement["level"] == "theme") & ~agreement["coders"].str.startswith("all:")]
    rows = []
    for pair, group in themes.groupby("coders", sort=False):
        by = {(c, s): r for (c, s), r in zip(zip(group["code"], group["statistic"]), group.to_dict("records"))}
        kappa = by.get(("(pooled)", "cohens_kappa"))
        positive = by.get(("(pooled)", "positive_agreement"))
        masi = by.get(("(sets of codes)", "krippendorff_alpha_masi"))
        share = by.get(("(placements)", "reproduced_share"))
        extra = by.get(("(placements)", "extra_codes_mean"))
        rows.append(
            {
                "coders": pair,
                "excerpt-theme units coded": kappa["positives"] if kappa else "",
                "positive agreement": _shown(positive) if positive else "",
                "Cohen's kappa": _shown(kappa) if kappa else "",
                "kappa read against the threshold": _reading(kappa) if kappa else "",
                "alpha, MASI over sets of themes": _shown(masi) if masi else "",
                "alpha read against the threshold": reading(MASI, masi["estimate"]) if masi else "",
                "placements reproduced": f"{share['estimate']:.0%}: {share['positives']}" if share else "",
                "extra themes per excerpt": f"{extra['estimate']:.2f}" if extra else "",
            }
        )
    return pd.DataFrame(rows)


def theme_checks(agreement: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per theme and pair: excerpts each coder coded with it, positive agreement, kappa and its reading."""
    rows = agreement[
        (agreement["level"] == "theme")
        & ~agreement["code"].str.startswith("(")
        & agreement["statistic"].isin(["positive_agreement", "cohens_kappa"])
        & ~agreement["coders"].str.startswith("all:")
    ]
    out = []
    for (theme, pair), group in rows.groupby(["code", "coders"], sort=False):
        stats = group.set_index("statistic")
        kappa = stats.loc["cohens_kappa"]
        out.append(
            {
                "theme": names.get(theme, theme),
                "coders": pair,
                "excerpts coded": kappa["positives"],
                "positive agreement": _shown(stats.loc["positive_agreement"]),
                "Cohen's kappa": _shown(kappa),
                "read against the threshold": _reading(kappa),
            }
        )
    return pd.DataFrame(out)


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
