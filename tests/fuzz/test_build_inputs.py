"""Malformed build inputs, generated: `reports.yaml` and a report's `build.json` (from a shared reports/).

`reports.yaml` loads into jobs or is one DataError; a mutated `build.json` is a valid record or a
`BadRecord` (which makes only its report stale, with the reason), never another exception and never
slower than the deadline.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from mutations import FUZZ, mutated

from helpers.build.config import load_config
from helpers.build.record import BadRecord, Record
from helpers.core import paths
from helpers.core.errors import DataError

REPORTS_YAML = (paths.ROOT / "reports.yaml").read_text(encoding="utf-8")
RECORD = json.dumps(
    {
        "job": "delivery-mix-wilson",
        "key": "0" * 64,
        "notebook": "notebooks/01_delivery_and_intent.ipynb",
        "commit": "abc",
        "parameters": {"confidence": 0.95, "ci_method": "wilson"},
        "data": {"data/raw/surveys/localis_2011/counts.csv": "1" * 64},
        "packages": {"pandas": "3.1.1"},
        "inputs": {"notebook": "2" * 64, "helpers": "3" * 64, "pins": "4" * 64, "parameters": {}, "data": {}},
        "needs": {"other": None},
        "files": {"index.html": "5" * 64, "results.csv": "6" * 64},
    },
    indent=1,
)


@FUZZ
@given(mutated(REPORTS_YAML))
def test_a_mutated_reports_yaml_gives_jobs_or_one_data_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "reports.yaml"
        config.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        try:
            load_config(config)
        except DataError as exc:
            assert exc.problems


@FUZZ
@given(mutated(RECORD) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_a_mutated_build_json_is_a_record_or_a_bad_record(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "build.json").write_bytes(text.encode("utf-8", errors="surrogatepass"))
        try:
            record = Record.read(folder)
        except BadRecord as exc:
            assert str(exc)
        else:
            assert all("/" not in name and not name.startswith(".") for name in record.files)
