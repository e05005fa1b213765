"""The blind coding package: what a second coder needs to code the documents, and nothing that leads them.

The package is a `.qdpx` holding the document texts with only the attributes a coder may see
(speaker role and authority type), the codes with their names, definitions and use / don't-use
notes (no examples, quotes, memos, report sections, lists, keywords or patterns), and the coder's
instructions as a note, with the segmentation rule and the codebook version. Documents are named
"Document 01", ... in an order and with GUIDs taken from their texts, so neither names, order nor
GUIDs give away an excerpt's id or the report's placement; the coder's export is matched back to
the corpus by text (see `coder.py`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from ..codebook import Codebook
from .codes import code_elements
from .schema import VERSION_LABEL, check, codebook_version, guid, serialise, write_atomic
from .write import VARIABLES, cases, describe, notes, project_root, values, zip_members

CODER = "second coder"
SEGMENTATION = {
    "span": "code the smallest span of text that carries the code's meaning (a phrase, a sentence or a few "
    "sentences), not the whole document; one span may carry several codes, and spans may overlap",
    "excerpt": "code each document as a whole: apply every code whose meaning the document carries anywhere in it",
}


def instructions(codebook: Codebook, segmentation: str) -> str:
    """The coder's instructions, as the package's note states them."""
    version = codebook_version(codebook)
    return "\n".join(
        [
            "Instructions for coding this package",
            "1. Set your own name as the coder in your QDA tool before you start.",
            "2. Code every document with the codes of the codebook, reading each code's definition and its "
            "'Use when' and 'Don't use when' notes; do not look at or discuss anyone else's coding.",
            f"3. Segmentation: {SEGMENTATION[segmentation]}.",
            "4. Apply codable codes only: a code whose description says 'Codable: no' groups its sub-codes; "
            "apply one of those instead.",
            "5. Where no code fits, leave the text uncoded; propose a new code in a memo rather than stretching a "
            "definition. Proposals are read for the codebook's next version.",
            "6. Do not edit the documents' text: the offsets of your codings count in it.",
            "7. When done, export the whole project as REFI-QDA (.qdpx) and return that file.",
            f"{VERSION_LABEL}: {version}" if version else f"{VERSION_LABEL} not recorded by the codebook.",
        ]
    )


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def blind_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents renamed "Document NN" in the order of their texts' hashes, with the visible attributes only."""
    frame = documents.rename(columns={"excerpt_id": "document_id"}) if "excerpt_id" in documents else documents
    keep = ["text", *[v for v in VARIABLES if v in frame], *(["speaker"] if "speaker" in frame else [])]
    shown = frame[keep].assign(key=frame["text"].map(_text_key)).sort_values("key", kind="stable")
    width = max(2, len(str(len(shown))))
    shown["document_id"] = [f"Document {i:0{width}d}" for i in range(1, len(shown) + 1)]
    if "same_speaker_as" in frame and "speaker" not in frame:  # speakers, re-keyed to the new names
        names = dict(zip(frame.loc[shown.index, "document_id"], shown["document_id"]))
        shown["same_speaker_as"] = [names.get(s, "") for s in frame.loc[shown.index, "same_speaker_as"]]
    return shown.reset_index(drop=True)


def package_qde(codebook: Codebook, documents: pd.DataFrame, name: str, segmentation: str) -> tuple[bytes, dict]:
    """The package's project document and its source files, validated."""
    if segmentation not in SEGMENTATION:
        raise ValueError(f"segmentation must be one of {', '.join(SEGMENTATION)}, not {segmentation!r}")
    shown = blind_documents(documents)
    root, stamp = project_root(name, codebook, [], CODER)
    code_elements(ET.SubElement(root, "CodeBook"), codebook, blind=True)
    attributes = [v for v in VARIABLES if v in shown]
    if attributes:
        element = ET.SubElement(root, "Variables")
        for var in attributes:
            attrs = {"guid": guid("variable", var), "name": var, "typeOfVariable": "Text"}
            ET.SubElement(ET.SubElement(element, "Variable", attrs), "Description").text = VARIABLES[var]
    source_guids = {d: guid("source", f"text:{_text_key(t)}") for d, t in zip(shown["document_id"], shown["text"])}
    cases(root, shown, dict(zip(shown["document_id"], shown["document_id"])), source_guids)
    sources = ET.SubElement(root, "Sources")
    files: dict[str, bytes] = {}
    for row in shown.to_dict("records"):
        source_guid = source_guids[row["document_id"]]
        files[f"sources/{source_guid}.txt"] = row["text"].encode("utf-8")
        attrs = {"guid": source_guid, "name": row["document_id"], "plainTextPath": f"internal://{source_guid}.txt"}
        values(ET.SubElement(sources, "TextSource", attrs | stamp.attrs()), row, attributes)
    empty = pd.DataFrame({"document_id": [], "start": [], "end": [], "coder": [], "memo": []})
    text = instructions(codebook, segmentation)
    instructions_note = [(guid("note", f"instructions:{name}"), "Coding instructions", text)]
    notes(root, Codebook(codes={}), empty, stamp, instructions_note, files)
    describe(root, codebook, text.splitlines()[0] + ": see the note 'Coding instructions'.")
    return check(serialise(root), "project"), files


def write_coding_package(
    codebook: Codebook, documents: pd.DataFrame, path: Path | str, name: str = "coding package", segmentation="span"
) -> Path:
    """A blind `.qdpx` with the documents, the coder's view of the codebook and the instructions, and no codings."""
    qde, files = package_qde(codebook, documents, name, segmentation)
    return write_atomic(Path(path), zip_members({"project.qde": qde, **files}))


__all__ = ["SEGMENTATION", "blind_documents", "instructions", "package_qde", "write_coding_package"]
