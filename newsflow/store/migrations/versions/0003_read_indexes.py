"""Revision 3: the read side's covering indexes (as they were at this revision; 0004 replaces them).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (name, table, columns): fixed here, not read from the current schema, so the revision never changes
INDEXES = (
    ("ix_articles_cover", "articles", ["id", "published_at", "stored_at", "source", "story_id"]),
    ("ix_quotes_article_cover", "quotes", ["article_id", "speaker_actor_id", "story_id", "quote_key"]),
    ("ix_quotes_speaker_story_key", "quotes", ["speaker_actor_id", "story_id", "quote_key"]),
)


def upgrade() -> None:
    """Create the read-side indexes."""
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    """Drop them."""
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
