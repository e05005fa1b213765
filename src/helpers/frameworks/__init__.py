"""Document analysis: the sources' own models of commissioning, coded onto one reference cycle.

`items` loads and validates a framework set (sources, lists, items), `coding` its coders,
`coverage` the source x stage matrix and the concordance, `findings` where the survey's and the
interviews' findings fall on the frame, `figures` the heatmap and wide tables for the report.
"""

from .items import FrameworkSet, load_frameworks

__all__ = ["FrameworkSet", "load_frameworks"]
