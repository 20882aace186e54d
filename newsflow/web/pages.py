"""The search pages, rendered on the server from the API's answers (plain HTML forms and links, no scripts).

- `/search`: quotes by speaker, entity or words (with since/until/outlet; search words marked in the quotes),
  and the most quoted speakers;
- `/search/speakers/<id>`: a speaker's quotes over time (SVG bars), outlets, people, organisations and places
  mentioned with them, and their latest quotes;
- `/search/stories/<article id>`: a story's copies on a timeline by publication, and its quotes with where they ran.

Every list says how many match ("1,000+" where it was counted up to its cap), pages by the API's cursor
("next page" carries it, "first page" drops it; `start` only numbers the items shown), and links its export
as CSV and JSON: the API's route with the page's filters (not its cursor), up to 1,000 rows from the first.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote, urlencode

from aiohttp import web

from newsflow.web.api import answer, quotes_answer, speaker_answer, speakers_answer, story_answer
from newsflow.web.charts import bar_chart, timeline
from newsflow.web.highlight import highlight
from newsflow.web.layout import LIVE_PAGE, NO_OUTLET, after_text, page, who_published

STATIC = Path(__file__).with_name("static")
MODES = (("speaker", "speaker"), ("entity", "entity"), ("text", "words"))
SELECTORS = ("speaker", "speaker_id", "entity", "entity_id", "text")
WINDOW = ("since", "until", "outlet")
TOP_PER_PAGE = 15
EXPORT_ROWS = {"quotes": ("limit", "1000"), "speakers": ("top", "500"), "speaker": ("limit", "200")}


def _speaker_link(q: Mapping[str, Any]) -> str:
    name = escape(q.get("speaker") or "unknown")
    if q.get("speaker_id"):
        return f'<a class="speaker" href="/search/speakers/{quote(q["speaker_id"])}">{name}</a>'
    return f'<span class="speaker">{name}</span>'


def render_quotes(quotes: list[Mapping[str, Any]], words: str | None = None, start: int = 1) -> str:
    """Quotes as a list numbered from `start`: words (the search `words` marked), speaker, first copy (title,
    outlet, time) and where else it ran."""
    if not quotes:
        return '<p class="empty">No quotes found.</p>'
    items = []
    for q in quotes:
        ran = ", ".join(
            f'<a href="/search/stories/{quote(r["article_id"])}">{escape(r["outlet"] or r["article_id"])}</a>'
            for r in q["ran_in"]
        )
        items.append(
            f'<li class="quote" data-quote="{escape(q["quote_id"])}" data-copies="{q["copies"]}">'
            f'<q>{highlight(q["text"], words)}</q> <span class="by">— {_speaker_link(q)}'
            f"{' <i>' + escape(q['cue']) + '</i>' if q.get('cue') else ''}</span>"
            f'<div class="where"><a class="title" href="/search/stories/{quote(q["article_id"])}">'
            f"{escape(q.get('title') or q['article_id'])}</a> · {escape(q.get('outlet') or NO_OUTLET)} · "
            f"<time>{escape((q.get('time') or '')[:16].replace('T', ' '))}</time>"
            f'<span class="ran">ran in {q["copies"]} cop{"y" if q["copies"] == 1 else "ies"}: {ran}</span></div></li>'
        )
    return f'<ol class="quotes" start="{start}">{"".join(items)}</ol>'


def count_text(doc: Mapping[str, Any]) -> str:
    """A list's count as said: "1,234", or "1,000+" when it was counted up to its cap."""
    return f"{doc.get('count', 0):,}" + ("+" if doc.get("count_capped") else "")


