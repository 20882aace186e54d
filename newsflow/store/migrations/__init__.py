"""Alembic migrations of the store (run by newsflow.store.migrate; no alembic.ini needed)."""
