"""The weighted section of a survey notebook: who answered against the frame, and weighted shares.

Shown only for a wave whose survey.yaml has a `weighting` block; an unweighted wave's notebook shows
nothing of it. Writes `weights.csv`, `nonresponse.csv`, the response-rate chart,
`weighted_shares.csv` (each share with its standard error, design effect and effective sample size), and
returns the rows it adds to `results.csv`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from ..core.csvout import write_csv
from ..outputs.results import result_rows
from ..present import charts
from ..present.display import md
from ..present.layout import scroll_figure, scroll_table
from ..present.tables import percent_table
from .setup import SurveyAnalysis
from .weighted import design_method, weighted_method, weighted_shares, write_weights
from .weighting import nonresponse_table

BAR = "#12436D"


def response_chart(table: pd.DataFrame) -> tuple[plt.Figure, pd.DataFrame]:
    """Horizontal bars of the response rate of each category of each margin, margins one above the other."""
    labels = [f"{m.replace('local-authority-', '')}: {c}" for m, c in zip(table["margin"], table["category"])]
    n = len(table)
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * n + 1.2))
    y = np.arange(n)[::-1]
    rates = table["response_rate"].to_numpy() * 100
    ax.barh(y, rates, color=BAR, height=0.6)
    for yi, rate, answered, councils in zip(y, rates, table["respondents"], table["councils"]):
        ax.text(min(rate, 100) + 1, yi, f"{answered} of {councils}", va="center", fontsize=7)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlim(0, 115)
    ax.set_xlabel("Percent of the frame's councils that answered")
    fig.tight_layout()
    return fig, table.copy()


def show_weighting(analysis: SurveyAnalysis, questions: list[str], ci_method: str) -> list[pd.DataFrame]:
    """Display the weighted section for `questions` and write its files; return its results.csv rows."""
    survey, level, out = analysis.survey, analysis.level, analysis.output_dir
    weighting, frame_date = survey.spec.weighting, survey.spec.meta["population"]["frame_date"]
    method = weighted_method(survey, level, ci_method)
    design = survey.design
    display(md("## Weighted to the councils of England"))
    display(
        md(
            "survey.yaml asks for weights: the **{n}** respondents' councils are matched to the frame of English "
            "principal authorities on {date} and the weights, starting from a sample of the frame's {N} councils "
            "drawn without replacement, are {how} (R survey's `rake`). Weighting corrects for who answered by "
            "type and region; it cannot correct for self-selection within them: councils that chose to reply "
            "may differ from those of the same type and region that did not. Each weighted share below has a "
            "{method} interval (`svyciprop`'s *{design}* method; `ci_method` = {ci} maps to it), from a "
            "linearised standard error that takes the raking into account, with its design effect (its variance "
            "over that of a simple random sample of the same size) and effective sample size (those who answered "
            "over the design effect).{warning}",
            n=design.n,
            date=str(frame_date),
            N=int(round(design.weights.sum())),
            how=weighting.describe(),
            method=method,
            design=design_method(ci_method),
            ci=ci_method,
            warning="" if design.converged else " The raking did not converge in ten rounds: read with care.",
        )
    )
    write_weights(survey, out)
    table = nonresponse_table(survey.councils, frame_date, weighting)
    write_csv(table, out / "nonresponse.csv")
    display(
        scroll_table(
            percent_table(table, shares=["response_rate"], rename={"response_rate": "response rate (%)"}),
            caption="Respondents against the frame's councils, by each weighting margin",
        )
    )
    lowest = table.loc[table["response_rate"].idxmin()]
    fig, data = response_chart(table)
    display(
        scroll_figure(
            charts.save_chart(
                fig,
                out,
                "response_rates",
                alt=(
                    f"Bar chart of response rates by {' and by '.join(weighting.margins)}: the lowest is "
                    f"{lowest['category']} ({lowest['respondents']} of {lowest['councils']} councils)."
                ),
                caption="Response rate of the frame's councils by each weighting margin",
                data=data,
            )
        )
    )
    tables = {
        (qid, item): weighted_shares(survey, qid, level, ci_method, item)
        for qid in questions
        for item in survey.question(qid).grid_items
    }
    everything = pd.concat([t.assign(question=q, item=i) for (q, i), t in tables.items()], ignore_index=True)
    write_csv(everything[["question", "item", *everything.columns[:-2]]], out / "weighted_shares.csv")
    return [_question_section(qid, item, shares, method) for (qid, item), shares in tables.items()]


def _question_section(qid: str, item: str, shares: pd.DataFrame, method: str) -> pd.DataFrame:
    """The weighted shares of one question (or one item of a grid) as a table; its rows of results.csv."""
    shown = shares.assign(se=shares["se"] * 100)
    display(
        scroll_table(
            percent_table(
                shown,
                shares=["share"],
                intervals=[("ci_low", "ci_high", method)],
                rename={
                    "count": "respondents choosing it",
                    "base": "answered",
                    "share": "weighted share (%)",
                    "se": "standard error (points)",
                    "deff": "design effect",
                    "effective_n": "effective sample size",
                },
            ),
            caption=f"Question {qid}{f' ({item})' if item else ''}: weighted shares of those who answered",
            float_format="{:.2f}",
        )
    )
    rows = result_rows(shares, qid, "proportion (weighted)", method, "share", option="option")
    return rows.assign(item=item)
