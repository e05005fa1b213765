"""What an analysis needs from a wave: a question it asked, or one error naming the question, the wave and the notebook.

A new wave may leave out questions an earlier wave asked (`asked: false` in survey.yaml, or the
question deleted). A notebook that needs one stops with a `DataError` saying which question, which
wave and which notebook, instead of a KeyError or a division by zero further down.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import DataError, Problem
from ..core.paths import shown


def notebook_name() -> str | None:
    """The running notebook's name, where Jupyter says it (JPY_SESSION_NAME, set by Jupyter and the build)."""
    session = os.environ.get("JPY_SESSION_NAME", "").strip()
    return Path(session).stem if session else None


def missing_question(spec, directory: Path, qid, parameter: str | None = None) -> DataError:
    """The error for a question the wave did not ask, or that its survey.yaml does not declare."""
    wave = Path(directory).name
    notebook = notebook_name()
    who = f"notebook {notebook}" if notebook else "the notebook"
    via = f" (its parameter {parameter})" if parameter else ""
    if qid in spec.not_asked:
        line, column = spec.not_asked[qid].line, "asked"
        what = f"question {qid} was not asked in wave {wave} (asked: false)"
    else:
        line, column = None, "id"
        what = f"wave {wave} has no question {qid!r} (it has {', '.join(spec.by_id) or 'none'})"
    expected = f"a question the wave asked: {what}, and {who} needs it{via}"
    return DataError([Problem(shown(spec.path), line, column, expected)])


def caller_question_parameters(namespace: dict) -> dict[str, str]:
    """A notebook's parameters naming questions: every text variable called `..._question`."""
    return {
        name: value
        for name, value in namespace.items()
        if name.endswith("_question") and not name.startswith("_") and isinstance(value, str)
    }
