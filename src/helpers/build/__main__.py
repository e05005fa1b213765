"""`python -m helpers.build`: see helpers.build.runner."""

from .runner import main

raise SystemExit(main())
