"""What the build remembers of its sources between runs, beside its config: file hashes by stat, and the checked jobs.

statcache.py keeps the SHA-256 of report files in reports/, which is untrusted. This keeps, in
`.<config name>.build-cache.json` beside the config (as trusted as the config itself: read only
when its owner wrote it, never through a link), the SHA-256 and notebook fingerprints the cache
keys are made of (each holds while its file's stat does: core/filememo.py), and the jobs of the
config as last checked, reused while the config, every notebook it names, its `inputs`, the
helpers' source and the pins are unchanged. A build with nothing changed then reads no source file
again and never parses YAML.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
import time
from pathlib import Path

from ..core import filememo
from ..core.hashing import helpers_hash, requirements_hash
from .config import Job, load_config
from .statcache import regular_file

SUFFIX = ".build-cache.json"
FORMAT = 1
KINDS = ("sha256", "fingerprint")  # the text values worth keeping between runs
MAX_BYTES = 16 << 20
MAX_INDEX_BYTES = 64 << 20
KEPT_INDEXES = 20  # reports folders whose index page is remembered
_DIGEST = re.compile(r"[0-9a-f]{64}")
_TEXT = ("name", "notebook", "output", "title", "group", "description", "base")
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def cache_path(config: Path) -> Path:
    """Where the build keeps what it remembers of this config's sources."""
    return config.with_name(f".{config.name}{SUFFIX}")


class SourceCache:
    """The remembered hashes (handed to filememo on loading) and the config's jobs as last checked."""

    def __init__(self, config: Path):
        self.config = config
        self.path = cache_path(config)
        self.stored: dict | None = None  # the config entry the file holds
        self.current: dict | None = None  # the entry that holds for this build, kept by save()
        self.changed = False
        self.indexes: dict[str, list[str]] = {}  # index page -> [key of what it was made from, its SHA-256]
        raw = _read(self.path)
        if isinstance(raw, dict) and raw.get("format") == FORMAT:
            filememo.absorb(list(_entries(raw.get("files"))))
            self.stored = raw.get("config") if isinstance(raw.get("config"), dict) else None
            indexes = raw.get("indexes") if isinstance(raw.get("indexes"), dict) else {}
            self.indexes = {
                k: v
                for k, v in indexes.items()
                if isinstance(v, list) and len(v) == 2 and all(isinstance(d, str) and _DIGEST.fullmatch(d) for d in v)
            }

    def jobs(self) -> list[Job]:
        """The config's jobs: as last checked while nothing they came from changed, else read and checked again."""
        jobs = self._cached()
        if jobs is not None:
            self.current = self.stored
            return jobs
        started = time.time_ns()
        jobs = load_config(self.config)  # a DataError goes to the caller, and nothing is remembered
        self.current = self._entry(jobs, started)
        self.changed = self.changed or self.current is not None
        return jobs

    def _state(self) -> dict:
        """What else decides how a config reads: the build's own code and the packages."""
        return {"python": sys.version, "helpers": helpers_hash(), "requirements": requirements_hash()}

    def _cached(self) -> list[Job] | None:
        entry = self.stored
        if entry is None or not self.config.is_absolute():
            return None
        try:
            unchanged = (
                entry["config"] == str(self.config)
                and entry["signature"] == _signature(self.config)
                and all(_signature(Path(nb)) == sig for nb, sig in entry["notebooks"].items())
                and all(os.path.exists(p) for p in entry["inputs"])
                and entry["state"] == self._state()
            )
            return [_job(raw) for raw in entry["jobs"]] if unchanged else None
        except (OSError, KeyError, TypeError, ValueError, AttributeError):
            return None

    def _entry(self, jobs: list[Job], started: int) -> dict | None:
        """The entry that lets the next build skip reading the config, or None when it could not be trusted.

        Only files unchanged since two seconds before the read began are remembered, so an edit made
        while or just after they were read changes their stat (git's racy-clean rule).
        """
        if not self.config.is_absolute():
            return None
        try:
            info = {p: os.stat(p) for p in [str(self.config), *sorted({str(j.notebook) for j in jobs})]}
            serial = [_plain_job(j) for j in jobs]
            exact = [_job(raw) for raw in json.loads(json.dumps(serial, allow_nan=False))] == jobs
        except (OSError, TypeError, ValueError):  # ValueError: a value JSON cannot carry (a NaN)
            return None
        if not exact or not all(filememo.settled(i, since=started) for i in info.values()):
            return None  # a value JSON does not carry exactly (a date, a number as a key), or a file too fresh
        return {
            "config": str(self.config),
            "signature": list(filememo.signature(info.pop(str(self.config)))),
            "notebooks": {p: list(filememo.signature(i)) for p, i in info.items()},
            "inputs": sorted({str(self.config.parent / item) for j in jobs for item in j.inputs}),
            "state": self._state(),
            "jobs": serial,
        }

    def index_holds(self, index: Path, key: str) -> bool:
        """Whether `index` is the page last written from inputs with this key (its bytes read and hashed)."""
        known = self.indexes.get(str(index))
        if known is None or known[0] != key:
            return False
        try:
            page = regular_file(index, index.parent, MAX_INDEX_BYTES)
        except (OSError, ValueError):
            return False
        return hashlib.sha256(page).hexdigest() == known[1]

    def index_written(self, index: Path, key: str, page: str) -> None:
        """Remember the index page just written, so a build with the same entries need not render it again."""
        self.indexes.pop(str(index), None)
        kept = list(self.indexes.items())[-(KEPT_INDEXES - 1) :]
        self.indexes = {**dict(kept), str(index): [key, hashlib.sha256(page.encode("utf-8")).hexdigest()]}
        self.changed = True

    def save(self) -> None:
        """Write what this build learnt (atomically, readable by its owner only); nothing when nothing is new."""
        files, new = filememo.export(KINDS)
        if not (new or self.changed):
            return
        payload = {"format": FORMAT, "files": files, "config": self.current, "indexes": self.indexes}
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(json.dumps(payload, separators=(",", ":")) + "\n")
            os.replace(tmp, self.path)
        except OSError:  # a folder that cannot be written only costs reading again next time
            tmp.unlink(missing_ok=True)


