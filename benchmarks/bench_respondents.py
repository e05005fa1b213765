"""Time validating and aggregating a generated respondents.csv of 1,000,000 rows.

The bar: `helpers.survey.load_survey` on a survey folder holding respondent-level data
(`respondents.csv`, the scheme in `helpers.survey.respondents`) of a million rows takes 1.0 second
or less (reading, validation with line numbers in every error, and aggregation).
This script writes such a folder to a temporary directory (the localis_2011 questions, answers
drawn with a seeded numpy generator in proportion to the published counts, so the file looks
like a large wave of the same survey), times `load_survey` on it (reading the CSV, validation and
aggregation) and prints the seconds, the rows per second and whether the bar is met. The best of
`--repeat` runs counts (the machine may be shared); every run is printed. The last line reads
`BENCH respondents <seconds> s <=1.0 <met|not met>`, for `make bench`'s table.

Run: `.venv/bin/python benchmarks/bench_respondents.py [--rows N] [--repeat K] [--seed S] [--skip-share P]`.
It exits 0 whether or not the bar is met; the last line says which.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.core import paths
from helpers.survey import load_survey
from helpers.survey.respondents import ID_COLUMN, SEPARATOR
from helpers.survey.schema import load_spec

BAR_SECONDS = 1.0


def _draw(rng: np.random.Generator, labels: list[str], weights: list[float], n: int) -> np.ndarray:
    """n labels drawn with the given weights, as an array of Python strings."""
    p = np.asarray(weights, dtype=float)
    idx = rng.choice(len(labels), size=n, p=p / p.sum())
    return np.asarray(labels, dtype=object)[idx]


def generate(survey_dir: Path, rows: int, seed: int, out_dir: Path, skip_share: float = 0.05) -> Path:
    """Write out_dir/{survey.yaml,respondents.csv}: `rows` respondents for survey_dir's questions.

    survey.yaml is copied with every `answered`/`skipped` set to null, since generated microdata
    cannot match the published bases (load_survey then takes the bases from the microdata).
    """
    spec = load_spec(survey_dir)
    counts = pd.read_csv(survey_dir / "counts.csv", dtype={"item": str}, keep_default_na=False)
    rng = np.random.default_rng(seed)
    columns: dict[str, np.ndarray] = {ID_COLUMN: np.char.add("r", np.arange(1, rows + 1).astype(str)).astype(object)}
    for q in spec.questions:
        rows_q = counts[counts["question"] == q.id]
        if q.type == "multi":
            answered = rng.random(rows) >= skip_share
            base = q.answered or int(rows_q["count"].max()) or 1
            for option in q.options:
                share = float(rows_q.loc[rows_q["option"] == option, "count"].iloc[0]) / base
                ticked = rng.random(rows) < share
                col = np.where(ticked, "1", "0").astype(object)
                col[~answered] = ""
                columns[f"{q.id}{SEPARATOR}{option}"] = col
            continue
        skipped = rng.random(rows) < skip_share  # a grid is skipped as a whole
        for item in q.grid_items:
            weights = rows_q.loc[rows_q["item"] == item].set_index("option")["count"].reindex(list(q.options))
            col = _draw(rng, list(q.options), list(weights.to_numpy(float) + 0.5), rows)  # + 0.5: every option occurs
            col[skipped] = ""
            columns[q.id if q.type == "single" else f"{q.id}{SEPARATOR}{item}"] = col
    out_dir.mkdir(parents=True, exist_ok=True)
    text = (survey_dir / "survey.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^(\s+)(answered|skipped): .*$", r"\1\2: null", text, flags=re.M)
    text = re.sub(r"^(\s+)size: .*$", r"\1size: null", text, count=1, flags=re.M)  # a million exceed any frame
    (out_dir / "survey.yaml").write_text(text, encoding="utf-8")
    path = out_dir / "respondents.csv"
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs; the best is reported")
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument(
        "--skip-share",
        type=float,
        default=0.05,
        help="share of respondents skipping each question (0 makes the 0/1 columns all-numeric)",
    )
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench_respondents_"))
    try:
        t0 = time.perf_counter()
        csv = generate(paths.LOCALIS_2011, args.rows, args.seed, tmp / "survey", args.skip_share)
        made = time.perf_counter() - t0
        size_mb = csv.stat().st_size / 1e6
        print(
            f"generated {args.rows:,} respondents ({size_mb:.1f} MB, "
            f"{len(pd.read_csv(csv, nrows=0).columns)} columns) in {made:.1f} s"
        )
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            survey = load_survey(csv.parent)
            times.append(time.perf_counter() - t0)
        best = min(times)
        answered = survey.questions_table().set_index("question")["answered"].to_dict()
        print(
            f"load_survey (read + validate + aggregate): best of {args.repeat}: {best:.2f} s "
            f"({args.rows / best:,.0f} rows/s); all runs: {', '.join(f'{t:.2f}' for t in times)} s"
        )
        print(f"answered per question: {answered}")
        verdict = "met" if best <= BAR_SECONDS else "not met"
        print(f"BENCH respondents {best:.2f} s <={BAR_SECONDS:.1f} {verdict}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
