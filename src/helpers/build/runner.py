"""Regenerate every report from `reports.yaml`: in parallel, only what changed, atomically.

Usage: python -m helpers.build [--force] [--only NAME ...] [--jobs N] [--config FILE] [--reports DIR] [--wait]
       python -m helpers.build --list       (every job, up to date or stale and why)
       python -m helpers.build --dry-run    (what this build would do, doing nothing)
       python -m helpers.build --refresh-notebooks   (re-run notebooks/ in place with their defaults)

Each job runs its notebook through papermill's Python API in this one process (one kernel per
job, each in its own working folder), then renders HTML. A job's outputs appear in
reports/<output>/ only when it succeeds; a failed job keeps the previous report, leaves its
executed notebook in reports/_failed/ (when it can be written) and makes the command exit 1.
One build at a time holds reports/.build.lock. See README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..core import paths
from ..core.errors import DataError
from ..core.hashing import raw_data_key, stamp_holds
from .cache import data_inputs, key_inputs, key_of
from .config import DEFAULT_TIMEOUT, Job, declared_parameters, expand_needs, load_config, select
from .lock import BuildLock, Busy
from .record import RECORD, output_files, read_record, stale_reasons
from .swap import swap_folder

KERNEL = "commissioning-workbench"
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]  # silence ipykernel's transport notice
STAGING, TRASH, FAILED = ".staging", ".trash", "_failed"
PROCESSED_STAMP = ".stamp.json"  # written by helpers.outputs.processed
TIMINGS = ".timings.json"


def refresh_processed() -> str:
    """Rewrite data/processed when data/raw or the helpers changed; the raw data's errors, or "".

    The check is a hash (no pandas); only a change runs the writer, in its own process, so the build
    never imports the survey and interview loaders itself.
    """
    if stamp_holds(paths.PROCESSED / PROCESSED_STAMP, raw_data_key()):
        return ""
    done = subprocess.run(
        [sys.executable, "-m", "helpers.outputs.processed"], cwd=paths.ROOT, capture_output=True, text=True
    )
    return (
        ""
        if done.returncode == 0
        else (done.stderr.strip() or f"data/processed could not be written (exit {done.returncode})")
    )


@dataclass
class Outcome:
    job: Job
    status: str  # built, up to date, failed
    seconds: float = 0.0
    message: str = ""
    kept: str = ""  # for a failure: where its executed notebook is, or why it is nowhere


def git_commit() -> str:
    """The commit the build ran from, marked when the work tree has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" + uncommitted changes" if dirty else "")


