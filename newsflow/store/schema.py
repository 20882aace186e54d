"""The store's tables: one SQLAlchemy Core definition for PostgreSQL and SQLite.

Dialect-specific parts are DDL events: PostgreSQL gets a generated `tsvector` column on
`quotes` (its words, and lexemes of its article's day, month and year) with a GIN index, SQLite an
FTS5 table `quotes_fts` kept in step by triggers.
Both full-text indexes use English stemming (`english` / `porter`); queries must too.
Timestamps are naive UTC. Migrations (newsflow/store/migrations) build the same tables.

The rows of an article (its entity links, its quotes) carry no foreign keys: the writer
deletes and rewrites them with their article in one transaction, and the per-row checks
cost a fifth of PostgreSQL's write time (benchmarks/store_speed.py). `articles.story_id`
keeps its key to `stories`.

Read side (revision 0004, docs/scaling.md "Store queries"): a quote row and an entity link carry
their article's time (`article_time`: published, else stored) and outlet, so that lists newest first
are one index range each, and the rollups of newsflow/store/rollups.py hold the counts that would
otherwise take a scan of every quote.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
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
    # PostgreSQL `json` (kept as given, only checked), not `jsonb`: an archive, never queried inside, and half
    # the sink's time per article to store; its text and the event are lz4-compressed (revision 0004)
    Column("event", JSON, nullable=False),
    Index("ix_articles_story_id", "story_id"),
)

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
    Column("count", Integer, nullable=False),  # its mentions (texts, offsets) are in the article's event
    # the article's time (published, else stored) and outlet (revision 0004): newest mentions first by index
    Column("article_time", DateTime),
    Column("outlet", Text),
    Index("ix_article_entities_actor_time", "actor_id", "article_time"),
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
    # the article's time (published, else stored) and outlet (revision 0004): what lists filter and sort on
    Column("article_time", DateTime),
    Column("outlet", Text),
    Index("ix_quotes_article_id", "article_id"),
    Index("ix_quotes_story_key", "story_id", "quote_key"),
    Index("ix_quotes_time", "article_time"),
    Index("ix_quotes_speaker_text_time", "speaker", "article_time"),
)
# an actor's quotes newest first (ties by id: one order every page of a list can continue from)
Index(
    "ix_quotes_actor_time",
    quotes.c.speaker_actor_id,
    quotes.c.article_time,
    quotes.c.id,
    postgresql_where=quotes.c.speaker_actor_id.isnot(None),
    sqlite_where=quotes.c.speaker_actor_id.isnot(None),
)

# --- rollups (newsflow/store/rollups.py keeps them in the writer's transaction) ---------------------
# One quote is (speaker actor, story, quote key). `outlet` is '' for an article without one.

speaker_days = Table(
    "speaker_days",
    metadata,
    Column("actor_id", Text, primary_key=True),
    Column("day", Date, primary_key=True),  # the UTC day of the quote's first copy
    Column("quotes", Integer, nullable=False),
    Index("ix_speaker_days_day", "day", "actor_id", "quotes"),
    sqlite_with_rowid=False,
)

speaker_outlet_days = Table(
    "speaker_outlet_days",
    metadata,
    Column("actor_id", Text, primary_key=True),
    Column("day", Date, primary_key=True),  # the UTC day of the quote's first copy in this outlet
    Column("outlet", Text, primary_key=True),
    Column("quotes", Integer, nullable=False),
    Index("ix_speaker_outlet_days_outlet", "outlet", "day", "actor_id", "quotes"),
    sqlite_with_rowid=False,
)

speaker_totals = Table(
    "speaker_totals",
    metadata,
    Column("actor_id", Text, primary_key=True),
    Column("quotes", Integer, nullable=False),
    sqlite_with_rowid=False,
)
Index("ix_speaker_totals_quotes", speaker_totals.c.quotes.desc(), speaker_totals.c.actor_id)  # the top, in order

speaker_outlets = Table(
    "speaker_outlets",
    metadata,
    Column("actor_id", Text, primary_key=True),
    Column("outlet", Text, primary_key=True),
    Column("quotes", Integer, nullable=False),
    sqlite_with_rowid=False,
)
Index(
    "ix_speaker_outlets_outlet", speaker_outlets.c.outlet, speaker_outlets.c.quotes.desc(), speaker_outlets.c.actor_id
)

speaker_mentions = Table(
    "speaker_mentions",
    metadata,
    Column("actor_id", Text, primary_key=True),  # the quoted actor
    Column("other_id", Text, primary_key=True),  # a person, organisation or place its articles mention
    Column("stories", Integer, nullable=False),
    sqlite_with_rowid=False,
)

ROLLUPS = (speaker_days, speaker_outlet_days, speaker_totals, speaker_outlets, speaker_mentions)

# --- reprocess (newsflow store reprocess): how far a run over the stored articles has got ------------
# One row per scope (the articles a run covers): the stages' version it runs with, the last article done (in id
# order) and what it did so far, written in the transaction of each batch's upserts (revision 0005).

reprocess_runs = Table(
    "reprocess_runs",
    metadata,
    Column("scope", Text, primary_key=True),  # since, until and outlet (newsflow.store.reprocess.Scope.key)
    Column("version", Text, nullable=False),  # the model and stages it runs with
    Column("last_id", Text),  # the last article done; null: none yet
    Column("started_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("finished_at", DateTime),  # null while under way
    Column("articles", Integer, nullable=False),  # done so far (written, unchanged or refused by a stage)
    Column("written", Integer, nullable=False),  # whose rows changed
    Column("failed", Integer, nullable=False),  # a stage refused them now: kept as stored
    Column("speaker_changed", Integer, nullable=False),  # quotes (of the same words) whose speaker changed
    Column("quotes_added", Integer, nullable=False),
    Column("quotes_removed", Integer, nullable=False),
)

# --- full text, per dialect -------------------------------------------------------------------

# Besides its words, a quote's tsvector holds three lexemes of its article's day, month and year
# ('t|d20240304', 't|m202403', 't|y2024'; no word the English parser makes has a '|'), so that a search can
# ask the GIN index for the matches of one day, month or year (newsflow.store.queries._newest_groups_by_time),
# not read every match of a common word. Revision 0004 made the column so; revision 1 had the words only.
TIME_LEXEMES = (
    "array_to_tsvector(ARRAY["
    "coalesce('t|d' || (date_part('year', article_time) * 10000 + date_part('month', article_time) * 100"
    " + date_part('day', article_time))::int::text, 't|d'), "
    "coalesce('t|m' || (date_part('year', article_time) * 100 + date_part('month', article_time))::int::text, 't|m'), "
    "coalesce('t|y' || date_part('year', article_time)::int::text, 't|y')])"
)
POSTGRES_FTS_DDL = (
    f"ALTER TABLE quotes ADD COLUMN text_tsv tsvector GENERATED ALWAYS AS "
    f"(to_tsvector('{FTS_CONFIG}', text) || {TIME_LEXEMES}) STORED",
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
    "speaker_days",
    "speaker_outlet_days",
    "speaker_totals",
    "speaker_outlets",
    "speaker_mentions",
    "ROLLUPS",
    "reprocess_runs",
    "FTS_CONFIG",
    "SQLITE_FTS_TABLE",
    "full_text_ddl",
]
