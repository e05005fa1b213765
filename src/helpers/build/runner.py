"""Regenerate every report from `reports.yaml`: in parallel, only what changed, atomically.

Each job runs its notebook through papermill's Python API in this one process (one kernel per
job, each in its own working folder), then renders HTML. A job's outputs appear in
reports/<output>/ only when it succeeds; a failed job keeps the previous report, leaves its
executed notebook in reports/_failed/ (when it can be written) and makes the command exit 1.
One build at a time holds reports/.build.lock. The seams: plan.py (what is stale and why), job.py
(one job), swap.py (into reports/), summary.py (what the reader is told), cli.py (the command).
See docs/build.md.
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
from pathlib import Path

from ..core import paths
from ..core.errors import DataError
from .config import Job, expand_needs, select
from .job import KERNEL, KERNEL_ARGS, JobRunner, Outcome, expand_reports, import_nbformat
from .lock import BuildLock, Busy
from .plan import Planner, overridden_defaults, run_order
from .provenance import git_commit, package_versions, refresh_processed
from .sourcecache import SourceCache
from .statcache import StatCache, regular_file
from .summary import Reporter
from .swap import STAGING, clear_failure, prune_failures, recover, write_atomic

__all__ = ["KERNEL", "KERNEL_ARGS", "Builder", "Outcome", "expand_reports"]
TIMINGS = ".timings.json"


class Builder(Planner, JobRunner, Reporter):
    """One build: plan the jobs, run the stale ones in parallel, swap their outputs in, index them."""

    def __init__(
        self,
        config: Path,
        reports: Path,
        workers: int,
        force: bool,
        only: list[str] | None,
        progress: bool = True,
        fork_kernels: bool = True,
        wait: bool = False,
        dask: str | None = None,
        run_on_cluster=None,
    ):
        self.config = config
        self.dask = dask  # a Dask scheduler address or local:N (helpers.build.distributed)
        # helpers.build.distributed.run_on_cluster, given by the command line with --dask (it builds on this module)
        self.run_on_cluster = run_on_cluster
        self.cluster = None  # while the stale jobs run on Dask: the object whose execute() runs each
        self.fork_kernels = fork_kernels
        self.manager_class = None  # set while a fork server runs
        self.reports = reports
        self.workers = max(1, workers)
        self.force = force
        self.only = only
        self.progress = progress
        self.base = config.parent
        self.wait = wait
        self.dry = False  # --dry-run: plan and say, do nothing
        self.lock = threading.Lock()
        self.inputs: dict[str, dict] = {}  # each job's own key inputs, from plan()
        self.reasons: dict[str, list[str]] = {}  # why each stale job is rebuilt
        self.hashes = StatCache(reports)  # report files' SHA-256, trusted while their stat holds
        self.sources = SourceCache(config)  # source files' SHA-256 and the checked config, likewise

    def select_jobs(self, jobs: list[Job]) -> list[Job] | None:
        """The jobs --only names (a swept job's name selects its variants); None after a refusal."""
        if not self.only:
            return jobs
        selected, unknown = select(jobs, self.only)
        if unknown:
            names = ", ".join(dict.fromkeys(j.base for j in jobs))
            print(
                f"Build refused: --only names no job {', '.join(map(repr, unknown))}; jobs are: {names}",
                file=sys.stderr,
            )
            return None
        return selected

    def prepare(self) -> tuple[list[Job], list[Job], dict[str, str], dict[str, list[str]]] | int:
        """Read the config, select and plan: (all jobs, selected, keys, stale reasons), or an exit code."""
        try:
            jobs = self.sources.jobs()
        except DataError as exc:
            print(f"Build refused: {self.config.name} has errors; no report was touched.\n{exc}", file=sys.stderr)
            return 2
        selected = self.select_jobs(jobs)
        if selected is None:
            return 2
        keys = self.plan(jobs)
        stale = self.stale(jobs, keys)
        if self.only:
            selected, added = self.with_stale_needs(selected, jobs, stale)
            if added:
                verb = "Would also build" if self.dry else "Also building"
                print(f"{verb}, first, the out-of-date reports that these read: " + ", ".join(j.name for j in added))
        return jobs, selected, keys, stale

    def run(self) -> int:
        lock = BuildLock(self.reports, self.wait)
        try:
            self.reports.mkdir(parents=True, exist_ok=True)
            note = lock.acquire()
        except Busy as exc:
            print(f"Build refused: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"Build refused: {paths.shown(self.reports)} is not writable ({exc}).", file=sys.stderr)
            return 2
        try:
            if note:
                print(note)
            return self.run_locked()
        finally:
            self.hashes.save()
            self.sources.save()
            lock.release()

    def run_locked(self) -> int:
        prepared = self.prepare()
        if isinstance(prepared, int):
            return prepared
        jobs, selected, keys, stale_reasons_ = prepared
        recover(self.reports)
        prune_failures(self.reports, {j.output for j in jobs})
        what, why = refresh_processed()
        if what:
            print(f"Build refused: {what}; no report was touched.\n{why}", file=sys.stderr)
            return 2
        stale = [j for j in selected if j.name in stale_reasons_]
        self.reasons = {j.name: stale_reasons_[j.name] for j in stale}
        outcomes = {j.name: Outcome(j, "up to date") for j in selected if j.name not in self.reasons}
        for job in selected:
            if job.name not in self.reasons:  # its report matches its inputs: an older failure no longer applies
                clear_failure(self.reports, job.output)
        if stale:
            self.commit = git_commit()
            self.packages = package_versions()
            if self.dask:
                on_cluster = self.run_on_cluster(self, stale, jobs, keys)
                if on_cluster is None:  # refused before any job ran
                    return 2
                outcomes.update(on_cluster)
            else:
                outcomes.update(self.run_parallel(stale, jobs, keys))
        index_problem = self.write_index(jobs, outcomes)
        self.summary([outcomes[j.name] for j in selected], index_problem)
        return 1 if index_problem or any(o.status == "failed" for o in outcomes.values()) else 0

    def dry_run(self) -> int:
        """Say what a build with these options would do, touching nothing."""
        self.dry = True
        prepared = self.prepare()
        if isinstance(prepared, int):
            return prepared
        jobs, selected, keys, stale = prepared
        for job in selected:
            if job.name in stale:
                print(f"would build {job.name}: " + "; ".join(stale[job.name]))
            else:
                print(f"up to date  {job.name}")
        count = sum(j.name in stale for j in selected)
        print(f"{count} would be built, {len(selected) - count} up to date (dry run: nothing was done)")
        return 0

    def list_jobs(self) -> int:
        """Every job (each sweep variant), its state, and where reports.yaml overrides the notebook's defaults."""
        prepared = self.prepare()
        if isinstance(prepared, int):
            return prepared
        jobs, _, keys, stale = prepared
        for job in jobs:
            state = "stale: " + "; ".join(stale[job.name]) if job.name in stale else "up to date"
            print(f"{job.name}  ({paths.shown(job.notebook)}) -> {paths.shown(self.reports / job.output)}/")
            print(f"    {state}")
            for line in overridden_defaults(job):
                print(f"    {line}")
        return 0

    def run_one(self, job: Job, jobs: list[Job], results: dict[str, Outcome]) -> Outcome:
        """Run one stale job once the jobs it needs have finished (their outcomes are in `results`)."""
        deps = expand_needs(job, jobs)
        failed_deps = [d.name for d in deps if d.name in results and results[d.name].status == "failed"]
        if failed_deps:
            return Outcome(job, "failed", 0.0, "needs " + ", ".join(failed_deps) + ", which failed")
        needs_read = {d.name: self.recorded_key(d) for d in deps}  # the upstream reports as this job reads them
        staging = self.reports / STAGING / job.output
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        return (self.cluster or self).execute(job, staging, needs_read)

    def work(self, job: Job, jobs: list[Job], results: dict, done: dict, bar) -> None:
        """One pool thread's job: wait for the jobs it needs, run it, record its outcome."""
        try:
            for dep in expand_needs(job, jobs):
                if dep.name in done:
                    done[dep.name].wait()
            outcome = self.run_one(job, jobs, results)
        except Exception as exc:  # a bug in the build itself: report it, keep the others going
            import traceback

            where = traceback.extract_tb(exc.__traceback__)[-1]
            outcome = Outcome(
                job, "failed", 0.0, f"{type(exc).__name__}: {exc} (in {Path(where.filename).name}, line {where.lineno})"
            )
        with self.lock:
            results[job.name] = outcome
            bar.update(1)
        done[job.name].set()

    def run_parallel(self, stale: list[Job], jobs: list[Job], keys: dict[str, str]) -> dict[str, Outcome]:
        from concurrent.futures import ThreadPoolExecutor

        from tqdm import tqdm

        results: dict[str, Outcome] = {}
        done = {name: threading.Event() for name in (j.name for j in stale)}
        bar = tqdm(
            total=len(stale),
            desc="Building reports",
            unit="report",
            disable=not self.progress,
            file=sys.stderr,
            leave=False,
        )
        timings = self.read_timings()
        ordered = run_order(stale, jobs, timings)
        server = None if self.cluster else self.start_fork_server(stale)
        colouring = None
        if not self.cluster:
            from .render import colour_ahead

            self.warm_up()  # the main thread's own imports and templates, while the server preloads
            colouring = threading.Thread(target=colour_ahead, args=([j.notebook for j in stale],), daemon=True)
            colouring.start()  # the pages' code, coloured while the server preloads and the first jobs run
        if server:
            try:
                server.wait_ready()
            except Exception as exc:  # noqa: BLE001  (the usual kernels still work)
                print(f"Kernels start one by one: the fork server did not start ({exc}).", file=sys.stderr)
                server, self.manager_class = None, None
        try:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                list(pool.map(lambda job: self.work(job, jobs, results, done, bar), ordered))
        finally:
            bar.close()
            if colouring:
                colouring.join()
            if server:
                server.close()
                self.manager_class = None
        timings.update({name: round(o.seconds, 1) for name, o in results.items() if o.status == "built"})
        write_atomic(self.reports / TIMINGS, json.dumps(dict(sorted(timings.items())), indent=1) + "\n")
        return results

    def start_fork_server(self, stale: list[Job]):
        """Preload the stale notebooks' imports once, to fork every kernel from (see kernels.py, preload.py)."""
        from . import kernels as forked_kernels
        from .preload import preload_statements

        if not self.fork_kernels or not forked_kernels.supported():
            return None
        from jupyter_client.kernelspec import KernelSpecManager

        try:  # started first: it imports the kernel's own modules while the notebooks' imports are read
            server = forked_kernels.ForkServer(KernelSpecManager().get_kernel_spec(KERNEL).argv, None, paths.ROOT)
            server.preload(preload_statements([job.notebook for job in stale]))
        except Exception as exc:  # noqa: BLE001  (the usual kernels still work)
            print(f"Kernels start one by one: the fork server did not start ({exc}).", file=sys.stderr)
            return None
        self.manager_class = forked_kernels.kernel_manager_class(server)
        return server

    @staticmethod
    def warm_up() -> None:
        import_nbformat()
        import papermill  # noqa: F401

        from .render import warm_up

        warm_up()

    def read_timings(self) -> dict[str, float]:
        """How long each job took when last built (kept apart from the reports: it varies; untrusted like them)."""
        try:
            raw = json.loads(regular_file(self.reports / TIMINGS, self.reports, 1 << 20).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(raw, dict):
            return {}
        return {
            k: float(v)
            for k, v in raw.items()
            if isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v < 1e9
        }
