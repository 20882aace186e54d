"""Revision 1: articles, stories, actors and aliases, article entities, quotes (schema v2 events), full text.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
# the full text as this revision made it (fixed here; revision 0004 adds time lexemes on PostgreSQL)
FULL_TEXT_DDL = {
    "postgresql": (
        "ALTER TABLE quotes ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
        "CREATE INDEX ix_quotes_text_tsv ON quotes USING GIN (text_tsv)",
    ),
    "sqlite": (
        "CREATE VIRTUAL TABLE quotes_fts USING fts5(text, content='quotes', content_rowid='rowid', "
        "tokenize='porter unicode61')",
        "CREATE TRIGGER quotes_fts_ai AFTER INSERT ON quotes BEGIN "
        "INSERT INTO quotes_fts(rowid, text) VALUES (new.rowid, new.text); END",
        "CREATE TRIGGER quotes_fts_ad AFTER DELETE ON quotes BEGIN "
        "INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.rowid, old.text); END",
        "CREATE TRIGGER quotes_fts_au AFTER UPDATE ON quotes BEGIN "
        "INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.rowid, old.text); "
        "INSERT INTO quotes_fts(rowid, text) VALUES (new.rowid, new.text); END",
    ),
}


def upgrade() -> None:
    """Create the tables of schema v2 events and the quotes' full-text index."""
    op.create_table(
        "stories",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("first_article_id", sa.Text, nullable=False),
        sa.Column("first_outlet", sa.Text),
        sa.Column("first_published_at", sa.DateTime),
        sa.Column("copies", sa.Integer, nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("published_at", sa.DateTime),
        sa.Column("stored_at", sa.DateTime, nullable=False),
        sa.Column("language", sa.Text),
        sa.Column("site_name", sa.Text),
        sa.Column("canonical_url", sa.Text),
        sa.Column("authors", JSONType),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("story_id", sa.Text, sa.ForeignKey("stories.id")),
        sa.Column("dedup_status", sa.Text),
        sa.Column("duplicate_of", sa.Text),
        sa.Column("similarity", sa.Float),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("event", JSONType, nullable=False),
    )
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_index("ix_articles_source_published_at", "articles", ["source", "published_at"])
    op.create_index("ix_articles_time", "articles", [sa.text("coalesce(published_at, stored_at)")])
    op.create_index("ix_articles_source_time", "articles", ["source", sa.text("coalesce(published_at, stored_at)")])
    op.create_table(
        "actors",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
    )
    op.create_index("ix_actors_name", "actors", ["name"])
    op.create_index("ix_actors_name_lower", "actors", [sa.text("lower(name)")])
    op.create_table(
        "actor_aliases",
        sa.Column("actor_id", sa.Text, primary_key=True),
        sa.Column("alias", sa.Text, primary_key=True),
    )
    op.create_index("ix_actor_aliases_alias", "actor_aliases", ["alias"])
    op.create_index("ix_actor_aliases_alias_lower", "actor_aliases", [sa.text("lower(alias)")])
    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.Text, primary_key=True),
        sa.Column("actor_id", sa.Text, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("mentions", JSONType),
    )
    op.create_index("ix_article_entities_actor_id", "article_entities", ["actor_id"])
    op.create_table(
        "quotes",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("article_id", sa.Text, nullable=False),
        sa.Column("story_id", sa.Text),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("quote_key", sa.Text, nullable=False),
        sa.Column("speaker", sa.Text),
        sa.Column("speaker_actor_id", sa.Text),
        sa.Column("speaker_label", sa.Text),
        sa.Column("cue", sa.Text),
        sa.Column("kind", sa.Text),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
    )
    op.create_index("ix_quotes_article_id", "quotes", ["article_id"])
    op.create_index("ix_quotes_speaker_actor_id", "quotes", ["speaker_actor_id"])
    op.create_index("ix_quotes_speaker", "quotes", ["speaker"])
    op.create_index("ix_quotes_story_key", "quotes", ["story_id", "quote_key"])
    op.create_index("ix_quotes_speaker_lower", "quotes", [sa.text("lower(speaker)")])
    for statement in FULL_TEXT_DDL.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def downgrade() -> None:
    """Drop every table of revision 1."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS quotes_fts")
    for table in ("quotes", "article_entities", "actor_aliases", "actors", "articles", "stories"):
        op.drop_table(table)
