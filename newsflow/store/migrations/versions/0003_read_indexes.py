"""Revision 3: the read side's covering indexes (newsflow/store/read_indexes.py).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from newsflow.store.read_indexes import READ_INDEXES

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the read-side indexes."""
    bind = op.get_bind()
    for index in READ_INDEXES:
        index.create(bind)


def downgrade() -> None:
    """Drop them."""
    bind = op.get_bind()
    for index in reversed(READ_INDEXES):
        index.drop(bind)
