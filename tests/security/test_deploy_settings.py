"""Production settings are hardened by default: `check --deploy` is clean, sessions end, the API
schema and docs are for logged-in people only.

The deploy check runs in a fresh process with the environment a real install has (DEBUG=false,
a long secret, nothing else), because the suite itself switches HTTPS-only settings off to talk
plain HTTP (tests/conftest.py).
"""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]
# What the deploy check reports about HTTPS when it is off.
HTTPS_WARNINGS = ("security.W004", "security.W008", "security.W012", "security.W016")


def deploy_check(**extra_env: str) -> subprocess.CompletedProcess[str]:
    # A real install's environment: none of the suite's own switches (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE in this process) and none of the developer's.
    dropped = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "ALLOWED_HOSTS"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("SECURE_")}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), **extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_settings_pass_the_deploy_check_with_no_warning() -> None:
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_plain_http_intranet_is_an_explicit_choice_that_the_deploy_check_still_reports() -> None:
    result = deploy_check(SECURE_SSL="false")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in HTTPS_WARNINGS:
        assert warning in output


def test_https_only_redirects_plain_http_and_sends_hsts(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    secure = Client().get("/accounts/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=3600")


def test_a_session_ends_after_the_configured_age(world: World) -> None:
    from django.conf import settings

    assert timedelta(seconds=settings.SESSION_COOKIE_AGE) <= timedelta(hours=24)
    client = Client()
    before = timezone.now()
    response = client.post("/accounts/login/", {"username": "rita", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    session = Session.objects.get()
    expected = before + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(session.expire_date - expected) < timedelta(seconds=30)
    assert client.get("/me/").status_code == 200
    # Once the age has passed, the stored session no longer counts: back to the login page.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_api_schema_and_docs_are_only_for_logged_in_people(django_user_model: Any) -> None:
    anonymous = Client()
    assert anonymous.get("/api/schema/").status_code in (401, 403)
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/accounts/login/")

    reader = Client()
    reader.force_login(django_user_model.objects.create_user("reader", password="x"))
    schema = reader.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/events/" in schema.content
    assert reader.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_api_schema_with_basic_auth_for_scripts(django_user_model: Any) -> None:
    import base64

    django_user_model.objects.create_user("script", password="pw-for-tests")
    token = base64.b64encode(b"script:pw-for-tests").decode()
    response = Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200
