"""The build's own start: nbformat without the IRI grammar jsonschema would compile (1.2-1.5 s), nothing lost."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from helpers.build.job import import_nbformat
import_nbformat()
import jsonschema, nbformat
print("nbformat" in sys.modules, "rfc3987_syntax" in sys.modules, "iri" in jsonschema.FormatChecker.checkers)
nbformat.validate(nbformat.v4.new_notebook())
import rfc3987_syntax  # still importable by anything that wants it
print(rfc3987_syntax.__name__)
"""


def test_nbformat_comes_without_the_iri_checker_and_the_module_stays_importable() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "False", "rfc3987_syntax"]
