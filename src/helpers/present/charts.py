"""Charts: one colour-blind-safe palette, byte-identical files, alt text and data beside each.

`save_chart` writes a figure as SVG and PNG (no dates, fixed SVG ids), its data as CSV, and
returns the HTML a notebook displays: the image with alt text stating the chart's message, a
caption, and the data table one click away.
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

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency. Categorical series take these in order.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Ordered scales (negative to positive) take a ColorBrewer diverging scheme that is
# colour-blind safe (PuOr), with a grey midpoint for the neutral answer.
DIVERGING = {3: ["#E66101", "#BDBDBD", "#5E3C99"], 5: ["#E66101", "#FDB863", "#BDBDBD", "#B2ABD2", "#5E3C99"]}

SVG_SALT = "commissioning-workbench"


def configure() -> None:
    """Make matplotlib's output deterministic and readable; call once per notebook."""
    plt.rcParams.update(
        {
            "svg.hashsalt": SVG_SALT,
            "svg.fonttype": "path",
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10,
            "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def diverging(n: int) -> list[str]:
    """Colours for an ordered scale of n answers, negative to positive, neutral in the middle."""
    if n in DIVERGING:
        return DIVERGING[n]
    cmap = matplotlib.colormaps["PuOr"]
    return [matplotlib.colors.to_hex(cmap(1 - i / (n - 1))) for i in range(n)]


def save_chart(fig, output_dir: Path, name: str, alt: str, caption: str, data: pd.DataFrame) -> HTML:
    """Write `name`.svg, `name`.png and `name`.csv to output_dir; return the figure's HTML."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    fig.savefig(
        output_dir / f"{name}.svg",
        format="svg",
        bbox_inches="tight",
        metadata={"Date": None, "Title": caption, "Description": alt},
    )
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format="png", bbox_inches="tight", metadata={"Software": None, "Title": caption, "Description": alt}
    )
    png = buffer.getvalue()
    (output_dir / f"{name}.png").write_bytes(png)
    write_csv(data, output_dir / f"{name}.csv")
    plt.close(fig)
    return HTML(figure_html(png, alt, caption, data, data_file=f"{name}.csv"))
