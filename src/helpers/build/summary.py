"""What a build tells its reader: reports/index.html and the summary table, with why and who retried."""

from __future__ import annotations

import hashlib
import json
import sys

from ..core import paths
from ..core.hashing import helpers_hash
from .config import Job
from .job import Outcome
from .record import Record, read_record
from .statcache import regular_file
from .swap import FAILED, write_atomic

MAX_FAILURE_BYTES = 1 << 20


def recorded_failure(reports, output: str) -> str | None:
    """The error _failed/<output>.json records (untrusted: any damage reads as "see _failed/"), or None."""
    path = reports / FAILED / f"{output}.json"
    if not path.exists() and not path.is_symlink():
        return None
    try:
        error = json.loads(regular_file(path, reports, MAX_FAILURE_BYTES).decode("utf-8"))["error"]
    except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return "see _failed/"
    return error if isinstance(error, str) else "see _failed/"


def index_key(entries: list[dict], commit: str) -> str:
    """What the index page is made from: its entries, the commits, and the code and templates that render it."""
    made_of = [entries, commit, helpers_hash(), sys.version]
    return hashlib.sha256(json.dumps(made_of, sort_keys=True, default=str).encode()).hexdigest()


class Reporter:
    """The reporting half of a Builder: the index page and the summary printed at the end."""

    def index_status(self, job: Job, outcome: Outcome | None, record: Record | None) -> str:
        """A job's line in the index; its report can be opened when it has a valid `record`."""
        previous = "showing the previous report" if record is not None else "no report yet"
        if outcome is not None and outcome.status == "failed":  # this build's word, written down or not
            return f"failed in the last build ({outcome.message}); {previous}"
        error = recorded_failure(self.reports, job.output)
        if error is not None:
            return f"failed in the last build ({error}); {previous}"
        return "ok" if record is not None else "not built"

    def write_index(self, jobs: list[Job], outcomes: dict[str, Outcome] | None = None) -> str:
        """Write reports/index.html (unless it is already the page these entries make); "" or why it could not be."""
        entries = []
        commits = set()
        for job in jobs:
            record = read_record(self.reports / job.output)
            status = self.index_status(job, (outcomes or {}).get(job.name), record)
            if record is not None:
                commits.add(record.commit)
            entries.append(
                {
                    "group": job.group,
                    "title": job.title,
                    "output": job.output,
                    "status": status,
                    "parameters": job.parameters,
                    "description": job.description,
                    "available": record is not None,
                }
            )
        commit = ", ".join(sorted(commits)) or "none yet"
        index, key = self.reports / "index.html", index_key(entries, commit)
        if self.sources.index_holds(index, key):  # the page these entries make is there, byte for byte
            return ""
        from .render import index_page

        page = index_page(entries, commit)
        try:
            write_atomic(index, page)
        except OSError as exc:
            return f"{paths.shown(index)} could not be written ({exc.strerror or exc})"
        self.sources.index_written(index, key, page)
        return ""

    def summary(self, outcomes: list[Outcome], index_problem: str = "") -> None:
        rows = [
            (
                o.job.name,
                o.status,
                f"{o.seconds:.1f}" if o.status != "up to date" else "-",
                paths.shown(self.reports / o.job.output) + "/index.html",
            )
            for o in outcomes
        ]
        widths = [max(len(r[i]) for r in rows + [("job", "status", "seconds", "output")]) for i in range(4)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        print(line.format("job", "status", "seconds", "output"))
        for row in rows:
            print(line.format(*row))
        for o in outcomes:
            if self.reasons.get(o.job.name, ["not built yet"]) != ["not built yet"] and o.status != "up to date":
                print(f"  why {o.job.name} was rebuilt: " + "; ".join(self.reasons[o.job.name]))
        for o in outcomes:
            if o.status == "failed":
                kept = f" ({o.kept})" if o.kept else ""
                print(f"FAILED {o.job.name}: {o.message}{kept}", file=sys.stderr)
            elif o.message:  # a built job's note: retried after its Dask worker died, and by whom
                print(f"NOTE {o.job.name}: {o.message}")
        if index_problem:
            print(f"FAILED index: {index_problem}", file=sys.stderr)
        built = sum(o.status == "built" for o in outcomes)
        failed = sum(o.status == "failed" for o in outcomes)
        where = "not updated" if index_problem else paths.shown(self.reports / "index.html")
        print(f"{built} built, {len(outcomes) - built - failed} up to date, {failed} failed; index: {where}")
