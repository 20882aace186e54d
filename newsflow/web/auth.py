"""The API token: with `api_token` set, every request but `/healthz`, `/login` and the login page's static
files (`/search-static/`: its stylesheet) must carry it, as `Authorization: Bearer TOKEN` or as the cookie
`/login` sets (for a browser), else 401; tokens are compared in constant time.
"""

from __future__ import annotations

import hmac

import orjson
from aiohttp import web

from newsflow.web.layout import login_page, safe_next

TOKEN = web.AppKey("api_token", str)
COOKIE = "newsflow_token"
OPEN_PATHS = frozenset({"/healthz", "/login"})  # liveness and the token form carry no store data
PUBLIC_STATIC = "/search-static/"  # the token form's own stylesheet: public, nothing else under it


def is_public(request: web.Request) -> bool:
    """Liveness, the token form, and the static files the form uses (a file of that folder, nothing else)."""
    if request.path in OPEN_PATHS:
        return True
    resource = request.match_info.route.resource
    return request.path.startswith(PUBLIC_STATIC) and isinstance(resource, web.StaticResource)


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
    if not token or is_public(request) or token_ok(request, token):
        return await handler(request)
    if request.path.startswith("/api/"):
        return web.Response(
            body=orjson.dumps({"error": "missing or wrong API token (Authorization: Bearer ...)"}),
            status=401,
            content_type="application/json",
            headers={"WWW-Authenticate": 'Bearer realm="newsflow"'},
        )
    return web.Response(
        text=login_page(request.path_qs), status=401, content_type="text/html", headers={"WWW-Authenticate": "Bearer"}
    )


async def login(request: web.Request) -> web.StreamResponse:
    """GET: the token form; POST: a right token sets an HttpOnly cookie and goes on to `next`."""
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


__all__ = ["COOKIE", "OPEN_PATHS", "PUBLIC_STATIC", "TOKEN", "is_public", "login", "require_token", "token_ok"]
