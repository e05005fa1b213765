"""One build at a time in a reports folder: a file lock, with who holds it written beside it.

The lock is the operating system's (`filelock`), so it dies with its process: a build killed
while holding it leaves no lock, only the note naming it, which the next build replaces and
mentions.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from filelock import FileLock, Timeout

LOCK = ".build.lock"
HOLDER = ".build.lock.json"


class Busy(Exception):
    """Another build holds the lock; the message names it."""


def describe(holder: dict | None) -> str:
    if not holder:
        return "a build that has not yet written its name"
    return f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started')}"


class BuildLock:
    """Held for a whole build: `acquire` waits for the holder or refuses at once, naming it."""

    def __init__(self, reports: Path, wait: bool = False):
        self.reports = reports
        self.wait = wait
        self.lock = FileLock(reports / LOCK, timeout=-1 if wait else 0, thread_local=False)
        self.note = ""

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
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            if not self.wait:
                raise Busy(
                    f"another build is running in {self.reports}: {describe(self.holder())} "
                    "(wait for it, or run with --wait)"
                ) from None
            notes.append(f"Waited for the build of {describe(self.holder())} to finish.")
            print(f"Waiting for the build of {describe(self.holder())} to finish ...", flush=True)
            self.lock.acquire()
        left = self.holder()
        if left:  # its holder died without releasing it (the system freed the lock itself)
            notes.append(f"Took over the lock of a build that is no longer running ({describe(left)}).")
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S %z")}
        (self.reports / HOLDER).unlink(missing_ok=True)  # never write through a link left in its place
        (self.reports / HOLDER).write_text(json.dumps(info) + "\n", encoding="utf-8")
        return " ".join(notes)

    def release(self) -> None:
        (self.reports / HOLDER).unlink(missing_ok=True)
        self.lock.release()
