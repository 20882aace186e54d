"""What every `newsflow` command shares: its settings, read once from the environment, with the flags over them."""

from __future__ import annotations

import argparse
from dataclasses import replace

from shared.core.settings import Settings


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


__all__ = ["settings_from"]
