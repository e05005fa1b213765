"""helpers.present.charts: labels from data are drawn as the characters they are."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from helpers.present import charts  # noqa: E402


def test_a_label_with_dollar_signs_is_drawn_as_text_not_parsed_as_tex() -> None:
    """A coder or option named like TeX ("$\\undefined{x}$") neither breaks the chart nor turns into maths."""
    charts.configure()
    fig, ax = plt.subplots()
    title = ax.set_title(r"Coder $\undefined{x}$ and $5-$10")
    ax.set_xticks([0], [r"$\frac{1}{0"])
    fig.savefig(io.BytesIO(), format="png")  # raised ParseFatalException while "$" started maths
    assert title.get_parse_math() is False
    plt.close(fig)
