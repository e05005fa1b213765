"""The build's one config file (`reports.yaml`): its jobs, expanded and checked before any kernel starts.

A job names a notebook, its parameters and its output name; `sweep` runs it once per value of a
parameter (one report each); `needs` lists jobs whose results it reads (it runs after them).
Every parameter is checked against what the notebook's `parameters` cell declares, with its type.
"""

from __future__ import annotations

import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import Collector, DataError
from ..core.sourced import SourcedDict, SourcedList
from .parameters import Declared, declared_parameters

__all__ = ["DEFAULT_TIMEOUT", "Declared", "Job", "declared_parameters", "expand_needs", "load_config", "select"]

JOB_KEYS = {
    "name",
    "notebook",
    "title",
    "group",
    "description",
    "parameters",
    "sweep",
    "output",
    "needs",
    "inputs",
    "timeout",
}
DEFAULT_TIMEOUT = 600
# What the build itself keeps in reports/: no output may take one of these names (compared without
# case, for case-insensitive file systems). Names starting with "." or "_" are refused as well.
RESERVED_OUTPUTS = {"index.html", "index.htm", "assets", "static"}
WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_OUTPUT = 100  # characters: a folder name every file system takes, with room for the build's suffixes


@dataclass(frozen=True)
class Job:
    name: str
    notebook: Path
    output: str
    title: str
    group: str
    description: str
    parameters: dict
    needs: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()
    timeout: int = DEFAULT_TIMEOUT
    line: int = 0
    sweep: dict = field(default_factory=dict)
    base: str = ""  # the name in reports.yaml (a swept job's variants share it)

    def __post_init__(self):
        if not self.base:
            object.__setattr__(self, "base", self.name)


def plain(value):
    """A YAML value as plain Python (lists and dicts without line bookkeeping), for papermill."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def load_config(config_path: Path | str) -> list[Job]:
    """Read reports.yaml, expand sweeps, and check every job; raise `DataError` naming job and parameter."""
    from ..core.sourced_yaml import load_yaml  # PyYAML only when the config is read

    config_path = Path(config_path)
    doc = load_yaml(config_path)
    errors = Collector(config_path)
    raw_jobs = doc.get("jobs")
    if not isinstance(raw_jobs, SourcedList) or not raw_jobs:
        errors.add(doc.line_of("jobs"), "jobs", "a non-empty list of jobs")
        errors.raise_if_any()
    jobs: list[Job] = []
    for index, raw in enumerate(raw_jobs):
        jobs.extend(_read_job(raw, raw_jobs.line_of(index), config_path, errors))
    _check_together(jobs, errors)
    errors.raise_if_any()
    _refuse_cycles(jobs, errors)
    return jobs


def _read_job(raw, line: int, config_path: Path, errors: Collector) -> list[Job]:
    """One entry of `jobs`: its checked fields, expanded into one Job per sweep value."""
    if not isinstance(raw, SourcedDict):
        errors.add(line, "jobs", "a mapping with name, notebook and parameters", raw)
        return []
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        errors.add(raw.line_of("name"), "name", "a job name", name)
        return []
    label = f"job '{name}'"
    for key in raw:
        if key not in JOB_KEYS:
            errors.add(raw.line_of(key), key, f"in {label}, only the keys " + ", ".join(sorted(JOB_KEYS)), key)
    notebook = _notebook(raw, label, config_path, errors)
    if notebook is None:
        return []
    params = raw.get("parameters") or SourcedDict()
    if not isinstance(params, dict):
        errors.add(
            raw.line_of("parameters"), "parameters", f"in {label}, a mapping of parameter names to values", params
        )
        return []
    sweep = raw.get("sweep") or SourcedDict()
    if not isinstance(sweep, dict) or len(sweep) > 1 or any(not isinstance(v, list) or not v for v in sweep.values()):
        errors.add(
            raw.line_of("sweep"), "sweep", f"in {label}, one parameter name mapped to a non-empty list of values", sweep
        )
        return []
    _check_parameters(raw, params, sweep, notebook, label, errors)
    needs, inputs = _names(raw, "needs", label, errors), _names(raw, "inputs", label, errors)
    for item in inputs:
        if not (config_path.parent / item).exists():
            errors.add(raw.line_of("inputs"), "inputs", f"in {label}, existing files or folders", item)
    timeout = raw.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        errors.add(raw.line_of("timeout"), "timeout", f"in {label}, a whole number of seconds", timeout)
        timeout = DEFAULT_TIMEOUT
    common = {
        "notebook": notebook,
        "group": str(raw.get("group") or "Reports"),
        "description": str(raw.get("description") or ""),
        "needs": needs,
        "inputs": inputs,
        "timeout": timeout,
        "line": line,
        "sweep": dict(sweep),
        "base": name,
    }
    return [
        Job(name=out_name if sweep else name, output=out_name, title=title, parameters=values, **common)
        for out_name, title, values in _variants(raw, name, params, sweep, label, errors)
    ]


def _notebook(raw: SourcedDict, label: str, config_path: Path, errors: Collector) -> Path | None:
    """The job's notebook, when it exists and declares `output_dir` (which the build sets)."""
    value = raw.get("notebook")
    notebook = (config_path.parent / str(value)) if value else None
    if notebook is None or not notebook.is_file() or notebook.suffix != ".ipynb":
        errors.add(
            raw.line_of("notebook"),
            "notebook",
            f"in {label}, an existing .ipynb file (relative to {config_path.name})",
            value,
        )
        return None
    try:
        declared = declared_parameters(notebook)
    except DataError as exc:
        errors.add(raw.line_of("notebook"), "notebook", f"in {label}, a notebook the build can read: {exc}", value)
        return None
    if "output_dir" not in declared:
        errors.add(
            raw.line_of("notebook"),
            "notebook",
            f"in {label}, a notebook whose parameters cell declares output_dir",
            notebook.name,
        )
    return notebook


