"""`python -m newsflow ...`: the `newsflow` command."""

import sys

from newsflow.cli import main

sys.exit(main())
