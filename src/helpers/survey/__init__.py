"""Survey folders: schema, counts, respondents, bases, Likert grids, cross-tabs, reconciliation, the frame."""

from .folder import Survey, load_survey

__all__ = ["Survey", "load_survey"]
