"""Shared test set-up.

nbval re-runs the committed notebooks with their default parameters. The research report reads
the results the analysis notebooks write with theirs (data/processed/<notebook>/), so before
nbval starts, any analysis whose default results are missing, or older than its notebook or the
helpers, is run once with its defaults.
`make test` runs the research report's nbval last, after the others have written them.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from helpers.core import paths

UPSTREAM = ["01_delivery_and_intent", "02_provider_shifts", "03_skills_gaps", "04_interview_coding", "06_frameworks"]
READER = "05_research_report"


def _run_default(stem: str) -> None:
    import nbformat
    from nbclient import NotebookClient

    from helpers.build import KERNEL, KERNEL_ARGS

    path = paths.NOTEBOOKS / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=600,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=KERNEL_ARGS,
    ).execute()


def _stale(stem: str) -> bool:
    """No default results, or results older than the notebook or than any helper module that made them."""
    results = paths.PROCESSED / stem / "results.csv"
    if not results.exists():
        return True
    sources = [paths.NOTEBOOKS / f"{stem}.ipynb", *paths.ROOT.glob("src/helpers/**/*.py")]
    newest = max(p.stat().st_mtime for p in sources)
    return results.stat().st_mtime < newest


def pytest_configure(config) -> None:
    """With --nbval and the research report present, make sure the results it reads exist."""
    if hasattr(config, "workerinput") or not config.getoption("--nbval", default=False):
        return
    if not any(READER in str(arg) or Path(str(arg)).resolve() == paths.NOTEBOOKS for arg in config.args):
        return
    stems = [s for s in UPSTREAM if _stale(s)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_run_default, stems))
