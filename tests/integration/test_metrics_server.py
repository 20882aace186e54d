"""The HTTP servers on loopback, without a broker: the worker's probes server and the dashboard app."""

import asyncio
import urllib.error
import urllib.request

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer

from newsflow.web.dashboard.server import build_app
from newsflow.web.dashboard.stats import StageReading, StageSeries
from newsflow.web.dashboard.store import ArticleStore
from shared.adapters.observability.health import HealthServer, HealthState
from shared.adapters.observability.metrics import PrometheusObserver, WorkerMetrics
from shared.core.batch import BatchResult, InMessage, Output
from shared.core.settings import Settings

pytestmark = pytest.mark.integration


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type"), err.read()


def test_probe_server_answers_metrics_liveness_and_readiness():
    metrics = WorkerMetrics("quotes")
    state = HealthState("quotes")
    server = HealthServer(
        "127.0.0.1", 0, metrics.registry, state, on_ready=lambda ok: metrics.ready.labels("quotes").set(int(ok))
    )
    port = server.start()
    try:
        base = f"http://127.0.0.1:{port}"
        message = InMessage("t", 0, 0, b"a", b"{}")
        PrometheusObserver(metrics).batch_done(
            "quotes", [message], BatchResult([Output(message, None, b"a", b"{}")], []), 0.01
        )  # type: ignore[arg-type]
        status, ctype, body = get(base + "/metrics")
        assert status == 200 and ctype.startswith("text/plain")
        assert b'newsflow_articles_processed_total{stage="quotes"} 1.0' in body
        assert b"process_cpu_seconds_total" in body
        assert get(base + "/healthz")[0] == 200
        status, _, body = get(base + "/readyz")
        assert status == 503 and orjson.loads(body)["ready"] is False
        state.stage_loaded = True
        state.set_assignment([0, 1])
        status, _, body = get(base + "/readyz")
        assert status == 200 and orjson.loads(body)["assigned_partitions"] == [0, 1]
        assert metrics.registry.get_sample_value("newsflow_worker_ready", {"stage": "quotes"}) == 1
        assert get(base + "/other")[0] == 404
    finally:
        server.stop()


class Idle:
    """Stands in for the follower and the poller threads."""

    state = "following"
    error = None

    def start(self):
        pass

    def stop(self):
        pass


def test_dashboard_app_serves_the_page_and_incremental_snapshots():
    store = ArticleStore()
    series = StageSeries()
    store.add(
        {
            "id": "a1",
            "title": "Blair speaks",
            "text": "Blair spoke.",
            "entities": [],
            "quotes": [],
            "dedup": {"status": "unique", "duplicate_of": None, "similarity": 1.0, "cluster_id": "c1"},
        }
    )
    series.add(1.0, {"normalize": StageReading(1, 0, 1)})
    app = build_app(Settings(), follower=Idle(), poller=Idle(), store=store, series=series)

    async def scenario():
        async with TestClient(TestServer(app)) as client:
            page = await (await client.get("/")).text()
            assert "articles.enriched" in page and 'data-label="PERSON"' in page and "/static/app.js" in page
            assert "{{" not in page
            assert (await client.get("/static/app.js")).status == 200
            first = await (await client.get("/api/snapshot")).json()
            assert first["count"] == 1 and 'data-id="a1"' in first["feed_html"] and first["status"] == "following"
            assert 'data-series="normalize"' in first["stats_html"]
            again = await (await client.get(f"/api/snapshot?version={first['version']}")).json()
            assert "feed_html" not in again and again["stats_html"]
            assert [a["id"] for a in await (await client.get("/api/articles")).json()] == ["a1"]
            assert (await (await client.get("/healthz")).json())["follower"] == "following"

    asyncio.run(scenario())
