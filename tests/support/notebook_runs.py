"""Running a notebook of the project under papermill the way the end-to-end tests need it."""

from __future__ import annotations

from pathlib import Path

import papermill

from helpers.build import KERNEL
from helpers.core import paths


def run_notebook(notebook: Path, out: Path, executed: Path | None = None, **parameters) -> Path:
    """Run `notebook` with `parameters` and output_dir=`out`, from the project root; return `out`.

    The executed copy goes to `executed` (default: out/executed.ipynb). Saving after each cell is
    off and the timeout is five minutes, as in a batch run.
    """
    papermill.execute_notebook(
        str(notebook),
        str(executed or out / "executed.ipynb"),
        parameters={"output_dir": str(out), **parameters},
        kernel_name=KERNEL,
        cwd=str(paths.ROOT),
        progress_bar=False,
        request_save_on_cell_execute=False,
        execution_timeout=300,
        log_output=False,
    )
    return out
