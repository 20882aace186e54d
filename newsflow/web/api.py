"""The store's HTTP JSON API: each route's answer from the store, and the handlers that serve them as JSON.

Routes (read-only; every value reaches the database as a bound parameter):
- `GET /api/quotes?speaker=NAME|speaker_id=ID|entity=NAME|entity_id=ID|text=WORDS[&since&until&outlet&limit]`
- `GET /api/speakers[?top=N&since&until&outlet]`, `GET /api/speakers/<actor id>[?bucket=day|week&since&until&outlet]`
- `GET /api/stories/<article id>[?limit]`

Every list pages: an answer with more has `next_cursor`, which `cursor=` takes for the next page (with the
same other parameters), and says how many match (`count`; `count_capped`: at least that many). `format=csv`
answers the list as CSV (newsflow.store.export: a header row, spreadsheet-safe cells, a file name), with the
next page's URL in a `Link: <...>; rel="next"` header; `format=json` is the JSON answer as a download.

A malformed or unknown parameter (a cursor that is not one of this list) gets 400 with the reason; an
unknown id 404; a store that cannot be reached 503. The search pages (`newsflow.web.pages`) render the same answers as HTML; the token
check is `newsflow.web.auth`; `newsflow.web.app` puts them together.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Mapping

import orjson
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from newsflow.store.export import CSV_TYPE, answer_csv, file_name, parse_format
from newsflow.store.params import QueryError, parse_bucket, parse_int, parse_name, plain, window
from newsflow.store.queries import DEFAULT_COPIES, StoreReader

log = logging.getLogger("newsflow.api")

READER = web.AppKey("store_reader", StoreReader)
NO_STORE = web.AppKey("no_store", str)  # why there is no reader (a SQLite file that does not exist)
WINDOW_PARAMS = frozenset({"since", "until", "outlet"})
LIST_PARAMS = frozenset({"cursor", "format"})  # every list pages and exports
QUOTE_SELECTORS = ("speaker", "speaker_id", "entity", "entity_id", "text")
QUOTE_PARAMS = frozenset(QUOTE_SELECTORS) | WINDOW_PARAMS | LIST_PARAMS | {"limit"}
SPEAKERS_PARAMS = WINDOW_PARAMS | LIST_PARAMS | {"top"}
SPEAKER_PARAMS = WINDOW_PARAMS | LIST_PARAMS | {"bucket", "limit"}
STORY_PARAMS = LIST_PARAMS | {"limit"}
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


def list_params(query: Mapping[str, str], allowed: frozenset[str]) -> str | None:
    """Check the parameters of a list route (`check_params`, and `format`); its cursor, if any."""
    check_params(query, allowed)
    parse_format(query.get("format"))
    cursor = query.get("cursor")
    return plain(cursor.strip(), "cursor") or None if cursor is not None else None


def quotes_answer(reader: StoreReader, query: Mapping[str, str]) -> dict[str, Any]:
    """The answer of /api/quotes for `query` (QueryError when malformed)."""
    cursor = list_params(query, QUOTE_PARAMS)
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
        return reader.quotes_by_speaker(parse_name(value, key), win=win, limit=limit, cursor=cursor)
    if key == "speaker_id":
        return reader.quotes_by_speaker(actor_id=check_id(value.strip(), key), win=win, limit=limit, cursor=cursor)
    if key == "entity":
        return reader.quotes_by_entity(parse_name(value, key), win=win, limit=limit, cursor=cursor)
    if key == "entity_id":
        return reader.quotes_by_entity(actor_id=check_id(value.strip(), key), win=win, limit=limit, cursor=cursor)
    return reader.quotes_by_text(value, win=win, limit=limit, cursor=cursor)


def speakers_answer(reader: StoreReader, query: Mapping[str, str]) -> dict[str, Any]:
    """The answer of /api/speakers."""
    cursor = list_params(query, SPEAKERS_PARAMS)
    win = window(query.get("since"), query.get("until"), query.get("outlet"))
    return reader.top_speakers(parse_int(query.get("top"), "top", 20, hi=500), win, cursor)


def speaker_answer(reader: StoreReader, actor_id: str, query: Mapping[str, str]) -> dict[str, Any] | None:
    """The answer of /api/speakers/<id> (None: no such actor)."""
    cursor = list_params(query, SPEAKER_PARAMS)
    win = window(query.get("since"), query.get("until"), query.get("outlet"))
    return reader.speaker(
        check_id(actor_id, "speaker id"),
        bucket=parse_bucket(query.get("bucket")),
        win=win,
        limit=parse_int(query.get("limit"), "limit", 20, hi=200),
        cursor=cursor,
    )


def story_answer(reader: StoreReader, article_id: str, query: Mapping[str, str]) -> dict[str, Any] | None:
    """The answer of /api/stories/<article id> (None: no such article)."""
    cursor = list_params(query, STORY_PARAMS)
    limit = parse_int(query.get("limit"), "limit", DEFAULT_COPIES)
    return reader.story(check_id(article_id, "article id"), limit=limit, cursor=cursor)


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


def export_response(request: web.Request, kind: str, doc: Mapping[str, Any]) -> web.Response:
    """The answer as the download `format=` asks for: CSV of its list (UTF-8 with a byte-order mark, so that a
    spreadsheet opened by double-click reads accents right; the next page in a `Link` header), or JSON."""
    fmt = parse_format(request.query.get("format"))
    asked = {**doc.get("query", {}), **request.match_info, **{k: v for k, v in request.query.items() if v}}
    if kind == "speaker":
        asked["speaker"] = doc["speaker"]["name"]
    headers = {"Content-Disposition": f'attachment; filename="{file_name(kind, asked, fmt)}"'}
    if doc.get("next_cursor"):
        following = request.rel_url.update_query(cursor=doc["next_cursor"])
        headers["Link"] = f'<{following}>; rel="next"'
    if fmt == "json":
        return web.Response(body=orjson.dumps(doc), content_type="application/json", headers=headers)
    body = ("\ufeff" + answer_csv(kind, doc)).encode("utf-8")
    return web.Response(body=body, content_type=CSV_TYPE, charset="utf-8", headers=headers)


def _route(compute: Answer, kind: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        status, doc = await answer(request, compute)
        if status != 200 or "format" not in request.query:
            return json_response(doc, status)
        return export_response(request, kind, doc)

    handler.__doc__ = compute.__doc__
    return handler


api_quotes = _route(lambda r, req: quotes_answer(r, req.query), "quotes")
api_speakers = _route(lambda r, req: speakers_answer(r, req.query), "speakers")
api_speaker = _route(lambda r, req: speaker_answer(r, req.match_info["actor_id"], req.query), "speaker")
api_story = _route(lambda r, req: story_answer(r, req.match_info["article_id"], req.query), "story")


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
