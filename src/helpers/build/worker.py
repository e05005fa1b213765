"""A build job on a Dask worker: papermill and the HTML render there, the output files sent back with their hashes.

The client (helpers.build.distributed) keeps the plan, the keys, the swap into reports/ and the
index; this module runs one job in the folder the local build would use, so the executed notebook
and the page are byte for byte those of a local build, then hands back every file it wrote. It
never imports distributed itself: the client sends `run_job` to the workers by reference.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import platform
import shutil
import stat
import threading
from functools import cache
from importlib import metadata
from pathlib import Path

from ..core import paths
from ..core.hashing import helpers_hash
from .cache import data_inputs, notebook_fingerprint
from .record import read_record
from .runner import Builder, Outcome
from .statcache import regular_file

MAX_OUTPUT_FILE = 1 << 30  # bytes: far above any report file, far below what would exhaust a worker
FORK_SERVER = None  # this worker's preloaded kernel parent, started by the client's worker plugin
_READY = threading.Lock()  # the server answers "ready" once: one thread waits for it, the others after it


PIN_FILES = ("requirements.txt", "requirements-dask.txt")


def pinned_names(root: Path | None = None) -> list[str]:
    """The packages the project pins (requirements.txt and requirements-dask.txt), normalised names."""
    names = set()
    for name in PIN_FILES:
        try:
            lines = ((root or paths.ROOT) / name).read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            text = line.split("#", 1)[0].strip()
            if "==" in text:
                names.add(text.split("==", 1)[0].split("[", 1)[0].strip().lower().replace("_", "-"))
    return sorted(names)


def environment() -> dict:
    """What must match between client and worker: Python, the pinned packages, the helpers source.

    Only what the build needs is compared: each package the project pins, at its installed version
    (or "not installed"), not every tool a machine happens to have. The helpers hash is taken
    twice: as loaded by this process and as on disk now (a worker started before the source changed
    would render with the old code while its kernels import the new). Taken afresh for the check at
    the start of a build; each job checks the copy `known_environment` keeps.
    """
    packages = {}
    for name in pinned_names():
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "not installed"
    return {
        "python": platform.python_version(),
        "helpers (loaded)": helpers_hash(),
        "helpers (on disk)": helpers_hash.__wrapped__(),
        "packages": packages,
    }


@cache
def known_environment() -> dict:
    """This process's environment as first seen (taken once per worker process, not per job)."""
    return environment()


def differences(ours: dict, theirs: dict) -> list[str]:
    """Each way a worker's environment differs from the client's, naming the package and both versions."""
    out = []
    for field in ("python", "helpers (loaded)", "helpers (on disk)"):
        if ours[field] != theirs.get(field):
            out.append(f"{field} {short(theirs.get(field))} where this client has {short(ours[field])}")
    mine, other = ours["packages"], theirs.get("packages", {})
    for name in sorted(set(mine) | set(other)):
        if mine.get(name) != other.get(name):
            have = f"{name} {other[name]}" if name in other else f"no {name}"
            want = mine.get(name, "none")
            out.append(f"{have} where this client has {want if name in mine else 'none'}")
    return out


def short(value) -> str:
    text = str(value)
    return text[:12] if len(text) == 64 else text  # a SHA-256: its first 12 digits name it well enough


