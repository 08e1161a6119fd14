"""`python -m pipeline` runs the `press` command."""

from pipeline.cli import main

raise SystemExit(main())
