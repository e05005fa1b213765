"""The SHA-256 of report files, kept with their stat as git's index keeps it, so a no-op build hashes nothing.

An entry holds a file's size, mtime_ns, ctime_ns, inode and device with its digest; a file whose
stat still matches is not read again. The cache lives in reports/, so it is untrusted like every
file there: an entry that is malformed, or one that is racily clean (changed in the same clock
tick the cache was written, as git calls it), only means the file is hashed again. Files are read
only when they are regular files inside their report folder, never through a symbolic link, a FIFO
or a device.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import threading
from pathlib import Path

CACHE = ".build.stat-cache.json"
MAX_CACHE_BYTES = 64 << 20
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class NotRegular(OSError):
    """A listed name that is not a regular file inside its folder (a link, FIFO, device or folder)."""


def _inside(folder: Path, name: str) -> Path:
    """folder/name, refusing a name whose path leaves the folder or passes through a symbolic link.

    A plain name (no "/") cannot pass through a link on its way: that it is not one itself, every
    caller checks as it opens it (lstat, O_NOFOLLOW), so it is not resolved here.
    """
    path = folder / name
    if "/" not in name and name not in ("", ".", ".."):
        return path
    real_folder = os.path.realpath(folder)
    if os.path.realpath(path) != os.path.join(real_folder, *name.split("/")):
        if not os.path.lexists(path):
            raise FileNotFoundError(errno.ENOENT, "no such file", str(path))
        raise NotRegular(errno.ELOOP, "reached through a symbolic link or outside its folder", str(path))
    return path


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """An open descriptor of a regular file (never blocking on a FIFO, never following a link), and its stat."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
            raise NotRegular(exc.errno, "not a regular file", str(path)) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise NotRegular(errno.EINVAL, "not a regular file", str(path))
    return fd, info


def regular_file(path: Path, folder: Path, limit: int) -> bytes:
    """The bytes of a regular file inside `folder` (at most `limit` of them, else OSError)."""
    path = _inside(folder, path.relative_to(folder).as_posix())
    fd, info = _open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit} bytes", str(path))
        return handle.read(limit + 1)[:limit]


def _signature(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


class StatCache:
    """Digests of the files below one reports folder, by path relative to it, trusted only while their stat holds."""

    def __init__(self, reports: Path):
        self.reports = reports
        self.entries: dict[str, tuple[list[int], str]] = {}
        self.changed = False
        self.lock = threading.Lock()
        self.prefixes: dict[Path, str] = {}
        self._load()

    def _load(self) -> None:
        try:
            fd, info = _open_regular(self.reports / CACHE)
            with os.fdopen(fd, "rb") as handle:
                raw = json.loads(handle.read(MAX_CACHE_BYTES + 1)[:MAX_CACHE_BYTES])
        except (OSError, ValueError, RecursionError):
            return
        if not isinstance(raw, dict):
            return
        written = info.st_mtime_ns
        for name, entry in raw.items():
            if (
                isinstance(entry, list)
                and len(entry) == 2
                and isinstance(entry[0], list)
                and len(entry[0]) == 5
                and all(type(v) is int for v in entry[0])
                and isinstance(entry[1], str)
                and entry[0][1] < written  # racily clean entries are hashed again
            ):
                self.entries[name] = (entry[0], entry[1])

    def digest(self, folder: Path, name: str) -> str:
        """The SHA-256 of folder/name: from the cache while its stat holds, else read (regular files only)."""
        path = _inside(folder, name)
        key = self._key(folder, name)
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file", str(path))
        cached = self.entries.get(key)
        if cached is not None and cached[0] == _signature(info):
            return cached[1]
        fd, info = _open_regular(path)
        h = hashlib.sha256()
        with os.fdopen(fd, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                h.update(chunk)
        self.note(key, info, h.hexdigest())
        return h.hexdigest()

    def _key(self, folder: Path, name: str) -> str:
        """folder/name relative to the reports folder (or a path outside it), each folder's prefix worked out once."""
        prefix = self.prefixes.get(folder)
        if prefix is None:
            inside = folder.is_relative_to(self.reports)
            rel = folder.relative_to(self.reports).as_posix() if inside else str(folder)
            prefix = self.prefixes[folder] = "" if rel == "." else rel + "/"
        return prefix + name

    def note(self, key: str, info: os.stat_result, digest: str) -> None:
        with self.lock:
            self.entries[key] = (_signature(info), digest)
            self.changed = True

    def note_written(self, folder: Path, files: dict[str, str]) -> None:
        """Remember the digests of files the build itself just wrote into `folder`."""
        for name, digest in files.items():
            try:
                info = os.lstat(folder / name)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                self.note((folder / name).relative_to(self.reports).as_posix(), info, digest)

    def save(self) -> None:
        """Write the cache (atomically); entries of files that are gone are dropped."""
        if not self.changed:
            return
        with self.lock:
            kept = {k: [sig, d] for k, (sig, d) in sorted(self.entries.items()) if (self.reports / k).exists()}
        tmp = self.reports / f"{CACHE}.tmp"
        try:
            tmp.write_text(json.dumps(kept, separators=(",", ":")) + "\n", encoding="utf-8")
            os.replace(tmp, self.reports / CACHE)
        except OSError:  # a cache that cannot be written only costs hashing next time
            tmp.unlink(missing_ok=True)
