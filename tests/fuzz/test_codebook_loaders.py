"""Malformed codebooks and coder descriptions, generated: every outcome is a loaded file or one DataError.

Each test mutates a real file (the interview codebook, the frame's codebook, the coders' descriptions)
and loads it as the notebooks do. Anything but a result or the project's own `DataError` (a KeyError, a
regular-expression error, a RecursionError from inside a library), and any load slower than the
deadline, fails the test with the input that caused it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from mutations import FUZZ, mutated

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.interviews.codebook import load_codebook
from helpers.interviews.study import load_coder_descriptions

INTERVIEW_CODEBOOK = (paths.LOCAL_PARTNERSHIPS_2015 / "codebook.yaml").read_text(encoding="utf-8")
FRAME_CODEBOOK = (paths.RAW / "frameworks" / "codebook.yaml").read_text(encoding="utf-8")
CODERS = (paths.LOCAL_PARTNERSHIPS_2015 / "codings" / "coders.yaml").read_text(encoding="utf-8")


def loads_or_one_error(text: str, name: str, load) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        try:
            load(path)
        except DataError as exc:
            assert exc.problems and all(p.path for p in exc.problems)


@FUZZ
@given(mutated(INTERVIEW_CODEBOOK))
def test_a_mutated_interview_codebook_loads_or_is_one_data_error(text: str) -> None:
    loads_or_one_error(text, "codebook.yaml", load_codebook)


@FUZZ
@given(mutated(FRAME_CODEBOOK))
def test_a_mutated_frame_codebook_loads_or_is_one_data_error(text: str) -> None:
    loads_or_one_error(text, "codebook.yaml", load_codebook)


@FUZZ
@given(mutated(CODERS))
def test_mutated_coder_descriptions_load_or_are_one_data_error(text: str) -> None:
    loads_or_one_error(text, "coders.yaml", load_coder_descriptions)
