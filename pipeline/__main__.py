"""`python -m pipeline` runs the `press` command."""
from .cli import main

raise SystemExit(main())
