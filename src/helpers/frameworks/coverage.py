"""Which stages of the frame each source covers: the coverage matrix, the concordance, the gaps.

A source covers a stage when the coder applied that stage, or one of its sub-stages, to at least
one of the source's items. Counts are of items, not of codings: an item coded with two sub-stages
of one stage counts once for the stage.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..interviews.codebook import Codebook
from ..interviews.coders import applied, with_ancestors
from .items import FrameworkSet

COVERAGE_RULE = (
    "A source covers a stage when at least one of its items is coded with the stage or one of its "
    "sub-stages; each cell counts such items."
)
LEVELS = {0: "stage", 1: "sub-stage"}


def _coded_items(codings: pd.DataFrame, coder: str, codebook: Codebook, ancestors: bool) -> pd.DataFrame:
    mine = codings[codings["coder"] == coder]
    return applied(with_ancestors(mine, codebook) if ancestors else mine)


def coverage(codings: pd.DataFrame, frameworks: FrameworkSet, codebook: Codebook, coder: str) -> pd.DataFrame:
    """One row per (source, code), sources and codes in order: the items covering it and their ids.

    `base` is the number of the source's items the coder read.
    """
    items = frameworks.items
    source_of = dict(zip(items["item_id"], items["source"]))
    order = {i: k for k, i in enumerate(items["item_id"])}
    coded = _coded_items(codings, coder, codebook, ancestors=True)
    read = set(codings.loc[codings["coder"] == coder, "excerpt_id"])
    hits: dict[tuple[str, str], list[str]] = {}
    for item_id, code in zip(coded["excerpt_id"], coded["code"]):
        hits.setdefault((source_of[item_id], code), []).append(item_id)
    rows = []
    for source in frameworks.source_names():
        base = int(sum(1 for i, s in source_of.items() if s == source and i in read))
        for code in codebook.ordered():
            ids = sorted(set(hits.get((source, code), [])), key=order.__getitem__)
            rows.append(
                {
                    "coder": coder,
                    "source": source,
                    "stage": code,
                    "stage_name": codebook[code].name,
                    "level": LEVELS.get(codebook.depth(code), f"depth {codebook.depth(code)}"),
                    "items": len(ids),
                    "base": base,
                    "item_ids": ", ".join(ids),
                }
            )
    return pd.DataFrame(rows)


def coverage_matrix(table: pd.DataFrame, codebook: Codebook, depth: int, names: bool = True) -> pd.DataFrame:
    """Stages of one depth as rows, sources as columns, items as cells (from `coverage`)."""
    part = table[[codebook.depth(c) == depth for c in table["stage"]]]
    sources = list(dict.fromkeys(part["source"]))
    stages = list(dict.fromkeys(part["stage"]))
    out = part.pivot(index="stage", columns="source", values="items").reindex(index=stages, columns=sources)
    if names:
        out.index = [codebook[c].name + (f" ({codebook.theme_of(c)})" if depth else "") for c in out.index]
    return out.rename_axis(index="stage", columns=None)


def spread(table: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """For each stage: how many sources cover it, which do and which do not."""
    sources = list(dict.fromkeys(table["source"]))
    rows = []
    for code in dict.fromkeys(table["stage"]):
        part = table[table["stage"] == code]
        covering = [s for s, n in zip(part["source"], part["items"]) if n > 0]
        rows.append(
            {
                "stage": code,
                "stage_name": codebook[code].name,
                "level": LEVELS.get(codebook.depth(code), f"depth {codebook.depth(code)}"),
                "sources_covering": len(covering),
                "sources": len(sources),
                "items": int(part["items"].sum()),
                "covered_by": ", ".join(covering),
                "not_covered_by": ", ".join(s for s in sources if s not in covering),
            }
        )
    return pd.DataFrame(rows)


def stages_covered_by(spread_table: pd.DataFrame, how: str, level: str | None = None) -> list[str]:
    """Names of the stages no source covers (how="none") or every source covers (how="all")."""
    part = spread_table if level is None else spread_table[spread_table["level"] == level]
    if how == "none":
        keep = part["sources_covering"] == 0
    elif how == "all":
        keep = part["sources_covering"] == part["sources"]
    else:
        raise ValueError(f"how must be 'none' or 'all', not {how!r}")
    return list(part.loc[keep, "stage_name"])


def concordance(codings: pd.DataFrame, frameworks: FrameworkSet, codebook: Codebook, coder: str) -> pd.DataFrame:
    """Each source's items side by side, stage by stage: one row per code, one column per source.

    A cell lists "id label" of the items the coder coded with exactly that code (a stage row holds
    the items coded with the stage as a whole); rows no source fills are kept, so gaps show.
    """
    coded = _coded_items(codings, coder, codebook, ancestors=False)
    items = frameworks.items.set_index("item_id")
    sources = frameworks.source_names()
    rows = []
    for code in codebook.ordered():
        ids = [i for i in frameworks.items["item_id"] if i in set(coded.loc[coded["code"] == code, "excerpt_id"])]
        row = {"stage": ("\u2003" * codebook.depth(code)) + codebook[code].name}
        for source in sources:
            row[source] = "; ".join(f"{i} {items.loc[i, 'label']}" for i in ids if items.loc[i, "source"] == source)
        rows.append(row)
    return pd.DataFrame(rows, columns=["stage", *sources])


def coverage_by_list(codings: pd.DataFrame, frameworks: FrameworkSet, codebook: Codebook, coder: str) -> pd.DataFrame:
    """Items of each list (each framework within a source) per stage: the finer grain of the matrix."""
    coded = _coded_items(codings, coder, codebook, ancestors=True)
    list_of = dict(zip(frameworks.items["item_id"], frameworks.items["list_id"]))
    source_of = dict(zip(frameworks.sources["document"], frameworks.sources["source"]))
    stages = codebook.themes()
    rows = []
    for list_id, name, document in frameworks.lists[["list_id", "name", "document"]].itertuples(index=False):
        mine = coded[[list_of.get(i) == list_id for i in coded["excerpt_id"]]]
        row = {
            "source": source_of[document],
            "list": name,
            "items": int((frameworks.items["list_id"] == list_id).sum()),
        }
        for stage in stages:
            row[codebook[stage].name] = int(mine.loc[mine["code"] == stage, "excerpt_id"].nunique())
        rows.append(row)
    return pd.DataFrame(rows)


def coder_differences(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """(source, stage) cells that some coders count as covered and others not, from `coverage` tables."""
    both = pd.concat(tables, ignore_index=True)
    both["covered"] = (both["items"] > 0).astype("int64")
    wide = both.pivot_table(index=["source", "stage", "stage_name"], columns="coder", values="covered", sort=False)
    coders = list(dict.fromkeys(both["coder"]))
    differs = wide[wide.nunique(axis=1) > 1]
    out = differs.reset_index()
    for coder in coders:
        out[coder] = ["covers" if v else "does not cover" for v in out[coder]]
    return out[["source", "stage", "stage_name", *coders]].rename_axis(columns=None)


def describe(names: Sequence[str], none: str = "none") -> str:
    """A list of names as prose: "a", "a and b", "a, b and c" (semicolons when a name holds a comma), or `none`.

    >>> describe(["Plan", "Do", "Review"]), describe(["Do: secure, deliver", "Review"]), describe([])
    ('Plan, Do and Review', 'Do: secure, deliver; and Review', 'none')
    """
    names = list(names)
    if not names:
        return none
    if len(names) == 1:
        return names[0]
    sep = "; " if any("," in n for n in names) else ", "
    return sep.join(names[:-1]) + (";" if sep == "; " else "") + " and " + names[-1]


def most_and_fewest(matrix: pd.DataFrame) -> tuple[str, int, str, int]:
    """The source covering the most rows of a coverage matrix and the one covering the fewest (first on ties)."""
    covered = (matrix > 0).sum(axis=0)
    return str(covered.idxmax()), int(covered.max()), str(covered.idxmin()), int(covered.min())


def coverage_results(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of results.csv from a `coverage` table: items per (stage, source)."""
    from ..outputs.results import result_rows

    method = [f"items of the source coded with the stage or one of its sub-stages by {c}" for c in table["coder"]]
    rows = result_rows(
        table, "frameworks", "items coded", "", "items", None, None, "base", item="stage", option="source"
    )
    rows["method"] = method
    return rows


