"""What a report folder's `build.json` records, read as untrusted input, and why a report is stale.

A record holds the job's key, the inputs that made it (notebook, parameters, data hashes, the
helpers' source, the pins), the keys of the upstream reports it read, and the SHA-256 of every
file in the folder. A report is up to date only when all of these still hold. A shared reports/
can hold a tampered record: `Record.read` checks every field's type and every file name (a plain
name inside the folder), and a record that fails makes only its own report stale, saying why.
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from .statcache import StatCache, regular_file

RECORD = "build.json"
MAX_RECORD_BYTES = 16 << 20  # a record lists a few dozen files; anything far larger is not one
_PARTS = {
    "format": "it was built by an older version of the build",
    "notebook": "the notebook's cells changed",
    "helpers": "the helpers' source changed",
    "requirements": "the package pins changed",
}
_SHOWN = 3  # changed data files named before "and N more"
_DIGEST = re.compile(r"[0-9a-f]{64}")
_TEXT_FIELDS = ("job", "key", "notebook", "commit")
_INPUT_TEXT = ("format", "notebook", "helpers", "requirements")


class BadRecord(ValueError):
    """A build.json that is not what the build writes; the message says which field and why."""


def output_files(folder: Path) -> dict[str, str]:
    """SHA-256 of every regular file of a report folder but build.json, by path relative to the folder."""
    from ..core.hashing import file_hash

    return {
        p.relative_to(folder).as_posix(): file_hash(p)
        for p in sorted(folder.rglob("*"))
        if stat.S_ISREG(p.lstat().st_mode) and p.relative_to(folder).as_posix() != RECORD
    }


def check_name(name: object) -> str:
    """A file name from a record: a plain relative path inside the report folder, or BadRecord."""
    if not isinstance(name, str) or not name or len(name) > 1024:
        raise BadRecord(f"files: {name!r} is not a file name")
    parts = name.split("/")
    bad = (
        name.startswith("/")
        or "\\" in name
        or "\0" in name
        or ":" in parts[0]
        or any(part in ("", ".", "..") for part in parts)
        or name == RECORD
    )
    if bad:
        raise BadRecord(f"files: {name!r} is not a plain name inside the report folder")
    return name


def _texts_and_parameters(raw: dict, fields: tuple[str, ...], prefix: str) -> None:
    """Raise BadRecord naming the first of `fields` that is not text, or `parameters` when it is not a mapping."""
    for field in fields:
        if not isinstance(raw.get(field), str):
            raise BadRecord(f"{prefix}{field}: expected text, found {type(raw.get(field)).__name__}")
    if not isinstance(raw.get("parameters"), dict):
        raise BadRecord(f"{prefix}parameters: expected a mapping")


def _text_map(value: object, field: str, values_may_be_none: bool = False) -> dict[str, str | None]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise BadRecord(f"{field}: expected a mapping of names to text, found {type(value).__name__}")
    for k, v in value.items():
        if not (isinstance(v, str) or (values_may_be_none and v is None)):
            raise BadRecord(f"{field}.{k}: expected text, found {type(v).__name__}")
    return value


@dataclass(frozen=True)
class Record:
    """A validated build.json: every field of the type the build writes."""

    job: str
    key: str
    notebook: str
    commit: str
    parameters: dict
    data: dict[str, str]
    packages: dict[str, str]
    inputs: dict
    needs: dict[str, str | None]
    files: dict[str, str]

    @classmethod
    def parse(cls, raw: object) -> Record:
        """Check a decoded build.json field by field; raise BadRecord naming the first field that is wrong."""
        if not isinstance(raw, dict):
            raise BadRecord(f"expected a JSON object, found {type(raw).__name__}")
        _texts_and_parameters(raw, _TEXT_FIELDS, "")
        inputs = raw.get("inputs")
        if not isinstance(inputs, dict):
            raise BadRecord(f"inputs: expected a mapping, found {type(inputs).__name__}")
        _texts_and_parameters(inputs, _INPUT_TEXT, "inputs.")
        _text_map(inputs.get("data"), "inputs.data")
        files = _text_map(raw.get("files"), "files")
        if not files:
            raise BadRecord("files: lists no files")
        for name, digest in files.items():
            check_name(name)
            if not _DIGEST.fullmatch(digest):
                raise BadRecord(f"files.{name}: expected a SHA-256 (64 hexadecimal digits)")
        return cls(
            job=raw["job"],
            key=raw["key"],
            notebook=raw["notebook"],
            commit=raw["commit"],
            parameters=raw["parameters"],
            data=_text_map(raw.get("data"), "data"),
            packages=_text_map(raw.get("packages"), "packages"),
            inputs=inputs,
            needs=_text_map(raw.get("needs"), "needs", values_may_be_none=True),
            files=files,
        )

    @classmethod
    def read(cls, folder: Path) -> Record:
        """The folder's build.json, checked; FileNotFoundError when there is none, BadRecord when it is bad."""
        path = folder / RECORD
        if not path.exists() and not path.is_symlink():
            raise FileNotFoundError(path)
        try:
            text = regular_file(path, folder, MAX_RECORD_BYTES).decode("utf-8")
            raw = json.loads(text)
        except OSError as exc:
            raise BadRecord(f"it cannot be read ({exc.strerror or exc})") from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise BadRecord(f"it is not JSON ({exc})") from None
        except RecursionError:
            raise BadRecord("it is not JSON (nested too deeply)") from None
        return cls.parse(raw)


