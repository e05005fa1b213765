"""The published cycle the frame is fixed from: its citation, its stages' own words, each sub-stage's example.

`frame_source.yaml` beside the codebook quotes the cycle (title, publisher, address, date, and each
stage's text) and gives, for every sub-stage, the words of its stage's text it stands for and an
example from outside the sources, with where it was read. The loader checks it against the codebook:
every stage has its text, every sub-stage its quoted words (found in its stage's text, and opening
its definition in the codebook), an example and a source for the example.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_yaml import load_yaml
from ..interviews.codebook import Codebook
from .items import normalise

CITATION_FIELDS = ["title", "publisher", "url", "date", "lead_in"]
CODE_FIELDS = ["frame_quote", "example", "example_source"]
FRAME_COLUMNS = ["stage", "code", "name", "frame_quote", "example", "example_source"]


def _text(value) -> str:
    return normalise(value) if isinstance(value, str) else ""


def _check_citation(data, errors: Collector) -> dict[str, str]:
    frame = data.get("frame")
    if not isinstance(frame, dict):
        errors.add(data.line_of("frame"), "frame", "a mapping: " + ", ".join(CITATION_FIELDS), frame)
        return {}
    for key in CITATION_FIELDS:
        if not _text(frame.get(key)):
            errors.add(frame.line_of(key), key, f"the frame's {key}, as published", frame.get(key))
    if _text(frame.get("url")) and not _text(frame.get("url")).startswith("https://"):
        errors.add(frame.line_of("url"), "url", "the published cycle's https:// address", frame.get("url"))
    return {key: _text(frame.get(key)) for key in CITATION_FIELDS}


def load_frame_source(path: Path | str, codebook: Codebook) -> tuple[dict[str, str], pd.DataFrame]:
    """The frame's citation and one row per sub-stage (FRAME_COLUMNS), checked against the codebook."""
    path = Path(path)
    data = load_yaml(path)
    errors = Collector(path)
    citation = _check_citation(data, errors)
    stages = data.get("stages") if isinstance(data.get("stages"), dict) else {}
    codes = data.get("codes") if isinstance(data.get("codes"), dict) else {}
    for stage in codebook.themes():
        if not _text(stages.get(stage)):
            errors.add(data.line_of("stages"), stage, "the stage's text, quoted from the published cycle", None)
    rows = []
    for stage in codebook.themes():
        for code in codebook.children(stage):
            entry = codes.get(code)
            if not isinstance(entry, dict):
                errors.add(data.line_of("codes"), code, "an entry with " + ", ".join(CODE_FIELDS), entry)
                continue
            values = {key: _text(entry.get(key)) for key in CODE_FIELDS}
            for key, value in values.items():
                if not value:
                    errors.add(entry.line_of(key), key, f"a non-empty {key} for '{code}'", entry.get(key))
            quote = values["frame_quote"]
            if quote and quote not in _text(stages.get(stage)):
                errors.add(entry.line_of("frame_quote"), "frame_quote", f"words of stage '{stage}'s text", quote)
            if quote and f'"{quote}' not in _text(codebook[code].definition):
                errors.add(
                    entry.line_of("frame_quote"), "frame_quote", f"the quoted opening of '{code}'s definition", quote
                )
            if values["example_source"] and "http" not in values["example_source"]:
                errors.add(
                    entry.line_of("example_source"),
                    "example_source",
                    "a source with its address",
                    values["example_source"],
                )
            rows.append({"stage": stage, "code": code, "name": codebook[code].name, **values})
    errors.raise_if_any()
    return citation, pd.DataFrame(rows, columns=FRAME_COLUMNS)


def stage_texts(path: Path | str) -> dict[str, str]:
    """Each stage's text as the published cycle words it (from frame_source.yaml)."""
    stages = load_yaml(Path(path)).get("stages")
    return {k: _text(v) for k, v in stages.items()} if isinstance(stages, dict) else {}
