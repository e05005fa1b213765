"""The files analyses write and the research report reads: results.csv, findings, data/processed."""
