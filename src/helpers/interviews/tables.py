"""Tables from coded excerpts: code frequencies by group, co-occurrence, quotes per theme, risks.

All take the tidy codings (`coder`, `excerpt_id`, `code`; an empty code means read, nothing
applied) and return tidy DataFrames a researcher can take to R or Excel. Counts are of
excerpts, not of codings or of people: two excerpts by one speaker count twice.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..outputs.results import RESULT_COLUMNS
from ..stats.agreement import POOLED
from .codebook import Codebook
from .coders import RuleCoder, applied, with_ancestors
from .segments import CONSISTENCY

NOT_STATED = "not stated"

# Two codes co-occur when one coder applies both to the same excerpt. The matrix counts, for
# each pair of codes, the excerpts where that happens; its diagonal counts the excerpts with the
# code at all. Codes are compared at the theme level (a sub-code counts as its theme).
COOCCURRENCE_RULE = (
    "Two themes co-occur when the same coder applies both (or any of their sub-codes) "
    "to the same excerpt; each cell counts such excerpts, the diagonal the excerpts with the theme."
)


ALL = "all excerpts"


def frequencies(
    codings: pd.DataFrame, excerpts: pd.DataFrame, codebook: Codebook, by: str | None = None
) -> pd.DataFrame:
    """Excerpts carrying each code, per coder and per value of the excerpt column `by`.

    A code counts where the coder applied it or any of its sub-codes. `base` is the number of
    excerpts in that group the coder read; `share` = excerpts / base. Empty `by` values are
    labelled "not stated"; without `by`, one group "all excerpts" (column `group`). Every
    (coder, code, group) appears, zeros included.
    """
    if by is None:
        excerpts, by = excerpts.assign(group=ALL), "group"
    groups = excerpts[["excerpt_id", by]].copy()
    groups[by] = groups[by].replace("", NOT_STATED).fillna(NOT_STATED)
    full = with_ancestors(codings, codebook).merge(groups, on="excerpt_id", how="left")
    bases = full.drop_duplicates(["coder", "excerpt_id"]).groupby(["coder", by]).size().rename("base")
    counts = applied(full).groupby(["coder", "code", by])["excerpt_id"].nunique().rename("excerpts")
    coders = list(dict.fromkeys(codings["coder"]))
    values = sorted(groups[by].unique(), key=lambda v: (v == NOT_STATED, v))
    codes = codebook.ordered()
    grid = pd.MultiIndex.from_product([coders, codes, values], names=["coder", "code", by]).to_frame(index=False)
    out = grid.merge(counts.reset_index(), how="left", on=["coder", "code", by])
    out = out.merge(bases.reset_index(), how="left", on=["coder", by])
    out["excerpts"] = out["excerpts"].fillna(0).astype("int64")
    out["base"] = out["base"].fillna(0).astype("int64")
    out["share"] = (out["excerpts"] / out["base"]).where(out["base"] > 0)
    out.insert(2, "theme", [codebook.theme_of(c) for c in out["code"]])
    out.insert(3, "depth", [codebook.depth(c) for c in out["code"]])
    return out


def cooccurrence(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Theme co-occurrence per coder, tidy: coder, theme_a, theme_b, excerpts (see COOCCURRENCE_RULE)."""
    themes = codebook.themes()
    rows = []
    used = applied(codings)
    for coder in dict.fromkeys(codings["coder"]):
        mine = used[used["coder"] == coder]
        sets = mine.assign(theme=[codebook.theme_of(c) for c in mine["code"]]).groupby("excerpt_id")["theme"].agg(set)
        for a in themes:
            for b in themes:
                rows.append(
                    {
                        "coder": coder,
                        "theme_a": a,
                        "theme_b": b,
                        "excerpts": int(sum(1 for s in sets if a in s and b in s)),
                    }
                )
    return pd.DataFrame(rows, columns=["coder", "theme_a", "theme_b", "excerpts"])


def cooccurrence_matrix(tidy: pd.DataFrame, coder: str, codebook: Codebook, labels: bool = True) -> pd.DataFrame:
    """One coder's co-occurrence as a square matrix (themes in codebook order; names as labels)."""
    themes = codebook.themes()
    mine = tidy[tidy["coder"] == coder].pivot(index="theme_a", columns="theme_b", values="excerpts")
    mine = mine.loc[themes, themes]
    if labels:
        names = {t: codebook[t].name for t in themes}
        mine = mine.rename(index=names, columns=names)
    return mine


