"""`python -m newsflow.cli ...`: the `newsflow` command (as `python -m newsflow`)."""

import sys

from newsflow.cli.main import main

sys.exit(main())
