"""The population frame: English principal authorities in existence on a given date.

Derived from mySociety's register of UK local authorities (data/raw/reference, CC BY 4.0), so
the survey's population size is computed, not typed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from ..core import paths

PRINCIPAL_TYPES = {
    "CTY": "county",
    "NMD": "non-metropolitan district",
    "UA": "unitary authority",
    "MD": "metropolitan district",
    "LBO": "London borough",
    "CC": "City of London",
}


def principal_authorities(on: date | str = "2011-09-01", frame_csv: Path | str = paths.FRAME_CSV) -> pd.DataFrame:
    """English principal authorities in existence on `on`: one row each, sorted by code.

    Combined authorities and the GLA are excluded; the Isles of Scilly are typed UA in the source.
    """
    day = pd.Timestamp(on).date().isoformat()
    frame = pd.read_csv(frame_csv, dtype=str, keep_default_na=False)
    started = (frame["start-date"] == "") | (frame["start-date"] <= day)
    not_ended = (frame["end-date"] == "") | (frame["end-date"] >= day)
    keep = (frame["nation"] == "England") & frame["local-authority-type"].isin(PRINCIPAL_TYPES) & started & not_ended
    out = frame.loc[keep, ["local-authority-code", "official-name", "local-authority-type", "start-date", "end-date"]]
    out = out.assign(type_name=out["local-authority-type"].map(PRINCIPAL_TYPES))
    return out.sort_values("local-authority-code").reset_index(drop=True)


def population_size(on: date | str = "2011-09-01", frame_csv: Path | str = paths.FRAME_CSV) -> int:
    """How many English principal authorities existed on `on`."""
    return len(principal_authorities(on, frame_csv))
