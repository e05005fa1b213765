"""The one CSV writer: no index, "\n" line ends, the same bytes for the same frame on every machine."""

from __future__ import annotations

from os import PathLike


def write_csv(frame, path: PathLike | str, *, float_format: str | None = None) -> None:
    """Write a pandas DataFrame as CSV the way every file the workbench writes is written.

    `float_format` (for example "%.10g") rounds away the last-bit noise of floats where a file's
    readers compare numbers, not bits.
    """
    frame.to_csv(path, index=False, lineterminator="\n", float_format=float_format)
