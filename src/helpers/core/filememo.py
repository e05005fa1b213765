"""Values computed from a file (its SHA-256, a notebook's fingerprint), kept while its stat holds, as git's index does.

A value is trusted while the file's size, mtime, ctime, inode and device are unchanged; a file
whose stat changed is read again. Only a settled file (unchanged for two seconds when it was read)
is remembered, so an edit in the same clock tick as the read is never missed (git's "racily
clean" entries). Text values can be carried between processes (`export`, `absorb`): the build
keeps them beside its config, so a build with nothing changed reads no source file again.
"""

from __future__ import annotations

import os
import threading
import time

SETTLED_NS = 2 * 10**9  # a file unchanged this long cannot change again within its timestamp's tick
_MEMO: dict[tuple[str, str], tuple[tuple[int, ...], object]] = {}  # (kind, absolute path) -> (stat, value)
_USED: set[tuple[str, str]] = set()  # looked up or computed since the last export
_LOCK = threading.Lock()
_NEW = [False]  # whether a value was remembered since the last export


def signature(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What git's index compares: size, mtime, ctime, inode and device."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def settled(info: os.stat_result, since: int | None = None) -> bool:
    """Whether the file last changed at least two seconds before `since` (default: now)."""
    return (since if since is not None else time.time_ns()) - max(info.st_mtime_ns, info.st_ctime_ns) >= SETTLED_NS


def memoised(kind: str, path: os.PathLike | str, compute):
    """`compute(path)`, remembered while the file's stat holds (and only once it has settled)."""
    try:
        key = (kind, os.path.abspath(path))
        before = os.stat(path)
    except (OSError, ValueError):
        return compute(path)
    with _LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0] == signature(before):
            _USED.add(key)
            return hit[1]
    value = compute(path)
    try:
        after = os.stat(path)
    except OSError:
        return value
    if signature(after) == signature(before) and settled(after):  # unchanged while read, and settled
        with _LOCK:
            _MEMO[key] = (signature(after), value)
            _USED.add(key)
            _NEW[0] = True
    return value


def export(kinds: tuple[str, ...]) -> tuple[list[list], bool]:
    """[kind, path, stat, value] of the text values of these kinds used since the last export; whether one is new."""
    with _LOCK:
        out = [
            [kind, path, list(_MEMO[(kind, path)][0]), _MEMO[(kind, path)][1]]
            for kind, path in sorted(_USED)
            if kind in kinds and (kind, path) in _MEMO and isinstance(_MEMO[(kind, path)][1], str)
        ]
        new, _NEW[0] = _NEW[0], False
        _USED.clear()
    return out, new


def absorb(entries: list[tuple[str, str, tuple[int, ...], str]]) -> None:
    """Take values another process remembered (checked by the caller); values known here win."""
    with _LOCK:
        for kind, path, sig, value in entries:
            _MEMO.setdefault((kind, path), (tuple(sig), value))
