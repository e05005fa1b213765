"""The plan of a build: each job's key, which reports are stale and why, and the order to run them in."""

from __future__ import annotations

import heapq
import json
from pathlib import Path

from .cache import data_inputs, key_inputs, key_of
from .config import Job, declared_parameters, expand_needs
from .record import read_record, stale_reasons


class Planner:
    """The planning half of a Builder: keys, stale reasons and the jobs a selection also needs."""

    def plan(self, jobs: list[Job]) -> dict[str, str]:
        """The key each job's report will have after this build, dependencies first."""
        keys: dict[str, str] = {}
        seen: dict = {}  # each data folder hashed once in this plan, however many jobs read it
        pending = list(jobs)
        while pending:
            progressed = False
            for job in list(pending):
                deps = expand_needs(job, jobs)
                if all(d.name in keys for d in deps):
                    data = data_inputs(job.parameters, job.inputs, self.base, seen)
                    self.inputs[job.name] = key_inputs(job.notebook, job.parameters, data)
                    keys[job.name] = key_of(self.inputs[job.name], {d.name: keys[d.name] for d in deps})
                    pending.remove(job)
                    progressed = True
            if not progressed:  # load_config refuses cycles, so this means a bug in the build
                raise RuntimeError("jobs wait on each other: " + ", ".join(j.name for j in pending))
        return keys

    def stale(self, jobs: list[Job], keys: dict[str, str]) -> dict[str, list[str]]:
        """Every job whose report is out of date, with the reasons (`--force` makes all stale)."""
        out = {}
        for job in jobs:
            needs = {d.name: keys[d.name] for d in expand_needs(job, jobs)}
            folder = self.reports / job.output
            reasons = stale_reasons(folder, keys[job.name], self.inputs[job.name], needs, self.hashes)
            if self.force:
                reasons = reasons or ["--force"]
            if reasons:
                out[job.name] = reasons
        return out

    def with_stale_needs(self, selected: list[Job], jobs: list[Job], stale: dict) -> tuple[list[Job], list[Job]]:
        """The selected jobs plus the stale jobs they read (transitively), and those added."""
        chosen = {j.name for j in selected}
        pending = list(selected)
        while pending:
            for dep in expand_needs(pending.pop(), jobs):
                if dep.name in stale and dep.name not in chosen:
                    chosen.add(dep.name)
                    pending.append(dep)
        added = [j for j in jobs if j.name in chosen and j not in selected]
        return [j for j in jobs if j.name in chosen], added

    def recorded_key(self, job: Job) -> str | None:
        record = read_record(self.reports / job.output)
        return record.key if record else None


def run_order(stale: list[Job], jobs: list[Job], timings: dict[str, float]) -> list[Job]:
    """The order to start the stale jobs in, so the cores stay busy to the end.

    List scheduling: of the jobs whose stale needs have all started, the one with the longest chain
    to the end of the build (its own time plus that of the jobs that read it) starts next. A job
    comes after what it needs, so a worker never waits on a job that has not started; and a reader
    starts as soon as what it reads has, ahead of shorter jobs that nothing reads, which then run
    beside it at the end instead of leaving a core idle there. A job's time is its last build's; a
    job never timed (a first build) is guessed from its code cells, about a second each.
    """
    estimate = {j.name: timings.get(j.name) or float(code_cells(j.notebook)) for j in stale}
    names = set(estimate)
    needs = {j.name: {d.name for d in expand_needs(j, jobs) if d.name in names} for j in stale}
    readers: dict[str, list[Job]] = {}
    for job in stale:
        for dep in needs[job.name]:
            readers.setdefault(dep, []).append(job)
    chain: dict[str, float] = {}
    for job in reversed(_dependencies_first(stale, jobs, names)):  # each reader before what it reads
        chain[job.name] = estimate[job.name] + max((chain[r.name] for r in readers.get(job.name, [])), default=0.0)
    waiting = {name: len(deps) for name, deps in needs.items()}
    ready = [(-chain[j.name], j.name, j) for j in stale if not needs[j.name]]
    heapq.heapify(ready)
    order: list[Job] = []
    while ready:
        job = heapq.heappop(ready)[2]
        order.append(job)
        for reader in readers.get(job.name, []):
            waiting[reader.name] -= 1
            if not waiting[reader.name]:
                heapq.heappush(ready, (-chain[reader.name], reader.name, reader))
    placed = {j.name for j in order}
    return order + [j for j in stale if j.name not in placed]  # jobs in a cycle (load_config refuses those)


def _dependencies_first(stale: list[Job], jobs: list[Job], names: set[str]) -> list[Job]:
    """The stale jobs with every job after the stale jobs it needs (load_config refuses cycles)."""
    needs = {j.name: {d.name for d in expand_needs(j, jobs) if d.name in names} for j in stale}
    done: set[str] = set()
    out: list[Job] = []
    pending = list(stale)
    while pending:
        ready = [j for j in pending if needs[j.name] <= done]
        if not ready:  # a cycle, which load_config refuses: keep the rest as they are
            return out + pending
        out += ready
        done.update(j.name for j in ready)
        pending = [j for j in pending if j.name not in done]
    return out


def overridden_defaults(job: Job) -> list[str]:
    """Where reports.yaml sets a parameter to something other than the notebook's own default."""
    declared = declared_parameters(job.notebook)
    return [
        f"{name}: reports.yaml runs {value!r}; the notebook's default is {declared[name].default!r}"
        for name, value in job.parameters.items()
        if name in declared and declared[name].default != value
    ]


def code_cells(notebook: Path) -> int:
    """How many code cells a notebook has (a rough guess at its work, for ordering)."""
    try:
        return sum(c.get("cell_type") == "code" for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 0
