"""Regenerate every report from reports.yaml: the cache, kernels, rendering, the index.

`python -m helpers.build` runs it. Nothing else in `helpers` imports this package.
"""

from .runner import KERNEL, KERNEL_ARGS, Builder, expand_reports, main

__all__ = ["KERNEL", "KERNEL_ARGS", "Builder", "expand_reports", "main"]
