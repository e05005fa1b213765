"""The full-text reading: every document cut into paragraphs (passages), each coded like an item.

The documents' licences are unknown, so the project keeps only each passage's id, document and
character offsets (`passages.csv`), and the rule coder's codes of each passage read
(`passage_codes.csv`), which `python -m helpers.frameworks.passages` makes again from the
documents themselves (`../shared/seeds`) and a test compares where they are present: the report never
depends on whether the documents are on the machine. A passage is a run of text between blank lines. A
passage inside a list credited to a quoted source (the LGA's activities in the Local Partnerships
report, say) is credited to that source; a passage inside an excluded or copied list is left out of
the reading by that list's rule, so a copied list counts once and readers' comments never count.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines
from .items import FrameworkSet

PASSAGE_COLUMNS = ["passage_id", "document", "start", "end"]
PASSAGE_CODINGS = Path("passage_codes.csv")  # in the framework set's folder
PASSAGE_CODING_COLUMNS = ["passage_id", "code"]
_PARAGRAPH = re.compile(r"\S(?:.*\S)?(?:\n[ \t]*\S(?:.*\S)?)*", re.MULTILINE)
NOT_IN_TEXT = "not found in the document's text"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character offsets (start, end) of every paragraph: text between blank lines, edges stripped.

    >>> paragraphs("One line.\\nSame one.\\n\\n  Two.\\n")
    [(0, 19), (23, 27)]
    """
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]


def passage_rows(document: str, text: str) -> pd.DataFrame:
    """passages.csv's rows for one document: ids `<first three characters>-P<number>`."""
    prefix = document[:3]
    spans = paragraphs(text)
    return pd.DataFrame(
        [(f"{prefix}-P{k:03d}", document, s, e) for k, (s, e) in enumerate(spans, 1)], columns=PASSAGE_COLUMNS
    )


def load_passages(path: Path | str, documents: set[str]) -> pd.DataFrame:
    """Read passages.csv: ids unique, documents known, offsets ordered and not overlapping."""
    path = Path(path)
    frame = read_csv_lines(path, PASSAGE_COLUMNS)
    errors = Collector(path)
    seen: dict[str, int] = {}
    last_end: dict[str, int] = {}
    for line, pid, document, start, end in frame[[LINE, *PASSAGE_COLUMNS]].itertuples(index=False):
        if pid in seen:
            errors.add(line, "passage_id", f"each passage_id once (first on line {seen[pid]})", pid)
        seen.setdefault(pid, line)
        if document not in documents:
            errors.add(line, "document", "a document listed in sources.csv", document)
        if not (start.isdigit() and end.isdigit() and int(start) < int(end)):
            errors.add(line, "start", "character offsets start < end", f"{start}-{end}")
        elif int(start) < last_end.get(document, 0):
            errors.add(line, "start", "passages of a document in order, not overlapping", start)
        else:
            last_end[document] = int(end)
    errors.raise_if_any()
    return frame.drop(columns=[LINE]).assign(start=frame["start"].astype(int), end=frame["end"].astype(int))


def credit(passages: pd.DataFrame, frameworks: FrameworkSet) -> pd.DataFrame:
    """Each passage's source and whether it is read: `source`, `read` (bool) and `rule` (why not, when not).

    A passage is credited to the list it overlaps when that list belongs to a quoted source; a
    passage overlapping only lists that are excluded or copies is not read, by the first such list's rule.
    """
    own = frameworks.sources[frameworks.sources["quoted_in"] == ""].set_index("document")["source"]
    lists = frameworks.lists
    sources, read, rules = [], [], []
    for document, start, end in passages[["document", "start", "end"]].itertuples(index=False):
        hit = lists[(lists["document"] == document) & (lists["start"] < end) & (lists["end"] > start)]
        quoted = hit[hit["source"] != own.get(document, "")]
        skipped = hit[hit["status"] != "extracted"] if (hit["status"] != "extracted").all() else hit.iloc[:0]
        sources.append(quoted["source"].iloc[0] if len(quoted) else own.get(document, ""))
        read.append(skipped.empty)
        rules.append("" if skipped.empty else f"{skipped['rule'].iloc[0]} ({skipped['list_id'].iloc[0]})")
    return passages.assign(source=sources, read=read, rule=rules)


