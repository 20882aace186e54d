"""Revision 5: `reprocess_runs`, where `newsflow store reprocess` keeps how far each run has got.

Frozen here: this revision's table, not the current schema's.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table (empty: no run has started)."""
    op.create_table(
        "reprocess_runs",
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("last_id", sa.Text),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        *(
            sa.Column(name, sa.Integer, nullable=False)
            for name in ("articles", "written", "failed", "speaker_changed", "quotes_added", "quotes_removed")
        ),
    )


def downgrade() -> None:
    """Drop it (runs under way start again from their first article)."""
    op.drop_table("reprocess_runs")
