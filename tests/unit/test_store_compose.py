"""docker-compose.yml runs the store: a PostgreSQL service and a sink worker writing into it."""

from pathlib import Path

import pytest

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


@pytest.fixture(scope="module")
def services() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML (test extra) parses docker-compose.yml")
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_postgres_service_is_health_checked_and_keeps_its_data(services):
    pg = services["postgres"]
    assert pg["image"].startswith("postgres:")
    assert "pg_isready" in pg["healthcheck"]["test"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in pg["volumes"])


def test_sink_is_a_worker_that_writes_to_the_postgres_service(services):
    sink = services["sink"]
    assert sink["command"] == ["sink"]
    assert sink["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert sink["depends_on"]["kafka"] == {"condition": "service_healthy"}
    url = sink["environment"]["NEWSFLOW_STORE_URL"]
    assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url
    assert sink["environment"]["NEWSFLOW_METRICS_PORT"] == "9100"  # metrics and probes as the other workers
    assert "healthz" in " ".join(sink["healthcheck"]["test"])


def test_the_crawl_service_publishes_into_the_flow_and_keeps_its_state_in_redis(services):
    crawl = services["crawl"]
    assert crawl["command"][:3] == ["crawl", "--publish", "--state-redis"]
    assert crawl["profiles"] == ["crawl"]  # started on purpose, with the sources to crawl
    assert crawl["environment"]["NEWSFLOW_REDIS_URL"] == "redis://redis:6379/0"
    assert "NEWSFLOW_CRAWL_SOURCES" in crawl["environment"]
    assert crawl["depends_on"]["kafka"] == {"condition": "service_healthy"}
