"""`python -m helpers.build`: see helpers.build.cli."""

from .cli import main

raise SystemExit(main())
