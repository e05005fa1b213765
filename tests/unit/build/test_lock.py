"""One build at a time: the lock is the system's flock, or the filelock package's where flock is missing."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.build import lock as build_lock
from helpers.build.lock import BuildLock, Busy

HOLD = """
import sys
from filelock import FileLock
held = FileLock(sys.argv[1], thread_local=False)
held.acquire()
print("held", flush=True)
sys.stdin.read()
"""


def test_a_second_lock_on_the_folder_is_refused_until_the_first_is_released(tmp_path: Path) -> None:
    first, second = BuildLock(tmp_path), BuildLock(tmp_path)
    first.acquire()
    with pytest.raises(Busy, match=r"another build is running .* pid \d+"):
        second.acquire()
    first.release()
    assert second.acquire() == ""
    second.release()


def test_a_build_holding_the_lock_through_filelock_still_locks_this_one_out(tmp_path: Path) -> None:
    """Builds of before this change (filelock) and after it (flock) exclude each other."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / build_lock.LOCK)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Busy):
            BuildLock(tmp_path).acquire()
    finally:
        holder.kill()
        holder.wait()
    lock = BuildLock(tmp_path)
    lock.acquire()  # its holder died: the lock went with it
    lock.release()


def test_where_flock_is_missing_the_filelock_package_locks_instead(tmp_path: Path, monkeypatch) -> None:
    def no_flock(self, block):
        raise OSError(errno.ENOLCK, "no locks on this file system")

    monkeypatch.setattr(build_lock._Flock, "acquire", no_flock)
    first, second = BuildLock(tmp_path), BuildLock(tmp_path)
    first.acquire()
    assert isinstance(first.lock, build_lock._PackageLock)
    with pytest.raises(Busy):
        second.acquire()
    first.release()
    second.acquire()
    second.release()
