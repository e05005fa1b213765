"""SHA-256 hashes of files, folders, the `helpers` source and the pins: what cache keys are made of.

Cheap on purpose (no pandas): the build's no-op check and data/processed's stamp both use them.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from . import paths

PACKAGE = Path(__file__).resolve().parents[1]  # src/helpers


def file_hash(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_hashes(path: Path) -> dict[str, str]:
    """Hashes of a file, or of every file below a folder, keyed by project-relative path."""
    if path.is_file():
        return {paths.shown(path): file_hash(path)}
    return {
        paths.shown(p): file_hash(p) for p in sorted(path.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
    }


@cache
def helpers_hash() -> str:
    """One hash over the source of the `helpers` package."""
    h = hashlib.sha256()
    for rel, digest in sorted(tree_hashes(PACKAGE).items()):
        h.update(f"{rel}:{digest}\n".encode())
    return h.hexdigest()


@cache
def requirements_hash() -> str:
    req = paths.ROOT / "requirements.txt"
    return file_hash(req) if req.exists() else "none"


def raw_data_key() -> str:
    """One hash over data/raw and the helpers that read it: data/processed is current when its stamp holds it."""
    payload = {"raw": tree_hashes(paths.RAW) if paths.RAW.exists() else {}, "helpers": helpers_hash()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def stamp_holds(stamp: Path, key: str) -> bool:
    """True when the JSON stamp file records `key` (a missing or unreadable stamp holds nothing)."""
    try:
        return json.loads(stamp.read_text())["key"] == key
    except (OSError, ValueError, KeyError, TypeError):
        return False
