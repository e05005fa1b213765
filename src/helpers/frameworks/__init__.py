"""Document analysis: the sources' own models of commissioning, coded onto one published cycle.

`items` loads and validates a framework set (sources, inclusion rules, every list, items), `frame`
the published cycle the frame is fixed from, `coding` the coders and how each coding was made,
`passages` the full-text reading paragraph by paragraph, `coverage` the source x stage matrices per
coder, the concordance and the gaps, `findings` where the survey's and the interviews' findings fall
on the frame, `figures` the heatmap and wide tables for the report.
"""

from .items import FrameworkSet, load_frameworks

__all__ = ["FrameworkSet", "load_frameworks"]
