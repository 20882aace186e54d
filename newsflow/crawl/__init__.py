"""`newsflow crawl`: articles from publishers' feeds and sitemaps, fetched politely, each emitted once."""
