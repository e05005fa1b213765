"""Cache keys of build jobs: a job is rebuilt only when something it depends on changed.

The key covers the notebook's cells (sources and tags, not outputs), the job's parameters, the
hashes of the data files it reads (every path-valued parameter and `inputs`), the source of
`src/helpers`, the pinned package versions (requirements.txt) and the keys of the jobs it needs.
Everything here is cheap: no pandas, papermill or nbconvert imports, so a no-op build is fast.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..core.hashing import helpers_hash, requirements_hash, tree_hashes

BUILD_FORMAT = "2"  # bump when the build's own output format changes


def notebook_fingerprint(notebook: Path) -> str:
    """The hash of a notebook's cells (type, source, tags) and kernel, ignoring outputs."""
    from ..core.filememo import memoised

    return memoised("fingerprint", Path(notebook), _fingerprint)


def _fingerprint(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cells = [
        [c.get("cell_type"), "".join(c.get("source", "")), sorted(c.get("metadata", {}).get("tags", []))]
        for c in nb.get("cells", [])
    ]
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    return hashlib.sha256(json.dumps([cells, kernel], sort_keys=True).encode()).hexdigest()


def data_inputs(parameters: dict, inputs: tuple[str, ...], base: Path, seen: dict | None = None) -> dict[str, str]:
    """Hashes of the data a job reads: path-valued parameters that exist, and its `inputs`.

    `seen` (one plan's memo) hashes a folder that many jobs read once per plan, not once per job.
    """
    found: dict[str, str] = {}
    candidates = [v for v in parameters.values() if isinstance(v, str) and v.strip()] + list(inputs)
    for value in candidates:
        path = Path(value) if Path(value).is_absolute() else base / value
        if "\n" not in value and path.exists():
            if seen is None:
                found.update(tree_hashes(path))
                continue
            if path not in seen:
                seen[path] = tree_hashes(path)
            found.update(seen[path])
    return dict(sorted(found.items()))


def key_inputs(notebook: Path, parameters: dict, data: dict[str, str]) -> dict:
    """Everything of a job's own that can change its report (its upstream jobs' keys aside).

    build.json records these, so a stale report can say which of them changed.
    """
    return {
        "format": BUILD_FORMAT,
        "notebook": notebook_fingerprint(notebook),
        "parameters": parameters,
        "data": data,
        "helpers": helpers_hash(),
        "requirements": requirements_hash(),
    }


def key_of(inputs: dict, needs: dict[str, str]) -> str:
    """The cache key from a job's own inputs and the keys of the upstream reports it reads."""
    payload = {**inputs, "needs": needs}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def job_key(notebook: Path, parameters: dict, data: dict[str, str], needs: dict[str, str]) -> str:
    """The cache key of a job from everything that can change its report."""
    return key_of(key_inputs(notebook, parameters, data), needs)