def quotes_by_theme(codings: pd.DataFrame, excerpts: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """For each theme, every excerpt any coder put there: who did, with which sub-codes, the speaker and the text.

    One row per (theme, excerpt), themes in codebook order, excerpts in corpus order.
    """
    used = applied(codings)
    used = used.assign(theme=[codebook.theme_of(c) for c in used["code"]])
    coders = list(dict.fromkeys(codings["coder"]))
    order = {c: i for i, c in enumerate(codebook.ordered())}
    position = {e: i for i, e in enumerate(excerpts["excerpt_id"])}
    info = excerpts.set_index("excerpt_id")
    rows = []
    for (theme, excerpt_id), group in used.groupby(["theme", "excerpt_id"]):
        by = [c for c in coders if c in set(group["coder"])]
        subs = sorted({c for c in group["code"] if c != theme}, key=order.__getitem__)
        row = info.loc[excerpt_id]
        rows.append(
            {
                "theme": theme,
                "theme_name": codebook[theme].name,
                "excerpt_id": excerpt_id,
                "speaker_role": row["speaker_role"],
                "authority_type": row["authority_type"] or NOT_STATED,
                "coded_by": ", ".join(by),
                "coders": len(by),
                "sub_codes": ", ".join(subs),
                "text": row["text"],
                "_t": order[theme],
                "_e": position[excerpt_id],
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(
            columns=[
                "theme",
                "theme_name",
                "excerpt_id",
                "speaker_role",
                "authority_type",
                "coded_by",
                "coders",
                "sub_codes",
                "text",
            ]
        )
    return out.sort_values(["_t", "_e"]).drop(columns=["_t", "_e"]).reset_index(drop=True)


def coder_quotes(
    codings: pd.DataFrame,
    excerpts: pd.DataFrame,
    codebook: Codebook,
    coder: str,
    segments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The quotes one coder placed under each theme (`placed_by`), with every coder who put them there.

    With `segments`, a quote is the text of that coder's segments for the theme in the excerpt
    (joined by " [...] ") rather than the whole excerpt, where they do not span all of it.
    """
    quotes = quotes_by_theme(codings, excerpts, codebook)
    mine = quotes[[coder in [c.strip() for c in by.split(",")] for by in quotes["coded_by"]]].copy()
    mine.insert(2, "placed_by", coder)
    if segments is not None and len(mine):
        texts = dict(zip(excerpts["excerpt_id"], excerpts["text"]))
        own = segments[segments["coder"] == coder].assign(theme=lambda f: [codebook.theme_of(c) for c in f["code"]])
        spans = own.groupby(["theme", "document_id"])[["start", "end"]].apply(
            lambda g: sorted(set(zip(g["start"], g["end"])))
        )
        mine["text"] = [
            " [...] ".join(texts[e][a:b] for a, b in spans.get((t, e), [(0, len(texts[e]))]))
            for t, e in zip(mine["theme"], mine["excerpt_id"])
        ]
    return mine.reset_index(drop=True)


def themes_in_sections(excerpts: pd.DataFrame, codebook: Codebook) -> list[str]:
    """The themes linked to a section the report quotes an excerpt in: the only ones its placement can use."""
    sections = set(excerpts["section_number"]) if "section_number" in excerpts else set()
    return [t for t in codebook.themes() if codebook[t].section in sections]


def risks_table(lists: pd.DataFrame, codebook: Codebook, codings: pd.DataFrame, list_id: str = "risks") -> pd.DataFrame:
    """The report's list of risks, coded against the codebook and counted.

    One row per (risk, coder): the risk's text, the codebook code made from it (`from_list`),
    the themes of the risk: those the rule coder finds in its own wording and the theme its code
    sits under, other than the theme of the report section that lists the risks (so a risk
    merged into a code of another theme counts for that theme), and how many excerpts (and which) the coder coded with
    that risk's code.
    """
    risks = lists[lists["list_id"] == list_id].sort_values("item_number")
    by_item = {c.from_list: c.id for c in codebook.codes.values() if c.from_list}
    home = {codebook.theme_for_section().get(int(s)) for s in risks["section"]} if "section" in risks else set()
    coder = RuleCoder(codebook)
    used = applied(codings)
    coders = list(dict.fromkeys(codings["coder"]))
    rows = []
    for item, text in zip(risks["item_number"], risks["text"]):
        code = by_item.get(f"{list_id}#{item}", "")
        found = {codebook.theme_of(c) for c in coder.codes_for(text)} | ({codebook.theme_of(code)} if code else set())
        themes = [t for t in codebook.themes() if t not in home and t in found]
        for name in coders:
            hits = used[(used["coder"] == name) & (used["code"] == code)]["excerpt_id"].tolist() if code else []
            rows.append(
                {
                    "item_number": int(item),
                    "risk": text,
                    "code": code,
                    "themes_in_wording": ", ".join(themes),
                    "coder": name,
                    "excerpts": len(hits),
                    "excerpt_ids": ", ".join(hits),
                }
            )
    return pd.DataFrame(
        rows, columns=["item_number", "risk", "code", "themes_in_wording", "coder", "excerpts", "excerpt_ids"]
    )


def risks_by_theme(risks: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """How many of the report's risks the rule coder places under each theme by their wording."""
    one = risks.drop_duplicates("item_number")
    rows = []
    for theme in codebook.themes():
        items = [
            int(i)
            for i, themes in zip(one["item_number"], one["themes_in_wording"])
            if theme in [t.strip() for t in themes.split(",") if t.strip()]
        ]
        rows.append(
            {
                "theme": theme,
                "theme_name": codebook[theme].name,
                "risks": len(items),
                "items": ", ".join(str(i) for i in items),
            }
        )
    return pd.DataFrame(rows)


def code_summary(codings: pd.DataFrame, codebook: Codebook, coders: Sequence[str]) -> pd.DataFrame:
    """Excerpts per code (with sub-codes) for each coder, wide: the codebook's coverage at a glance."""
    full = applied(with_ancestors(codings, codebook))
    counts = full.groupby(["code", "coder"])["excerpt_id"].nunique().unstack("coder")
    counts = counts.reindex(index=codebook.ordered(), columns=list(coders)).fillna(0).astype("int64")
    counts.insert(0, "name", [("  " * codebook.depth(c)) + codebook[c].name for c in counts.index])
    return counts.rename_axis(index="code", columns=None).reset_index()


def wide_frequencies(freq: pd.DataFrame, by: str, codebook: Codebook, depth: int = 0) -> pd.DataFrame:
    """Frequencies for display: one row per code of `depth`, one column "coder: group" each, "n of base"."""
    part = freq[freq["depth"] == depth].copy()
    part["cell"] = part["excerpts"].astype(str) + " of " + part["base"].astype(str)
    part["column"] = part["coder"] + ": " + part[by]
    columns = list(dict.fromkeys(part["column"]))
    out = part.pivot(index="code", columns="column", values="cell")
    out = out.reindex(index=[c for c in codebook.ordered() if c in set(part["code"])], columns=columns)
    out.insert(0, "theme" if depth == 0 else "code", [codebook[c].name for c in out.index])
    return out.rename_axis(columns=None).reset_index(drop=True)


def top_pairs(tidy: pd.DataFrame) -> pd.DataFrame:
    """Per coder, the pair of different themes sharing most excerpts (first in codebook order on ties)."""
    rows = []
    for coder, group in tidy.groupby("coder", sort=False):
        order = list(dict.fromkeys(group["theme_a"]))
        pairs = group[[order.index(a) < order.index(b) for a, b in zip(group["theme_a"], group["theme_b"])]]
        best = pairs.loc[pairs["excerpts"].idxmax()] if len(pairs) else None
        if best is not None:
            rows.append(
                {
                    "coder": coder,
                    "theme_a": best["theme_a"],
                    "theme_b": best["theme_b"],
                    "excerpts": int(best["excerpts"]),
                }
            )
    return pd.DataFrame(rows, columns=["coder", "theme_a", "theme_b", "excerpts"])


def results_table(
    freq: pd.DataFrame, agreement: pd.DataFrame, question: str = "interviews", unit: str = "excerpt"
) -> pd.DataFrame:
    """Key numbers for a research report: code frequencies per coder and every agreement statistic.

    Frequencies: item = code id, option = coder, estimate = excerpts, base = excerpts read.
    Agreement: item = the coders ("a vs b", or "all: ..."), option = code id or "(pooled <level>)",
    base = excerpts behind the figure (characters when `unit` is "character").
    """
    per_unit = "each code binary present/absent per excerpt" if unit == "excerpt" else "each character coded or not"
    pooled_units = "(excerpt, code)" if unit == "excerpt" else "(character, code)"
    rows = []
    for r in freq.itertuples(index=False):
        rows.append(
            {
                "question": question,
                "item": r.code,
                "option": r.coder,
                "statistic": "frequency",
                "estimate": r.excerpts,
                "ci_low": None,
                "ci_high": None,
                "base": r.base,
                "method": "excerpts the coder coded with the code or one of its sub-codes",
            }
        )
    for r in agreement.itertuples(index=False):
        option = f"(pooled {r.level}s)" if r.code == POOLED else r.code
        pooled = f" over {pooled_units} units" if r.code == POOLED else ""
        rows.append(
            {
                "question": question,
                "item": r.coders,
                "option": option,
                "statistic": r.statistic,
                "estimate": r.estimate,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "base": r.n_excerpts,
                "method": f"{r.level} level, {per_unit}{pooled}; {CONSISTENCY}" + (f"; {r.note}" if r.note else ""),
            }
        )
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)
