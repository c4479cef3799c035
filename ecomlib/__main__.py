"""`python -m ecomlib` is the same as the `ecomlib` command."""

from ecomlib.cli import main

raise SystemExit(main())
