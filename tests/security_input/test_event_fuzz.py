"""Hypothesis fuzz of both event endpoints: no input answers 500, and a 400 saves nothing.

Bodies mix valid fields with hostile ones (NUL bytes, lone surrogates, huge or odd numbers,
years 1 and 9999, deep nesting, unknown fields, wrong types) and are sent as raw JSON text.
"""

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.integrations.services import integration_key_create
from apps.usage.models import UsageEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

NASTY = st.sampled_from(["\x00", "\ud800", "\udfff", "a\ud83d", "\ufeff", "\u202e", "'; DROP TABLE x;--", "=1+1",
                         "é" * 300, "x" * 20_000, "", " ", "null", "2026-11-30T09:00:00Z"])
TEXT = st.one_of(st.text(max_size=40), NASTY, st.builds(lambda a, b: a + b, st.text(max_size=5), NASTY))
NUMBER = st.one_of(st.integers(), st.integers(min_value=-(2**70), max_value=2**70),
                   st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, -0.0, 2**63, 2**64]))
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
JSON = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(TEXT, inner, max_size=4)), max_leaves=20)
WHEN = st.one_of(st.sampled_from(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1999-12-31T23:59:59Z",
                                  "2026-11-30T09:00:00Z", "2026-11-30", "not a date", "2026-02-30T00:00:00Z"]),
                 st.datetimes().map(lambda d: d.isoformat() + "Z"), JSON)
KIND = st.one_of(st.sampled_from(["call_logged", "login", "record_created", "teleport"]), TEXT, JSON)
KEY = st.one_of(st.text(min_size=1, max_size=10), st.integers(min_value=195, max_value=205).map(lambda n: "k" * n),
                TEXT, JSON)


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"n": value}
    return value


METADATA = st.one_of(JSON, st.dictionaries(TEXT, JSON, max_size=5), st.integers(0, 40).map(_nested))
DURATION = st.one_of(st.none(), st.integers(min_value=-10, max_value=90_000), NUMBER, TEXT)


def _event(person: Any) -> Any:
    fields = {"kind": KIND, "occurred_at": WHEN, "idempotency_key": KEY, "duration_seconds": DURATION,
              "metadata": METADATA, "source": st.one_of(st.sampled_from(["api", "crm_export", "import"]), TEXT)}
    optional = st.fixed_dictionaries({}, optional={**fields, "person": person})
    return st.one_of(optional, st.tuples(optional, st.dictionaries(TEXT, JSON, max_size=2)).map(
        lambda pair: {**pair[1], **pair[0]}), JSON)


def _raw(body: Any) -> str:
    return json.dumps(body)  # ASCII escapes: \\u0000 and \\ud800 reach the parser as a client sends them


def _logged() -> int:
    return UsageEvent.objects.exclude(kind="login").count()


def test_own_events_endpoint_never_answers_500(world: World) -> None:
    client = world.client_for(world.rita)

    @FUZZ
    @given(body=st.one_of(_event(st.nothing()), JSON))
    def check(body: Any) -> None:
        before = _logged()
        response = client.post("/api/events/", _raw(body), content_type="application/json")
        assert response.status_code in (200, 201, 400), (response.status_code, response.content[:300])
        if response.status_code == 400:
            assert _logged() == before
        if response.status_code == 201:
            assert _logged() == before + 1
            saved = UsageEvent.objects.get(pk=response.json()["id"])
            assert saved.metadata == body.get("metadata", {})

    check()


def test_batch_events_endpoint_never_answers_500(world: World) -> None:
    secret = integration_key_create(organisation_id=world.org.pk, name="Fuzz", scopes=["events:write"])[1]
    person = st.one_of(st.just(world.rita.pk), st.just("rita@example.com"),
                       st.fixed_dictionaries({"source": st.sampled_from(["salesforce", "hubspot", "x"]),
                                              "external_id": TEXT}), JSON)

    @FUZZ
    @given(body=st.one_of(st.fixed_dictionaries({"events": st.lists(_event(person), max_size=4)}), JSON))
    def check(body: Any) -> None:
        before = _logged()
        response = Client().post("/api/v1/events/", _raw(body), content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Api-Key {secret}")
        assert response.status_code in (200, 400), (response.status_code, response.content[:300])
        if response.status_code == 400:
            assert _logged() == before
        else:
            answer = response.json()
            assert len(answer["results"]) == len(body["events"])
            assert _logged() == before + answer["accepted"]

    check()
