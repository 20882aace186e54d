"""The indexes the read side needs (newsflow/store/queries.py), on the writer's tables; migration 0003 builds them.

Defined on the tables of `schema`, so `metadata.create_all` has them too. Measured with
benchmarks/store_queries.py on a 100,000-article store (docs/scaling.md): covering indexes, so
that grouping quotes by story and speaker and joining them to their article's time and outlet
never reads the wide article rows (their text and whole event).
"""

from __future__ import annotations

from sqlalchemy import Index

from newsflow.store.schema import articles, quotes

# (the name lookups' lower() indexes and the article time's coalesce() index are in schema.py and revision 1)
READ_INDEXES = (
    Index(
        "ix_articles_cover",
        articles.c.id,
        articles.c.published_at,
        articles.c.stored_at,
        articles.c.source,
        articles.c.story_id,
    ),
    Index(
        "ix_quotes_article_cover", quotes.c.article_id, quotes.c.speaker_actor_id, quotes.c.story_id, quotes.c.quote_key
    ),
    Index("ix_quotes_speaker_story_key", quotes.c.speaker_actor_id, quotes.c.story_id, quotes.c.quote_key),
)

__all__ = ["READ_INDEXES"]