def _check_parameters(raw, params, sweep, notebook: Path, label: str, errors: Collector) -> None:
    """Every parameter and swept value is one the notebook declares, of the type it declares."""
    declared = declared_parameters(notebook)
    for pname, value in list(params.items()) + [(k, v) for k, vs in sweep.items() for v in vs]:
        where = params.line_of(pname) if isinstance(params, SourcedDict) and pname in params else raw.line_of("sweep")
        if pname in ("output_dir",):
            errors.add(where, f"parameters.{pname}", f"in {label}, no output_dir: the build sets it")
        elif pname not in declared:
            allowed = ", ".join(sorted(declared)) or "(none: the notebook has no cell tagged 'parameters')"
            errors.add(
                where, f"parameters.{pname}", f"in {label}, a parameter that {notebook.name} declares: {allowed}", pname
            )
        elif not declared[pname].accepts(value):
            errors.add(
                where,
                f"parameters.{pname}",
                f"in {label}, a value of type {' or '.join(declared[pname].types)} "
                f"(the type of its default in {notebook.name})",
                value,
            )


def _names(raw: SourcedDict, key: str, label: str, errors: Collector) -> tuple[str, ...]:
    """`needs` or `inputs`: a list of text values."""
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(raw.line_of(key), key, f"in {label}, a list of names", value)
        return ()
    return tuple(value)


