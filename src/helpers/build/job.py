"""The execution of one job: its notebook through papermill in a staging folder, the HTML, build.json, the swap.

A kernel that fails to start or dies is retried once (papermill #511); a cell error or a cell that
runs past the job's `timeout` is not: it would fail again, and a timeout would cost its limit twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..core import paths
from .cache import data_inputs, key_of
from .config import Job
from .record import RECORD, output_files
from .swap import FAILED, TRASH, clear_failure, swap_folder, write_atomic

KERNEL = "commissioning-workbench"
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]  # silence ipykernel's transport notice
ENGINE = "workbench"


def _engine() -> str:
    """papermill's nbclient engine, keeping the notebook as run so far when a cell times out.

    papermill saves a notebook that stopped on a cell error, but drops one whose cell timed out;
    this engine hands it on with the exception, so the build keeps it in _failed/.
    """
    from nbclient.exceptions import CellTimeoutError
    from papermill.engines import NBClientEngine, papermill_engines

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except CellTimeoutError as exc:
                exc.notebook = nb_man.nb
                raise

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, Engine)
    return ENGINE


@dataclass
class Outcome:
    job: Job
    status: str  # built, up to date, failed
    seconds: float = 0.0
    message: str = ""
    kept: str = ""  # for a failure: where its executed notebook is, or why it is nowhere


class JobRunner:
    """The per-job half of a Builder: run, render, record and swap in one job, or keep its failure."""

    def execute(self, job: Job, staging: Path, needs_read: dict[str, str]) -> Outcome:
        """Run one job's notebook into `staging`, render it, record it and swap it in."""
        import papermill as pm
        from nbclient.exceptions import CellTimeoutError

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
                    engine_name=_engine(),
                    # a retry starts its kernel the usual way, in case the fork server is the trouble
                    **({"kernel_manager_class": self.manager_class} if self.manager_class and attempt == 1 else {}),
                )
                break
            except pm.PapermillExecutionError as exc:
                return self.fail(
                    job, notebook_out, started, f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}".strip()
                )
            except CellTimeoutError as exc:  # run once only: a second run would take as long
                keep_as_run(exc, notebook_out)
                return self.fail(job, notebook_out, started, timed_out(notebook_out, job))
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
        """Replace reports/<output> by the staged folder in one step (see swap.py), and remember its hashes."""
        try:
            files = json.loads((staging / RECORD).read_text(encoding="utf-8")).get("files", {})
        except (OSError, ValueError, AttributeError):
            files = {}
        swap_folder(staging, self.reports / job.output, self.reports / TRASH / job.output)
        if isinstance(files, dict):
            self.hashes.note_written(self.reports / job.output, files)
        clear_failure(self.reports, job.output)


def keep_as_run(exc: Exception, notebook_out: Path) -> None:
    """Write the notebook a timed-out run left (its cells up to the one that ran too long)."""
    notebook = getattr(exc, "notebook", None)
    if notebook is not None:
        import nbformat

        with contextlib.suppress(OSError):
            nbformat.write(notebook, notebook_out)


def timed_out(notebook_out: Path, job: Job) -> str:
    """Which cell ran past the job's timeout (the last one papermill started), from the saved notebook."""
    where = "a cell"
    try:
        cells = json.loads(notebook_out.read_text(encoding="utf-8"))["cells"]
        started = [
            (i, c) for i, c in enumerate(cells, 1) if (c.get("metadata", {}).get("papermill") or {}).get("start_time")
        ]
        if started:
            index, cell = started[-1]
            source = cell.get("source", "")
            first = ("".join(source) if isinstance(source, list) else str(source)).strip().splitlines()
            where = f"cell {index} of the executed notebook" + (f" ({first[0][:60]!r})" if first else "")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return f"{where} ran past its timeout of {job.timeout} s (the job's `timeout` in reports.yaml); it was run once"


def import_nbformat() -> None:
    """Import nbformat (papermill's and nbconvert's) without jsonschema's IRI format checker.

    jsonschema registers an "iri" checker whenever rfc3987_syntax is installed (JupyterLab's extras
    bring it), and that module compiles a Lark grammar as it is imported: 1.2-1.5 s of CPU, more than
    half of the build's own start. Nothing in the build checks IRIs (nbformat validates with
    fastjsonschema, and its schemas have no "format": "iri"), so the checker is left out; the module
    stays importable for anything that wants it afterwards.
    """
    blocked = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if blocked:  # jsonschema's `from rfc3987_syntax import ...` then fails, and it goes without the checker
        sys.modules["rfc3987_syntax"] = None
    try:
        import nbformat  # noqa: F401
    finally:
        if blocked and sys.modules.get("rfc3987_syntax", False) is None:
            del sys.modules["rfc3987_syntax"]


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
