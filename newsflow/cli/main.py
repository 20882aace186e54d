"""The `newsflow` command: the parser of every command group, and its entry point.

Each group is a module of this package with `register(sub)` (its subcommands) and a `cmd_*` per command:
run; crawl; eval and bench (measure); stack; worker, publish, tail, topics (kafka); dashboard and serve (web);
sink and store (store); query.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Sequence

from newsflow.cli import crawl, kafka, measure, query, run, stack, store, web
from newsflow.runners.heap import keep_heap
from newsflow.store.engine import StoreUnavailable, error_line

GROUPS = (run, crawl, measure, stack, kafka, web, store, query)
# Commands that run the stages batch after batch (newsflow/runners/heap.py says why)
HEAP_COMMANDS = frozenset({"run", "worker", "sink", "store"})
log = logging.getLogger("newsflow")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `newsflow`."""
    p = argparse.ArgumentParser(prog="newsflow", description="News-article enrichment pipeline.")
    sub = p.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsflow` command.

    Exit status: 0 done (a query that finds nothing included); 1 an input or a server failed (an article
    not enriched, a store that cannot be reached or written); 2 what was given cannot be used (a malformed
    parameter, a store path whose folder does not exist); 3 `stack status`/`store status` found something
    down or behind. What went wrong is one line on stderr; the traceback only with NEWSFLOW_LOG_LEVEL=DEBUG.
    """
    args = build_parser().parse_args(argv)
    if args.command in HEAP_COMMANDS:
        keep_heap()
    level = os.environ.get("NEWSFLOW_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return args.func(args) or 0
    except StoreUnavailable as err:
        return _failed(args, str(err), 2 if err.usage else 1, level)
    except (ValueError, FileNotFoundError, TimeoutError) as err:
        return _failed(args, str(err), 2, level)
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # the last resort: one line, not a traceback (DEBUG shows where it came from)
        return _failed(args, f"{err.__class__.__name__}: {error_line(err)}", 1, level)


def _failed(args: argparse.Namespace, message: str, code: int, level: str) -> int:
    command = " ".join(filter(None, [args.command, getattr(args, "query", None) or getattr(args, "action", None)]))
    if level == "DEBUG":
        log.exception("newsflow %s failed", command)
    first = message.strip().splitlines()[0] if message.strip() else "failed"
    sys.stderr.write(f"newsflow {command}: {first}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
