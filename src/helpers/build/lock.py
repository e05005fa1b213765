"""One build at a time in a reports folder: a file lock, with who holds it written beside it.

The lock is the operating system's (`flock` on `.build.lock`, as the `filelock` package takes it,
which is used where flock is missing), so it dies with its process: a build killed while holding
it leaves no lock, only the note naming it, which the next build replaces and mentions.
"""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

LOCK = ".build.lock"
HOLDER = ".build.lock.json"


class Busy(Exception):
    """Another build holds the lock; the message names it."""


def describe(holder: dict | None) -> str:
    if not holder:
        return "a build that has not yet written its name"
    return f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started')}"


class _Flock:
    """An exclusive `flock` on one file, held by an open descriptor: filelock's own way, without its import."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def acquire(self, block: bool) -> bool:
        """Take the lock (waiting for it when `block`); False when another holds it. OSError when flock cannot."""
        import fcntl

        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    return False
                raise
            if os.fstat(fd).st_nlink:  # not a file another process removed before we locked it
                self.fd = fd
                return True
            os.close(fd)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the only descriptor releases the flock
            self.fd = None


class _PackageLock:
    """The `filelock` package's lock, where the system or the file system has no flock."""

    def __init__(self, path: Path):
        from filelock import FileLock

        self.lock = FileLock(path, thread_local=False)

    def acquire(self, block: bool) -> bool:
        from filelock import Timeout

        try:
            self.lock.acquire(timeout=-1 if block else 0)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        self.lock.release()


class BuildLock:
    """Held for a whole build: `acquire` waits for the holder or refuses at once, naming it."""

    def __init__(self, reports: Path, wait: bool = False):
        self.reports = reports
        self.wait = wait
        self.lock: _Flock | _PackageLock = _Flock(reports / LOCK)
        self.note = ""

    def take(self, block: bool) -> bool:
        """Take the OS lock; where flock is missing (no fcntl, or a file system without it), filelock's."""
        if isinstance(self.lock, _Flock):
            try:
                return self.lock.acquire(block)
            except (ImportError, OSError) as exc:
                if isinstance(exc, OSError) and exc.errno not in (errno.ENOSYS, errno.ENOLCK, errno.EOPNOTSUPP):
                    raise
                self.lock = _PackageLock(self.reports / LOCK)
        return self.lock.acquire(block)

    def holder(self) -> dict | None:
        """Who holds the lock, as its note says (untrusted: anything but a small JSON object reads as unknown)."""
        from .statcache import regular_file

        try:
            raw = json.loads(regular_file(self.reports / HOLDER, self.reports, 1 << 16).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        return {k: str(raw.get(k))[:200] for k in ("pid", "host", "started")} if isinstance(raw, dict) else None

    def acquire(self) -> str:
        """Take the lock; return a line to print ("" when there is nothing to say). Raises `Busy`."""
        notes = []
        if not self.take(block=False):
            if not self.wait:
                raise Busy(
                    f"another build is running in {self.reports}: {describe(self.holder())} "
                    "(wait for it, or run with --wait)"
                )
            notes.append(f"Waited for the build of {describe(self.holder())} to finish.")
            print(f"Waiting for the build of {describe(self.holder())} to finish ...", flush=True)
            self.take(block=True)
        left = self.holder()
        if left:  # its holder died without releasing it (the system freed the lock itself)
            notes.append(f"Took over the lock of a build that is no longer running ({describe(left)}).")
        info = {"pid": os.getpid(), "host": _host(), "started": time.strftime("%Y-%m-%d %H:%M:%S %z")}
        (self.reports / HOLDER).unlink(missing_ok=True)  # never write through a link left in its place
        (self.reports / HOLDER).write_text(json.dumps(info) + "\n", encoding="utf-8")
        return " ".join(notes)

    def release(self) -> None:
        (self.reports / HOLDER).unlink(missing_ok=True)
        self.lock.release()


def _host() -> str:
    """This machine's name (os.uname's, which is socket.gethostname's on POSIX, without importing socket)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()