def shared_items(codings: pd.DataFrame, frameworks: FrameworkSet, codebook: Codebook, coder: str) -> pd.DataFrame:
    """Items that two sources print under the same label, with the stages each was coded with.

    Where one source reports another (a press article on a report, say), the same item can be
    worded differently; this shows whether the wording moves it on the frame.
    """
    from .items import normalise

    coded = _coded_items(codings, coder, codebook, ancestors=False)
    order = {c: i for i, c in enumerate(codebook.ordered())}
    stages = {
        i: ", ".join(sorted(set(g["code"]), key=order.__getitem__)) for i, g in coded.groupby("excerpt_id", sort=False)
    }
    items = frameworks.items.assign(key=[normalise(label).lower() for label in frameworks.items["label"]])
    rows = []
    for _key, group in items.groupby("key", sort=False):
        if group["source"].nunique() < 2:
            continue
        first = group.iloc[0]
        for other in group.iloc[1:].itertuples(index=False):
            if other.source == first["source"]:
                continue
            a, b = stages.get(first["item_id"], ""), stages.get(other.item_id, "")
            rows.append(
                {
                    "label": first["label"],
                    "item_a": f"{first['item_id']} ({first['source']})",
                    "stages_a": a,
                    "item_b": f"{other.item_id} ({other.source})",
                    "stages_b": b,
                    "same_stages": "yes" if a == b else "no",
                }
            )
    return pd.DataFrame(rows, columns=["label", "item_a", "stages_a", "item_b", "stages_b", "same_stages"])
