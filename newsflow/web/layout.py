"""The frame of every search page, and the token form (the one page served without the token)."""

from __future__ import annotations

from html import escape


def safe_next(value: str | None) -> str:
    """A same-site path to go on to after the token form (anything else: /search)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/search"
    return value


def page(title: str, body: str) -> str:
    """A whole page around `body`."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · newsflow</title>"
        '<link rel="stylesheet" href="/search-static/search.css"></head><body>'
        '<header class="top"><h1><a href="/search">newsflow</a> <span>search the store</span></h1>'
        '<nav><a href="/search">search</a> · <a href="/">live</a></nav></header>'
        f'<main class="search">{body}</main></body></html>'
    )


def login_page(next_path: str, wrong: bool = False) -> str:
    """The form that asks for the API token (a browser cannot send a Bearer header by itself)."""
    note = '<p class="error">That token is not right.</p>' if wrong else ""
    return page(
        "token",
        '<section class="login"><h2>API token</h2><p>This newsflow asks for its API token.</p>'
        f'{note}<form method="post" action="/login"><input type="hidden" name="next" value="{escape(safe_next(next_path))}">'
        '<input type="password" name="token" autocomplete="current-password" required>'
        '<button type="submit">open</button></form></section>',
    )


__all__ = ["login_page", "page", "safe_next"]
