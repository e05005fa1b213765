"""SHA-256 hashes of files, folders, the `helpers` source and the pins: what cache keys are made of.

Cheap on purpose (no pandas): the build's no-op check and data/processed's stamp both use them.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from . import paths
from .filememo import memoised

PACKAGE = Path(__file__).resolve().parents[1]  # src/helpers
SKIPPED = "__pycache__"  # compiled copies of the source, never part of a key


def file_hash(path: Path) -> str:
    """The SHA-256 of a file, read again only when its stat changed (see filememo)."""
    return memoised("sha256", path, _read_hash)


def _read_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_hashes(path: Path) -> dict[str, str]:
    """Hashes of a file, or of every file below a folder, keyed by project-relative path."""
    if path.is_file():
        return {paths.shown(path): file_hash(path)}
    return {name: file_hash(p) for name, p in sorted(files_below(Path(path)))}


def files_below(folder: Path) -> list[tuple[str, Path]]:
    """Every file below a folder, not in __pycache__, named as `paths.shown` names it.

    What `folder.rglob("*")` finds (folders reached through links are not entered), with each name
    made from the folder's resolved path once rather than by resolving every file; a file that is a
    link is named by `paths.shown` itself.
    """
    if SKIPPED in folder.parts:
        return []
    real = Path(os.path.realpath(folder))
    inside = real == paths.ROOT or paths.ROOT in real.parents
    prefix = real.relative_to(paths.ROOT).as_posix() + "/" if inside and real != paths.ROOT else ""
    out: list[tuple[str, Path]] = []
    pending = [(str(folder), "")]
    while pending:
        where, rel = pending.pop()
        try:
            with os.scandir(where) as listing:
                entries = list(listing)
        except PermissionError:  # as rglob: a folder that cannot be listed is passed over
            continue
        for entry in entries:
            if entry.name == SKIPPED:
                continue
            name = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, name + "/"))
            elif entry.is_file():
                path = Path(entry.path)
                if entry.is_symlink():
                    out.append((paths.shown(path), path))
                else:  # what paths.shown gives without resolving each file
                    out.append((prefix + name if inside else str(path), path))
    return out


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
