"""Pure numbers on counts and frames: proportions and their intervals, agreement, rounding. Imports only `core`."""
