"""`python -m lineage_export`: the command line."""

from lineage_export.cli import main

raise SystemExit(main())