def package_versions() -> dict[str, str]:
    """Pinned versions of the direct dependencies, and Python's."""
    direct = (
        [
            line.strip().lower()
            for line in (paths.ROOT / "requirements.in").read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
        if (paths.ROOT / "requirements.in").exists()
        else []
    )
    pins = {}
    req = paths.ROOT / "requirements.txt"
    if req.exists():
        for line in req.read_text().splitlines():
            if "==" in line:
                name, version = line.split("==", 1)
                pins[name.strip().lower().replace("_", "-")] = version.strip()
    out = {"python": ".".join(map(str, sys.version_info[:3]))}
    out.update({name: pins[name] for name in direct if name in pins})
    return out


class Builder:
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
    ):
        self.config = config
        self.dask = dask  # a Dask scheduler address or local:N (helpers.build.distributed)
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

    # ---- planning -------------------------------------------------------------------------
    def plan(self, jobs: list[Job]) -> dict[str, str]:
        """The key each job's report will have after this build, dependencies first."""
        keys: dict[str, str] = {}
        pending = list(jobs)
        while pending:
            progressed = False
            for job in list(pending):
                deps = expand_needs(job, jobs)
                if all(d.name in keys for d in deps):
                    data = data_inputs(job.parameters, job.inputs, self.base)
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
            reasons = stale_reasons(self.reports / job.output, keys[job.name], self.inputs[job.name], needs)
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
        return record.get("key") if record else None

    def recover(self) -> None:
        """Finish what a killed build left: restore swapped-out reports, drop half-made ones."""
        trash = self.reports / TRASH
        if trash.is_dir():
            for old in trash.iterdir():
                final = self.reports / old.name
                if not final.exists():
                    old.rename(final)
                else:
                    shutil.rmtree(old)
        shutil.rmtree(self.reports / STAGING, ignore_errors=True)

    # ---- running --------------------------------------------------------------------------
    def execute(self, job: Job, staging: Path, needs_read: dict[str, str]) -> Outcome:
        """Run one job's notebook into `staging`, render it, record it and swap it in."""
        import papermill as pm

        started = time.perf_counter()
        notebook_out = staging / "notebook.ipynb"
        parameters = {**expand_reports(job.parameters, self.reports), "output_dir": paths.shown(staging)}
        for attempt in (1, 2):
            try:
                pm.execute_notebook(
                    # The kernel's working folder goes through nbclient's resources, not papermill's
                    # `cwd`, which chdirs this whole process and so races between threads.
                    str(job.notebook),
                    str(notebook_out),
                    parameters=parameters,
                    resources={"metadata": {"path": str(staging)}},
                    kernel_name=KERNEL,
                    progress_bar=False,
                    request_save_on_cell_execute=False,
                    execution_timeout=job.timeout,
                    extra_arguments=KERNEL_ARGS,
                    log_output=False,
                    # a retry starts its kernel the usual way, in case the fork server is the trouble
                    **({"kernel_manager_class": self.manager_class} if self.manager_class and attempt == 1 else {}),
                )
                break
            except pm.PapermillExecutionError as exc:
                return self.fail(
                    job, notebook_out, started, f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}".strip()
                )
            except Exception as exc:  # kernel failed to start or died: retry once (papermill #511)
                if attempt == 2:
                    return self.fail(job, notebook_out, started, f"{type(exc).__name__}: {exc}")
        try:
            self.finish(job, staging, needs_read)
        except OSError as exc:  # e.g. a read-only reports/ folder: the previous report stays
            return self.fail(job, notebook_out, started, f"the report could not be written ({exc})")
        return Outcome(job, "built", time.perf_counter() - started)

    def finish(self, job: Job, staging: Path, needs_read: dict[str, str]) -> None:
        """Render the executed notebook, write build.json listing every file, and swap the folder in."""
        import nbformat

        notebook_out = staging / "notebook.ipynb"
        nb = nbformat.read(notebook_out, as_version=4)
        clean_executed(nb)
        nbformat.write(nb, notebook_out)
        provenance = {
            "commit": self.commit,
            "parameters": {k: v for k, v in job.parameters.items()},
            "data": data_inputs(job.parameters, job.inputs, self.base),
            "packages": self.packages,
        }
        from .render import render_html

        links = {"Executed notebook": "notebook.ipynb", "All reports": "../index.html"}
        (staging / "index.html").write_text(
            render_html(nb, job.title, provenance, links, hide_code=True), encoding="utf-8"
        )
        inputs = self.inputs[job.name]
        record = {
            "job": job.name,
            "key": key_of(inputs, needs_read),
            "notebook": paths.shown(job.notebook),
            **provenance,
            "inputs": inputs,
            "needs": needs_read,
            "files": output_files(staging),
        }
        (staging / RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        self.swap_in(job, staging)

    def fail(self, job: Job, notebook_out: Path, started: float, message: str) -> Outcome:
        """Keep the executed notebook and the error in _failed/ where possible, and say where (or why not)."""
        failed = self.reports / FAILED
        kept_at = failed / f"{job.output}.ipynb"
        try:
            failed.mkdir(parents=True, exist_ok=True)
            write_atomic(
                failed / f"{job.output}.json", json.dumps({"job": job.name, "error": message}, indent=2) + "\n"
            )
            if notebook_out.exists():
                os.replace(notebook_out, kept_at)
                kept = f"executed notebook kept in {paths.shown(kept_at)}"
            else:
                kept_at.unlink(missing_ok=True)
                kept = "the kernel never ran, so there is no executed notebook"
        except OSError as exc:
            kept = f"nothing kept: {paths.shown(failed)} could not be written ({exc.strerror or exc})"
        shutil.rmtree(notebook_out.parent, ignore_errors=True)
        return Outcome(job, "failed", time.perf_counter() - started, message, kept)

    def swap_in(self, job: Job, staging: Path) -> None:
        """Replace reports/<output> by the staged folder in one step (see swap.py)."""
        swap_folder(staging, self.reports / job.output, self.reports / TRASH / job.output)
        self.clear_failure(job)

    def clear_failure(self, job: Job) -> None:
        """A job's report is current again: its last failure no longer applies."""
        for leftover in (self.reports / FAILED / f"{job.output}.ipynb", self.reports / FAILED / f"{job.output}.json"):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(self.reports / FAILED / job.output, ignore_errors=True)
        with contextlib.suppress(OSError):  # gone when empty, so reports/ holds no stale folder
            (self.reports / FAILED).rmdir()

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
            jobs = load_config(self.config)
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
            lock.release()

    def run_locked(self) -> int:
        prepared = self.prepare()
        if isinstance(prepared, int):
            return prepared
        jobs, selected, keys, stale_reasons_ = prepared
        self.recover()
        problem = refresh_processed()
        if problem:
            print(f"Build refused: the raw data has errors; no report was touched.\n{problem}", file=sys.stderr)
            return 2
        stale = [j for j in selected if j.name in stale_reasons_]
        self.reasons = {j.name: stale_reasons_[j.name] for j in stale}
        outcomes = {j.name: Outcome(j, "up to date") for j in selected if j.name not in self.reasons}
        for job in selected:
            if (
                job.name not in self.reasons
            ):  # its report matches the current inputs: an older failure no longer applies
                self.clear_failure(job)
        if stale:
            self.commit = git_commit()
            self.packages = package_versions()
            if self.dask:
                from .distributed import run_on_cluster

                on_cluster = run_on_cluster(self, stale, jobs, keys)
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

    def run_parallel(self, stale: list[Job], jobs: list[Job], keys: dict[str, str]) -> dict[str, Outcome]:
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

        def work(job: Job) -> None:
            try:
                for dep in expand_needs(job, jobs):
                    if dep.name in done:
                        done[dep.name].wait()
                outcome = self.run_one(job, jobs, results)
            except Exception as exc:  # a bug in the build itself: report it, keep the others going
                import traceback

                where = traceback.extract_tb(exc.__traceback__)[-1]
                outcome = Outcome(
                    job,
                    "failed",
                    0.0,
                    f"{type(exc).__name__}: {exc} (in {Path(where.filename).name}, line {where.lineno})",
                )
            with self.lock:
                results[job.name] = outcome
                bar.update(1)
            done[job.name].set()

        # Jobs that need others go last so a worker never waits on a job that has not started;
        # among the rest, the longest last time first, so the cores stay busy to the end. A job
        # never timed (a first build) is guessed from its code cells: each runs and renders.
        timings = self.read_timings()
        cells = {j.name: code_cells(j.notebook) for j in stale if j.name not in timings}
        ordered = sorted(
            stale,
            key=lambda j: (
                bool(expand_needs(j, jobs)),
                j.name in cells,
                -timings.get(j.name, 0.0),
                -cells.get(j.name, 0),
            ),
        )
        server = None if self.cluster else self.start_fork_server(stale)
        if not self.cluster:
            self.warm_up()  # the main thread's own imports and templates, while the server preloads
        if server:
            try:
                server.wait_ready()
            except Exception as exc:  # noqa: BLE001  (the usual kernels still work)
                print(f"Kernels start one by one: the fork server did not start ({exc}).", file=sys.stderr)
                server, self.manager_class = None, None
        try:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                list(pool.map(work, ordered))
        finally:
            bar.close()
            if server:
                server.close()
                self.manager_class = None
        timings.update({name: round(o.seconds, 1) for name, o in results.items() if o.status == "built"})
        write_atomic(self.reports / TIMINGS, json.dumps(dict(sorted(timings.items())), indent=1) + "\n")
        return results

    def start_fork_server(self, stale: list[Job]):
        """Preload the stale notebooks' imports once, to fork every kernel from (see forked_kernels)."""
        from . import kernels as forked_kernels

        if not self.fork_kernels or not forked_kernels.supported():
            return None
        from jupyter_client.kernelspec import KernelSpecManager

        imports = forked_kernels.preload_statements([job.notebook for job in stale])
        try:
            server = forked_kernels.ForkServer(KernelSpecManager().get_kernel_spec(KERNEL).argv, imports, paths.ROOT)
        except Exception as exc:  # noqa: BLE001  (the usual kernels still work)
            print(f"Kernels start one by one: the fork server did not start ({exc}).", file=sys.stderr)
            return None
        self.manager_class = forked_kernels.kernel_manager_class(server)
        return server

    @staticmethod
    def warm_up() -> None:
        import nbformat  # noqa: F401
        import papermill  # noqa: F401

        from .render import warm_up

        warm_up()

    def read_timings(self) -> dict[str, float]:
        """How long each job took when last built (kept apart from the reports: it varies)."""
        try:
            return json.loads((self.reports / TIMINGS).read_text())
        except (OSError, ValueError):
            return {}

    # ---- reporting ------------------------------------------------------------------------
    def index_status(self, job: Job, outcome: Outcome | None) -> tuple[str, bool]:
        """A job's line in the index, and whether its report can be opened."""
        available = read_record(self.reports / job.output) is not None
        previous = "showing the previous report" if available else "no report yet"
        if outcome is not None and outcome.status == "failed":  # this build's word, written down or not
            return f"failed in the last build ({outcome.message}); {previous}", available
        failure = self.reports / FAILED / f"{job.output}.json"
        if failure.exists():
            try:
                error = json.loads(failure.read_text())["error"]
            except (OSError, ValueError, KeyError):
                error = "see _failed/"
            return f"failed in the last build ({error}); {previous}", available
        return ("ok" if available else "not built"), available

    def write_index(self, jobs: list[Job], outcomes: dict[str, Outcome] | None = None) -> str:
        """Write reports/index.html; return "" or why it could not be written."""
        from .render import index_page

        entries = []
        commits = set()
        for job in jobs:
            status, available = self.index_status(job, (outcomes or {}).get(job.name))
            if available:
                commits.add(str(read_record(self.reports / job.output).get("commit")))
            entries.append(
                {
                    "group": job.group,
                    "title": job.title,
                    "output": job.output,
                    "status": status,
                    "parameters": job.parameters,
                    "description": job.description,
                    "available": available,
                }
            )
        try:
            write_atomic(self.reports / "index.html", index_page(entries, ", ".join(sorted(commits)) or "none yet"))
        except OSError as exc:
            return f"{paths.shown(self.reports / 'index.html')} could not be written ({exc.strerror or exc})"
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
            elif o.message:  # a built job's note: retried after its Dask worker died
                print(f"NOTE {o.job.name}: {o.message}")
        if index_problem:
            print(f"FAILED index: {index_problem}", file=sys.stderr)
        built = sum(o.status == "built" for o in outcomes)
        failed = sum(o.status == "failed" for o in outcomes)
        where = "not updated" if index_problem else paths.shown(self.reports / "index.html")
        print(f"{built} built, {len(outcomes) - built - failed} up to date, {failed} failed; index: {where}")


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
    except (OSError, ValueError, KeyError):
        return 0


def expand_reports(parameters: dict, reports: Path) -> dict:
    """Replace `{reports}` in text parameters by this build's reports folder (for jobs that read others)."""
    where = paths.shown(reports)
    return {k: v.replace("{reports}", where) if isinstance(v, str) else v for k, v in parameters.items()}


def clean_executed(nb) -> None:
    """Drop what makes an executed notebook differ between identical runs: timings, paths, random ids."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"


def write_atomic(path: Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def refresh_notebooks(config: Path, only: list[str] | None, workers: int) -> int:
    """Re-run each notebook in notebooks/ in place with its default parameters (what nbval compares)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebooks = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
    if only:
        notebooks = [nb for nb in notebooks if nb.stem in only or nb.name in only]
    failures = []

    def run(path: Path) -> None:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=KERNEL,
            timeout=DEFAULT_TIMEOUT,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
            extra_arguments=KERNEL_ARGS,
        )
        try:
            client.execute()
        except CellExecutionError as exc:
            failures.append(f"{path.name}: {str(exc).splitlines()[-1] if str(exc) else exc}")
            return
        clean_executed(nb)
        new = nbformat.writes(nb) + "\n"
        if path.read_text(encoding="utf-8") != new:
            path.write_text(new, encoding="utf-8")
        print(f"refreshed {paths.shown(path)}")

    # Notebooks of jobs that read other jobs' results run after the others have written theirs.
    try:
        readers = {j.notebook.resolve() for j in load_config(config) if j.needs}
    except DataError:
        readers = set()
    first = [nb for nb in notebooks if nb.resolve() not in readers]
    last = [nb for nb in notebooks if nb.resolve() in readers]
    for wave in (first, last):
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(run, wave))
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.build", description="Regenerate every report listed in reports.yaml."
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=paths.ROOT / "reports.yaml",
        help="the build's config file (default: reports.yaml)",
    )
    parser.add_argument("--reports", type=Path, default=paths.REPORTS, help="where reports go (default: reports/)")
    parser.add_argument("--force", action="store_true", help="rebuild every job, changed or not")
    parser.add_argument("--only", action="append", metavar="NAME", help="build only this job (repeatable)")
    # One more job than cores: a kernel starting up or the main thread rendering HTML leaves a core idle.
    parser.add_argument(
        "--jobs",
        type=int,
        default=(os.cpu_count() or 1) + 1,
        help="jobs run at once (default: the number of cores + 1)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start every kernel from scratch instead of forking it from a preloaded parent",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the stale jobs on a Dask cluster: a scheduler address (tcp://host:8786) or local:N worker processes",
    )
    parser.add_argument(
        "--refresh-notebooks", action="store_true", help="re-run notebooks/ in place with their defaults instead"
    )
    parser.add_argument("--list", action="store_true", help="list every job and whether it is up to date, and why not")
    parser.add_argument("--dry-run", action="store_true", help="say what this build would do, without doing it")
    parser.add_argument(
        "--wait", action="store_true", help="when another build is running here, wait for it instead of refusing"
    )
    args = parser.parse_args(argv)
    if args.refresh_notebooks:
        return refresh_notebooks(args.config, args.only, args.jobs)
    builder = Builder(
        args.config.resolve(),
        args.reports.resolve(),
        args.jobs,
        args.force,
        args.only,
        progress=not args.no_progress,
        fork_kernels=not args.fresh_kernels,
        wait=args.wait,
        dask=args.dask,
    )
    if args.list:
        return builder.list_jobs()
    if args.dry_run:
        return builder.dry_run()
    return builder.run()
