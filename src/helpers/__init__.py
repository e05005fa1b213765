"""Helpers of the commissioning-research workbench: load, validate and analyse its data."""
