"""`python -m newsflow ...`: the `newsflow` command."""

import sys

from newsflow.cli.main import main

sys.exit(main())
