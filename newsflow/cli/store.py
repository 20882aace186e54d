"""The store's commands of `newsflow`: `sink` (also `worker sink`), `store upgrade`, `store status`, `store reprocess`."""

from __future__ import annotations

import argparse
import sys

from newsflow.cli.reprocess import add_arguments, reprocess
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
        if args.action == "reprocess":
            return reprocess(args, engine)
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


REPROCESS_HELP = """\
Runs the stages again on the stored articles of a window (--since, --until, --outlet; default all) and upserts
them: normalize where an article kept a body that is not its text, then entities and quotes; dedup's verdict
stays as stored. Articles go in batches (--batch, in id order), over --jobs processes as `newsflow run --jobs`.
Prints the articles reprocessed and the quotes whose speaker changed (also added and removed quotes), with a
progress bar on a terminal (else a line per batch on stderr). Progress is kept in the store in each batch's
transaction: a run stopped or killed continues where it stopped when run again; a finished run with the same
model and rules does nothing unless --force. Exit 1 when a stage refused an article (kept as stored)."""
STORE_EPILOG = """\
reprocess: after a model or its rules improve, runs normalize, entities and quotes again on the stored articles
(of a window: --since, --until, --outlet) from their stored bodies and upserts them, in batches over --jobs
processes; prints how many quotes changed speaker. Its progress is kept in the store, so a run stopped or
killed resumes where it stopped, and a finished run with the same model does nothing unless --force.
`newsflow store reprocess --help` says more.

examples:
  newsflow store upgrade --url news.db
  newsflow store status --url "$NEWSFLOW_STORE_URL"
  newsflow store reprocess --store news.db --since 2024-01-01 --until 2024-12-31 --jobs 2
"""


def register(sub: argparse._SubParsersAction) -> None:
    """Add `sink` and `store` to the `newsflow` parser."""
    sk = sub.add_parser("sink", help="run one sink worker: articles.enriched into the store (NEWSFLOW_STORE_URL)")
    sk.add_argument("--loglevel", default="info")
    sk.set_defaults(func=cmd_sink)

    st = sub.add_parser(
        "store",
        help="the store: upgrade (migrations), status, reprocess (the stages again on stored articles)",
        description="The store's schema, and its articles run again through a newer model.",
        epilog=STORE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = st.add_subparsers(dest="action", required=True, metavar="{upgrade,status,reprocess}")
    up = actions.add_parser("upgrade", help="run pending migrations")
    up.add_argument("--revision", default="head", help="upgrade up to this revision (default: the newest)")
    status = actions.add_parser("status", help="the store's revision and the newest (exit 3 when behind)")
    rp = actions.add_parser(
        "reprocess",
        help="run normalize, entities and quotes again on stored articles and upsert them",
        description=REPROCESS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(rp)
    for p in (up, status, rp):
        p.add_argument(
            "--url", "--store", dest="url", default=None, help="store URL or SQLite file (default NEWSFLOW_STORE_URL)"
        )
        p.set_defaults(func=cmd_store)


def write_dead(letters, out=sys.stderr) -> int:
    """Print store dead letters as `newsflow run` prints its others; returns how many."""
    import orjson

    for letter in letters:
        out.write(
            orjson.dumps({"origin": letter.source, "stage": letter.stage, "error": letter.reason}).decode() + "\n"
        )
    return len(letters)


__all__ = ["cmd_sink", "cmd_store", "register", "write_dead"]
