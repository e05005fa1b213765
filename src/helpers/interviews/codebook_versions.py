"""A codebook's versions: its change log, the code mappings between versions, proposals for the next one.

Each change-log entry says what changed and why, the version it made (`version`), the one it
revised (`from_version`; by default the previous entry's), whether it was made after seeing
agreement figures (`after_agreement`), and how the older version's codes map to the new one
(`merged` and `renamed`: old id to new id; `dropped`: old ids with no successor). Codings made
under different versions can then be compared through these mappings, and only through them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from ..core.errors import Collector, DataError
from ..core.sourced_yaml import SourcedDict, SourcedList
from .code import Code, normalise_text
from .codebook_checks import ID

CHANGE_FIELDS = ("date", "change", "version", "from_version", "after_agreement", "merged", "renamed", "dropped")
PROPOSAL_COLUMNS = ["coder", "kind", "code", "name", "parent", "text", "codings", "based_on_version"]


def _line(holder, key):
    return holder.line_of(key) if isinstance(holder, (SourcedDict, SourcedList)) else None


def version_text(value, line, field: str, errors: Collector) -> str | None:
    """A version as text ("2", "2.1"); a number is refused, since YAML reads 1.10 as 1.1."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        errors.add(line, field, f'a version as quoted text, e.g. {field}: "2"', value)
        return None
    return value.strip()


def _mapping(entry: SourcedDict, key: str, errors: Collector) -> dict[str, str]:
    value = entry.get(key) or {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and ID.fullmatch(k) and ID.fullmatch(v) for k, v in value.items()
    ):
        errors.add(_line(entry, key), key, f"a mapping old_code_id: new_code_id under '{key}'", value)
        return {}
    return dict(value)


def _entry(entry, line, versioned: bool, errors: Collector) -> dict | None:
    """One change-log entry, checked; None when it is not a mapping."""
    if not isinstance(entry, dict):
        errors.add(line, "changes", "a change as {date, change, version, after_agreement}", entry)
        return None
    for key in entry:
        if key not in CHANGE_FIELDS:
            errors.add(_line(entry, key), key, f"one of the fields {', '.join(CHANGE_FIELDS)} in a change", key)
    date, change = str(entry.get("date", "")), entry.get("change")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        errors.add(line, "date", "a change dated YYYY-MM-DD", entry)
    if not isinstance(change, str) or not change.strip():
        errors.add(line, "change", "what changed and why", entry)
    after = entry.get("after_agreement")
    if after is not None and not isinstance(after, bool):
        errors.add(_line(entry, "after_agreement"), "after_agreement", "true or false", after)
    dropped = entry.get("dropped") or []
    if not isinstance(dropped, list) or not all(isinstance(d, str) and ID.fullmatch(d) for d in dropped):
        errors.add(_line(entry, "dropped"), "dropped", "a list of the old version's code ids", dropped)
        dropped = []
    out = {
        "date": date,
        "change": normalise_text(change) if isinstance(change, str) else "",
        "version": version_text(entry.get("version"), _line(entry, "version"), "version", errors),
        "from_version": version_text(entry.get("from_version"), _line(entry, "from_version"), "from_version", errors),
        "after_agreement": after if isinstance(after, bool) else None,
        "merged": _mapping(entry, "merged", errors),
        "renamed": _mapping(entry, "renamed", errors),
        "dropped": list(dropped),
    }
    if versioned and (out["version"] is None or out["after_agreement"] is None):
        errors.add(line, "changes", "the version each change made and whether it came after_agreement", entry)
    if out["version"] is None and (out["merged"] or out["renamed"] or out["dropped"]):
        errors.add(line, "version", "the version made by a change that maps codes", "none")
    return out


def changes_from_yaml(data: SourcedDict, versioned: bool, errors: Collector) -> list[dict]:
    """The change log, oldest first, each entry checked (see the module's docstring for its fields)."""
    changes = data.get("changes")
    if not isinstance(changes, list):
        errors.add(data.line_of("changes"), "changes", "a list of {date, change} entries", type(changes).__name__)
        return []
    entries = (_entry(entry, _line(changes, i), versioned, errors) for i, entry in enumerate(changes))
    return [e for e in entries if e is not None]


