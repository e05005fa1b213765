"""A coder's REFI-QDA project as one more coder of the corpus: the way a blind second coding comes back.

The project is what the coder's QDA tool exported after coding the coding package. Its sources
are matched to the corpus's excerpts by name (an excerpt id) or, for the blind package's
"Document NN" names, by their exact text; a source that matches neither is an error, and so is a
text changed (offsets mean nothing otherwise). Its codes are matched to the codebook's by id (the
"Code id:" line) or by name; a code the codebook lacks is a proposal for its next version, kept
apart with its segments, never counted and never refused. The codings must be one coder's; the
coder's name is the file's name. A document of the corpus that the export lacks
was not coded by this coder: it is *missing* (listed in `missing`, and absent from `codings`),
never "read, coded nothing".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...core.errors import Collector, DataError
from ..codebook import Codebook, normalise_text
from ..documents import validate_segments
from .read import CODING_COLUMNS, read_qdpx

# A coder file's name: the same rule as for coders' CSV files (lower case, digits, underscores).
CODER_FILE_NAME = re.compile(r"[a-z][a-z0-9_]*")
CODER_SUFFIXES = (".csv", ".qdpx")
PROPOSAL_COLUMNS = ["code", "name", "parent", "definition", "memo", "segments"]


@dataclass
class ProjectCoding:
    """One coder's export, checked against the corpus.

    `segments` (document_id, start, end, code, coder, memo) and `codings` (coder, excerpt_id, code:
    a row with an empty code for a document read and left uncoded) cover only the documents the
    export holds; `missing` lists the corpus's documents it lacks, which a caller treats as not coded.
    """

    coder: str
    segments: pd.DataFrame
    codings: pd.DataFrame
    missing: list[str]
    codebook_version: str | None = None
    notes: list[str] = field(default_factory=list)
    # Codes the coder added in their tool: proposals for the codebook's next version, with their segments,
    # kept beside the coding (never counted in agreement) rather than refused.
    proposals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROPOSAL_COLUMNS))
    proposed_segments: pd.DataFrame = field(default_factory=pd.DataFrame)


def _match_sources(project, excerpts: pd.DataFrame, errors: Collector) -> dict[str, str]:
    """{source name: excerpt id}, by excerpt id or by exact text; mismatches are errors."""
    texts = dict(zip(excerpts["excerpt_id"], excerpts["text"]))
    by_text: dict[str, list[str]] = {}
    for excerpt_id, text in texts.items():
        by_text.setdefault(text, []).append(excerpt_id)
    matched: dict[str, str] = {}
    for name, text in zip(project.sources["excerpt_id"], project.sources["text"]):
        if name in texts:
            if text != texts[name]:
                errors.add(None, "TextSource", f"the text of excerpt '{name}' unchanged (offsets count in it)", name)
            matched[name] = name
        elif len(by_text.get(text, [])) == 1:
            matched[name] = by_text[text][0]
        elif text in by_text:
            errors.add(None, "TextSource", "a source whose text belongs to one excerpt only", name)
        else:
            errors.add(
                None,
                "TextSource",
                "a source named after an excerpt of the corpus, or with an excerpt's exact text",
                name,
            )
    return matched


def read_project_coding(path: Path | str, codebook: Codebook, excerpts: pd.DataFrame) -> ProjectCoding:
    """The coder's export at `path` (a `.qdpx`), checked against the corpus and the codebook (see the module)."""
    path = Path(path)
    errors = Collector(path)
    sibling = [path.with_suffix(s) for s in CODER_SUFFIXES if path.with_suffix(s) != path]
    for other in sibling:
        if other.is_file():
            errors.add(None, None, f"one file per coder, not both {path.name} and {other.name}", other.name)
    if not CODER_FILE_NAME.fullmatch(path.stem):
        errors.add(None, None, "a file named <coder>.qdpx with a lower-case coder name", path.name)
    errors.raise_if_any()
    project = read_qdpx(path)
    matched = _match_sources(project, excerpts, errors)
    users = list(dict.fromkeys(project.segments["coder"]))
    if len(users) > 1:
        errors.add(None, "creatingUser", "the codings of one coder (a coder's own export of the package)", users)
    errors.raise_if_any()
    coder = path.stem
    codes = _match_codes(project.codebook, codebook)
    mapped = project.segments.assign(
        coder=coder,
        document_id=project.segments["document_id"].map(matched),
        code=[codes.get(c, c) for c in project.segments["code"]],
    )
    new = ~mapped["code"].isin(set(codebook.ids()))
    if len(mapped) and new.all():
        errors.add(None, "CodeRef", "codings with the codes of the workbench's codebook (code the package)", "none")
        errors.raise_if_any()
    segments, proposed = mapped[~new], mapped[new].reset_index(drop=True)
    documents = excerpts.rename(columns={"excerpt_id": "document_id"})
    validate_segments(segments, documents, codebook, str(path))
    present = [e for e in excerpts["excerpt_id"] if e in set(matched.values())]
    missing = [e for e in excerpts["excerpt_id"] if e not in set(present)]
    notes = list(project.notes)
    if missing:
        notes.append(
            f"{path.name} lacks {len(missing)} of the corpus's documents, counted as missing: {', '.join(missing)}"
        )
    proposals = _proposals(project.codebook, codebook, proposed)
    if len(proposals):
        notes.append(f"{path.name} proposes {len(proposals)} new code(s), kept apart: {', '.join(proposals['name'])}")
    return ProjectCoding(
        coder,
        segments.reset_index(drop=True),
        _codings(segments, present, coder),
        missing,
        project.codebook_version,
        notes,
        proposals,
        proposed,
    )


