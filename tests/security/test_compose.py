"""docker-compose.yml is a valid stack: the services, their health checks (web asks /healthz),
the shared environment, dependencies that exist and wait for health, and declared volumes.

No Docker daemon or compose plugin here, so the file is checked as data (PyYAML, with the merge
key `<<` resolved as compose resolves it)."""

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_stack_has_its_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "redis", *APP_SERVICES}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    # Queued tasks survive a Redis restart.
    assert "--appendonly" in services["redis"]["command"]
    # Exactly one beat: two would send every periodic job twice.
    assert [name for name, s in services.items() if "beat" in " ".join(map(str, s.get("command", [])))] == ["beat"]


def test_long_running_services_have_health_checks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("db", "redis", "web", "worker"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert {"interval", "timeout", "retries"} <= set(check), name
    web = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in web
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_app_services_share_one_environment(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://"), name
        assert "@db:5432/" in env["DATABASE_URL"], name
        assert env["REDIS_URL"].startswith("redis://redis:6379/"), name
        # Production fails fast without a secret; it is never written into the file.
        assert env["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}", name
        assert env["DEBUG"] == "${DEBUG:-false}", name
        assert env["SECURE_SSL"] == "${SECURE_SSL:-true}", name
        assert services[name]["environment"] == services["web"]["environment"], name


def test_dependencies_exist_and_wait_for_health(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], (name, dependency)
            else:
                assert rule["condition"] == "service_completed_successfully", (name, dependency)
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_named_volumes_are_declared(compose: dict[str, Any]) -> None:
    used = {volume.split(":")[0] for service in compose["services"].values() for volume in service.get("volumes", [])}
    assert used <= set(compose["volumes"])
