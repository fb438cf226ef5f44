"""API throttles beyond the per-key one: per signed-in person and per anonymous address.

The rates are counted in the cache (Redis when REDIS_URL is set). The tests lower a rate for
themselves; the defaults are generous enough that no other test is ever throttled.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from tests.conftest import World

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def low_rates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # DRF reads the rates into the throttle classes once, at import; lower them on the classes.
    for throttle in (AnonRateThrottle, UserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {**throttle.THROTTLE_RATES, "anon": "3/minute",
                                                         "user": "3/minute"})
    cache.clear()
    yield
    cache.clear()


def test_a_person_over_the_rate_gets_429_with_retry_after_and_others_are_not_held_back(
    world: World, low_rates: None,
) -> None:
    rita, ronja = world.client_for(world.rita), world.client_for(world.ronja)
    codes = [rita.get("/api/me/score/").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    refused = rita.get("/api/me/score/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Counted per person and across the API, not per view: another endpoint is refused too ...
    assert rita.get("/api/me/suggestions/").status_code == 429
    # ... while another person is served.
    assert ronja.get("/api/me/score/").status_code == 200


class _PublicView(APIView):
    """An API view open to anyone, with the project's default throttles."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


def test_anonymous_requests_are_limited_per_address(db: Any, low_rates: None) -> None:
    view = _PublicView.as_view()
    factory = APIRequestFactory()
    codes = [view(factory.get("/public/", REMOTE_ADDR="198.51.100.7")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert view(factory.get("/public/", REMOTE_ADDR="198.51.100.8")).status_code == 200
    # A made-up X-Forwarded-For does not buy a fresh count (no trusted proxy in front).
    spoofed = factory.get("/public/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert view(spoofed).status_code == 429


def test_the_rates_come_from_the_environment() -> None:
    script = ("import django; django.setup(); from rest_framework.settings import api_settings as a; "
              "r = a.DEFAULT_THROTTLE_RATES; print(r['anon'], r['user'], a.DEFAULT_THROTTLE_CLASSES)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crm_adoption.settings", "DEBUG": "false",
           "SECRET_KEY": "throttle-test", "API_ANON_RATE": "7/hour", "API_USER_RATE": "11/second"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.startswith("7/hour 11/second ")
    assert "AnonRateThrottle" in out
    assert "UserRateThrottle" in out
