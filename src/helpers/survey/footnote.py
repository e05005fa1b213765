"""The £65bn footnote of the Localis press release, recomputed from its own figures.

The footnote starts from total procurement expenditure, subtracts what external contractors
already deliver and adds other employee expenditure; the body rounds the total to "approximately
£65bn". This checks both steps.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines

OPERATIONS = ("start", "subtract", "add", "equals", "approximately")


def load_footnote(path: Path | str) -> pd.DataFrame:
    """Read `expenditure_footnote.csv` (step, document, section, quote, amount_gbp_bn, operation)."""
    frame = read_csv_lines(path, ["step", "document", "section", "quote", "amount_gbp_bn", "operation"])
    errors = Collector(path)
    for row in frame.itertuples(index=False):
        if row.operation not in OPERATIONS:
            errors.add(row[0], "operation", "one of " + ", ".join(OPERATIONS), row.operation)
        try:
            float(row.amount_gbp_bn)
        except ValueError:
            errors.add(row[0], "amount_gbp_bn", "an amount in £bn", row.amount_gbp_bn)
    errors.raise_if_any()
    return frame.drop(columns=[LINE]).astype({"amount_gbp_bn": float})


def check_footnote(frame: pd.DataFrame) -> pd.DataFrame:
    """Each stated total beside the one its steps give, with the difference in £bn."""
    sign = {"start": 1.0, "add": 1.0, "subtract": -1.0}
    steps = frame[frame["operation"].isin(sign)]
    computed = round(float((steps["amount_gbp_bn"] * steps["operation"].map(sign)).sum()), 3)
    checks = frame[frame["operation"].isin(["equals", "approximately"])].copy()
    checks["computed_gbp_bn"] = computed
    checks["difference_gbp_bn"] = (checks["amount_gbp_bn"] - computed).round(3)
    checks["matches"] = [
        abs(d) < 0.0005 if op == "equals" else round(computed) == round(stated)
        for d, op, stated in zip(checks["difference_gbp_bn"], checks["operation"], checks["amount_gbp_bn"])
    ]
    return checks[
        ["step", "document", "quote", "amount_gbp_bn", "computed_gbp_bn", "difference_gbp_bn", "matches"]
    ].reset_index(drop=True)
