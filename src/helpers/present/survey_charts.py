"""Figures for the survey analyses: shares with intervals, and a diverging stacked bar chart.

Each function returns (figure, data): the data is what `charts.save_chart` writes beside the
image, so a reader can check every bar.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .charts import GAF_CATEGORICAL, SEGMENT_EDGE, diverging, text_colour

# Interval whiskers: told apart by marker and line style as well as colour.
WHISKERS = [("#12436D", "o", "-"), ("#801650", "s", "--"), ("#3D3D3D", "D", ":")]
BAR = "#A285D1"  # light purple: 3:1 on white, and 3:1 against the dark whiskers drawn on it
MIN_LABELLED = 6.0  # percent: a segment narrower than this carries no direct label


def _wrap(label: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(str(label), width, break_long_words=False)) or str(label)


def share_chart(
    frame: pd.DataFrame, label: str, xlabel: str, intervals: dict[str, tuple[str, str]], share: str = "share"
) -> tuple[plt.Figure, pd.DataFrame]:
    """Horizontal bars of shares (first row on top) with one or more intervals drawn as whiskers.

    `intervals` maps a legend label to the (low, high) columns of `frame`.
    """
    n = len(frame)
    fig, ax = plt.subplots(figsize=(7.5, 0.6 * n + 1.4))
    y = np.arange(n)[::-1]
    est = frame[share].to_numpy() * 100
    ax.barh(y, est, color=BAR, height=0.6, label="estimate")
    offsets = np.linspace(0.15, -0.15, len(intervals)) if len(intervals) > 1 else [0.0]
    for (name, (low, high)), dy, (colour, marker, style) in zip(intervals.items(), offsets, WHISKERS):
        err = np.vstack([est - frame[low].to_numpy() * 100, frame[high].to_numpy() * 100 - est])
        bars = ax.errorbar(
            est, y + dy, xerr=np.clip(err, 0, None), fmt=marker, color=colour, capsize=3, markersize=4, label=name
        )
        bars[-1][0].set_linestyle(style)
    for yi, value, top in zip(y, est, frame[[high for _, high in intervals.values()]].max(axis=1).to_numpy() * 100):
        ax.text(min(top, 100) + 1.5, yi, f"{value:.0f}%", va="center", fontsize=8)
    ax.set_yticks(y, [_wrap(v) for v in frame[label]])
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, 100)
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / n), ncol=len(intervals) + 1, fontsize=8, frameon=False
    )
    fig.tight_layout()
    columns = [label, share] + [c for pair in intervals.values() for c in pair]
    return fig, frame[columns].copy()


def bounds_chart(frame: pd.DataFrame, label: str, xlabel: str) -> tuple[plt.Figure, pd.DataFrame]:
    """For a tick-all question: each share of those who answered, and the range non-response allows.

    `frame` has share_of_answered, lower, upper, ci_low and ci_high (see proportions.nonresponse_bounds).
    """
    n = len(frame)
    fig, ax = plt.subplots(figsize=(7.5, 0.6 * n + 1.4))
    y = np.arange(n)[::-1]
    ax.hlines(
        y,
        frame["ci_low"] * 100,
        frame["ci_high"] * 100,
        color=GAF_CATEGORICAL[1],
        linewidth=2,
        linestyle=":",
        label="bounds with sampling error",
    )
    ax.hlines(
        y,
        frame["lower"] * 100,
        frame["upper"] * 100,
        color=GAF_CATEGORICAL[0],
        linewidth=7,
        label="bounds: no / every non-respondent ticked it",
    )
    ax.plot(
        frame["share_of_answered"] * 100,
        y,
        "D",
        color=GAF_CATEGORICAL[3],
        markeredgecolor="white",
        label="share of those who answered",
    )
    ax.set_yticks(y, [_wrap(v) for v in frame[label]])
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, 100)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / n), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig, frame[[label, "share_of_answered", "lower", "upper", "ci_low", "ci_high"]].copy()


def diverging_chart(
    shares: pd.DataFrame, weights, bases: pd.Series, xlabel: str, rated: pd.Series | None = None
) -> tuple[plt.Figure, pd.DataFrame]:
    """A diverging stacked bar chart: negative answers left of zero, the neutral one centred on it.

    `shares` has items as rows and the scale's options as columns (in order, negative first), as
    fractions of each item's base; `weights` gives -1/0/+1 per option (likert.scale_weights);
    `bases` the n shown beside each item, and `rated` (optional) how many rated it, shown where
    it differs. A no-answer share (if any) is not drawn: the bars then do not reach 100 %.
    """
    options = list(shares.columns)
    colours = diverging(len(options))
    weights = list(weights)
    items = list(shares.index)
    fig, ax = plt.subplots(figsize=(9, 0.7 * len(items) + 1.8))
    y = np.arange(len(items))[::-1]
    rows = []
    for yi, item in zip(y, items):
        values = shares.loc[item].to_numpy(dtype=float) * 100
        negative = sum(v for v, w in zip(values, weights) if w < 0)
        neutral = sum(v for v, w in zip(values, weights) if w == 0)
        left = -negative - neutral / 2
        for option, value, colour in zip(options, values, colours):
            ax.barh(yi, value, left=left, color=colour, height=0.6, **SEGMENT_EDGE)
            if value >= MIN_LABELLED:
                ax.text(
                    left + value / 2,
                    yi,
                    f"{value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=text_colour(colour),
                )
            rows.append({"item": item, "option": option, "percent": value, "left": left, "n": int(bases[item])})
            left += value
    ax.axvline(0, color="#333333", linewidth=0.8)

    def label(item) -> str:
        n = int(bases[item])
        extra = f", {int(rated[item])} rated it" if rated is not None and int(rated[item]) != n else ""
        return f"{_wrap(item, 34)}\n(n = {n}{extra})"

    ax.set_yticks(y, [label(item) for item in items])
    ax.set_xlabel(xlabel)
    limit = max(abs(r["left"]) for r in rows) if rows else 100
    limit = max(limit, max(r["left"] + r["percent"] for r in rows)) if rows else 100
    top = min(100, 10 * np.ceil(limit / 10) + 5)
    ax.set_xlim(-top, top)
    ticks = np.arange(-100, 101, 20)
    ticks = ticks[np.abs(ticks) <= top]
    ax.set_xticks(ticks, [f"{abs(t):.0f}" for t in ticks])
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c, **SEGMENT_EDGE) for c in colours]
    ax.legend(
        handles,
        [_wrap(o, 16) for o in options],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=len(options),
        fontsize=8,
        frameon=False,
    )
    fig.tight_layout()
    return fig, pd.DataFrame(rows)
