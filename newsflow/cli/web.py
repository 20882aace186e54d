"""The web commands of `newsflow`: `dashboard` (the live page, with the store's pages) and `serve` (the store's only)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from newsflow.cli.common import settings_from
from shared.core.settings import Settings


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Serve the web page that follows articles.enriched live, with per-stage throughput and lag."""
    from newsflow.web.dashboard.server import run_dashboard

    settings = settings_from(args)
    overrides = {k: v for k, v in (("dashboard_host", args.host), ("dashboard_port", args.port)) if v is not None}
    if overrides:
        settings = replace(settings, **overrides)
    if settings.log_format.lower() == "json":
        import logging.config

        from shared.adapters.observability.logjson import logging_config

        logging.config.dictConfig(logging_config(settings.log_level, {"component": "dashboard"}))
    sys.stderr.write(
        f"newsflow dashboard: http://{settings.dashboard_host}:{settings.dashboard_port}/ "
        f"following {settings.topics.enriched}\n"
    )
    run_dashboard(settings)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the store's JSON API and search pages (no Kafka) until SIGTERM/SIGINT."""
    from aiohttp import web

    from newsflow.web.app import build_api_app

    settings = Settings.from_env()
    if args.store:
        settings = replace(settings, store_url=args.store)
    host = args.host or settings.dashboard_host
    port = args.port if args.port is not None else settings.dashboard_port
    app = build_api_app(settings)
    auth = "token required" if settings.api_token else "no token (NEWSFLOW_API_TOKEN unset)"
    sys.stderr.write(f"newsflow serve: http://{host}:{port}/search and /api/... ({auth})\n")
    web.run_app(app, host=host, port=port, print=None, access_log=None)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `dashboard` and `serve` to the `newsflow` parser."""
    d = sub.add_parser("dashboard", help="web page following articles.enriched live, with stage throughput and lag")
    d.add_argument("--host", default=None, help="address to listen on (NEWSFLOW_DASHBOARD_HOST)")
    d.add_argument("--port", type=int, default=None, help="port to listen on (NEWSFLOW_DASHBOARD_PORT)")
    d.set_defaults(func=cmd_dashboard)

    s = sub.add_parser("serve", help="the store's JSON API and search pages over HTTP (loopback by default)")
    s.add_argument("--store", default=None, help="SQLite file or database URL (default NEWSFLOW_STORE_URL)")
    s.add_argument("--host", default=None, help="address to listen on (NEWSFLOW_DASHBOARD_HOST)")
    s.add_argument("--port", type=int, default=None, help="port (NEWSFLOW_DASHBOARD_PORT)")
    s.set_defaults(func=cmd_serve)


__all__ = ["cmd_dashboard", "cmd_serve", "register"]
