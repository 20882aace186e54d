"""The store's HTTP JSON API and search pages, as aiohttp routes for `newsflow serve` and `newsflow dashboard`.

Routes (read-only; every value reaches the database as a bound parameter):
- `GET /api/quotes?speaker=NAME|speaker_id=ID|entity=NAME|entity_id=ID|text=WORDS[&since&until&outlet&limit]`
- `GET /api/speakers[?top=N&since&until&outlet]`, `GET /api/speakers/<actor id>[?bucket=day|week&since&until&outlet]`
- `GET /api/stories/<article id>`
- `GET /search`, `/search/speakers/<id>`, `/search/stories/<article id>`: the same as HTML pages.

A malformed or unknown parameter gets 400 with the reason; an unknown id 404; a store that cannot
be reached 503. With `api_token` set, every request but `/healthz` must carry it, as
`Authorization: Bearer TOKEN` or as the cookie `/login` sets (for a browser), else 401; tokens are
compared in constant time.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Awaitable, Callable, Mapping

import orjson
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from newsflow.store.params import QueryError, parse_bucket, parse_int, parse_name, plain, window
from newsflow.store.queries import StoreMissing, StoreReader, open_reader
from shared.core.settings import Settings

log = logging.getLogger("newsflow.api")

READER = web.AppKey("store_reader", StoreReader)
TOKEN = web.AppKey("api_token", str)
NO_STORE = web.AppKey("no_store", str)  # why there is no reader (a SQLite file that does not exist)
COOKIE = "newsflow_token"
OPEN_PATHS = frozenset({"/healthz", "/login"})  # liveness and the token form carry no store data
WINDOW_PARAMS = frozenset({"since", "until", "outlet"})
QUOTE_SELECTORS = ("speaker", "speaker_id", "entity", "entity_id", "text")
QUOTE_PARAMS = frozenset(QUOTE_SELECTORS) | WINDOW_PARAMS | {"limit"}
SPEAKERS_PARAMS = WINDOW_PARAMS | {"top"}
SPEAKER_PARAMS = WINDOW_PARAMS | {"bucket", "limit"}
MAX_ID_CHARS = 300
AGGREGATE_CACHE_S = 30.0  # top speakers, a whole-store aggregate, is recomputed at most this often


def json_response(doc: Any, status: int = 200) -> web.Response:
    """A JSON response of `doc`."""
    return web.Response(body=orjson.dumps(doc), status=status, content_type="application/json")


def check_params(query: Mapping[str, str], allowed: frozenset[str]) -> None:
    """QueryError for a parameter the route does not know or one given twice."""
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise QueryError(f"unknown parameter(s): {', '.join(unknown)} (known: {', '.join(sorted(allowed))})")
    getall = getattr(query, "getall", None)  # a request's MultiDict; a page's own dict has no repeats
    for key in set(query):
        if getall is not None and len(getall(key)) > 1:
            raise QueryError(f"{key}: given more than once")


def check_id(value: str, what: str) -> str:
    """A path id: not empty, not huge."""
    if not value or len(value) > MAX_ID_CHARS:
        raise QueryError(f"{what}: not a valid id")
    return plain(value, what)


def quotes_answer(reader: StoreReader, query: Mapping[str, str]) -> dict[str, Any]:
    """The answer of /api/quotes for `query` (QueryError when malformed)."""
    check_params(query, QUOTE_PARAMS)
    given = [k for k in QUOTE_SELECTORS if k in query]
    if len(given) != 1:
        raise QueryError(
            f"give exactly one of {', '.join(QUOTE_SELECTORS)}" + (f" (got {', '.join(given)})" if given else "")
        )
    (key,) = given
    win = window(query.get("since"), query.get("until"), query.get("outlet"))
    limit = parse_int(query.get("limit"), "limit", 50)
    value = query[key]
    if key == "speaker":
        return reader.quotes_by_speaker(parse_name(value, key), win=win, limit=limit)
    if key == "speaker_id":
        return reader.quotes_by_speaker(actor_id=check_id(value.strip(), key), win=win, limit=limit)
    if key == "entity":
        return reader.quotes_by_entity(parse_name(value, key), win=win, limit=limit)
    if key == "entity_id":
        return reader.quotes_by_entity(actor_id=check_id(value.strip(), key), win=win, limit=limit)
    return reader.quotes_by_text(value, win=win, limit=limit)


def speakers_answer(reader: StoreReader, query: Mapping[str, str]) -> dict[str, Any]:
    """The answer of /api/speakers."""
    check_params(query, SPEAKERS_PARAMS)
    win = window(query.get("since"), query.get("until"), query.get("outlet"))
    return reader.top_speakers(parse_int(query.get("top"), "top", 20, hi=500), win)


def speaker_answer(reader: StoreReader, actor_id: str, query: Mapping[str, str]) -> dict[str, Any] | None:
    """The answer of /api/speakers/<id> (None: no such actor)."""
    check_params(query, SPEAKER_PARAMS)
    win = window(query.get("since"), query.get("until"), query.get("outlet"))
    return reader.speaker(
        check_id(actor_id, "speaker id"),
        bucket=parse_bucket(query.get("bucket")),
        win=win,
        limit=parse_int(query.get("limit"), "limit", 20, hi=200),
    )


def story_answer(reader: StoreReader, article_id: str, query: Mapping[str, str]) -> dict[str, Any] | None:
    """The answer of /api/stories/<article id> (None: no such article)."""
    check_params(query, frozenset())
    return reader.story(check_id(article_id, "article id"))


Answer = Callable[[StoreReader, web.Request], "dict[str, Any] | None"]


async def answer(request: web.Request, compute: Answer) -> tuple[int, dict[str, Any]]:
    """Run a query off the event loop; (status, document) with 400/404/503 for what went wrong."""
    reader = request.app.get(READER)
    if reader is None:
        return 503, {"error": f"store unavailable: {request.app.get(NO_STORE, 'no reader')}"}
    try:
        doc = await asyncio.get_running_loop().run_in_executor(None, compute, reader, request)
    except QueryError as err:
        return 400, {"error": str(err)}
    except SQLAlchemyError as err:
        log.warning("store query failed: %s", err.__class__.__name__, extra={"path": request.path})
        return 503, {"error": f"store unavailable: {err.__class__.__name__}"}
    if doc is None:
        return 404, {"error": f"not found: {request.path}"}
    return 200, doc


def _json_route(compute: Answer) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        status, doc = await answer(request, compute)
        return json_response(doc, status)

    handler.__doc__ = compute.__doc__
    return handler


api_quotes = _json_route(lambda r, req: quotes_answer(r, req.query))
api_speakers = _json_route(lambda r, req: speakers_answer(r, req.query))
api_speaker = _json_route(lambda r, req: speaker_answer(r, req.match_info["actor_id"], req.query))
api_story = _json_route(lambda r, req: story_answer(r, req.match_info["article_id"], req.query))


# --- the token ------------------------------------------------------------------------------------


def token_ok(request: web.Request, token: str) -> bool:
    """Whether the request carries `token` (Bearer header or cookie), compared in constant time."""
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    candidates = [given.strip()] if scheme.lower() == "bearer" else []
    if COOKIE in request.cookies:
        candidates.append(request.cookies[COOKIE])
    expected = token.encode()
    return any(hmac.compare_digest(c.encode(), expected) for c in candidates)


@web.middleware
async def require_token(request: web.Request, handler) -> web.StreamResponse:
    """401 for a request without the API token (when one is set), except liveness and the token form."""
    token = request.app.get(TOKEN)
    if not token or request.path in OPEN_PATHS or token_ok(request, token):
        return await handler(request)
    if request.path.startswith("/api/"):
        return web.Response(
            body=orjson.dumps({"error": "missing or wrong API token (Authorization: Bearer ...)"}),
            status=401,
            content_type="application/json",
            headers={"WWW-Authenticate": 'Bearer realm="newsflow"'},
        )
    from newsflow.web.pages import login_page

    return web.Response(
        text=login_page(request.path_qs), status=401, content_type="text/html", headers={"WWW-Authenticate": "Bearer"}
    )


async def login(request: web.Request) -> web.StreamResponse:
    """GET: the token form; POST: a right token sets an HttpOnly cookie and goes on to `next`."""
    from newsflow.web.pages import login_page, safe_next

    if request.method == "GET":
        return web.Response(text=login_page(safe_next(request.query.get("next"))), content_type="text/html")
    form = await request.post()
    token = request.app.get(TOKEN)
    given = str(form.get("token", ""))
    target = safe_next(str(form.get("next", "/search")))
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        return web.Response(text=login_page(target, wrong=True), status=401, content_type="text/html")
    response = web.HTTPSeeOther(target)
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
    raise response


def add_store_routes(app: web.Application, settings: Settings, reader: StoreReader | None = None) -> None:
    """Add the API, the search pages and the token check to `app` (before it starts).

    The reader of `settings.store_url` is made here (nothing connects until the first query).
    """
    from newsflow.web import pages as search_pages

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
    search_pages.add_routes(app)

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


__all__ = [
    "add_store_routes",
    "build_api_app",
    "quotes_answer",
    "speakers_answer",
    "speaker_answer",
    "story_answer",
    "token_ok",
    "require_token",
]