def _start(request: web.Request) -> int:
    """Where the numbering of the page's list starts (`start`, carried by "next page" links; display only)."""
    raw = request.query.get("start", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**9 else 1


def paging_bar(
    request: web.Request, doc: Mapping[str, Any], shown: int, noun: tuple[str, str], exports: dict[str, str]
) -> str:
    """The line above a list: which items of how many, first/next page links, and the export links."""
    start = _start(request)
    one, many = noun
    total = count_text(doc)
    name = one if doc.get("count") == 1 and not doc.get("count_capped") else many
    where = f"{start:,}–{start + shown - 1:,} of " if shown and (doc.get("next_cursor") or start > 1) else ""
    links = []
    if "cursor" in request.query:
        first = {k: v for k, v in request.query.items() if k not in ("cursor", "start")}
        links.append(f'<a class="first-page" href="{escape(_here(request, first))}">first page</a>')
    if doc.get("next_cursor"):
        following = {**request.query, "cursor": doc["next_cursor"], "start": str(start + shown)}
        links.append(f'<a class="next-page" rel="next" href="{escape(_here(request, following))}">next page →</a>')
    export = " ".join(
        f'<a class="export" data-format="{fmt}" href="{escape(url)}" download>{fmt.upper()}</a>'
        for fmt, url in exports.items()
    )
    return (
        f'<div class="paging"><span class="count"><b id="result-count">{total}</b> {name}'
        f"{' · showing ' + where.removesuffix(' of ') if where else ''}</span>"
        f'<span class="pages">{" · ".join(links)}</span>'
        f'<span class="exports" title="the whole list from the first, up to 1,000 rows">export {export}</span></div>'
    )


def _here(request: web.Request, params: Mapping[str, str]) -> str:
    return request.path + ("?" + urlencode(params) if params else "")


def export_links(route: str, kind: str, params: Mapping[str, str]) -> dict[str, str]:
    """The export URLs (CSV, JSON) of a list: its API route with the page's filters, the most rows a page gives."""
    rows_param, rows = EXPORT_ROWS.get(kind, ("limit", "1000"))
    kept = {k: v for k, v in params.items() if k in (*SELECTORS, *WINDOW, "bucket")}
    return {fmt: f"{route}?{urlencode({**kept, rows_param: rows, 'format': fmt})}" for fmt in ("csv", "json")}


def _form(query: Mapping[str, str]) -> str:
    mode = next((m for m, _ in MODES if m in query), "speaker")
    value = query.get(mode, "")
    options = "".join(f'<option value="{m}"{" selected" if m == mode else ""}>{label}</option>' for m, label in MODES)

    def field(name: str, kind: str, hint: str) -> str:
        value = escape(query.get(name, ""))
        return f'<label>{name} <input type="{kind}" name="{name}" value="{value}" placeholder="{hint}"></label>'

    return (
        '<form class="search" method="get" action="/search">'
        f'<select name="mode" aria-label="search by">{options}</select>'
        f'<input type="search" name="q" value="{escape(value)}" placeholder="a name, or words of a quote" autofocus>'
        f"{field('since', 'date', 'YYYY-MM-DD')}{field('until', 'date', 'YYYY-MM-DD')}{field('outlet', 'text', 'any outlet')}"
        '<button type="submit">search</button></form>'
    )


def _search_query(request: web.Request) -> dict[str, str]:
    """The form's fields as the API's parameters (mode + q become speaker=/entity=/text=; `start` is the page's)."""
    form = {k: v for k, v in request.query.items() if v != "" and k != "start"}
    mode = form.pop("mode", None)
    q = form.pop("q", None)
    if mode is not None and q is not None:
        form[mode] = q
    return form


def _html(request: web.Request, title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(
        text=page(title, body, live=LIVE_PAGE in request.app and request.app[LIVE_PAGE]),
        status=status,
        content_type="text/html",
    )


async def search(request: web.Request) -> web.Response:
    """The search page: the form, the quotes found (a page of them), or the most quoted speakers."""
    query = _search_query(request)
    body = [_form(query)]
    status = 200
    if any(k in query for k in SELECTORS) or "mode" in request.query:
        status, doc = await answer(request, lambda r, _req: quotes_answer(r, query))
        if status != 200:
            body.append(f'<p class="error">{escape(doc["error"])}</p>')
        else:
            body.append(_matched(doc))
            bar = paging_bar(
                request, doc, len(doc["quotes"]), ("quote", "quotes"), export_links("/api/quotes", "quotes", query)
            )
            quotes = render_quotes(doc["quotes"], query.get("text"), _start(request))
            body.append(f'<section id="results">{bar}{quotes}</section>')
    else:
        asked = {k: v for k, v in query.items() if k in (*WINDOW, "cursor")}
        status, top = await answer(request, lambda r, _req: speakers_answer(r, {**asked, "top": str(TOP_PER_PAGE)}))
        if status == 200:
            bar = paging_bar(
                request,
                top,
                len(top["speakers"]),
                ("speaker", "speakers"),
                export_links("/api/speakers", "speakers", asked),
            )
            body.append(
                f'<section id="top-speakers"><h2>Most quoted</h2>{bar}{_speaker_table(top["speakers"])}</section>'
            )
        else:
            body.append(f'<p class="error">{escape(top["error"])}</p>')
    return _html(request, "search", "".join(body), status)


def _matched(doc: Mapping[str, Any]) -> str:
    actors = doc.get("actors") or []
    if not actors:
        return ""
    return (
        '<p class="actors">matched: '
        + ", ".join(
            f'<a href="/search/speakers/{quote(a["id"])}">{escape(a["name"])}</a> ({escape(a["label"])})'
            for a in actors
        )
        + (" — quotes in articles that mention them" if doc.get("role") == "mentioned" else "")
        + "</p>"
    )


def _outlet_counts(outlets: list[Mapping[str, Any]]) -> str:
    return ", ".join(f"{o['outlet'] or NO_OUTLET} ({o['quotes']})" for o in outlets[:4])


def _speaker_table(speakers: list[Mapping[str, Any]]) -> str:
    if not speakers:
        return '<p class="empty">No speakers in the store yet.</p>'
    rows = "".join(
        f'<tr data-id="{escape(s["id"])}"><td><a href="/search/speakers/{quote(s["id"])}">{escape(s["name"] or s["id"])}</a></td>'
        f'<td>{escape(s["label"] or "")}</td><td class="n">{s["quotes"]}</td>'
        f"<td>{escape(_outlet_counts(s['outlets']))}</td></tr>"
        for s in speakers
    )
    return (
        '<table class="speakers"><thead><tr><th>speaker</th><th>type</th><th>quotes</th><th>by outlet</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    )


async def speaker_page(request: web.Request) -> web.Response:
    """A speaker's page."""
    actor_id = request.match_info["actor_id"]
    asked = {k: v for k, v in request.query.items() if k != "start"}
    status, doc = await answer(request, lambda r, req: speaker_answer(r, actor_id, asked))
    if status != 200:
        return _html(request, "speaker", f'<p class="error">{escape(doc["error"])}</p>', status)
    who = doc["speaker"]
    bucket = doc["query"]["bucket"]
    other = "week" if bucket == "day" else "day"
    chart = bar_chart(
        f"Quotes per {bucket} (each once across copies)", [(b["start"], b["quotes"]) for b in doc["over_time"]]
    )
    outlets = "".join(
        f'<li data-outlet="{escape(o["outlet"] or "")}">{escape(o["outlet"] or NO_OUTLET)} <b>{o["quotes"]}</b></li>'
        for o in doc["outlets"]
    )
    entities = "".join(
        f'<li data-id="{escape(e["id"])}" data-label="{escape(e["label"])}">'
        f'<a href="/search?{urlencode({"mode": "entity", "q": e["name"]})}">'
        f"{escape(e['name'])}</a> <small>{escape(e['label'])}</small> <b>{e['stories']}</b></li>"
        for e in doc["entities"]
    )
    aliases = ", ".join(escape(a) for a in who["aliases"] if a != who["name"])
    window = {k: v for k, v in asked.items() if k in WINDOW}
    switch = escape(_here(request, {**window, "bucket": other}))
    exports = export_links(f"/api/speakers/{quote(actor_id)}", "speaker", {**window, "bucket": bucket})
    bar = paging_bar(request, doc, len(doc["quotes"]), ("quote", "quotes"), exports)
    body = (
        f'<section class="speaker-head"><h2 id="speaker-name">{escape(who["name"])}</h2>'
        f'<p>{escape(who["label"])} · <b id="quotes-total">{doc["quotes_total"]}</b> quotes'
        f"{' · also ' + aliases if aliases else ''} · "
        f'<a href="{switch}">per {other}</a></p></section>'
        f'<section id="over-time">{chart}</section>'
        f'<div class="cols"><section id="outlets"><h3>Outlets</h3><ul>{outlets}</ul></section>'
        f'<section id="entities"><h3>Mentioned with them (stories)</h3>'
        f'<p class="note">people, organisations and places</p><ul>{entities}</ul></section></div>'
        f'<section id="results"><h3>Latest quotes</h3>{bar}{render_quotes(doc["quotes"], start=_start(request))}</section>'
    )
    return _html(request, who["name"], body)


def _copy_item(c: Mapping[str, Any], current: bool) -> str:
    """A story's copy as a list item: when, how long after the first, who, title; arrived first, time of receipt."""
    marks = [
        f'<small class="{cls}">{text}</small>'
        for cls, text, on in (
            ("arrived", "arrived first", c["arrived_first"]),
            ("received", "no publication time: when it arrived", c["time_basis"] == "received"),
        )
        if on
    ]
    return (
        f'<li data-id="{escape(c["article_id"])}"{" class=current" if current else ""}>'
        f"<time>{escape(c['time'][:16].replace('T', ' '))}</time> "
        f'<span class="after">{escape(after_text(c["after_first_s"]))}</span> <b>{escape(who_published(c))}</b> '
        f"{escape(c['title'] or c['article_id'])}{''.join(' ' + m for m in marks)}</li>"
    )


async def story_page(request: web.Request) -> web.Response:
    """A story's page: its copies on a timeline in the order they were published (who published first, how long
    after each other copy followed, and which arrived first: the dedup verdict), a page of them at a time, and
    its quotes."""
    article_id = request.match_info["article_id"]
    asked = {k: v for k, v in request.query.items() if k != "start"}
    status, doc = await answer(request, lambda r, req: story_answer(r, article_id, asked))
    if status != 200:
        return _html(request, "story", f'<p class="error">{escape(doc["error"])}</p>', status)
    copies, first, arrived = doc["copies"], doc["first_published"], doc["arrived_first"]
    points = [(datetime.fromisoformat(c["time"]), who_published(c), c["article_id"]) for c in copies]
    title_of_chart = "Copies in the order they were published"
    if doc.get("next_cursor") or "cursor" in request.query:
        title_of_chart += f" (copies {_start(request)}–{_start(request) + len(copies) - 1} of {doc['count']})"
    rows = "".join(_copy_item(c, c["article_id"] == article_id) for c in copies)
    title = first["title"] or doc["story_id"]
    published = "received" if first["time_basis"] == "received" else "at"
    exports = {
        fmt: f"/api/stories/{quote(article_id)}?{urlencode({'limit': '1000', 'format': fmt})}"
        for fmt in ("csv", "json")
    }
    bar = paging_bar(request, doc, len(copies), ("copy", "copies"), exports)
    body = (
        f'<section class="story-head"><h2>{escape(title)}</h2><p><b id="copies">{doc["count"]}</b> '
        f'cop{"y" if doc["count"] == 1 else "ies"}; published first: <b id="first-published">'
        f"{escape(who_published(first))}</b> {published} <time>{escape(first['time'][:16].replace('T', ' '))}</time>"
        + (
            f'; arrived first: <b id="arrived-first">{escape(who_published(arrived))}</b>'
            if arrived is not None
            else ""
        )
        + "</p></section>"
        f'<section id="timeline">{timeline(title_of_chart, points, first=first["article_id"])}</section>'
        f'<section id="copies-list">{bar}<ol start="{_start(request)}">{rows}</ol></section>'
        f'<section id="results"><h3>Quotes</h3>{render_quotes(doc["quotes"])}</section>'
    )
    return _html(request, title, body)


def add_routes(app: web.Application) -> None:
    """Add the search pages and their stylesheet to `app`."""
    app.router.add_get("/search", search)
    app.router.add_get("/search/speakers/{actor_id}", speaker_page)
    app.router.add_get("/search/stories/{article_id}", story_page)
    app.router.add_static("/search-static/", STATIC)


__all__ = ["add_routes", "count_text", "export_links", "paging_bar", "render_quotes"]
