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


def test_save_chart_writes_the_png_the_page_embeds_and_its_data(tmp_path) -> None:
    """One image file (the PNG the page embeds, with alt text) and the data as CSV, linked from the figure."""
    import base64

    import pandas as pd

    charts.configure()
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    data = pd.DataFrame({"option": ["a", "b"], "share": [1, 2]})
    shown = charts.save_chart(fig, tmp_path, "shares", "B is twice A", "Shares", data).data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shares.csv", "shares.png"]
    png = (tmp_path / "shares.png").read_bytes()
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="B is twice A"' in shown
    assert '<a href="shares.csv">shares.csv</a>' in shown and "<figcaption>Shares</figcaption>" in shown
