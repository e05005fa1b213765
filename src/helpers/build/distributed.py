"""The build's stale jobs on a Dask cluster: `python -m helpers.build --dask ADDRESS` or `--dask local:N`.

The workers run each job's papermill execution and HTML render (helpers.build.worker); this
process keeps what needs one owner: the plan and cache keys, the `needs` order, the check of every
returned file's SHA-256, the atomic swap into reports/, _failed/ and the index. Before any job
starts, every worker's Python, pinned packages and `helpers` source must equal this process's.
A job whose worker dies is rerun by the scheduler (its allowed-failures, 3 by default with `dask
scheduler`) or, when the scheduler reruns nothing, once by the build; the summary says which. A
lost scheduler stops the build, and every report stays as it was or as a finished job left it.
Imported only under --dask: `distributed` is an optional extra (`pip install -e .[dask]`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import shutil
import sys
import time
import uuid
from concurrent.futures import CancelledError
from pathlib import Path

from distributed import Client, LocalCluster, WorkerPlugin
from distributed.scheduler import KilledWorker

from ..core import paths
from . import worker
from .address import check_address, probe
from .cache import data_inputs, notebook_fingerprint
from .config import Job, expand_needs
from .runner import KERNEL, Builder, Outcome

LOCAL = "local:"
PLUGIN = "workbench-kernels"
CONNECT_TIMEOUT = "10s"
WORKERS_TIMEOUT = 60  # seconds to wait for a first worker to join the scheduler
README = 'docs/build.md, "Running on a cluster"'
# Jobs at once per local worker process: a job spends much of its time waiting on its kernel, so one
# per process leaves the cores idle (measured: 60 jobs on local:2 took 1.1-1.6 times as long with one).
THREADS = 2


class ClusterRefused(Exception):
    """The cluster cannot run this build as it is (no scheduler, no workers, another environment)."""


class KernelParent(WorkerPlugin):
    """On each worker, the preloaded parent that job kernels fork from, as the local build has one."""

    def __init__(self, imports: list[str]):
        self.imports = imports

    def setup(self, worker) -> None:  # noqa: ARG002  (the plugin's signature)
        from jupyter_client.kernelspec import KernelSpecManager

        from . import kernels
        from . import worker as job

        if kernels.supported():
            try:
                argv = KernelSpecManager().get_kernel_spec(KERNEL).argv
                job.FORK_SERVER = kernels.ForkServer(argv, self.imports, paths.ROOT)
            except Exception:  # noqa: BLE001  (jobs start fresh kernels instead)
                job.FORK_SERVER = None

    def teardown(self, worker) -> None:  # noqa: ARG002
        from . import worker as job

        if job.FORK_SERVER is not None:
            job.FORK_SERVER.close()
            job.FORK_SERVER = None


def _allowed_failures(dask_scheduler) -> int:
    return dask_scheduler.allowed_failures


def _suspicious(dask_scheduler, key: str) -> int:
    """How many workers died while running this task (the scheduler reran it after each)."""
    task = dask_scheduler.tasks.get(key)
    return int(getattr(task, "suspicious", 0) or 0)


class Cluster:
    """A client of one Dask cluster, for one build: `execute` is the local build's per-job seam."""

    def __init__(self, builder: Builder, jobs: list[Job], address: str):
        self.builder, self.jobs, self.address = builder, jobs, address
        self.local: LocalCluster | None = None
        self.lost = ""  # why the build stopped, once the scheduler is gone
        self.fingerprints: dict[Path, str] = {}
        self.allowed = 0  # how often the scheduler reruns a task whose worker died (read by check())
        self.client = self.connect(address)
        self.environment = worker.environment()

    def connect(self, address: str) -> Client:
        import dask

        if address.startswith(LOCAL):
            count = address[len(LOCAL) :]
            if not count.isdigit() or int(count) < 1:
                raise ClusterRefused(
                    f"--dask {address}: 'local:' takes a whole number of worker processes, say local:2"
                )
            # No retry by the scheduler when a worker dies: the build retries once itself, and says so. No
            # statistical profiler sampling the worker's threads every 10 ms while it renders.
            settings = {"distributed.scheduler.allowed-failures": 0, "distributed.worker.profile.enabled": False}
            with dask.config.set(settings):
                self.local = LocalCluster(
                    n_workers=int(count),
                    threads_per_worker=THREADS,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                    preload=[worker.__name__],  # warm up as each worker starts
                )
            self.address = f"{address} ({self.local.scheduler_address})"
            return Client(self.local)
        problem = check_address(address) or probe(address)
        if problem:
            raise ClusterRefused(f"--dask {address}: {problem}")
        try:
            client = Client(address.strip(), timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterRefused(f"no Dask scheduler answered at {address} ({exc})") from None
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except TimeoutError:
            client.close()
            raise ClusterRefused(f"the Dask scheduler at {address} has no workers") from None
        return client

    def check(self) -> None:
        """Refuse a cluster whose workers differ from this process; learn how often its scheduler reruns a job."""
        self.allowed = int(self.client.run_on_scheduler(_allowed_failures) or 0)
        for address, theirs in sorted(self.client.run(worker.environment).items()):
            problems = worker.differences(self.environment, theirs)
            if problems:
                more = f" (and {len(problems) - 1} more differences)" if len(problems) > 1 else ""
                raise ClusterRefused(
                    f"worker {address} has {problems[0]}{more}; every worker needs the client's environment "
                    f"and helpers source (see {README})"
                )

    def start_kernel_parents(self, stale: list[Job]) -> None:
        from .preload import preload_statements

        imports = preload_statements([job.notebook for job in stale])
        self.client.register_plugin(KernelParent(imports), name=PLUGIN)

    def slots(self) -> int:
        return sum(self.client.nthreads().values())

    def close(self) -> None:
        if not self.lost:
            with contextlib.suppress(ValueError, KeyError, OSError):  # never registered (fresh kernels)
                self.client.unregister_worker_plugin(PLUGIN)
        self.client.close(timeout=5)
        if self.local is not None:
            self.local.close(timeout=10)

    # ---- one job --------------------------------------------------------------------------
    def execute(self, job: Job, staging: Path, needs_read: dict[str, str]) -> Outcome:
        """Run a job on a worker; check and swap in its outputs. A job whose worker dies is rerun by the
        scheduler when it reruns tasks, else once by the build; the note says who reran it."""
        started = time.perf_counter()
        if self.lost:
            return Outcome(job, "failed", 0.0, f"not run: {self.lost}")
        spec = self.spec(job, needs_read)
        dead: list[str] = []
        while True:
            key = f"{job.output}-{uuid.uuid4().hex}"
            future = self.client.submit(worker.run_job, spec, key=key, pure=False)
            try:
                result = future.result()
                by_scheduler = self.deaths(key) if self.allowed else 0
                break
            except KilledWorker as exc:
                dead.append(exc.last_worker.address)
                if self.allowed or len(dead) == 2:
                    return self.builder.fail(job, staging / "notebook.ipynb", started, self.died(dead))
            except (CancelledError, OSError) as exc:
                self.lost = f"the Dask scheduler at {self.address} was lost ({type(exc).__name__})"
                return Outcome(job, "failed", time.perf_counter() - started, f"not finished: {self.lost}")
            finally:
                future.release()
        note = ""
        if dead:
            note = f"retried by the build on {result['worker']} after {dead[0]} died while running it"
        elif by_scheduler:
            times = "once" if by_scheduler == 1 else f"{by_scheduler} times"
            note = f"retried by the Dask scheduler ({times}, after its worker died), finished on {result['worker']}"
        return self.receive(job, staging, started, result, note)

    def deaths(self, key: str) -> int:
        """How many workers died running this task, as its scheduler counted (0 when it cannot say)."""
        try:
            return self.client.run_on_scheduler(_suspicious, key=key)
        except Exception:  # noqa: BLE001  (the count only words a note)
            return 0

    def died(self, dead: list[str]) -> str:
        if self.allowed:
            return (
                f"its worker died {self.allowed + 1} times (the Dask scheduler reran it {self.allowed} times, "
                f"its allowed-failures; the last worker was {dead[-1]})"
            )
        return f"its worker died twice ({dead[0]}, then {dead[1]}; the build retried it once)"

    def spec(self, job: Job, needs_read: dict[str, str]) -> dict:
        """All a worker needs to run the job as the local build would, and to check it has the same inputs."""
        builder = self.builder
        if job.notebook not in self.fingerprints:  # as planned: a notebook edited mid-build is refused by the worker
            self.fingerprints[job.notebook] = notebook_fingerprint(job.notebook)
        return {
            "job": dataclasses.replace(job, sweep={}),  # the sweep's values: all of them, in every job
            "needs_read": needs_read,  # the upstream reports' keys as this job reads them
            "inputs": builder.inputs[job.name],  # what its key is made of, as the client planned it
            "root": str(paths.ROOT),
            "config": str(builder.config),
            "reports": str(builder.reports),
            "commit": builder.commit,
            "packages": builder.packages,
            "environment": self.environment,
            "fingerprint": self.fingerprints[job.notebook],
            "data": data_inputs(job.parameters, job.inputs, builder.base),
            "needs": self.needed(job),
        }

    def needed(self, job: Job) -> dict[str, dict]:
        """The current reports of the jobs this one reads, for a worker that does not share reports/."""
        out: dict[str, dict] = {}
        for dep in expand_needs(job, self.jobs) if job.needs else []:
            key = self.builder.recorded_key(dep)
            if key is not None:
                out[dep.output] = {"key": key, "files": worker.read_tree(self.builder.reports / dep.output)}
        return out

    def receive(self, job: Job, staging: Path, started: float, result: dict, note: str) -> Outcome:
        """A worker's result into staging, each file checked against its SHA-256, then swapped in (or failed)."""
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        notebook = staging / "notebook.ipynb"
        if result["status"] == "built":
            worker.write_tree(staging, result["files"])
            written = worker.file_hashes(worker.read_tree(staging))
            wrong = sorted(n for n in set(written) | set(result["hashes"]) if written.get(n) != result["hashes"].get(n))
            if wrong:
                message = f"the outputs from {result['worker']} do not match their SHA-256 ({wrong[0]})"
                return self.builder.fail(job, staging / "unchecked", started, message)
            self.builder.swap_in(job, staging)
            return Outcome(job, "built", result["seconds"], note)
        if result.get("notebook") is not None:
            notebook.write_bytes(result["notebook"])
        outcome = self.builder.fail(job, notebook, started, result["message"])
        outcome.message += f"; {note}" if note else ""
        return outcome


def quiet_logs() -> dict[str, int]:
    """Silence distributed's loggers (their errors are the build's to report, in one line each); their levels."""
    names = ["distributed"] + [n for n in logging.root.manager.loggerDict if n.startswith("distributed.")]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    return levels


def restore_logs(levels: dict[str, int]) -> None:
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def run_on_cluster(builder: Builder, stale: list[Job], jobs: list[Job], keys: dict[str, str]) -> dict | None:
    """The outcomes of the stale jobs run on the cluster `builder.dask` names; None when it is refused."""
    levels = quiet_logs()
    try:
        cluster = Cluster(builder, jobs, builder.dask)
    except ClusterRefused as exc:
        restore_logs(levels)
        print(f"Build refused: {exc}; no report was touched.", file=sys.stderr)
        return None
    try:
        cluster.check()
        if builder.fork_kernels:
            cluster.start_kernel_parents(stale)
        builder.cluster, builder.workers = cluster, 2 * cluster.slots()  # a queued job for each worker thread
        outcomes = builder.run_parallel(stale, jobs, keys)
    except ClusterRefused as exc:
        print(f"Build refused: {exc}; no report was touched.", file=sys.stderr)
        return None
    finally:
        builder.cluster = None
        cluster.close()
        restore_logs(levels)
    if cluster.lost:
        unfinished = sum(o.status == "failed" and "not " in o.message[:13] for o in outcomes.values())
        print(
            f"Build stopped: {cluster.lost}. {unfinished} jobs did not finish and keep their previous reports; "
            "every report in reports/ is whole. Run the build again to finish them.",
            file=sys.stderr,
        )
    return outcomes
