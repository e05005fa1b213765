"""Times the build against the naive route and the floor, side by side in one run.

(1) naive: for each job, the `papermill` CLI then the `jupyter nbconvert` CLI, one after the other;
(2) this build, cold (--force); (3) this build with nothing changed; (4) the floor: one bare kernel
start plus the notebook's imports, per job, divided over the cores. It also times the cold build
with --fresh-kernels, to show what forking kernels from a preloaded parent saves. The no-op is
run five times and the median counts (every run is printed). `src` is byte-compiled first, as
Python does by itself on a first run unless PYTHONDONTWRITEBYTECODE is set (as on the reference
machine, where every run would otherwise compile `helpers` again, about 25 ms).
Bars: cold >= 3x faster than naive, cold <= 1.0x the floor, no-op <= 0.1 s (each printed as a BENCH
line for benchmarks/run_all.py).
Usage: .venv/bin/python benchmarks/bench_build.py
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.build import KERNEL, KERNEL_ARGS, expand_reports
from helpers.build.config import load_config
from helpers.build.preload import notebook_imports
from helpers.core import paths

BIN = Path(sys.executable).parent


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def naive(jobs, work: Path) -> None:
    """The route without this build: two CLI processes per job, one job after another."""
    for job in sorted(jobs, key=lambda j: bool(j.needs)):  # readers of other jobs' results go last
        out = work / "naive" / job.output
        out.mkdir(parents=True, exist_ok=True)
        args = [
            str(BIN / "papermill"),
            str(job.notebook),
            str(out / "notebook.ipynb"),
            "--cwd",
            str(out),
            "-k",
            KERNEL,
            "--no-progress-bar",
            "--log-level",
            "ERROR",
        ]
        params = {**expand_reports(job.parameters, work / "naive"), "output_dir": str(out)}
        args += ["-y", json.dumps(params)]
        subprocess.run(args, check=True, capture_output=True)
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out / "notebook.ipynb")],
            check=True,
            capture_output=True,
        )


def floor(jobs) -> float:
    """Kernel start + imports for each job, run one at a time, divided over the cores."""
    from jupyter_client.manager import start_new_kernel

    total = 0.0
    for job in jobs:
        started = time.perf_counter()
        km, kc = start_new_kernel(kernel_name=KERNEL, extra_arguments=KERNEL_ARGS, cwd=str(paths.ROOT))
        reply = kc.execute_interactive(
            "\n".join(notebook_imports(job.notebook)), timeout=300, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the imports of {job.notebook.name} failed: {reply['content'].get('evalue')}")
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        total += time.perf_counter() - started
    return total / (os.cpu_count() or 1)


def main() -> int:
    jobs = load_config(paths.ROOT / "reports.yaml")
    compileall.compile_dir(paths.ROOT / "src", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        reports = work / "reports"
        build = [sys.executable, "-m", "helpers.build", "--reports", str(reports), "--no-progress"]
        t_naive = timed(lambda: naive(jobs, work))
        t_cold = timed(lambda: subprocess.run(build + ["--force"], check=True, capture_output=True))
        noops = [timed(lambda: subprocess.run(build, check=True, capture_output=True)) for _ in range(5)]
        t_noop = statistics.median(noops)
        t_fresh = timed(lambda: subprocess.run(build + ["--force", "--fresh-kernels"], check=True, capture_output=True))
        t_floor = floor(jobs)
    print(f"jobs: {len(jobs)} on {os.cpu_count()} cores")
    print(f"(1) naive route (papermill CLI + nbconvert CLI per job): {t_naive:6.1f} s")
    print(f"(2) build, cold (--force):                                {t_cold:6.1f} s")
    print(f"(3) build, nothing changed (median of 5):                {t_noop:6.2f} s")
    print("    each no-op run: " + ", ".join(f"{t:.2f} s" for t in noops))
    print(f"    for comparison, cold with --fresh-kernels (no fork server): {t_fresh:6.1f} s")
    print(f"(4) floor (kernel start + imports per job / cores):       {t_floor:6.1f} s")
    for name, figure, unit, bar, met in (
        ("build.naive_over_cold", t_naive / t_cold, "x", ">=3x", t_naive / t_cold >= 3),
        ("build.cold_over_floor", t_cold / t_floor, "x", "<=1.0x", t_cold / t_floor <= 1.0),
        ("build.noop", t_noop, "s", "<=0.1s", t_noop <= 0.1),
    ):
        print(f"BENCH {name} {figure:.2f}{unit} {bar} {'met' if met else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
