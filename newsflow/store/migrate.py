"""Runs the store's Alembic migrations programmatically: `upgrade_store(url)` (sink start, `newsflow store upgrade`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from newsflow.store.engine import make_engine, writing

SCRIPT_LOCATION = "newsflow.store:migrations"
# Sinks started together upgrade one after another: a transaction-scoped advisory lock on PostgreSQL
# (SQLite's own write lock serialises them there).
MIGRATION_LOCK_ID = 0x6E66_5354  # "nfST"


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini)."""
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


def head_revision() -> str:
    """The newest revision the package ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The store's revision (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_engine(engine: Engine, revision: str = "head") -> str | None:
    """Run the pending migrations up to `revision` on `engine`; returns the store's revision after."""
    cfg = alembic_config()
    with writing(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return current_revision(engine)


def upgrade_store(url: str, revision: str = "head") -> str | None:
    """Run the pending migrations of the store at `url`; returns its revision after."""
    engine = make_engine(url)
    try:
        return upgrade_engine(engine, revision)
    finally:
        engine.dispose()


__all__ = ["SCRIPT_LOCATION", "alembic_config", "head_revision", "current_revision", "upgrade_engine", "upgrade_store"]