def output_fields(template: str) -> list[str] | str:
    """The `{name}` fields of an output template, or why it is not one (only plain names: no index,
    attribute, conversion or format spec, so no template can run code or build a huge string)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"a template whose braces pair up ({exc}; write {{{{ and }}}} for a literal brace)"
    fields = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            placeholder = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return f"placeholders that are plain {{parameter}} names, not {placeholder[:40]}"
        fields.append(name)
    return fields


def _variants(raw, name: str, params, sweep, label: str, errors: Collector) -> list[tuple[str, str, dict]]:
    """(output folder, title, parameters) of each run of a job: one, or one per swept value."""
    output = str(raw.get("output") or name)
    title = str(raw.get("title") or name)
    variants = [({}, "")] if not sweep else [({k: v}, f"{v}") for k, vs in sweep.items() for v in vs]
    fields = output_fields(output)
    if isinstance(fields, str):
        errors.add(raw.line_of("output"), "output", f"in {label}, {fields}", output)
        return []
    unknown = [f for f in fields if f not in params and f not in sweep]
    if unknown:
        allowed = ", ".join(sorted(set(params) | set(sweep))) or "none"
        errors.add(raw.line_of("output"), "output", f"in {label}, placeholders naming parameters ({allowed})", output)
        return []
    out = []
    for extra, suffix in variants:
        values = {**dict(params), **extra}
        if fields:
            out_name = "".join(
                text + (str(values[name]) if name is not None else "")
                for text, name, _, _ in string.Formatter().parse(output)
            )
        else:
            out_name = f"{output}-{suffix}" if suffix else output
        shown = f" ({', '.join(f'{k} = {v}' for k, v in extra.items())})" if extra else ""
        out.append((out_name, title + shown, plain(values)))
    return out


def reserved_output(output: str) -> str:
    """Why an output folder name would replace or shadow what the build keeps in reports/ ("" if it would not)."""
    lowered = output.lower()
    if output.startswith((".", "_")):
        return "names starting with '.' or '_' are the build's own (.staging, .build.lock, _failed, ...)"
    if lowered in RESERVED_OUTPUTS:
        return f"{output!r} is the build's own ({', '.join(sorted(RESERVED_OUTPUTS))} are kept for it)"
    if lowered.split(".", 1)[0] in WINDOWS_DEVICES:
        return f"{output!r} is a device name on Windows"
    return ""


def _check_together(jobs: list[Job], errors: Collector) -> None:
    """Names and outputs unique, outputs usable as folder names, needs naming jobs."""
    names = Counter(j.name for j in jobs)
    outputs = Counter(j.output for j in jobs)
    known = set(names) | {j.base for j in jobs}
    for job in jobs:
        if names[job.name] > 1 or outputs[job.output] > 1:
            errors.add(job.line, "name", "unique job names and outputs", job.name)
        if not job.output or len(job.output) > MAX_OUTPUT or not all(ch.isalnum() or ch in "-_." for ch in job.output):
            errors.add(
                job.line,
                "output",
                f"in job '{job.name}', a folder name of up to {MAX_OUTPUT} letters, digits, '-', '_' and '.'",
                job.output,
            )
        elif reserved_output(job.output):
            errors.add(
                job.line,
                "output",
                f"in job '{job.name}', an output that does not replace what the build keeps in reports/: "
                + reserved_output(job.output),
                job.output,
            )
        for need in job.needs:
            if need not in known or need in (job.name, job.base):
                errors.add(job.line, "needs", f"in job '{job.name}', names of other jobs", need)


def _refuse_cycles(jobs: list[Job], errors: Collector) -> None:
    """Jobs that need each other, directly or through others, can never run: name them."""
    done: set[str] = set()
    pending = list(jobs)
    while pending:
        ready = [j for j in pending if all(d.name in done for d in expand_needs(j, jobs))]
        if not ready:
            for job in pending:
                errors.add(
                    job.line,
                    "needs",
                    f"in job '{job.name}', needs without a cycle (these jobs wait on each other: "
                    + ", ".join(j.name for j in pending)
                    + ")",
                    list(job.needs),
                )
            errors.raise_if_any()
        done.update(j.name for j in ready)
        pending = [j for j in pending if j.name not in done]  # by name: comparing whole jobs is slow


def expand_needs(job: Job, jobs: list[Job]) -> list[Job]:
    """The jobs `job` needs: each named one exactly, and every variant of a swept job named by its base name."""
    if not job.needs:  # most jobs of a large sweep: no scan of the others
        return []
    return [j for j in jobs if j is not job and j.base != job.base and (j.name in job.needs or j.base in job.needs)]


def select(jobs: list[Job], names: list[str]) -> tuple[list[Job], list[str]]:
    """The jobs named (a swept job's base name selects all its variants), and the names that match none."""
    chosen = [j for j in jobs if j.name in names or j.base in names]
    unknown = [n for n in names if not any(n in (j.name, j.base) for j in jobs)]
    return chosen, unknown
