"""Revision 2: the quote fields of schema v3 events (issue 18): speaker_start, speaker_end, rule, confidence.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = (
    ("speaker_start", sa.Integer),
    ("speaker_end", sa.Integer),
    ("rule", sa.Text),
    ("confidence", sa.Float),
)


def upgrade() -> None:
    """Add the v3 quote columns (null for quotes of v2 events)."""
    for name, kind in COLUMNS:
        op.add_column("quotes", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    """Drop the v3 quote columns."""
    for name, _ in reversed(COLUMNS):
        op.drop_column("quotes", name)
