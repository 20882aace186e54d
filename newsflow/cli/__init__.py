"""The `newsflow` command: `main.py` builds the parser; each command group is a module of its own."""
