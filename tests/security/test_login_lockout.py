"""Brute force gets nowhere: after the failure limit, the login form and API basic auth refuse
even the right password, say why, and let the person in again after the cool-off."""

import base64
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from apps.core.authentication import client_ip
from tests.conftest import World

pytestmark = pytest.mark.django_db

RIGHT = "pw-for-tests"


def form_login(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def basic(username: str, password: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_on_the_form_then_the_right_one_is_refused(world: World, settings: Any) -> None:
    client = Client()
    for _ in range(30):
        response = form_login(client, "rita", "wrong")
        assert response.status_code in (200, 429)
    response = form_login(client, "rita", RIGHT)
    assert response.status_code == 429
    assert not logged_in(client)
    body = response.content.decode()
    assert "Too many failed logins" in body
    assert f"paused for {settings.AXES_COOLOFF_TIME.total_seconds() / 60:.0f} minutes" in body


def test_the_form_locks_exactly_at_the_limit(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    assert form_login(client, "rita", "wrong").status_code == 200
    assert form_login(client, "rita", "wrong").status_code == 200
    assert form_login(client, "rita", "wrong").status_code == 429
    assert AccessAttempt.objects.get(username="rita").failures_since_start == 3


def test_thirty_wrong_passwords_with_basic_auth_then_the_right_one_is_refused(world: World) -> None:
    client = Client()
    statuses = [client.get("/api/me/score/", **basic("rita", "wrong")).status_code for _ in range(30)]
    assert set(statuses) <= {401, 403, 429}
    assert 429 in statuses
    response = client.get("/api/me/score/", **basic("rita", RIGHT))
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]
    # And the form is locked for the same pair too: one count for both doors.
    assert form_login(Client(), "rita", RIGHT).status_code == 429


def test_basic_auth_with_the_right_password_works_before_a_lockout(world: World) -> None:
    assert Client().get("/api/me/score/", **basic("rita", RIGHT)).status_code == 200


def test_lockout_ends_after_the_cool_off(world: World, settings: Any) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        form_login(client, "rita", "wrong")
    locked = form_login(client, "rita", RIGHT)
    assert locked.status_code == 429
    assert "paused for 2 minutes" in locked.content.decode()
    # One minute later it is still locked; past the two minutes it opens again.
    attempt = AccessAttempt.objects.get(username="rita")
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - timedelta(minutes=1))
    assert form_login(client, "rita", RIGHT).status_code == 429
    attempt.refresh_from_db()
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - timedelta(minutes=2, seconds=1))
    response = form_login(client, "rita", RIGHT)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_success_before_the_limit_starts_the_count_again(world: World, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        form_login(Client(), "rita", "wrong")
    assert form_login(Client(), "rita", RIGHT).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        form_login(Client(), "rita", "wrong")
    assert form_login(Client(), "rita", RIGHT).status_code == 302


def test_a_lockout_holds_one_username_from_one_address(world: World, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="203.0.113.9").post("/accounts/login/", {"username": "rita", "password": "wrong"})
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    assert attacker.post("/accounts/login/", {"username": "rita", "password": RIGHT}).status_code == 429
    # Rita from her own address, and a colleague from the attacker's, still get in.
    assert Client(REMOTE_ADDR="198.51.100.4").post("/accounts/login/", {"username": "rita", "password": RIGHT}).status_code == 302
    assert attacker.post("/accounts/login/", {"username": "ronja", "password": RIGHT}).status_code == 302


def test_the_lockout_message_is_in_danish_too(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 1
    client = Client()
    form_login(client, "rita", "wrong")
    client.post("/i18n/setlang/", {"language": "da", "next": "/"})
    response = form_login(client, "rita", RIGHT)
    assert response.status_code == 429
    assert "For mange mislykkede logins" in response.content.decode()


def test_client_address_behind_trusted_proxies(settings: Any) -> None:
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    # One proxy: the address it appended; the client's own "1.2.3.4" is not believed.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"