def file_hashes(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every regular file below a folder, keyed by its path inside it (POSIX).

    A report folder is untrusted: a symbolic link, a FIFO or a device in it is never followed or read.
    """
    out = {}
    for path in sorted(folder.rglob("*")):
        if stat.S_ISREG(path.lstat().st_mode):
            name = path.relative_to(folder).as_posix()
            out[name] = regular_file(path, folder, MAX_OUTPUT_FILE)
    return out


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    """Write files below `folder`, refusing names that would land outside it."""
    for name, data in files.items():
        target = (folder / name).resolve()
        if not target.is_relative_to(folder.resolve()) or name.startswith("/"):
            raise ValueError(f"an output file named outside its folder: {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


class _JobOnWorker(Builder):
    """The local build's own `execute`, with the swap and the failure kept for the client to do."""

    def __init__(self, spec: dict):
        super().__init__(
            here(spec["config"], spec["root"]), here(spec["reports"], spec["root"]), 1, False, None, progress=False
        )
        self.commit, self.packages = spec["commit"], spec["packages"]
        self.manager_class = kernel_manager()
        self.files: dict[str, bytes] = {}
        self.notebook: bytes | None = None

    def swap_in(self, job, staging: Path) -> None:
        self.files = read_tree(staging)
        shutil.rmtree(staging, ignore_errors=True)

    def fail(self, job, notebook_out: Path, started: float, message: str) -> Outcome:
        self.notebook = notebook_out.read_bytes() if notebook_out.is_file() else None
        shutil.rmtree(notebook_out.parent, ignore_errors=True)
        return Outcome(job, "failed", 0.0, message)


def warm_up() -> None:
    """The imports and templates a first job would load (papermill alone takes seconds), ahead of it."""
    Builder.warm_up()


def dask_setup(worker) -> None:  # noqa: ARG001  (Dask's preload hook: `dask worker --preload helpers.build.worker`)
    """Warm up in the background as the worker starts, so its first job does not wait for the imports."""
    threading.Thread(target=warm_up, name="workbench-warm-up", daemon=True).start()


def here(path: str | Path, client_root: str) -> Path:
    """A client path as this machine has it: inside the client's project, the same place in this one."""
    path = Path(path)
    try:
        return paths.ROOT / path.relative_to(client_root)
    except ValueError:
        return path


def kernel_manager():
    """The kernel manager class forking from this worker's preloaded parent, or None for fresh kernels."""
    if FORK_SERVER is None:
        return None
    from . import kernels

    try:
        with _READY:
            FORK_SERVER.wait_ready()
    except Exception:  # noqa: BLE001  (fresh kernels still work)
        return None
    return kernels.kernel_manager_class(FORK_SERVER)


def worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def run_job(spec: dict) -> dict:
    """Run one job as the local build would; return its outcome and output files with their SHA-256."""
    address = worker_address()
    problems = differences(spec["environment"], known_environment())
    if problems:
        more = f" (and {len(problems) - 1} more differences)" if len(problems) > 1 else ""
        return {"status": "refused", "worker": address, "message": f"worker {address} has {problems[0]}{more}"}
    job = dataclasses.replace(spec["job"], notebook=here(spec["job"].notebook, spec["root"]))
    builder = _JobOnWorker(spec)
    mismatch = check_inputs(job, builder.base, spec)
    if mismatch:
        return {"status": "refused", "worker": address, "message": f"worker {address} {mismatch}"}
    mirror_needs(builder.reports, spec["needs"])
    staging = builder.reports / ".staging" / job.output
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    builder.inputs = {job.name: spec["inputs"]}
    outcome = builder.execute(job, staging, spec["needs_read"])
    result = {"status": outcome.status, "worker": address, "message": outcome.message, "seconds": outcome.seconds}
    if outcome.status == "built":
        result.update(files=builder.files, hashes=file_hashes(builder.files))
    else:
        result["notebook"] = builder.notebook
    return result


def check_inputs(job, base: Path, spec: dict) -> str:
    """Why this worker's copy of the job's notebook or data differs from the client's, or ""."""
    if not job.notebook.is_file():
        return f"has no {paths.shown(job.notebook)}"
    if notebook_fingerprint(job.notebook) != spec["fingerprint"]:
        return f"has another version of {paths.shown(job.notebook)}"
    data = data_inputs(job.parameters, job.inputs, base)
    for name in sorted(set(data) | set(spec["data"])):
        if data.get(name) != spec["data"].get(name):
            return f"has {'another version of' if name in data else 'no'} {name}"
    return ""


def mirror_needs(reports: Path, needs: dict[str, dict]) -> None:
    """Put the reports a job reads where its `{reports}` parameters point, unless they are already there.

    On a machine that shares the client's reports/ they are (the record holds the same key) and
    nothing is written.
    """
    for output, report in needs.items():
        target = reports / output
        record = read_record(target)
        if record is not None and record.key == report["key"]:
            continue
        incoming = reports / ".staging" / f"{output}.needed"
        shutil.rmtree(incoming, ignore_errors=True)
        write_tree(incoming, report["files"])
        shutil.rmtree(target, ignore_errors=True)
        incoming.rename(target)
