"""/healthz: 200 when the database, cache and broker work; 503 naming the part that does not.

No login, no secrets, and it answers probes that use the bare address over plain HTTP.
"""

import json
from typing import Any

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

from crm_adoption.celery import app as celery_app

pytestmark = pytest.mark.django_db


def health(client: Client | None = None, **extra: Any) -> tuple[int, dict[str, Any]]:
    response = (client or Client()).get("/healthz", **extra)
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_all_parts_healthy_answers_200_without_login() -> None:
    status, body = health()
    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "failed" not in body


def test_broker_down_answers_503_and_names_the_broker(monkeypatch: Any, settings: Any) -> None:
    settings.SECRET_KEY = "secret-key-that-must-stay-secret-1234567890"
    # A broker on a port nobody listens on: kombu's connection is refused at once. (Celery
    # reads the namespaced key, as it does from the Django settings.)
    monkeypatch.setitem(celery_app.conf, "CELERY_BROKER_URL", "redis://:hunter2@127.0.0.1:1/0")
    assert celery_app.connection_for_write().as_uri().startswith("redis://")
    status, body = health()
    assert status == 503
    assert body["status"] == "fail"
    assert body["failed"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"] == "OperationalError"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True
    # Neither the broker's address and password nor any setting leaks into the answer.
    text = json.dumps(body)
    for secret in ("hunter2", "127.0.0.1:1", settings.SECRET_KEY):
        assert secret not in text


def test_database_down_answers_503_and_names_the_database(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", refuse)
    status, body = health()
    assert status == 503
    assert body["failed"] == ["database"]
    assert body["checks"]["database"]["error"] == "OperationalError"


def test_cache_down_answers_503_and_names_the_cache(settings: Any) -> None:
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1},
    }}
    status, body = health()
    assert status == 503
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"]["error"] == "ConnectionError"


def test_probes_by_bare_address_over_plain_http_are_answered(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["crm.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    status, body = health(Client(), HTTP_HOST="10.1.2.3:8000")
    assert status == 200
    assert body["status"] == "ok"
    # Every other path still refuses the unknown host.
    assert Client().get("/accounts/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_only_reads_are_allowed() -> None:
    assert Client().post("/healthz").status_code == 405
    assert Client().head("/healthz").status_code == 200


def test_an_unknown_api_address_answers_json_and_a_page_address_the_page(client) -> None:
    api = client.get("/api/people/not-a-number/score/")
    assert (api.status_code, api["Content-Type"]) == (404, "application/json")
    assert api.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
