"""`python -m helpers.build`: the command line, and `--refresh-notebooks` (notebooks/ re-run in place).

Usage: python -m helpers.build [--force] [--only NAME ...] [--jobs N] [--config FILE] [--reports DIR] [--wait]
       python -m helpers.build --list       (every job, up to date or stale and why)
       python -m helpers.build --dry-run    (what this build would do, doing nothing)
       python -m helpers.build --refresh-notebooks   (re-run notebooks/ in place with their defaults)
       python -m helpers.build --dask ADDRESS        (the stale jobs on a Dask cluster; docs/scaling.md)
See docs/build.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core import paths
from ..core.errors import DataError
from .config import DEFAULT_TIMEOUT, load_config
from .job import KERNEL, KERNEL_ARGS, clean_executed
from .runner import Builder


def _has_outputs(path: Path) -> bool:
    """Whether any code cell of the notebook at `path` has stored outputs."""
    import json

    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    return any(c.get("cell_type") == "code" and c.get("outputs") for c in cells)


def refresh_notebooks(config: Path, only: list[str] | None, workers: int) -> int:
    """Re-run each notebook in notebooks/ in place with its default parameters (what nbval compares)."""
    from concurrent.futures import ThreadPoolExecutor

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebooks = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
    if only:
        notebooks = [nb for nb in notebooks if nb.stem in only or nb.name in only]
    # A notebook kept without outputs (wave against wave: its default needs a second real wave) has
    # nothing for nbval to compare, so it is not re-run in place.
    unrun = [nb for nb in notebooks if not _has_outputs(nb)]
    for nb in unrun:
        print(f"left as it is (no stored outputs): {paths.shown(nb)}")
    notebooks = [nb for nb in notebooks if nb not in unrun]
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


def parser() -> argparse.ArgumentParser:
    out = argparse.ArgumentParser(
        prog="python -m helpers.build", description="Regenerate every report listed in reports.yaml."
    )
    out.add_argument(
        "--config",
        type=Path,
        default=paths.ROOT / "reports.yaml",
        help="the build's config file (default: reports.yaml)",
    )
    out.add_argument("--reports", type=Path, default=paths.REPORTS, help="where reports go (default: reports/)")
    out.add_argument("--force", action="store_true", help="rebuild every job, changed or not")
    out.add_argument("--only", action="append", metavar="NAME", help="build only this job (repeatable)")
    # One more job than cores: a kernel starting up or the main thread rendering HTML leaves a core idle.
    out.add_argument(
        "--jobs",
        type=int,
        default=(os.cpu_count() or 1) + 1,
        help="jobs run at once (default: the number of cores + 1)",
    )
    out.add_argument("--no-progress", action="store_true", help="no progress bar")
    out.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start every kernel from scratch instead of forking it from a preloaded parent",
    )
    out.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the stale jobs on a Dask cluster: a scheduler address (tcp://host:8786) or local:N worker processes",
    )
    out.add_argument(
        "--refresh-notebooks", action="store_true", help="re-run notebooks/ in place with their defaults instead"
    )
    out.add_argument("--list", action="store_true", help="list every job and whether it is up to date, and why not")
    out.add_argument("--dry-run", action="store_true", help="say what this build would do, without doing it")
    out.add_argument(
        "--wait", action="store_true", help="when another build is running here, wait for it instead of refusing"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.refresh_notebooks:
        return refresh_notebooks(args.config, args.only, args.jobs)
    run_on_cluster = None
    if args.dask is not None:
        from .address import check_address
        from .distributed import run_on_cluster

        problem = check_address(args.dask)
        if problem:
            print(f"Build refused: --dask {args.dask!r}: {problem}; no report was touched.", file=sys.stderr)
            return 2
    builder = Builder(
        args.config.resolve(),
        args.reports.resolve(),
        args.jobs,
        args.force,
        args.only,
        progress=not args.no_progress,
        fork_kernels=not args.fresh_kernels,
        wait=args.wait,
        dask=args.dask.strip() if args.dask is not None else None,
        run_on_cluster=run_on_cluster,
    )
    if args.list:
        return builder.list_jobs()
    if args.dry_run:
        return builder.dry_run()
    return builder.run()
