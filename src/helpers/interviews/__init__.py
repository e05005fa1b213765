"""Interview corpora: excerpts, the codebook, coders, coding tables and the REFI-QDA exchange."""

from .corpus import load_excerpts, load_sections

__all__ = ["load_excerpts", "load_sections"]
