"""`newsflow dashboard`: a web page following articles.enriched live.

- `store`: the articles seen, bounded, upserted by id, with a version number;
- `render`: an enriched event as HTML (entities highlighted by type, quotes with their
  speakers) and duplicate clusters grouped;
- `charts`: per-stage throughput and lag as inline SVG (no scripts from anywhere else);
- `stats`: per-stage committed offsets and lag from the consumer groups (kafka-python admin);
- `follow`: a kafka-python consumer thread feeding the store;
- `server`: the aiohttp app serving the page, its static files and a JSON snapshot API.
"""
