"""Which stages of the frame each source's extracted lists reach: the coverage matrix, the concordance.

A source covers a stage, in its extracted lists, when the coder applied that stage, or one of its
sub-stages, to at least one item of the source's models of commissioning (lists of kind process or
principles; roles and risks are kept apart). Counts are of items, not of codings: an item coded with
two sub-stages of one stage counts once for the stage. A stage a source does not cover is "not in
its extracted lists": the lists are a selection, so this says nothing of the rest of its text.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..interviews.codebook import Codebook
from ..interviews.coders import applied, with_ancestors
from .items import MODEL_KINDS, FrameworkSet

COVERAGE_RULE = (
    "A source covers a stage in its extracted lists when at least one item of its models of commissioning "
    "is coded with the stage or one of its sub-stages; each cell counts such items."
)
NOT_IN_LISTS = "not in its extracted lists"
LEVELS = {0: "stage", 1: "sub-stage"}


def _coded_items(codings: pd.DataFrame, coder: str, codebook: Codebook, ancestors: bool) -> pd.DataFrame:
    mine = codings[codings["coder"] == coder]
    return applied(with_ancestors(mine, codebook) if ancestors else mine)


def coverage(codings: pd.DataFrame, frameworks: FrameworkSet, codebook: Codebook, coder: str) -> pd.DataFrame:
    """One row per (source, code), sources and codes in order: the items covering it and their ids.

    `base` is the number of the source's items the coder read.
    """
    items = frameworks.model_items()
    source_of = dict(zip(items["item_id"], items["source"]))
    order = {i: k for k, i in enumerate(items["item_id"])}
    coded = _coded_items(codings, coder, codebook, ancestors=True)
    coded = coded[coded["excerpt_id"].isin(source_of)]
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
    """For each stage: how many sources cover it in their extracted lists, which do and which do not."""
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
                "not_in_extracted_lists": ", ".join(s for s in sources if s not in covering),
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
    items = frameworks.model_items().set_index("item_id")
    sources = frameworks.source_names()
    rows = []
    for code in codebook.ordered():
        ids = [i for i in items.index if i in set(coded.loc[coded["code"] == code, "excerpt_id"])]
        row = {"stage": ("\u2003" * codebook.depth(code)) + codebook[code].name}
        for source in sources:
            row[source] = "; ".join(f"{i} {items.loc[i, 'label']}" for i in ids if items.loc[i, "source"] == source)
        rows.append(row)
    return pd.DataFrame(rows, columns=["stage", *sources])


def coverage_by_list(codings: pd.DataFrame, frameworks: FrameworkSet, codebook: Codebook, coder: str) -> pd.DataFrame:
    """Items of each extracted list per stage, models and the lists kept apart (roles, risks) alike."""
    coded = _coded_items(codings, coder, codebook, ancestors=True)
    list_of = dict(zip(frameworks.items["item_id"], frameworks.items["list_id"]))
    stages = codebook.themes()
    rows = []
    extracted = frameworks.lists[frameworks.lists["status"] == "extracted"]
    for list_id, name, source, kind in extracted[["list_id", "name", "source", "kind"]].itertuples(index=False):
        mine = coded[[list_of.get(i) == list_id for i in coded["excerpt_id"]]]
        row = {
            "source": frameworks.credited(source),
            "list": name,
            "kind": kind if kind in MODEL_KINDS else f"{kind} (kept apart)",
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


def coverage_by_coder(tables: Sequence[pd.DataFrame], codebook: Codebook, depth: int) -> dict[str, pd.DataFrame]:
    """Each coder's coverage matrix at one depth (from `coverage` tables), in the order given."""
    return {str(t["coder"].iloc[0]): coverage_matrix(t, codebook, depth) for t in tables}


def agreed_gaps(tables: Sequence[pd.DataFrame], text: pd.DataFrame | None) -> pd.DataFrame:
    """(source, stage) cells no coder covers in the extracted lists, with what the full-text reading finds.

    `text` is `passages.text_coverage` (None without the documents). A gap is confirmed only where the
    full-text reading finds no passage either; then the stage is "not found in the document's text".
    """
    from .passages import NOT_IN_TEXT

    both = pd.concat(tables, ignore_index=True)
    top = both.groupby(["source", "stage"], sort=False).agg(items=("items", "max"), stage_name=("stage_name", "first"))
    top = top.join(both.groupby(["source", "stage"], sort=False)["level"].first())
    gaps = top[top["items"] == 0].reset_index()
    found = {} if text is None else {(s, c): (n, ids) for s, c, n, ids in text.itertuples(index=False)}
    rows = []
    for source, stage, stage_name, level in gaps[["source", "stage", "stage_name", "level"]].itertuples(index=False):
        n, ids = found.get((source, stage), (None, ""))
        reading = "full text not read" if n is None else (NOT_IN_TEXT if n == 0 else f"found in {n} passages: {ids}")
        rows.append(
            {
                "source": source,
                "stage": stage,
                "stage_name": stage_name,
                "level": level,
                "lists": f"{NOT_IN_LISTS} (every coder)",
                "text": reading,
                "confirmed": n == 0,
            }
        )
    return pd.DataFrame(rows, columns=["source", "stage", "stage_name", "level", "lists", "text", "confirmed"])


def uncarried(codings: pd.DataFrame, frameworks: FrameworkSet, coders: Sequence[str]) -> pd.DataFrame:
    """Items of the models that a coder read and placed on no stage: what the frame cannot carry, per coder."""
    items = frameworks.model_items()
    rows = []
    for coder in coders:
        mine = codings[codings["coder"] == coder]
        placed = set(applied(mine)["excerpt_id"])
        for item_id, source, label in items[["item_id", "source", "label"]].itertuples(index=False):
            if item_id in set(mine["excerpt_id"]) and item_id not in placed:
                rows.append({"coder": coder, "item_id": item_id, "source": source, "label": label})
    return pd.DataFrame(rows, columns=["coder", "item_id", "source", "label"])
