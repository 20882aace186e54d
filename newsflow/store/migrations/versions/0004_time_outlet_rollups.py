"""Revision 4: the article's time and outlet on quote and entity rows, and the rollups (issue 30).

Quotes and entity links get `article_time` (published, else stored) and `outlet`, filled from their
article; an entity link's `mentions` go (the article's event has them, texts and offsets), and so do the
actors, aliases and links of values (dates, amounts, counts: newsflow.store.rows.VALUE_LABELS); on
PostgreSQL the event is `json` (checked, not parsed into `jsonb`: never queried inside), an article's
text and event are lz4-compressed (together half the sink's server time per article), and a quote's
tsvector gets lexemes of its article's day, month and year (a search reads one slice of time in the GIN index);
the indexes that lists read newest first replace the covering indexes of revision 3; the
rollup tables (newsflow/store/rollups.py) are created and filled from the stored quotes, so an
existing store's rollups are up to date when the upgrade commits. Frozen here: this revision's
tables and SQL, not the current schema's.

Revision ID: 0004
Revises: 0003
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DROPPED: tuple[tuple[str, str, list[Any]], ...] = (
    ("ix_articles_published_at", "articles", ["published_at"]),
    ("ix_articles_source_published_at", "articles", ["source", "published_at"]),
    ("ix_articles_time", "articles", [sa.text("coalesce(published_at, stored_at)")]),
    ("ix_articles_source_time", "articles", ["source", sa.text("coalesce(published_at, stored_at)")]),
    ("ix_articles_cover", "articles", ["id", "published_at", "stored_at", "source", "story_id"]),
    ("ix_quotes_speaker_actor_id", "quotes", ["speaker_actor_id"]),
    ("ix_quotes_speaker", "quotes", ["speaker"]),
    ("ix_quotes_speaker_lower", "quotes", [sa.text("lower(speaker)")]),
    ("ix_quotes_article_cover", "quotes", ["article_id", "speaker_actor_id", "story_id", "quote_key"]),
    ("ix_quotes_speaker_story_key", "quotes", ["speaker_actor_id", "story_id", "quote_key"]),
    ("ix_article_entities_actor_id", "article_entities", ["actor_id"]),
)
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
VALUE_LABELS = "'DATE', 'TIME', 'MONEY', 'PERCENT', 'QUANTITY', 'CARDINAL', 'ORDINAL'"
TIME_LEXEMES = (
    "array_to_tsvector(ARRAY["
    "coalesce('t|d' || (date_part('year', article_time) * 10000 + date_part('month', article_time) * 100"
    " + date_part('day', article_time))::int::text, 't|d'), "
    "coalesce('t|m' || (date_part('year', article_time) * 100 + date_part('month', article_time))::int::text, 't|m'), "
    "coalesce('t|y' || date_part('year', article_time)::int::text, 't|y')])"
)
MENTION_LABELS = "'PERSON', 'ORG', 'GPE', 'LOC', 'FAC'"


def _day(dialect: str, column: str) -> str:
    return f"CAST({column} AS date)" if dialect == "postgresql" else f"date({column})"


def _fill(dialect: str) -> list[str]:
    groups = (
        "SELECT speaker_actor_id AS actor_id, min(article_time) AS first FROM quotes "
        "WHERE speaker_actor_id IS NOT NULL GROUP BY speaker_actor_id, story_id, quote_key"
    )
    outlet_groups = (
        "SELECT speaker_actor_id AS actor_id, coalesce(outlet, '') AS outlet, min(article_time) AS first FROM quotes "
        "WHERE speaker_actor_id IS NOT NULL GROUP BY speaker_actor_id, story_id, quote_key, coalesce(outlet, '')"
    )
    day = _day(dialect, "first")
    return [
        f"INSERT INTO speaker_days (actor_id, day, quotes) SELECT actor_id, {day}, count(*) FROM ({groups}) g "
        f"GROUP BY actor_id, {day}",
        "INSERT INTO speaker_totals (actor_id, quotes) SELECT actor_id, sum(quotes) FROM speaker_days GROUP BY actor_id",
        f"INSERT INTO speaker_outlet_days (actor_id, day, outlet, quotes) SELECT actor_id, {day}, outlet, count(*) "
        f"FROM ({outlet_groups}) g GROUP BY actor_id, {day}, outlet",
        "INSERT INTO speaker_outlets (actor_id, outlet, quotes) SELECT actor_id, outlet, sum(quotes) "
        "FROM speaker_outlet_days GROUP BY actor_id, outlet",
        "INSERT INTO speaker_mentions (actor_id, other_id, stories) SELECT actor_id, other_id, count(*) FROM ("
        "SELECT DISTINCT s.actor_id, ae.actor_id AS other_id, s.story_id FROM (SELECT DISTINCT article_id, story_id, "
        "speaker_actor_id AS actor_id FROM quotes WHERE speaker_actor_id IS NOT NULL) s "
        "JOIN article_entities ae ON ae.article_id = s.article_id JOIN actors ac ON ac.id = ae.actor_id "
        f"WHERE ac.label IN ({MENTION_LABELS}) AND ae.actor_id <> s.actor_id) p GROUP BY actor_id, other_id",
    ]


def _backfill(dialect: str, table: str) -> str:
    if dialect == "postgresql":
        return (
            f"UPDATE {table} SET article_time = coalesce(a.published_at, a.stored_at), outlet = a.source "
            f"FROM articles a WHERE a.id = {table}.article_id"
        )
    return (
        f"UPDATE {table} SET (article_time, outlet) = (SELECT coalesce(a.published_at, a.stored_at), a.source "
        f"FROM articles a WHERE a.id = {table}.article_id)"
    )


def upgrade() -> None:
    """Time and outlet on quotes and entity links, the new read indexes, the rollups filled."""
    dialect = op.get_bind().dialect.name
    for name, table, _ in DROPPED:
        op.drop_index(name, table_name=table)
    op.drop_column("article_entities", "mentions")
    values = f"SELECT id FROM actors WHERE label IN ({VALUE_LABELS})"
    op.execute(f"DELETE FROM article_entities WHERE actor_id IN ({values})")
    op.execute(f"DELETE FROM actor_aliases WHERE actor_id IN ({values})")
    op.execute(f"DELETE FROM actors WHERE label IN ({VALUE_LABELS})")
    if dialect == "postgresql":  # lz4 for the values written from now on (and the events, rewritten as json)
        op.execute(
            "ALTER TABLE articles ALTER COLUMN text SET COMPRESSION lz4, ALTER COLUMN event SET COMPRESSION lz4, "
            "ALTER COLUMN event TYPE json USING event::json"
        )
    for table in ("quotes", "article_entities"):
        op.add_column(table, sa.Column("article_time", sa.DateTime, nullable=True))
        op.add_column(table, sa.Column("outlet", sa.Text, nullable=True))
        op.execute(_backfill(dialect, table))
    if dialect == "postgresql":  # the tsvector gets its article's day, month and year (schema.py)
        op.execute("ALTER TABLE quotes DROP COLUMN text_tsv")  # and its GIN index
        op.execute(
            "ALTER TABLE quotes ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text) || "
            f"{TIME_LEXEMES}) STORED"
        )
        op.execute("CREATE INDEX ix_quotes_text_tsv ON quotes USING GIN (text_tsv)")
    op.create_index("ix_quotes_time", "quotes", ["article_time"])
    op.create_index("ix_quotes_speaker_text_time", "quotes", ["speaker", "article_time"])
    op.create_index(
        "ix_quotes_actor_time",
        "quotes",
        ["speaker_actor_id", "article_time", "id"],
        postgresql_where=sa.text("speaker_actor_id IS NOT NULL"),
        sqlite_where=sa.text("speaker_actor_id IS NOT NULL"),
    )
    op.create_index("ix_article_entities_actor_time", "article_entities", ["actor_id", "article_time"])
    no_rowid = {"sqlite_with_rowid": False}
    op.create_table(
        "speaker_days",
        sa.Column("actor_id", sa.Text, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("quotes", sa.Integer, nullable=False),
        **no_rowid,
    )
    op.create_index("ix_speaker_days_day", "speaker_days", ["day", "actor_id", "quotes"])
    op.create_table(
        "speaker_outlet_days",
        sa.Column("actor_id", sa.Text, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("outlet", sa.Text, primary_key=True),
        sa.Column("quotes", sa.Integer, nullable=False),
        **no_rowid,
    )
    op.create_index("ix_speaker_outlet_days_outlet", "speaker_outlet_days", ["outlet", "day", "actor_id", "quotes"])
    op.create_table(
        "speaker_totals",
        sa.Column("actor_id", sa.Text, primary_key=True),
        sa.Column("quotes", sa.Integer, nullable=False),
        **no_rowid,
    )
    op.create_index("ix_speaker_totals_quotes", "speaker_totals", [sa.text("quotes DESC"), "actor_id"])
    op.create_table(
        "speaker_outlets",
        sa.Column("actor_id", sa.Text, primary_key=True),
        sa.Column("outlet", sa.Text, primary_key=True),
        sa.Column("quotes", sa.Integer, nullable=False),
        **no_rowid,
    )
    op.create_index("ix_speaker_outlets_outlet", "speaker_outlets", ["outlet", sa.text("quotes DESC"), "actor_id"])
    op.create_table(
        "speaker_mentions",
        sa.Column("actor_id", sa.Text, primary_key=True),
        sa.Column("other_id", sa.Text, primary_key=True),
        sa.Column("stories", sa.Integer, nullable=False),
        **no_rowid,
    )
    for statement in _fill(dialect):
        op.execute(statement)


def downgrade() -> None:
    """Back to revision 3: the rollups and the new columns and indexes dropped, the old indexes rebuilt (the
    entity links' mentions and the values' actors stay gone)."""
    for table in ("speaker_mentions", "speaker_outlets", "speaker_totals", "speaker_outlet_days", "speaker_days"):
        op.drop_table(table)
    op.drop_index("ix_article_entities_actor_time", table_name="article_entities")
    for name in ("ix_quotes_actor_time", "ix_quotes_speaker_text_time", "ix_quotes_time"):
        op.drop_index(name, table_name="quotes")
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:  # the tsvector depends on article_time: its words alone again
        op.execute("ALTER TABLE quotes DROP COLUMN text_tsv")
        op.execute(
            "ALTER TABLE quotes ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
        )
        op.execute("CREATE INDEX ix_quotes_text_tsv ON quotes USING GIN (text_tsv)")
    for table in ("quotes", "article_entities"):
        op.drop_column(table, "outlet")
        op.drop_column(table, "article_time")
    op.add_column("article_entities", sa.Column("mentions", JSONType, nullable=True))  # their values are gone
    if postgres:
        op.execute(
            "ALTER TABLE articles ALTER COLUMN text SET COMPRESSION pglz, ALTER COLUMN event SET COMPRESSION pglz, "
            "ALTER COLUMN event TYPE jsonb USING event::jsonb"
        )
    for name, table, columns in DROPPED:
        op.create_index(name, table, columns)
