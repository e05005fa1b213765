"""Charts: one accessible palette, byte-identical files, alt text and data beside each.

`save_chart` writes a figure as PNG (no software version in it, so the bytes hold across matplotlib
upgrades), its data as CSV, and returns the HTML a notebook displays: the same PNG with alt text
stating the chart's message, a caption, and the data table one click away. One image format only:
the page embeds the PNG, and drawing an SVG as well took as long again for nothing a page showed.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from IPython.display import HTML  # noqa: E402

from ..core.csvout import write_csv  # noqa: E402
from .display import figure_html  # noqa: E402

# The Government Analysis Function's categorical palette ("Data visualisation: colours", Analysis
# Function guidance): each colour has a contrast of at least 3:1 against white, the WCAG 2.2
# non-text minimum (1.4.11). Categorical series take these in order.
GAF_CATEGORICAL = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
# Ordered scales (negative to positive, neutral in the middle) use the palette's dark colours,
# separated by white edges and labelled directly, as the guidance asks for ordered scales: a
# reader never has to tell two neighbouring shades apart by colour alone.
DIVERGING = {
    3: ["#801650", "#3D3D3D", "#12436D"],
    5: ["#801650", "#F46A25", "#3D3D3D", "#28A197", "#12436D"],
}
BACKGROUND = "#FFFFFF"
SEGMENT_EDGE = {"edgecolor": BACKGROUND, "linewidth": 1.5}

SVG_SALT = "commissioning-workbench"


def configure() -> None:
    """Make matplotlib's output deterministic and readable; call once per notebook."""
    plt.rcParams.update(
        {
            # save_chart writes PNG only; an SVG a notebook saves itself is still byte-identical run to run.
            "svg.hashsalt": SVG_SALT,
            "svg.fonttype": "path",
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10,
            "axes.prop_cycle": matplotlib.cycler(color=GAF_CATEGORICAL),
            "axes.spines.top": False,
            "axes.spines.right": False,
            # Labels come from data (codes, coders, options): a "$" is a character, never TeX to parse,
            # so "$\\foo$" in a coder's name neither breaks the chart nor changes what it says.
            "text.parse_math": False,
        }
    )


def diverging(n: int) -> list[str]:
    """Colours for an ordered scale of n answers, negative to positive, neutral in the middle.

    Beyond the palette's sizes the categorical colours are reused symmetrically; the white edges
    between segments and the direct labels keep neighbours apart.
    """
    if n in DIVERGING:
        return DIVERGING[n]
    half = [GAF_CATEGORICAL[i % 4] for i in (2, 3, 1, 0)]
    low = [half[i % len(half)] for i in range(n // 2)]
    high = [half[-1 - (i % len(half))] for i in range(n // 2)][::-1]
    return low + (["#3D3D3D"] if n % 2 else []) + high


def contrast(colour_a: str, colour_b: str = BACKGROUND) -> float:
    """The WCAG 2.2 contrast ratio of two colours, from 1 to 21.

    >>> round(contrast("#12436D"), 1), round(contrast("#FFFFFF", "#000000"))
    (10.2, 21)
    """

    def luminance(colour: str) -> float:
        channels = matplotlib.colors.to_rgb(colour)
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(colour_a), luminance(colour_b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(fill: str) -> str:
    """White or black, whichever reads better (higher contrast) on `fill`."""
    return "#FFFFFF" if contrast(fill, "#FFFFFF") >= contrast(fill, "#000000") else "#000000"


def save_chart(fig, output_dir: Path, name: str, alt: str, caption: str, data: pd.DataFrame) -> HTML:
    """Write `name`.png and `name`.csv to output_dir; return the figure's HTML (the same PNG embedded)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="png", bbox_inches="tight", metadata={"Software": None, "Title": caption, "Description": alt}
    )
    png = buffer.getvalue()
    (output_dir / f"{name}.png").write_bytes(png)
    write_csv(data, output_dir / f"{name}.csv")
    plt.close(fig)
    return HTML(figure_html(png, alt, caption, data, data_file=f"{name}.csv"))
