"""The store's HTTP JSON API: each route's answer from the store, and the handlers that serve them as JSON.

Routes (read-only; every value reaches the database as a bound parameter):
- `GET /api/quotes?speaker=NAME|speaker_id=ID|entity=NAME|entity_id=ID|text=WORDS[&since&until&outlet&limit]`
- `GET /api/speakers[?top=N&since&until&outlet]`, `GET /api/speakers/<actor id>[?bucket=day|week&since&until&outlet]`
- `GET /api/stories/<article id>`

A malformed or unknown parameter gets 400 with the reason; an unknown id 404; a store that cannot
be reached 503. The search pages (`newsflow.web.pages`) render the same answers as HTML; the token
check is `newsflow.web.auth`; `newsflow.web.app` puts them together.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Mapping

import orjson
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from newsflow.store.params import QueryError, parse_bucket, parse_int, parse_name, plain, window
from newsflow.store.queries import StoreReader

log = logging.getLogger("newsflow.api")

READER = web.AppKey("store_reader", StoreReader)
NO_STORE = web.AppKey("no_store", str)  # why there is no reader (a SQLite file that does not exist)
WINDOW_PARAMS = frozenset({"since", "until", "outlet"})
QUOTE_SELECTORS = ("speaker", "speaker_id", "entity", "entity_id", "text")
QUOTE_PARAMS = frozenset(QUOTE_SELECTORS) | WINDOW_PARAMS | {"limit"}
SPEAKERS_PARAMS = WINDOW_PARAMS | {"top"}
SPEAKER_PARAMS = WINDOW_PARAMS | {"bucket", "limit"}
MAX_ID_CHARS = 300


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


__all__ = [
    "NO_STORE",
    "READER",
    "answer",
    "api_quotes",
    "api_speaker",
    "api_speakers",
    "api_story",
    "json_response",
    "quotes_answer",
    "speakers_answer",
    "speaker_answer",
    "story_answer",
]