def passage_excerpts(passages: pd.DataFrame, seeds: Path) -> pd.DataFrame | None:
    """The read passages with their text from the documents, in the coders' data model; None without the documents."""
    texts = {}
    for document in dict.fromkeys(passages["document"]):
        path = Path(seeds) / document
        if not path.is_file():
            return None
        texts[document] = path.read_text(encoding="utf-8")
    part = passages[passages["read"]]
    return pd.DataFrame(
        {
            "excerpt_id": part["passage_id"],
            "text": [texts[d][s:e] for d, s, e in part[["document", "start", "end"]].itertuples(index=False)],
            "source": part["source"],
            "speaker_role": part["source"],
            "authority_type": "",
            "same_speaker_as": "",
        }
    ).reset_index(drop=True)


def text_coverage(coded: pd.DataFrame, passages: pd.DataFrame, sources: list[str], stages: list[str]) -> pd.DataFrame:
    """Per (source, stage): the passages coded there (with ancestors already added), and their ids."""
    source_of = dict(zip(passages["passage_id"], passages["source"]))
    rows = []
    for source in sources:
        for stage in stages:
            ids = [p for p, c in zip(coded["excerpt_id"], coded["code"]) if c == stage and source_of.get(p) == source]
            ids = list(dict.fromkeys(ids))
            rows.append({"source": source, "stage": stage, "passages": len(ids), "passage_ids": ", ".join(ids)})
    return pd.DataFrame(rows, columns=["source", "stage", "passages", "passage_ids"])


def code_passages(passages: pd.DataFrame, seeds: Path, codebook) -> pd.DataFrame | None:
    """The rule coder's codes of every passage read (passage_id, code), or None without the documents."""
    from ..interviews.coders import rule_coder

    texts = passage_excerpts(passages, seeds)
    if texts is None:
        return None
    coded = rule_coder(texts, codebook)
    coded = coded[coded["code"] != ""]
    return pd.DataFrame({"passage_id": coded["excerpt_id"].to_numpy(), "code": coded["code"].to_numpy()})


def read_passage_codings(path: Path | str, passages: pd.DataFrame, codebook) -> pd.DataFrame:
    """The recorded passage codings as the rule coder's rows (coder, excerpt_id, code), every id and code checked."""
    frame = read_csv_lines(path, PASSAGE_CODING_COLUMNS)
    errors = Collector(path)
    read = set(passages.loc[passages["read"], "passage_id"])
    for line, pid, code in frame[[LINE, *PASSAGE_CODING_COLUMNS]].itertuples(index=False):
        if pid not in read:
            errors.add(line, "passage_id", "a passage of passages.csv that the inclusion rules read", pid)
        if code not in codebook.codes:
            errors.add(line, "code", "a code of the frame's codebook", code)
    errors.raise_if_any()
    return pd.DataFrame({"coder": "rules", "excerpt_id": frame["passage_id"], "code": frame["code"]})


def main(argv: list[str] | None = None) -> int:
    """Record the rule coder's codes of the passages again from the documents (after a codebook change)."""
    import argparse

    from ..core import paths
    from ..core.csvout import write_csv
    from ..interviews.codebook import load_codebook
    from .items import load_frameworks

    parser = argparse.ArgumentParser(prog="python -m helpers.frameworks.passages", description=main.__doc__)
    parser.add_argument("--frameworks", default=str(paths.RAW / "frameworks"), help="the framework set's folder")
    parser.add_argument("--seeds", default=str(paths.SEEDS), help="the folder holding the source documents")
    args = parser.parse_args(argv)
    folder = Path(args.frameworks)
    frameworks = load_frameworks(folder)
    book = load_codebook(folder / "codebook.yaml")
    passages = credit(load_passages(folder / "passages.csv", set(frameworks.sources["document"])), frameworks)
    coded = code_passages(passages, Path(args.seeds), book)
    if coded is None:
        print(f"the source documents are not in {args.seeds}: nothing recorded", file=sys.stderr)
        return 2
    write_csv(coded, folder / PASSAGE_CODINGS)
    print(f"recorded {len(coded)} passage codings in {paths.shown(folder / PASSAGE_CODINGS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
