"""The store's tables: one SQLAlchemy Core definition for PostgreSQL and SQLite.

Dialect-specific parts are DDL events: PostgreSQL gets a generated `tsvector` column on
`quotes` with a GIN index, SQLite an FTS5 table `quotes_fts` kept in step by triggers.
Both full-text indexes use English stemming (`english` / `porter`); queries must too.
Timestamps are naive UTC. Migrations (newsflow/store/migrations) build the same tables.

The rows of an article (its entity links, its quotes) carry no foreign keys: the writer
deletes and rewrites them with their article in one transaction, and the per-row checks
cost a fifth of PostgreSQL's write time (benchmarks/store_speed.py). `articles.story_id`
keeps its key to `stories`.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

JSONType = JSON().with_variant(JSONB(), "postgresql")

FTS_CONFIG = "english"  # PostgreSQL text search configuration of quotes.text_tsv
SQLITE_FTS_TABLE = "quotes_fts"

stories = Table(
    "stories",
    metadata,
    Column("id", Text, primary_key=True),  # the dedup cluster_id
    Column("first_article_id", Text, nullable=False),
    Column("first_outlet", Text),
    Column("first_published_at", DateTime),
    Column("copies", Integer, nullable=False, default=0),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Text, primary_key=True),
    Column("title", Text),
    Column("url", Text),
    Column("source", Text),  # the outlet: source, else site_name, else the URL's host
    Column("published_at", DateTime),
    Column("stored_at", DateTime, nullable=False),
    Column("language", Text),
    Column("site_name", Text),
    Column("canonical_url", Text),
    Column("authors", JSONType),
    Column("text", Text, nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("story_id", Text, ForeignKey("stories.id")),
    Column("dedup_status", Text),
    Column("duplicate_of", Text),
    Column("similarity", Float),
    Column("content_hash", Text, nullable=False),  # sha1 of the event without its trace: re-delivery is a no-op
    Column("event", JSONType, nullable=False),
    Index("ix_articles_story_id", "story_id"),
    Index("ix_articles_published_at", "published_at"),
    Index("ix_articles_source_published_at", "source", "published_at"),
)
# an article's time is published_at, else stored_at (seeds and BBC have no dates): since/until filter on it
Index("ix_articles_time", func.coalesce(articles.c.published_at, articles.c.stored_at))
Index("ix_articles_source_time", articles.c.source, func.coalesce(articles.c.published_at, articles.c.stored_at))

actors = Table(
    "actors",
    metadata,
    Column("id", Text, primary_key=True),  # actor_id(label, name)
    Column("name", Text, nullable=False),
    Column("label", Text, nullable=False),
    Index("ix_actors_name", "name"),
)
Index("ix_actors_name_lower", func.lower(actors.c.name))  # name lookups are case-insensitive

actor_aliases = Table(
    "actor_aliases",
    metadata,
    Column("actor_id", Text, primary_key=True),
    Column("alias", Text, primary_key=True),
    Index("ix_actor_aliases_alias", "alias"),
)
Index("ix_actor_aliases_alias_lower", func.lower(actor_aliases.c.alias))

article_entities = Table(
    "article_entities",
    metadata,
    Column("article_id", Text, primary_key=True),
    Column("actor_id", Text, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("mentions", JSONType),
    Index("ix_article_entities_actor_id", "actor_id"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", Text, primary_key=True),  # article_id + ":" + idx
    Column("article_id", Text, nullable=False),
    Column("story_id", Text),
    Column("idx", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("quote_key", Text, nullable=False),  # quote_key(text): one quote across a story's copies
    Column("speaker", Text),
    Column("speaker_actor_id", Text),  # actors.id when the speaker is an entity's canonical name
    Column("speaker_label", Text),
    Column("cue", Text),
    Column("kind", Text),
    Column("start", Integer),
    Column("end", Integer),
    # schema v3 (issue 18); null for v2 events. Added by migration 0002.
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("rule", Text),
    Column("confidence", Float),
    Index("ix_quotes_article_id", "article_id"),
    Index("ix_quotes_speaker_actor_id", "speaker_actor_id"),
    Index("ix_quotes_speaker", "speaker"),
    Index("ix_quotes_story_key", "story_id", "quote_key"),
)
Index("ix_quotes_speaker_lower", func.lower(quotes.c.speaker))

# --- full text, per dialect -------------------------------------------------------------------

POSTGRES_FTS_DDL = (
    f"ALTER TABLE quotes ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS (to_tsvector('{FTS_CONFIG}', text)) STORED",
    "CREATE INDEX ix_quotes_text_tsv ON quotes USING GIN (text_tsv)",
)

SQLITE_FTS_DDL = (
    f"CREATE VIRTUAL TABLE {SQLITE_FTS_TABLE} USING fts5(text, content='quotes', content_rowid='rowid', "
    "tokenize='porter unicode61')",
    f"CREATE TRIGGER quotes_fts_ai AFTER INSERT ON quotes BEGIN "
    f"INSERT INTO {SQLITE_FTS_TABLE}(rowid, text) VALUES (new.rowid, new.text); END",
    f"CREATE TRIGGER quotes_fts_ad AFTER DELETE ON quotes BEGIN "
    f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}, rowid, text) VALUES ('delete', old.rowid, old.text); END",
    f"CREATE TRIGGER quotes_fts_au AFTER UPDATE ON quotes BEGIN "
    f"INSERT INTO {SQLITE_FTS_TABLE}({SQLITE_FTS_TABLE}, rowid, text) VALUES ('delete', old.rowid, old.text); "
    f"INSERT INTO {SQLITE_FTS_TABLE}(rowid, text) VALUES (new.rowid, new.text); END",
)


def full_text_ddl(dialect: str) -> tuple[str, ...]:
    """The statements that add the quotes' full-text index on `dialect` ("postgresql" or "sqlite")."""
    if dialect == "postgresql":
        return POSTGRES_FTS_DDL
    if dialect == "sqlite":
        return SQLITE_FTS_DDL
    return ()


__all__ = [
    "metadata",
    "stories",
    "articles",
    "actors",
    "actor_aliases",
    "article_entities",
    "quotes",
    "FTS_CONFIG",
    "SQLITE_FTS_TABLE",
    "full_text_ddl",
]
