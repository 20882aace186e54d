"""The store: enriched events kept in PostgreSQL or SQLite (schema, migrations, writer, queries)."""
