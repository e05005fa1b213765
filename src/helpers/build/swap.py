"""Put a newly built report folder in place of the old one in one step, so no reader finds it missing.

On Linux, `renameat2(RENAME_EXCHANGE)` swaps the two folders atomically; the old one, left at the
staging path, is then deleted (a kill before that leaves only staging, which the next build drops).
Elsewhere the swap is two renames, and the next build's recovery undoes a kill between them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
from functools import cache
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100
# A test names a point here to have the build kill itself there, to check what a kill leaves.
KILL_AT = "HELPERS_BUILD_KILL_AT"


def kill_point(name: str) -> None:
    """Die at once at this point when the environment asks for it (tests only)."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@cache
def _renameat2():
    """libc's renameat2, or None; found on the first swap (ctypes is not loaded by a build that swaps nothing)."""
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False where the system cannot (then nothing moved)."""
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_folder(staging: Path, final: Path, trash: Path) -> None:
    """Make `staging` the folder at `final`; the previous `final` is deleted."""
    if not final.exists():
        staging.rename(final)
        return
    if exchange(staging, final):
        kill_point("swap")
        shutil.rmtree(staging, ignore_errors=True)
        return
    trash.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(trash, ignore_errors=True)
    final.rename(trash)
    kill_point("swap")
    staging.rename(final)
    shutil.rmtree(trash, ignore_errors=True)


STAGING, TRASH, FAILED = ".staging", ".trash", "_failed"
FAILURE_SUFFIXES = (".ipynb", ".json")  # _failed/<output>.ipynb (the executed notebook) and .json (the error)


def recover(reports: Path) -> None:
    """Finish what a killed build left: restore swapped-out reports, drop half-made ones."""
    trash = reports / TRASH
    if trash.is_dir():
        for old in trash.iterdir():
            final = reports / old.name
            if not final.exists():
                old.rename(final)
            else:
                shutil.rmtree(old)
    shutil.rmtree(reports / STAGING, ignore_errors=True)


def clear_failure(reports: Path, output: str) -> None:
    """A job's report is current again: its last failure no longer applies."""
    failed = reports / FAILED
    for suffix in FAILURE_SUFFIXES:
        (failed / f"{output}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(failed / output, ignore_errors=True)
    with contextlib.suppress(OSError):  # gone when empty, so reports/ holds no stale folder
        failed.rmdir()


def prune_failures(reports: Path, outputs: set[str]) -> list[str]:
    """Remove the _failed/ entries of jobs the config no longer has; the names removed."""
    failed = reports / FAILED
    if not failed.is_dir() or failed.is_symlink():
        return []
    removed = []
    for entry in sorted(failed.iterdir()):
        name = entry.name
        output = next((name[: -len(s)] for s in FAILURE_SUFFIXES if name.endswith(s)), name)
        if output in outputs or name.startswith("."):  # a current job's, or a write in progress
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(name)
    with contextlib.suppress(OSError):
        failed.rmdir()
    return removed


def write_atomic(path: Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)  # never write through a link someone left at the temporary name
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
