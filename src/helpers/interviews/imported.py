"""A coder's REFI-QDA project as one more coder of the corpus: the way a blind second coding comes back.

The project is what the coder's QDA tool exported after coding the coding package: its sources
must be the corpus's excerpts with the same text (offsets mean nothing otherwise), its codes the
codebook's, and its codings one coder's. The coder's name is the file's name.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from .codebook import Codebook
from .documents import validate_segments
from .qdpx_import import read_qdpx


def load_project_coding(path: Path | str, codebook: Codebook, excerpts: pd.DataFrame) -> pd.DataFrame:
    """The segments of `path` (a `.qdpx`), coder renamed to the file's name, checked against the corpus."""
    path = Path(path)
    project = read_qdpx(path)
    errors = Collector(path)
    texts = dict(zip(excerpts["excerpt_id"], excerpts["text"]))
    for name, text in zip(project.sources["excerpt_id"], project.sources["text"]):
        if name not in texts:
            errors.add(None, "TextSource", "a source named after an excerpt of the corpus", name)
        elif text != texts[name]:
            errors.add(None, "TextSource", f"the text of excerpt '{name}' unchanged (offsets count in it)", name)
    users = list(dict.fromkeys(project.segments["coder"]))
    if len(users) > 1:
        errors.add(None, "creatingUser", "the codings of one coder (a coder's own export of the package)", users)
    for code in sorted(set(project.segments["code"]) - set(codebook.ids())):
        errors.add(None, "CodeRef", "a code of the workbench's codebook (code the package with its codebook)", code)
    errors.raise_if_any()
    segments = project.segments.assign(coder=path.stem)
    documents = excerpts.rename(columns={"excerpt_id": "document_id"})
    validate_segments(segments, documents, codebook, str(path))
    return segments.reset_index(drop=True)


__all__ = ["load_project_coding"]
