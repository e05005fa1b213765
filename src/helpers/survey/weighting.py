"""Weights for a wave whose respondents name their council: raked to the frame's councils by type and region.

`survey.yaml` may carry a block such as

    weighting: {method: rake, margins: [local-authority-type, region], collapse: {local-authority-type: {CC: LBO}}}

Each respondent's `authority` (a council code, a GSS code or a name, as the frame writes them) is matched to
the frame of English principal authorities on the wave's `frame_date`; the weights start from a sample drawn
without replacement from that frame (N/n each) and are raked to its counts on each margin
(helpers.stats.calibration, which matches R's survey package). Weighting to type and region corrects for
who answered by type and region; it cannot correct for self-selection within them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import paths
from ..core.errors import Collector, DataError, Problem
from ..stats.calibration import CalibrationError, Design, rake, sample_design
from .frame import principal_authorities

MARGINS = ("local-authority-type", "region")
NO_REGION = "(no region in the frame)"  # authorities the register records without a region (abolished ones)
METHODS = ("rake",)


@dataclass(frozen=True)
class Weighting:
    """What `survey.yaml`'s `weighting` block asks for, validated."""

    margins: tuple[str, ...]
    collapse: dict
    trim: tuple[float, float] | None = None

    def describe(self) -> str:
        names = " and ".join(m.replace("local-authority-", "") for m in self.margins)
        text = f"raked to {names}"
        if self.trim:
            text += f", weights trimmed to {self.trim[0]:g}-{self.trim[1]:g} times the mean (R's trimWeights)"
        return text


def parse_weighting(block, path, line: int | None) -> Weighting:
    """Validate a `weighting` block; every problem names survey.yaml's line."""
    errors = Collector(path)
    if not isinstance(block, dict):
        errors.add(line, "weighting", "a mapping with method and margins", block)
        errors.raise_if_any()
    unknown = sorted(set(block) - {"method", "margins", "collapse", "trim"})
    for key in unknown:
        errors.add(line, f"weighting.{key}", "only method, margins, collapse and trim", key)
    if block.get("method") not in METHODS:
        errors.add(line, "weighting.method", "rake", block.get("method"))
    margins = block.get("margins")
    if not isinstance(margins, list) or not margins or any(m not in MARGINS for m in margins):
        errors.add(line, "weighting.margins", "a list of " + " and ".join(MARGINS), margins)
    collapse = block.get("collapse") or {}
    if not isinstance(collapse, dict) or any(not isinstance(v, dict) for v in collapse.values()):
        errors.add(line, "weighting.collapse", "margin: {category: category it joins}", collapse)
    trim = block.get("trim")
    if trim is not None and not (
        isinstance(trim, list)
        and len(trim) == 2
        and all(isinstance(v, (int, float)) for v in trim)
        and 0 < trim[0] < 1 < trim[1]
    ):
        errors.add(line, "weighting.trim", "[lower, upper] bounds as multiples of the mean weight, e.g. [0.3, 3]", trim)
    errors.raise_if_any()
    return Weighting(tuple(margins), {k: dict(v) for k, v in collapse.items()}, tuple(trim) if trim else None)


def frame_on(frame_date) -> pd.DataFrame:
    """The frame's principal authorities on `frame_date`, with what a respondent can be matched by."""
    frame = principal_authorities(frame_date)
    register = pd.read_csv(paths.FRAME_CSV, dtype=str, keep_default_na=False).set_index("local-authority-code")
    extra = register.loc[
        frame["local-authority-code"], ["gss-code", "former-gss-codes", "nice-name", "alt-names", "region"]
    ]
    frame = pd.concat([frame.reset_index(drop=True), extra.reset_index(drop=True)], axis=1)
    frame["region"] = frame["region"].replace("", NO_REGION)
    return frame


def _names(record) -> list[str]:
    """Every name a council is known by in the register: codes, official and alternative names.

    The register separates alternative names with a bare comma; a comma followed by a space belongs to a
    name ("Bristol, City of"), so it does not split.
    """
    names = [record["local-authority-code"], record["gss-code"], record["official-name"], record["nice-name"]]
    names += record["former-gss-codes"].split(",") + re.split(r",(?! )", record["alt-names"])
    return [name.strip() for name in names if name.strip()]