def check_chain(changes: list[dict], version: str | None, codes: Iterable[str], errors: Collector, line) -> None:
    """Versions made once each, the last one the codebook's, and every mapping ending at a code of it."""
    made = [c["version"] for c in changes if c["version"] is not None]
    for repeated in sorted({v for v in made if made.count(v) > 1}):
        errors.add(line, "changes", "each version made by one change", repeated)
    if version is not None and made and made[-1] != version:
        errors.add(line, "version", f"the version made by the change log's last entry ('{made[-1]}')", version)
    known = set(codes)
    for i, change in enumerate(changes):
        for old, new in {**change["merged"], **change["renamed"]}.items():
            final = _forward(new, changes[i + 1 :])
            if final is not None and final not in known:
                errors.add(line, "changes", f"a code of this codebook as what '{old}' became", new)


def _forward(code: str | None, later: list[dict]) -> str | None:
    """Where `code` ends after the later changes (None when one of them dropped it)."""
    for change in later:
        if code is None:
            break
        if code in change["dropped"]:
            return None
        code = change["merged"].get(code, change["renamed"].get(code, code))
    return code


def versions(changes: list[dict], version: str | None) -> list[str]:
    """Every version the change log names, oldest first, ending at the codebook's own."""
    out: list[str] = []
    for change in changes:
        for v in (change["from_version"], change["version"]):
            if v is not None and v not in out:
                out.append(v)
    if version is not None and version not in out:
        out.append(version)
    return out


def mapping(changes: list[dict], from_version: str, to_version: str, where: str) -> dict[str, str | None]:
    """{old id: id in `to_version`, or None if dropped} for every code the changes between them renamed,
    merged or dropped; codes not listed keep their id."""
    made = [c["version"] for c in changes]
    order = versions(changes, None)
    if from_version not in order or to_version not in order or order.index(from_version) > order.index(to_version):
        errors = Collector(where)
        errors.add(None, "version", f"two versions of the change log, oldest first ({', '.join(order)})", from_version)
        errors.raise_if_any()
    start = made.index(from_version) + 1 if from_version in made else 0
    end = made.index(to_version) + 1 if to_version in made else 0
    later = changes[start:end]
    olds = {old for c in later for old in (*c["merged"], *c["renamed"], *c["dropped"])}
    return {old: _forward(old, later) for old in sorted(olds)}


def proposals(
    codebook, imported: Iterable[Code], coder: str = "", segments: pd.DataFrame | None = None
) -> pd.DataFrame:
    """A coder's new codes and memos, as proposals for the codebook's next version (never an error).

    `imported` holds the codes of the coder's project (say, a `.qdpx` codebook): a code the
    codebook lacks is a "new code", a memo or definition that differs from the codebook's is a
    "memo" or "definition" proposal. With `segments` (document_id, code, ...), `codings` counts
    how often the coder applied each proposed new code.
    """
    counts = segments["code"].value_counts().to_dict() if segments is not None and len(segments) else {}
    rows = []
    for code in imported:
        if code.id not in codebook:
            text = " ".join(t for t in (code.definition, code.memo) if t)
            rows.append((coder, "new code", code.id, code.name, code.parent or "", text, counts.get(code.id, 0)))
            continue
        ours = codebook[code.id]
        for kind, theirs, mine in (("definition", code.definition, ours.definition), ("memo", code.memo, ours.memo)):
            if theirs and normalise_text(theirs) != normalise_text(mine):
                rows.append((coder, kind, code.id, code.name, code.parent or "", normalise_text(theirs), 0))
    frame = pd.DataFrame(rows, columns=PROPOSAL_COLUMNS[:-1])
    return frame.assign(based_on_version=codebook.version or "")[PROPOSAL_COLUMNS]


__all__ = ["CHANGE_FIELDS", "DataError", "mapping", "proposals", "versions"]
