"""docker-compose.yml: its structure (PyYAML), and `docker compose config` where a compose binary exists.

The compose v2 binary is looked for as the `docker compose` plugin, then `docker-compose` on
PATH or beside this Python; without one that test is skipped.
"""

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shared.core.settings import STAGES, Settings, Topics

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
KNOWN_ENV = {f"NEWSFLOW_{f.name.upper()}" for f in dataclasses.fields(Settings)} | {
    f"NEWSFLOW_TOPIC_{f.name.upper()}" for f in dataclasses.fields(Topics)
}


def compose_command() -> list[str] | None:
    """The command of a Compose v2 CLI on this machine, or None."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    for candidate in (shutil.which("docker-compose"), str(Path(sys.executable).with_name("docker-compose"))):
        if candidate and Path(candidate).exists():
            out = subprocess.run([candidate, "version"], capture_output=True, text=True)
            if out.returncode == 0 and "v2." in out.stdout:
                return [candidate]
    return None


@pytest.fixture(scope="module")
def compose() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML (test extra) parses docker-compose.yml")
    return yaml.safe_load(COMPOSE.read_text())


def _env(service: dict) -> dict:
    env = service.get("environment") or {}
    return env if isinstance(env, dict) else dict(e.split("=", 1) for e in env)


def test_one_service_per_stage_with_metrics_and_a_liveness_healthcheck(compose):
    services = compose["services"]
    for stage in STAGES:
        svc = services[stage]
        assert svc["command"] == ["worker", stage]
        env = _env(svc)
        assert env["NEWSFLOW_KAFKA_BOOTSTRAP"] == "kafka:9092"
        assert env["NEWSFLOW_METRICS_PORT"] == "9100" and env["NEWSFLOW_METRICS_HOST"] == "0.0.0.0"
        assert "9100" in [str(p) for p in svc["expose"]]
        assert any("9100/healthz" in part for part in svc["healthcheck"]["test"])
        assert "ports" not in svc, "a fixed host port would break --scale"


def test_the_dashboard_service_serves_on_8080(compose):
    svc = compose["services"]["dashboard"]
    assert svc["command"] == ["dashboard"]
    env = _env(svc)
    assert env["NEWSFLOW_DASHBOARD_HOST"] == "0.0.0.0" and env["NEWSFLOW_DASHBOARD_PORT"] == "8080"
    assert env["NEWSFLOW_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert "8080:8080" in svc["ports"]
    assert svc["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert any("8080/healthz" in part for part in svc["healthcheck"]["test"])
    assert svc.get("image") or svc.get("build")


def test_every_reference_resolves_and_every_setting_exists(compose):
    services = compose["services"]
    for name, svc in services.items():
        assert svc.get("image") or svc.get("build"), name
        for dep in svc.get("depends_on") or {}:
            assert dep in services, f"{name} depends on unknown {dep}"
        for vol in svc.get("volumes") or []:
            source = vol.split(":", 1)[0]
            assert source in (compose.get("volumes") or {}) or source.startswith((".", "/")), vol
        unknown = {k for k in _env(svc) if k.startswith("NEWSFLOW_")} - KNOWN_ENV
        assert not unknown, f"{name} sets variables Settings does not read: {unknown}"
    for tool in ("publish", "tail"):
        assert services[tool]["profiles"] == ["tools"] and services[tool]["healthcheck"] == {"disable": True}


def test_docker_compose_config_accepts_the_file():
    cmd = compose_command()
    if cmd is None:
        pytest.skip("no Compose v2 CLI here (docker compose plugin or docker-compose binary)")
    out = subprocess.run(
        cmd + ["-f", str(COMPOSE), "--profile", "tools", "config", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    services = json.loads(out.stdout)["services"]
    assert {"kafka", "redis", "dashboard", "publish", "tail", *STAGES} <= set(services)
    assert services["dashboard"]["ports"][0]["published"] == "8080"