def read_record(folder: Path) -> Record | None:
    """The folder's valid record, or None (no record, or one the build would not have written)."""
    try:
        return Record.read(folder)
    except (OSError, BadRecord):
        return None


def _listed(kind: str, names: list[str]) -> list[str]:
    shown = [f"{kind}: {n}" for n in names[:_SHOWN]]
    return shown + ([f"and {len(names) - _SHOWN} more"] if len(names) > _SHOWN else [])


def input_reasons(record: Record, inputs: dict, needs: dict[str, str]) -> list[str]:
    """Which of a job's inputs and upstream reports differ from those its report was built from."""
    built = record.inputs
    reasons = [text for part, text in _PARTS.items() if built.get(part) != inputs.get(part)]
    old, new = built.get("parameters") or {}, inputs.get("parameters") or {}
    for name in sorted(set(old) | set(new), key=str):
        if old.get(name) != new.get(name):
            reasons.append(f"parameter {name}: {old.get(name)!r} -> {new.get(name)!r}")
    old, new = built.get("data") or {}, inputs.get("data") or {}
    reasons += _listed("input changed", sorted(k for k in set(old) & set(new) if old[k] != new[k]))
    reasons += _listed("new input", sorted(set(new) - set(old)))
    reasons += _listed("input gone", sorted(set(old) - set(new)))
    read = record.needs
    for name in sorted(set(read) | set(needs)):
        if read.get(name) != needs.get(name):
            reasons.append(f"upstream {name} changed since this report read it")
    return reasons


def file_reasons(record: Record, folder: Path, hashes: StatCache) -> list[str]:
    """Files the record lists that are missing from the folder, changed, or not regular files."""
    missing, changed, odd = [], [], []
    for name, digest in sorted(record.files.items()):
        try:
            found = hashes.digest(folder, name)
        except FileNotFoundError:
            missing.append(name)
            continue
        except OSError:  # a FIFO, a device, a symbolic link or a folder where a file was: never read
            odd.append(name)
            continue
        if found != digest:
            changed.append(name)
    return _listed("file missing", missing) + _listed("file changed", changed) + _listed("not a regular file", odd)


def stale_reasons(folder: Path, key: str, inputs: dict, needs: dict[str, str], hashes: StatCache) -> list[str]:
    """Why the report in `folder` is out of date ([] when it is up to date)."""
    try:
        record = Record.read(folder)
    except FileNotFoundError:
        return ["not built yet" if not folder.exists() else "its build.json is missing"]
    except BadRecord as exc:
        return [f"its build.json is not one the build writes ({exc})"]
    reasons = input_reasons(record, inputs, needs)
    if not reasons and record.key != key:
        reasons = ["its inputs changed"]
    return reasons + file_reasons(record, folder, hashes)
