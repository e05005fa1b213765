"""What a report folder's `build.json` records, and why a report is stale.

A record holds the job's key, the inputs that made it (notebook, parameters, data hashes, the
helpers' source, the pins), the keys of the upstream reports it read, and the SHA-256 of every
file in the folder. A report is up to date only when all of these still hold.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.hashing import file_hash

RECORD = "build.json"
_PARTS = {
    "format": "it was built by an older version of the build",
    "notebook": "the notebook's cells changed",
    "helpers": "the helpers' source changed",
    "requirements": "the package pins changed",
}
_SHOWN = 3  # changed data files named before "and N more"


def output_files(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of a report folder but build.json, by path relative to the folder."""
    return {
        p.relative_to(folder).as_posix(): file_hash(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() != RECORD
    }


def read_record(folder: Path) -> dict | None:
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _listed(kind: str, names: list[str]) -> list[str]:
    shown = [f"{kind}: {n}" for n in names[:_SHOWN]]
    return shown + ([f"and {len(names) - _SHOWN} more"] if len(names) > _SHOWN else [])


def input_reasons(record: dict, inputs: dict, needs: dict[str, str]) -> list[str]:
    """Which of a job's inputs and upstream reports differ from those its report was built from."""
    built = record.get("inputs")
    if not isinstance(built, dict):
        return [_PARTS["format"]]
    reasons = [text for part, text in _PARTS.items() if built.get(part) != inputs.get(part)]
    old, new = built.get("parameters") or {}, inputs.get("parameters") or {}
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            reasons.append(f"parameter {name}: {old.get(name)!r} -> {new.get(name)!r}")
    old, new = built.get("data") or {}, inputs.get("data") or {}
    reasons += _listed("input changed", sorted(k for k in set(old) & set(new) if old[k] != new[k]))
    reasons += _listed("new input", sorted(set(new) - set(old)))
    reasons += _listed("input gone", sorted(set(old) - set(new)))
    read = record.get("needs") or {}
    for name in sorted(set(read) | set(needs)):
        if read.get(name) != needs.get(name):
            reasons.append(f"upstream {name} changed since this report read it")
    return reasons


def file_reasons(record: dict, folder: Path) -> list[str]:
    """Files the record lists that are missing from the folder or changed."""
    listed = record.get("files")
    if not isinstance(listed, dict) or not listed:
        return ["build.json lists no files"]
    missing, changed = [], []
    for name, digest in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            missing.append(name)
        elif file_hash(path) != digest:
            changed.append(name)
    return _listed("file missing", missing) + _listed("file changed", changed)


def stale_reasons(folder: Path, key: str, inputs: dict, needs: dict[str, str]) -> list[str]:
    """Why the report in `folder` is out of date ([] when it is up to date)."""
    record = read_record(folder)
    if record is None:
        return ["not built yet" if not folder.exists() else "its build.json is missing or unreadable"]
    reasons = input_reasons(record, inputs, needs)
    if not reasons and record.get("key") != key:
        reasons = ["its inputs changed"]
    return reasons + file_reasons(record, folder)
