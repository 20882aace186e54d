"""`newsflow stack up|down|status`: the local Kafka, Redis and PostgreSQL, without Docker."""

from __future__ import annotations

import argparse
import os
import sys

from shared.core.settings import Settings


def cmd_stack(args: argparse.Namespace) -> int:
    """Start, stop or show the local Kafka broker and Redis."""
    from newsflow.devstack.stack import LocalStack, StackConfig, StackError

    try:
        config = StackConfig.from_env().with_brokers(args.brokers)
    except StackError as err:
        sys.stderr.write(f"newsflow stack {args.action}: {err}\n")
        return 2
    stack = LocalStack(config)
    try:
        if args.action == "up":
            exports = stack.up()
            if stack.kafka_start_s:
                sys.stderr.write(f"kafka broker up in {stack.kafka_start_s:.1f}s; redis up\n")
            from shared.adapters.kafka import ensure_topics, wait_for_broker

            settings = Settings.from_env(dict(os.environ, **exports))
            wait_for_broker(settings)
            ensure_topics(settings)
            for k, v in exports.items():
                print(f"export {k}={v}")
        elif args.action == "down":
            stack.down()
            print("stack stopped")
        else:
            status = stack.status()
            for name, ok in status.items():
                print(f"{name}: {'up' if ok else 'down'}")
            for k, v in stack.exports().items():
                print(f"export {k}={v}")
            return 0 if all(status.values()) else 3
    except StackError as err:
        sys.stderr.write(f"newsflow stack {args.action}: {err}\n")
        return 1
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `stack` to the `newsflow` parser."""
    s = sub.add_parser("stack", help="local Kafka (KRaft) and Redis without Docker")
    s.add_argument("action", choices=["up", "down", "status"])
    s.add_argument(
        "--brokers",
        type=int,
        default=None,
        help="Kafka nodes (3: a replicated KRaft cluster); down/status: those of the last up",
    )
    s.set_defaults(func=cmd_stack)


__all__ = ["cmd_stack", "register"]