def _signature(path: Path) -> list[int]:
    return list(filememo.signature(os.stat(path)))


def _plain_job(job: Job) -> dict:
    return {
        **{name: str(getattr(job, name)) for name in _TEXT},
        "parameters": job.parameters,
        "needs": list(job.needs),
        "inputs": list(job.inputs),
        "timeout": job.timeout,
        "line": job.line,
        "sweep": job.sweep,
    }


def _job(raw: dict) -> Job:
    """A Job from its remembered form; ValueError when any field is not of the type the build writes."""
    fine = (
        isinstance(raw, dict)
        and all(isinstance(raw.get(name), str) for name in _TEXT)
        and isinstance(raw.get("parameters"), dict)
        and isinstance(raw.get("sweep"), dict)
        and all(isinstance(raw.get(k), list) and all(isinstance(v, str) for v in raw[k]) for k in ("needs", "inputs"))
        and all(type(raw.get(k)) is int for k in ("timeout", "line"))
    )
    if not fine:
        raise ValueError("not a job the build remembers")
    return Job(
        **{name: raw[name] for name in _TEXT if name != "notebook"},
        notebook=Path(raw["notebook"]),
        parameters=raw["parameters"],
        needs=tuple(raw["needs"]),
        inputs=tuple(raw["inputs"]),
        timeout=raw["timeout"],
        line=raw["line"],
        sweep=raw["sweep"],
    )


def _read(path: Path) -> object:
    """The cache's JSON, when it is a regular file its owner alone can write; else None."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        mine = not hasattr(os, "geteuid") or info.st_uid == os.geteuid()
        if not stat.S_ISREG(info.st_mode) or not mine or info.st_mode & 0o022 or info.st_size > MAX_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            return json.loads(handle.read(MAX_BYTES + 1))
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        os.close(fd)


def _entries(raw: object):
    """The well-formed [kind, path, stat, value] entries of the cache's `files`."""
    for item in raw if isinstance(raw, list) else []:
        if (
            isinstance(item, list)
            and len(item) == 4
            and item[0] in KINDS
            and isinstance(item[1], str)
            and os.path.isabs(item[1])
            and isinstance(item[2], list)
            and len(item[2]) == 5
            and all(type(v) is int for v in item[2])
            and isinstance(item[3], str)
            and len(item[3]) <= 128
        ):
            yield item[0], item[1], tuple(item[2]), item[3]
