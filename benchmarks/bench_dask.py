"""Times a generated sweep of 100 small jobs three ways: the local build, `--dask local:2`, and a scheduler
plus 2 workers started as separate processes (`dask scheduler`, `dask worker`); prints each wall time and the
overhead per job that Dask adds over the local build on the same cores. Target: under 0.2 s a job.

Each way rebuilds the same reports folder (--force), and the reports are checked byte-identical between
the three. Needs the optional extra (requirements-dask.txt).
Usage: .venv/bin/python benchmarks/bench_dask.py [JOBS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers.build import KERNEL
from helpers.build.statcache import CACHE as STAT_CACHE

BIN = Path(sys.executable).parent
JOBS = int(sys.argv[1]) if len(sys.argv) > 1 else 100

CELLS = [
    "from helpers.core import parameters\n"
    "from helpers.present.display import md\n"
    "out = parameters.output_dir('output_dir', output_dir)\n"
    "squares = [k * k for k in range(seed * 100)]\n"
    "(out / 'results.csv').write_text(f'statistic,estimate\\nsum,{sum(squares)}\\n')\n"
    "md('The sum of the first {n} squares is {total}.', n=len(squares), total=sum(squares))",
]


def make_sweep(folder: Path, jobs: int) -> Path:
    """A tiny notebook (a parameter, a sum, a CSV, a sentence) and a reports.yaml sweeping it `jobs` times."""
    nb = new_notebook(
        cells=[
            new_markdown_cell("# A small sweep report\n\n## The sum"),
            new_code_cell('seed = 1\noutput_dir = "out"', metadata={"tags": ["parameters"]}),
            *[new_code_cell(source) for source in CELLS],
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": KERNEL,
        "display_name": "Python (commissioning workbench)",
        "language": "python",
    }
    nbformat.write(nb, folder / "sweep.ipynb")
    seeds = ", ".join(str(k) for k in range(1, jobs + 1))
    config = folder / "reports.yaml"
    config.write_text(f"jobs:\n  - name: sweep\n    notebook: sweep.ipynb\n    sweep:\n      seed: [{seeds}]\n")
    return config


def build(config: Path, reports: Path, *args: str) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "helpers.build", "--config", str(config), "--reports", str(reports)]
    done = subprocess.run([*command, "--no-progress", "--force", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the build failed ({' '.join(args) or 'local'}):\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def snapshot(reports: Path) -> dict[str, bytes]:
    """Every file of the reports folder but the build's own bookkeeping: the jobs' times, and the stat
    cache (file times and inodes, which differ whenever a file is written again)."""
    return {
        p.relative_to(reports).as_posix(): p.read_bytes()
        for p in sorted(reports.rglob("*"))
        if p.is_file() and p.name not in (".timings.json", STAT_CACHE)
    }


def separate_processes(folder: Path):
    """`dask scheduler` and two `dask worker` processes (two threads each, as local:2 has), as on a real cluster."""
    from distributed import Client

    # As docs/build.md's "Running on a cluster" advises: a plain `dask scheduler` (it reruns a task whose
    # worker dies, as Dask's default has it), no profiler, workers warmed up.
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}
    info = folder / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", info],
        **quiet,
    )
    workers = [
        subprocess.Popen(
            [BIN / "dask", "worker", "--scheduler-file", info, "--nthreads", "2", "--no-dashboard"]
            + ["--preload", "helpers.build.worker"],
            **quiet,
        )
        for _ in range(2)
    ]
    processes = [scheduler, *workers]
    try:
        with Client(scheduler_file=str(info), timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
            address = client.scheduler.address
    except BaseException:
        stop(processes)
        raise
    return address, processes


def stop(processes) -> None:
    for process in reversed(processes):
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def main() -> int:
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        print("skipped: the optional Dask extra is not installed (pip install -r requirements-dask.txt)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = make_sweep(folder, JOBS)
        reports = folder / "reports"
        t_local = build(config, reports)
        local = snapshot(reports)
        t_local_cluster = build(config, reports, "--dask", "local:2")
        same = snapshot(reports) == local
        address, processes = separate_processes(folder)
        try:
            t_separate = build(config, reports, "--dask", address)
        finally:
            stop(processes)
        same = same and snapshot(reports) == local
    print(f"{JOBS} jobs on {os.cpu_count()} cores (each way rebuilds every report)")
    print(f"(1) local build (--jobs {(os.cpu_count() or 1) + 1}):                    {t_local:6.1f} s")
    figures = []
    for name, label, seconds in (
        ("dask.local2_overhead", "(2) --dask local:2 (2 worker processes, 2 threads each)", t_local_cluster),
        ("dask.separate_overhead", "(3) dask scheduler + 2 dask workers (separate processes)", t_separate),
    ):
        per_job = (seconds - t_local) / JOBS
        verdict = "met" if per_job < 0.2 else "not met"
        print(f"{label}: {seconds:6.1f} s; overhead {per_job:+.3f} s a job (target < 0.2 s: {verdict})")
        figures.append(f"BENCH {name} {per_job:+.3f}s/job <0.2s/job {verdict}")
    print(
        f"reports byte-identical across the three: {'yes' if same else 'NO'} "
        "((3) excludes the separate processes' start, timed from a connected scheduler with 2 workers)"
    )
    for line in figures:
        print(line)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
