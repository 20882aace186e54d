"""The store's commands of `newsflow`: `sink` (also `worker sink`), `store upgrade`, `store status`."""

from __future__ import annotations

import argparse
import sys

from shared.core.settings import Settings


def cmd_sink(args: argparse.Namespace) -> int:
    """Run one sink worker (articles.enriched into NEWSFLOW_STORE_URL) until SIGTERM."""
    from newsflow.runners.sink_worker import run_sink

    run_sink(Settings.from_env(), loglevel=getattr(args, "loglevel", "info"))
    return 0


def cmd_store(args: argparse.Namespace) -> int:
    """`store upgrade`: run pending migrations; `store status`: the store's revision and the newest.

    A store that cannot be made or reached raises StoreUnavailable (one line naming it; see `main`)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from newsflow.store.engine import check_sqlite_file, make_engine, store_url, unavailable
    from newsflow.store.migrate import current_revision, head_revision, upgrade_engine

    url = store_url(args.url or Settings.from_env().store_url)
    check_sqlite_file(url)
    engine = make_engine(url)
    try:
        if args.action == "upgrade":
            before = current_revision(engine)
            after = upgrade_engine(engine, args.revision)
            print(f"store at revision {after} (was {before or 'empty'})")
            return 0
        current, head = current_revision(engine), head_revision()
        print(f"store revision: {current or 'empty'}; newest: {head}")
        return 0 if current == head else 3
    except SQLAlchemyError as err:
        raise unavailable(url, err) from err
    except CommandError as err:  # alembic: no such revision
        raise ValueError(f"--revision {args.revision}: {err}") from err
    finally:
        engine.dispose()


def register(sub: argparse._SubParsersAction) -> None:
    """Add `sink` and `store` to the `newsflow` parser."""
    sk = sub.add_parser("sink", help="run one sink worker: articles.enriched into the store (NEWSFLOW_STORE_URL)")
    sk.add_argument("--loglevel", default="info")
    sk.set_defaults(func=cmd_sink)

    st = sub.add_parser("store", help="the store's schema: upgrade (migrations) or status")
    st.add_argument("action", choices=["upgrade", "status"])
    st.add_argument("--url", default=None, help="store URL or SQLite file (default NEWSFLOW_STORE_URL)")
    st.add_argument("--revision", default="head", help="upgrade up to this revision (default: the newest)")
    st.set_defaults(func=cmd_store)


def write_dead(letters, out=sys.stderr) -> int:
    """Print store dead letters as `newsflow run` prints its others; returns how many."""
    import orjson

    for letter in letters:
        out.write(
            orjson.dumps({"origin": letter.source, "stage": letter.stage, "error": letter.reason}).decode() + "\n"
        )
    return len(letters)


__all__ = ["cmd_sink", "cmd_store", "register", "write_dead"]