def match_authorities(values: pd.Series, frame: pd.DataFrame, path, first_line: int = 2, lines=None) -> pd.DataFrame:
    """The frame's row for each respondent's `authority`; an unmatched one is an error listing the nearest names.

    A name that two councils of the frame share is an error naming both (write the code instead).
    `lines` gives each value's line in the file (else first_line, first_line + 1, ...).
    """
    keys: dict[str, set[int]] = {}
    for row in range(len(frame)):
        for name in _names(frame.iloc[row]):
            keys.setdefault(name.casefold(), set()).add(row)
    errors = Collector(path)
    rows = []
    official = frame["official-name"].tolist()
    for i, value in enumerate(values.astype(str)):
        line = lines[i] if lines is not None else i + first_line
        found = keys.get(value.strip().casefold(), set())
        if len(found) > 1:
            codes = ", ".join(sorted(frame.iloc[r]["local-authority-code"] for r in found))
            errors.add(line, "authority", f"a name of one council only (this one names {codes}: write the code)", value)
        elif not found:
            nearest = difflib.get_close_matches(value, official, n=3, cutoff=0.5)
            hint = "; nearest: " + ", ".join(nearest) if nearest else ""
            errors.add(line, "authority", f"a council of the frame (code, GSS code or name){hint}", value)
        rows.append(min(found) if found else 0)
    errors.raise_if_any()
    return frame.iloc[rows].reset_index(drop=True)


def weigh(respondents: pd.DataFrame, weighting: Weighting, frame_date, path) -> tuple[Design, pd.DataFrame]:
    """The raked design and each respondent's council with its margin categories (after any collapse)."""
    frame = frame_on(frame_date)
    lines = respondents.attrs.get("lines")  # set by helpers.survey.respondents when a quoted field spans lines
    matched = match_authorities(respondents["authority"], frame, path, lines=lines)
    codes = matched["local-authority-code"]
    errors = Collector(path)
    for i in np.flatnonzero(codes.duplicated().to_numpy()):
        line = int(lines[i]) if lines is not None else int(i) + 2
        first = int(np.flatnonzero((codes == codes.iloc[i]).to_numpy())[0])
        expected = f"each council once (one respondent per council; {codes.iloc[i]} is also on row {first + 1})"
        errors.add(line, "authority", expected, respondents["authority"].iloc[i])
    errors.raise_if_any()
    categories = pd.DataFrame({m: _collapsed(matched[m], weighting, m) for m in weighting.margins})
    totals = {m: _collapsed(frame[m], weighting, m).value_counts().sort_index() for m in weighting.margins}
    try:
        design = rake(sample_design(len(respondents), population_size=len(frame)), categories, totals)
    except CalibrationError as exc:
        raise DataError([_problem(path, str(exc))]) from None
    if weighting.trim:
        design = trimmed(design, weighting.trim[0] * design.weights.mean(), weighting.trim[1] * design.weights.mean())
    return design, categories.assign(authority=codes.to_numpy())


def trimmed(design: Design, lower: float, upper: float) -> Design:
    """R survey's `trimWeights(design, upper, lower)`: weights outside the bounds are set to them, and what
    was trimmed is shared equally among the others, so the total stays (one pass, R's `strict = FALSE`)."""
    weights = design.weights
    outside = (weights < lower) | (weights > upper)
    if not outside.any():
        return design
    new = np.clip(weights, lower, upper)
    new[~outside] += (weights - new).sum() / np.count_nonzero(~outside)
    return Design(new, design.strata, design.population, design.steps, design.converged)


def _collapsed(values: pd.Series, weighting: Weighting, margin: str) -> pd.Series:
    return values.astype(str).replace(weighting.collapse.get(margin, {}))


def _problem(path, text: str) -> Problem:
    return Problem(paths.shown(path), None, "weighting", text)


def nonresponse_table(categories: pd.DataFrame, frame_date, weighting: Weighting) -> pd.DataFrame:
    """Respondents against the frame by each margin: counts and response rates."""
    frame = frame_on(frame_date)
    parts = []
    for margin in weighting.margins:
        population = _collapsed(frame[margin], weighting, margin).value_counts()
        answered = categories[margin].value_counts().reindex(population.index, fill_value=0)
        parts.append(
            pd.DataFrame(
                {
                    "margin": margin,
                    "category": population.index,
                    "councils": population.to_numpy(),
                    "respondents": answered.to_numpy(),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True).sort_values(["margin", "category"]).reset_index(drop=True)
    return table.assign(response_rate=table["respondents"] / table["councils"])
