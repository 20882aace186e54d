"""The search pages, rendered on the server from the API's answers (plain HTML forms and links, no scripts).

- `/search`: quotes by speaker, entity or words (with since/until/outlet), and the most quoted speakers;
- `/search/speakers/<id>`: a speaker's quotes over time (SVG bars), outlets, entities mentioned with them;
- `/search/stories/<article id>`: a story's copies on a timeline by publication, and its quotes with where they ran.
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
from newsflow.web.layout import after_text, page, who_published

STATIC = Path(__file__).with_name("static")
MODES = (("speaker", "speaker"), ("entity", "entity"), ("text", "words"))


def _speaker_link(q: Mapping[str, Any]) -> str:
    name = escape(q.get("speaker") or "unknown")
    if q.get("speaker_id"):
        return f'<a class="speaker" href="/search/speakers/{quote(q["speaker_id"])}">{name}</a>'
    return f'<span class="speaker">{name}</span>'


def render_quotes(quotes: list[Mapping[str, Any]], more: bool = False) -> str:
    """Quotes as a list: words, speaker, first copy (title, outlet, time) and where else it ran."""
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
            f'<q>{escape(q["text"])}</q> <span class="by">— {_speaker_link(q)}'
            f"{' <i>' + escape(q['cue']) + '</i>' if q.get('cue') else ''}</span>"
            f'<div class="where"><a class="title" href="/search/stories/{quote(q["article_id"])}">'
            f"{escape(q.get('title') or q['article_id'])}</a> · {escape(q.get('outlet') or 'unknown outlet')} · "
            f"<time>{escape((q.get('time') or '')[:16].replace('T', ' '))}</time>"
            f'<span class="ran">ran in {q["copies"]} cop{"y" if q["copies"] == 1 else "ies"}: {ran}</span></div></li>'
        )
    tail = '<p class="more">More quotes match; narrow the search.</p>' if more else ""
    return f'<ol class="quotes">{"".join(items)}</ol>{tail}'


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
    """The form's fields as the API's parameters (mode + q become speaker=/entity=/text=)."""
    form = {k: v for k, v in request.query.items() if v != ""}
    mode = form.pop("mode", None)
    q = form.pop("q", None)
    if mode is not None and q is not None:
        form[mode] = q
    return form


async def search(request: web.Request) -> web.Response:
    """The search page: the form, the quotes found, and the most quoted speakers."""
    query = _search_query(request)
    body = [_form(query)]
    status = 200
    if any(k in query for k in ("speaker", "speaker_id", "entity", "entity_id", "text")) or "mode" in request.query:
        status, doc = await answer(request, lambda r, _req: quotes_answer(r, query))
        if status != 200:
            body.append(f'<p class="error">{escape(doc["error"])}</p>')
        else:
            actors = doc.get("actors") or []
            if actors:
                body.append(
                    '<p class="actors">matched: '
                    + ", ".join(
                        f'<a href="/search/speakers/{quote(a["id"])}">{escape(a["name"])}</a> ({escape(a["label"])})'
                        for a in actors
                    )
                    + (" — quotes in articles that mention them" if doc.get("role") == "mentioned" else "")
                    + "</p>"
                )
            body.append(f'<section id="results">{render_quotes(doc["quotes"], doc["more"])}</section>')
    else:
        window = {k: v for k, v in query.items() if k in ("since", "until", "outlet")}
        s_status, top = await answer(request, lambda r, _req: speakers_answer(r, {**window, "top": "15"}))
        if s_status == 200:
            body.append(f'<section id="top-speakers"><h2>Most quoted</h2>{_speaker_table(top["speakers"])}</section>')
        else:
            body.append(f'<p class="error">{escape(top["error"])}</p>')
    return web.Response(text=page("search", "".join(body)), status=status, content_type="text/html")


def _outlet_counts(outlets: list[Mapping[str, Any]]) -> str:
    return ", ".join(f"{o['outlet'] or '?'} {o['quotes']}" for o in outlets[:4])


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
    status, doc = await answer(request, lambda r, req: speaker_answer(r, actor_id, req.query))
    if status != 200:
        return web.Response(
            text=page("speaker", f'<p class="error">{escape(doc["error"])}</p>'),
            status=status,
            content_type="text/html",
        )
    who = doc["speaker"]
    bucket = doc["query"]["bucket"]
    other = "week" if bucket == "day" else "day"
    chart = bar_chart(
        f"Quotes per {bucket} (each once across copies)", [(b["start"], b["quotes"]) for b in doc["over_time"]]
    )
    outlets = "".join(
        f'<li data-outlet="{escape(o["outlet"] or "")}">{escape(o["outlet"] or "unknown")} <b>{o["quotes"]}</b></li>'
        for o in doc["outlets"]
    )
    entities = "".join(
        f'<li data-id="{escape(e["id"])}"><a href="/search?{urlencode({"mode": "entity", "q": e["name"]})}">'
        f"{escape(e['name'])}</a> <small>{escape(e['label'])}</small> <b>{e['stories']}</b></li>"
        for e in doc["entities"]
    )
    aliases = ", ".join(escape(a) for a in who["aliases"] if a != who["name"])
    body = (
        f'<section class="speaker-head"><h2 id="speaker-name">{escape(who["name"])}</h2>'
        f'<p>{escape(who["label"])} · <b id="quotes-total">{doc["quotes_total"]}</b> quotes'
        f"{' · also ' + aliases if aliases else ''} · "
        f'<a href="?bucket={other}">per {other}</a></p></section>'
        f'<section id="over-time">{chart}</section>'
        f'<div class="cols"><section id="outlets"><h3>Outlets</h3><ul>{outlets}</ul></section>'
        f'<section id="entities"><h3>Mentioned with them (stories)</h3><ul>{entities}</ul></section></div>'
        f'<section id="results"><h3>Latest quotes</h3>{render_quotes(doc["quotes"], doc["more"])}</section>'
    )
    return web.Response(text=page(who["name"], body), content_type="text/html")


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
    after each other copy followed, and which arrived first: the dedup verdict), and its quotes."""
    article_id = request.match_info["article_id"]
    status, doc = await answer(request, lambda r, req: story_answer(r, article_id, req.query))
    if status != 200:
        return web.Response(
            text=page("story", f'<p class="error">{escape(doc["error"])}</p>'), status=status, content_type="text/html"
        )
    copies, first, arrived = doc["copies"], doc["first_published"], doc["arrived_first"]
    points = [(datetime.fromisoformat(c["time"]), who_published(c), c["article_id"]) for c in copies]
    rows = "".join(_copy_item(c, c["article_id"] == article_id) for c in copies)
    title = first["title"] or doc["story_id"]
    published = "received" if first["time_basis"] == "received" else "at"
    body = (
        f'<section class="story-head"><h2>{escape(title)}</h2><p><b id="copies">{len(copies)}</b> '
        f'cop{"y" if len(copies) == 1 else "ies"}; published first: <b id="first-published">'
        f"{escape(who_published(first))}</b> {published} <time>{escape(first['time'][:16].replace('T', ' '))}</time>"
        + (
            f'; arrived first: <b id="arrived-first">{escape(who_published(arrived))}</b>'
            if arrived is not None
            else ""
        )
        + "</p></section>"
        f'<section id="timeline">{timeline("Copies in the order they were published", points)}</section>'
        f'<section id="copies-list"><ol>{rows}</ol></section>'
        f'<section id="results"><h3>Quotes</h3>{render_quotes(doc["quotes"])}</section>'
    )
    return web.Response(text=page(title, body), content_type="text/html")


def add_routes(app: web.Application) -> None:
    """Add the search pages and their stylesheet to `app`."""
    app.router.add_get("/search", search)
    app.router.add_get("/search/speakers/{actor_id}", speaker_page)
    app.router.add_get("/search/stories/{article_id}", story_page)
    app.router.add_static("/search-static/", STATIC)


__all__ = ["add_routes", "render_quotes"]
