"""Entry point of `python -m ebok`."""

from ebok.cli import main

raise SystemExit(main())
