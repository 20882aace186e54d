"""The store's web application: the JSON API, the search pages and the token check, as aiohttp routes for
`newsflow serve` (`build_api_app`) and `newsflow dashboard` (`add_store_routes` on the live page's app).
"""

from __future__ import annotations

import logging

from aiohttp import web

from newsflow.store.queries import StoreMissing, StoreReader, open_reader
from newsflow.web import pages
from newsflow.web.api import NO_STORE, READER, api_quotes, api_speaker, api_speakers, api_story, json_response
from newsflow.web.auth import TOKEN, login, require_token
from shared.core.settings import Settings

log = logging.getLogger("newsflow.api")
AGGREGATE_CACHE_S = 30.0  # top speakers, a whole-store aggregate, is recomputed at most this often


def add_store_routes(app: web.Application, settings: Settings, reader: StoreReader | None = None) -> None:
    """Add the API, the search pages and the token check to `app` (before it starts).

    The reader of `settings.store_url` is made here (nothing connects until the first query).
    """
    try:
        app[READER] = reader or open_reader(settings.store_url, aggregate_cache_s=AGGREGATE_CACHE_S)
    except StoreMissing as err:  # the page still serves; store routes answer 503 with the reason
        log.warning("no store: %s", err)
        app[NO_STORE] = str(err)
    if settings.api_token:
        app[TOKEN] = settings.api_token
    app.middlewares.append(require_token)
    app.router.add_get("/api/quotes", api_quotes)
    app.router.add_get("/api/speakers", api_speakers)
    app.router.add_get("/api/speakers/{actor_id}", api_speaker)
    app.router.add_get("/api/stories/{article_id}", api_story)
    app.router.add_route("*", "/login", login)
    pages.add_routes(app)

    async def close_reader(app: web.Application) -> None:
        if READER in app:
            app[READER].engine.dispose()

    app.on_cleanup.append(close_reader)


def build_api_app(settings: Settings, reader: StoreReader | None = None) -> web.Application:
    """The application of `newsflow serve`: the API, the search pages and /healthz."""
    app = web.Application(client_max_size=64 * 1024)

    async def healthz(request: web.Request) -> web.Response:
        return json_response({"alive": True})

    async def home(request: web.Request) -> web.Response:
        raise web.HTTPFound("/search")

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", home)
    add_store_routes(app, settings, reader)
    return app


__all__ = ["AGGREGATE_CACHE_S", "add_store_routes", "build_api_app"]
