"""Regenerate every report from reports.yaml: the cache, kernels, rendering, the index.

`python -m helpers.build` runs it. Nothing else in `helpers` imports this package.
"""

from .cli import main
from .runner import KERNEL, KERNEL_ARGS, Builder, expand_reports

__all__ = ["KERNEL", "KERNEL_ARGS", "Builder", "expand_reports", "main"]
