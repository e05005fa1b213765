"""Which jobs of reports.yaml read a survey folder: what a broken or unfilled wave blocks, and what may be removed.

A job reads a folder when one of its parameters (a value set in reports.yaml, a swept value, or
else the default in its notebook's `parameters` cell) or one of its `inputs` names the folder or a
file in it. Read without the build (survey helpers never import it): the names only, no checks.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from ..core import paths
from ..core.errors import DataError
from ..core.sourced_yaml import load_yaml

CONFIG = paths.ROOT / "reports.yaml"


def jobs_reading(folder: Path | str, config: Path | None = None) -> list[str]:
    """The names of the jobs in `config` (reports.yaml) that read `folder`; DataError if it cannot be read."""
    config = Path(config or CONFIG)
    target = Path(folder).resolve()
    doc = load_yaml(config)
    jobs = doc.get("jobs")
    readers = []
    for job in jobs if isinstance(jobs, list) else []:
        if not isinstance(job, dict) or not isinstance(job.get("name"), str):
            continue
        if any(_names(value, target, (paths.ROOT, config.parent)) for value in _values(job, config.parent)):
            readers.append(job["name"])
    return readers


def blocked_jobs(folder: Path | str, config: Path | None = None) -> list[str] | None:
    """The jobs a bad `folder` blocks, or None when reports.yaml cannot be read (then assume every job)."""
    try:
        return jobs_reading(folder, config)
    except DataError:
        return None


def _values(job: dict, root: Path):
    """Every value the job's notebook may read a path from: parameters, sweeps, inputs, notebook defaults."""
    params = job.get("parameters") if isinstance(job.get("parameters"), dict) else {}
    sweep = job.get("sweep") if isinstance(job.get("sweep"), dict) else {}
    yield from params.values()
    for values in sweep.values():
        yield from values if isinstance(values, list) else [values]
    yield from job.get("inputs") if isinstance(job.get("inputs"), list) else []
    notebook = job.get("notebook")
    if isinstance(notebook, str):
        for name, default in _defaults(root / notebook).items():
            if name not in params and name not in sweep:
                yield default


def _names(value, target: Path, roots: tuple[Path, ...]) -> bool:
    """Whether a value is the folder or a path inside it (a relative one read from the project root, as
    notebooks read parameters, or from reports.yaml's folder, as the build reads inputs)."""
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        return False
    for root in roots:
        path = Path(value)
        path = (path if path.is_absolute() else root / path).resolve()
        if path == target or target in path.parents:
            return True
    return False


def _defaults(notebook: Path) -> dict[str, object]:
    """The text defaults of a notebook's `parameters` cell ({} when it cannot be read)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        cell = next(c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", []))
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        tree = ast.parse(source)
    except (OSError, ValueError, StopIteration, SyntaxError, KeyError, TypeError, AttributeError):
        return {}
    out = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        target = node.target if isinstance(node, ast.AnnAssign) else target
        if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out[target.id] = node.value.value
    return out
