"""Where things live: the project root found from this file, every other path derived from it.

Notebooks and the build import these names instead of typing paths, so the project works
wherever it is cloned.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
SURVEYS = RAW / "surveys"
INTERVIEWS = RAW / "interviews"
REFERENCE = RAW / "reference"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ROOT / "reports"
BENCHMARKS = ROOT / "benchmarks"

LOCALIS_2011 = SURVEYS / "localis_2011"
LOCAL_PARTNERSHIPS_2015 = INTERVIEWS / "local_partnerships_2015"
FRAME_CSV = REFERENCE / "mysociety_uk_la" / "uk_local_authorities.csv"

# The source documents are not part of the project (their licences are unknown); they sit beside
# it in ../shared/seeds when available. WORKBENCH_SEEDS overrides the location.
SEEDS = Path(os.environ.get("WORKBENCH_SEEDS", ROOT.parent / "shared" / "seeds"))


def shown(path: os.PathLike | str) -> str:
    """A path as users should see it: relative to the project root when inside it.

    Keeps machine-specific prefixes out of messages and reports.

    >>> shown(ROOT / "data" / "raw" / "x.csv")
    'data/raw/x.csv'
    """
    p = Path(path)
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(p)
