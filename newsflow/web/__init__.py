"""The HTTP side: the store's JSON API, its token check, the search pages and their charts, the live dashboard."""