def _match_codes(theirs: Codebook, ours: Codebook) -> dict[str, str]:
    """{their code id: our code id}: by id ("Code id:" in the description), else by name (a tool that drops it)."""
    names = {normalise_text(c.name).lower(): c.id for c in ours.codes.values()}
    return {
        c.id: c.id if c.id in ours else names.get(normalise_text(c.name).lower(), c.id) for c in theirs.codes.values()
    }


def _proposals(theirs: Codebook, ours: Codebook, proposed: pd.DataFrame) -> pd.DataFrame:
    """The codes of the coder's codebook that the workbench's lacks, with how many segments use each."""
    uses = proposed["code"].value_counts().to_dict()
    matched = _match_codes(theirs, ours)
    rows = [
        (c.id, c.name, matched.get(c.parent, c.parent) or "", c.definition, c.memo, int(uses.get(c.id, 0)))
        for c in theirs.codes.values()
        if matched[c.id] not in ours
    ]
    return pd.DataFrame(rows, columns=PROPOSAL_COLUMNS)


def _codings(segments: pd.DataFrame, present: Sequence[str], coder: str) -> pd.DataFrame:
    """Excerpt codings of the documents the export holds: their codes, or one empty row for "read, no code"."""
    by_excerpt = segments.groupby("document_id", sort=False)["code"].agg(lambda c: list(dict.fromkeys(c))).to_dict()
    rows = [(coder, e, code) for e in present for code in (by_excerpt.get(e) or [""])]
    return pd.DataFrame(rows, columns=CODING_COLUMNS) if rows else pd.DataFrame(columns=CODING_COLUMNS, dtype=object)


def load_project_coding(path: Path | str, codebook: Codebook, excerpts: pd.DataFrame) -> pd.DataFrame:
    """The segments of `path`, coder renamed to the file's name (documents it lacks: `read_project_coding`)."""
    result = read_project_coding(path, codebook, excerpts)
    segments = result.segments
    segments.attrs["missing_documents"] = list(result.missing)
    segments.attrs["codebook_version"] = result.codebook_version
    return segments


def check_coder_files(folder: Path | str, reserved: Sequence[str] = ()) -> None:
    """Every coder file in `folder` usable: one file per coder name, and no file named after a built-in coder.

    A DataError names both files where a `.csv` and a `.qdpx` share a name, and the file where its
    name is one of `reserved` (the built-in coders, which would shadow it).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    errors = Collector(folder)
    by_name: dict[str, list[str]] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() in CODER_SUFFIXES and file.is_file():
            by_name.setdefault(file.stem, []).append(file.name)
    for name, files in by_name.items():
        if len(files) > 1:
            errors.add(None, None, f"one file per coder, not {' and '.join(files)} for coder '{name}'", files)
        if name in reserved:
            errors.add(None, None, f"no coder file named after the built-in coder '{name}' (rename it)", files[0])
    if errors.problems:
        raise DataError(errors.problems)


__all__ = ["ProjectCoding", "check_coder_files", "load_project_coding", "read_project_coding"]
