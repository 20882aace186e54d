"""The dashboard's web server (aiohttp): the page, its static files and a JSON snapshot API.

Routes:
- `/`: the page; it polls `/api/snapshot` once a second and swaps in the rendered parts;
- `/api/snapshot?version=N`: `{version, count, feed_html (absent when N is current), stats_html, status}`;
- `/api/articles`: the articles held, as JSON;
- `/healthz`: 200 with the follower's state.
"""

from __future__ import annotations

import logging
import time
from html import escape
from pathlib import Path

import orjson
from aiohttp import web

from newsflow.web.dashboard.charts import colour_of, line_chart
from newsflow.web.dashboard.follow import EnrichedFollower
from newsflow.web.dashboard.render import render_feed, render_legend
from newsflow.web.dashboard.stats import SINK, KafkaOffsets, StageSeries, StatsPoller
from newsflow.web.dashboard.store import ArticleStore
from shared.core.settings import Settings

log = logging.getLogger("newsflow.dashboard")
STATIC = Path(__file__).with_name("static")

STORE = web.AppKey("store", ArticleStore)
SERIES = web.AppKey("series", StageSeries)
FOLLOWER = web.AppKey("follower", EnrichedFollower)
POLLER = web.AppKey("poller", StatsPoller)
SETTINGS = web.AppKey("settings", Settings)


def render_stats(snapshot: dict, window_s: float, now: float | None = None) -> str:
    """The throughput and lag charts and the per-stage table, as HTML."""
    now = now if now is not None else time.time()
    charts = line_chart(
        "Throughput per stage (articles/s)", snapshot["throughput"], unit="art/s", window_s=window_s, now=now
    ) + line_chart("Consumer lag per stage (messages)", snapshot["lag"], unit="msgs", window_s=window_s, now=now)
    rows = []
    for i, stage in enumerate(snapshot["lag"]):
        r = snapshot["latest"].get(stage)
        tp = snapshot["throughput"][stage][-1][1] if snapshot["throughput"][stage] else 0.0
        name = "sink → store" if stage == SINK else stage
        rows.append(
            f'<tr data-stage="{escape(stage)}"{" class=sink" if stage == SINK else ""}><td><span class="dot" '
            f'style="background:{colour_of(stage, i)}"></span>{escape(name)}</td>'
            f"<td>{r.committed if r else '–'}</td><td>{tp:.1f}</td>"
            f'<td class="lag">{r.lag if r else "–"}</td></tr>'
        )
    table = (
        '<table class="stages"><thead><tr><th>stage</th><th>consumed</th><th>art/s</th><th>lag</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="dlq">dead letters: <b>{snapshot["dead_letters"]}</b></p>'
    )
    return f'<div class="charts">{charts}</div>{table}'


async def index(request: web.Request) -> web.Response:
    """The page, with the topic name and the entity legend filled in."""
    settings = request.app[SETTINGS]
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    html = html.replace("{{topic}}", escape(settings.topics.enriched)).replace("{{legend}}", render_legend())
    return web.Response(text=html, content_type="text/html")


async def snapshot(request: web.Request) -> web.Response:
    """The parts of the page that changed since `version`."""
    app = request.app
    version, articles = app[STORE].snapshot()
    follower = app[FOLLOWER]
    poller = app[POLLER]
    window_s = max(60.0, app[SETTINGS].dashboard_poll_s * 120)
    doc = {
        "version": version,
        "count": len(articles),
        "clusters": len({(a.get("dedup") or {}).get("cluster_id") or a.get("id") for a in articles}),
        "status": follower.error or poller.error or follower.state,
        "stats_html": render_stats(app[SERIES].snapshot(), window_s),
    }
    if request.query.get("version") != str(version):
        doc["feed_html"] = render_feed(articles)
    return web.Response(body=orjson.dumps(doc), content_type="application/json")


async def articles(request: web.Request) -> web.Response:
    """The articles held, oldest first."""
    _, items = request.app[STORE].snapshot()
    return web.Response(
        body=orjson.dumps([{k: v for k, v in a.items() if k != "_seq"} for a in items]), content_type="application/json"
    )


async def healthz(request: web.Request) -> web.Response:
    """Alive; tells whether the follower is following."""
    follower = request.app[FOLLOWER]
    return web.Response(
        body=orjson.dumps(
            {"alive": True, "follower": follower.state, "error": follower.error, "articles": len(request.app[STORE])}
        ),
        content_type="application/json",
    )


def build_app(
    settings: Settings,
    *,
    follower: EnrichedFollower | None = None,
    poller: StatsPoller | None = None,
    store: ArticleStore | None = None,
    series: StageSeries | None = None,
) -> web.Application:
    """The aiohttp application; the follower and poller threads start with it and stop with it."""
    app = web.Application()
    app[SETTINGS] = settings
    app[STORE] = store or ArticleStore(settings.dashboard_max_articles)
    app[SERIES] = series or StageSeries()
    app[FOLLOWER] = follower or EnrichedFollower(settings, app[STORE])
    app[POLLER] = poller or StatsPoller(app[SERIES], lambda: KafkaOffsets(settings), settings.dashboard_poll_s)

    async def start_threads(app: web.Application) -> None:
        app[FOLLOWER].start()
        app[POLLER].start()

    async def stop_threads(app: web.Application) -> None:
        app[FOLLOWER].stop()
        app[POLLER].stop()

    app.on_startup.append(start_threads)
    app.on_cleanup.append(stop_threads)
    app.router.add_get("/", index)
    app.router.add_get("/api/snapshot", snapshot)
    app.router.add_get("/api/articles", articles)
    app.router.add_get("/healthz", healthz)
    app.router.add_static("/static/", STATIC)
    from newsflow.web.app import add_store_routes  # issue 19: the store's JSON API, search pages, token check
    from newsflow.web.layout import LIVE_PAGE

    app[LIVE_PAGE] = True  # the search pages link back to this page
    add_store_routes(app, settings)
    return app


def run_dashboard(settings: Settings) -> None:
    """Serve the dashboard on dashboard_host:dashboard_port until SIGTERM/SIGINT."""
    app = build_app(settings)
    log.info(
        "dashboard on http://%s:%d/ following %s",
        settings.dashboard_host,
        settings.dashboard_port,
        settings.topics.enriched,
        extra={"topic": settings.topics.enriched},
    )
    web.run_app(app, host=settings.dashboard_host, port=settings.dashboard_port, print=None, access_log=None)
