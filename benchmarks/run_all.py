"""`make bench`: run every benchmarks/bench_*.py in turn, then print one table of all their figures.

Each benchmark prints its own report, and one line per figure in this form (the last field may
be two words):

    BENCH <name> <figure> <bar> <met|not met>

for example `BENCH build.noop 0.06s <=0.1s met`. Fields have no spaces; the figure and the bar carry
their unit. A script that prints no BENCH line shows in the table as "no figure".
Usage: .venv/bin/python benchmarks/run_all.py [bench_build.py ...]
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREFIX = "BENCH "


def parse(line: str) -> tuple[str, str, str, str] | None:
    """(name, figure, bar, verdict) from a BENCH line, or None when the line is not one."""
    if not line.startswith(PREFIX):
        return None
    # The figure may carry its unit after a space ("1.58 s", "23.8 MB/s"); the bar never has a space.
    found = re.fullmatch(r"(\S+) (\S+(?: [A-Za-z/%]+)?) (\S+) (met|not met)", line[len(PREFIX) :].strip())
    return found.groups() if found else None


def run(script: Path) -> tuple[list[tuple[str, str, str, str]], int]:
    """Run one benchmark, passing its output through; its BENCH rows and exit code."""
    rows = []
    with subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, bufsize=1, cwd=HERE.parent
    ) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            row = parse(line.strip())
            if row:
                rows.append(row)
    return rows, process.returncode


def table(results: list[tuple[str, list, int]]) -> str:
    lines = [("benchmark", "figure", "bar", "verdict")]
    for script, rows, code in results:
        if rows:  # a script that exits non-zero because a bar is not met still has its figures
            lines += rows
        else:
            lines.append((script, "-", "-", f"FAILED (exit {code})") if code else (script, "no figure", "-", "-"))
    widths = [max(len(row[i]) for row in lines) for i in range(4)]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in lines]
    out.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(out)


def main(argv: list[str]) -> int:
    scripts = [HERE / name for name in argv] if argv else sorted(HERE.glob("bench_*.py"))
    results = []
    for script in scripts:
        print(f"== {script.relative_to(HERE.parent)}", flush=True)
        rows, code = run(script)
        results.append((script.stem, rows, code))
    print("\n== all benchmarks\n" + table(results))
    return 1 if any(code != 0 for _, _, code in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
