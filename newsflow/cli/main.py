"""The `newsflow` command: the parser of every command group, and its entry point.

Each group is a module of this package with `register(sub)` (its subcommands) and a `cmd_*` per command:
run; eval and bench (measure); stack; worker, publish, tail, topics (kafka); dashboard and serve (web);
sink and store (store); query.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Sequence

from newsflow.cli import kafka, measure, query, run, stack, store, web

GROUPS = (run, measure, stack, kafka, web, store, query)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `newsflow`."""
    p = argparse.ArgumentParser(prog="newsflow", description="News-article enrichment pipeline.")
    sub = p.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsflow` command."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("NEWSFLOW_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return args.func(args) or 0
    except (ValueError, FileNotFoundError, TimeoutError) as err:
        sys.stderr.write(f"newsflow {args.command}: {err}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
