"""What every `newsflow` command shares: its settings, read once from the environment, with the flags over them."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from shared.core.settings import Settings

if TYPE_CHECKING:
    from newsflow.inputs import InputReport


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings of this run: the environment's, with `--model` and `--batch-size` when given."""
    settings = Settings.from_env()
    overrides = {}
    if getattr(args, "model", None):
        overrides["model"] = args.model
    if getattr(args, "batch_size", None):
        overrides["batch_size"] = args.batch_size
    if overrides:
        settings = replace(settings, **overrides)
    return settings


def finish_inputs(command: str, report: InputReport, items: int, failures: int, what: str) -> int:
    """Say what archives skipped and what failed on stderr; 1 when an input or an article failed."""
    if report.skipped.counts:
        sys.stderr.write(f"{command}: archive records skipped: {report.skipped.summary()}\n")
    if report.damaged:
        sys.stderr.write(f"{command}: {report.damaged} archive record(s) could not be read (see above)\n")
    if failures:
        sys.stderr.write(f"{command}: {failures} of {items} article(s) {what} (see above)\n")
    return 1 if failures or report.damaged else 0


__all__ = ["finish_inputs", "settings_from"]
