"""The frame of every search page, the token form (the one page served without the token), and how pages and
the CLI say a story's times and outlets."""

from __future__ import annotations

from html import escape
from typing import Any, Mapping

from aiohttp import web

#: Set on an app that serves the live page at `/` (`newsflow dashboard`): the search pages link to it.
LIVE_PAGE = web.AppKey("live_page", bool)
NO_OUTLET = "no outlet given"


def safe_next(value: str | None) -> str:
    """A same-site path to go on to after the token form (anything else: /search)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/search"
    return value


def page(title: str, body: str, *, live: bool = False, nav: bool = True) -> str:
    """A whole page around `body`; its header links to the live page when the app serves one (`live`)."""
    links = '<a class="nav-search" href="/search">search</a>'
    if live:
        links += ' <a class="nav-live" href="/">live pipeline →</a>'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · newsflow</title>"
        '<link rel="stylesheet" href="/search-static/search.css"></head><body>'
        '<header class="top"><h1><a href="/search">newsflow</a> <span>search the store</span></h1>'
        f"{'<nav>' + links + '</nav>' if nav else ''}</header>"
        f'<main class="search">{body}</main></body></html>'
    )


def login_page(next_path: str, wrong: bool = False) -> str:
    """The form that asks for the API token (a browser cannot send a Bearer header by itself)."""
    note = '<p class="error">That token is not right.</p>' if wrong else ""
    return page(
        "token",
        '<section class="login"><h2>Sign in</h2><p>This newsflow asks for its API token '
        "(<code>NEWSFLOW_API_TOKEN</code> where it runs).</p>"
        f'{note}<form method="post" action="/login"><input type="hidden" name="next" value="{escape(safe_next(next_path))}">'
        '<label for="token">API token</label>'
        '<input id="token" type="password" name="token" autocomplete="current-password" required autofocus>'
        '<button type="submit">open</button></form></section>',
        nav=False,
    )


def after_text(seconds: float) -> str:
    """How long after a story's first copy another followed: "first", "+45 s", "+2 h 15 min", "+3 d 4 h"."""
    if seconds <= 0:
        return "first" if seconds == 0 else "at once"
    s = int(round(seconds))
    days, rest = divmod(s, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"+{days} d" + (f" {hours} h" if hours else "")
    if hours:
        return f"+{hours} h" + (f" {minutes} min" if minutes else "")
    return f"+{minutes} min" if minutes else f"+{secs} s"


def who_published(copy: Mapping[str, Any]) -> str:
    """A copy's outlet, else its title or id said as such (a copy with no outlet is not "unknown")."""
    return copy.get("outlet") or f"{copy.get('title') or copy['article_id']} ({NO_OUTLET})"


__all__ = ["LIVE_PAGE", "NO_OUTLET", "after_text", "login_page", "page", "safe_next", "who_published"]
