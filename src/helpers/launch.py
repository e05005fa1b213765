"""Run a Python module with extra arguments taken from an environment variable, never through a shell.

Usage: python -m helpers.launch VARIABLE MODULE [FIXED ARGUMENTS...]

The Makefile passes a user's `BUILD_ARGS`, `LAB_ARGS` or `PYTEST_ARGS` this way: make exports the value
unexpanded, and this splits it into words as a shell would (quotes group words) but never runs anything
in it: `;`, backticks and `$(...)` reach the program as the literal characters they are.
"""

from __future__ import annotations

import os
import shlex
import sys


def words(variable: str, environ: dict[str, str] | None = None) -> list[str]:
    """The words of an environment variable, split with shell quoting rules; nothing in them is run.

    >>> words("ARGS", {"ARGS": "--port 8889 --name 'a b;c' `x`"})
    ['--port', '8889', '--name', 'a b;c', '`x`']
    """
    value = (os.environ if environ is None else environ).get(variable, "")
    try:
        return shlex.split(value)
    except ValueError as error:  # an unclosed quote
        raise SystemExit(f"{variable}: {error} in {value!r}; quote each argument that holds spaces") from None


def command(argv: list[str], environ: dict[str, str] | None = None) -> list[str]:
    """The command line to run: this Python, `-m MODULE`, the fixed arguments, then the variable's words."""
    if len(argv) < 2:
        raise SystemExit("usage: python -m helpers.launch VARIABLE MODULE [FIXED ARGUMENTS...]")
    variable, module, *fixed = argv
    return [sys.executable, "-m", module, *fixed, *words(variable, environ)]


def main(argv: list[str] | None = None) -> None:
    """Replace this process by the module's, so its exit status and signals are the module's own."""
    line = command(sys.argv[1:] if argv is None else argv)
    sys.stdout.flush()
    os.execv(line[0], line)


if __name__ == "__main__":
    main()
