"""Bad input on both event APIs is a clear 400 (or a rejected item) that saves nothing partial.

Raw bodies are written with `json.dumps` (ASCII escapes), so lone surrogates and NUL bytes reach
the server exactly as a client's `\\ud800` / `\\u0000` escapes would.
"""

import datetime as dt
import json
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from apps.integrations.models import HeldEvent
from apps.integrations.services import integration_key_create
from apps.usage.models import UsageEvent
from apps.usage.validation import (
    MAX_IDEMPOTENCY_KEY_LENGTH,
    MAX_METADATA_BYTES,
    MAX_METADATA_DEPTH,
    body_problem,
    location_of,
    metadata_problem,
    scoped_idempotency_key,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db
OWN = "/api/events/"
BATCH = "/api/v1/events/"


def _event(**extra: Any) -> dict[str, Any]:
    return {"kind": "call_logged", "occurred_at": timezone.now().isoformat(), "idempotency_key": "k1", **extra}


def _nested(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = {"a": value}
    return value


def _logged() -> int:
    """Events other than the logins the test clients record."""
    return UsageEvent.objects.exclude(kind="login").count()


@pytest.fixture
def secret(world: World) -> str:
    return integration_key_create(organisation_id=world.org.pk, name="Salesforce", scopes=["events:write"])[1]


def _own(world: World, body: Any) -> Any:
    """POST as rita (logging in records a login event of its own: count with `_logged`)."""
    client = world.client_for(world.rita)
    raw = body if isinstance(body, str) else json.dumps(body).replace("Infinity", "1e400")
    return client.post(OWN, raw, content_type="application/json")


def _batch(secret: str, body: Any) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body).replace("Infinity", "1e400")
    return Client().post(BATCH, raw, content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {secret}")


BAD_EVENTS = {
    "NUL in the key": (_event(idempotency_key="a\x00b"), "idempotency_key"),
    "lone surrogate in the key": (_event(idempotency_key="a\ud800"), "idempotency_key"),
    "lone surrogate in kind (never echoed)": (_event(kind="\udfff"), "kind"),
    "NUL in a metadata value": (_event(metadata={"note": "x\x00"}), "metadata"),
    "lone surrogate in a metadata key": (_event(metadata={"n\ud83d": 1}), "metadata"),
    "surrogate deep in a metadata list": (_event(metadata={"a": [1, {"b": ["\udc00"]}]}), "metadata"),
    "lone surrogate in an unknown field's name": ({**_event(), "x\ud800": 1}, "detail"),
    "year 1": (_event(occurred_at="0001-01-01T00:00:00+01:00"), "occurred_at"),
    "year 9999": (_event(occurred_at="9999-12-31T23:59:59-01:00"), "occurred_at"),
    "1999": (_event(occurred_at="1999-12-31T23:59:59Z"), "occurred_at"),
    "two days ahead": (_event(occurred_at=(timezone.now() + dt.timedelta(days=2)).isoformat()), "occurred_at"),
    "metadata over 16 KB": (_event(metadata={"a": "x" * MAX_METADATA_BYTES}), "metadata"),
    "5 MB metadata": (_event(metadata={"a": "x" * 5_000_000}), "metadata"),
    "metadata too deep": (_event(metadata=_nested(MAX_METADATA_DEPTH + 1)), "metadata"),
    "key of 201": (_event(idempotency_key="k" * (MAX_IDEMPOTENCY_KEY_LENGTH + 1)), "idempotency_key"),
    "empty key": (_event(idempotency_key=""), "idempotency_key"),
    "infinite number": (_event(metadata={"a": 1e400}), "metadata"),  # json.dumps writes Infinity
}


@pytest.mark.parametrize("name", list(BAD_EVENTS))
def test_own_endpoint_answers_400_on_the_field_and_saves_nothing(world: World, name: str) -> None:
    body, field = BAD_EVENTS[name]
    response = _own(world, body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert _logged() == 0


@pytest.mark.parametrize("name", list(BAD_EVENTS))
def test_batch_rejects_only_the_bad_item_with_its_reason(world: World, secret: str, name: str) -> None:
    body, field = BAD_EVENTS[name]
    good = _event(person=world.ronja.pk, idempotency_key="good")
    response = _batch(secret, {"events": [good, {**body, "person": world.rita.pk}]})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert [r["status"] for r in answer["results"]] == ["accepted", "rejected"]
    assert field in answer["results"][1]["reason"]
    assert list(UsageEvent.objects.exclude(kind="login").values_list("user_id", flat=True)) == [world.ronja.pk]


def test_a_bad_item_for_an_unmapped_identity_is_not_held_either(world: World, secret: str) -> None:
    body = _event(person={"source": "salesforce", "external_id": "005000000000009"}, metadata={"a": "\x00"})
    assert _batch(secret, {"events": [body]}).json()["results"][0]["status"] == "rejected"
    assert not HeldEvent.objects.exists()


def test_the_location_of_a_bad_character_is_shown_escaped_never_raw(world: World) -> None:
    response = _own(world, _event(metadata={"no\x00te": "fine", "ok": ["x", "y\ud800"]}))
    message = response.json()["metadata"][0]
    assert "NUL bytes or unpaired surrogate" in message
    assert "metadata.no\\u0000te" in message or "metadata.ok[1]" in message
    assert "\x00" not in message
    assert "\ud800" not in message


def test_a_key_of_exactly_the_documented_limit_is_accepted_on_both_endpoints(world: World, secret: str) -> None:
    key = "k" * MAX_IDEMPOTENCY_KEY_LENGTH
    first = _own(world, _event(idempotency_key=key))
    assert first.status_code == 201, first.content
    assert first.json()["idempotency_key"] == key
    again = _own(world, _event(idempotency_key=key))
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    # A different long key that shares the first 190 characters is another event (hashed, not cut).
    other = _own(world, _event(idempotency_key="k" * 190 + "x" * 10))
    assert other.status_code == 201
    batch = _batch(secret, {"events": [_event(person=world.ronja.pk, idempotency_key=key)]})
    assert batch.json()["results"][0]["status"] == "accepted"
    assert _logged() == 3


def test_the_stored_key_is_prefixed_while_it_fits_and_hashed_beyond() -> None:
    assert scoped_idempotency_key("user7:", "abc") == "user7:abc"
    long_key = "é" * 200
    stored = scoped_idempotency_key("user7:", long_key)
    assert stored.startswith("user7:sha256:")
    assert len(stored) <= 200
    assert stored != scoped_idempotency_key("user7:", "é" * 199 + "e")


@pytest.mark.parametrize("endpoint", ["own", "batch"])
def test_a_body_nested_past_the_stack_is_a_400(world: World, secret: str, endpoint: str) -> None:
    deep = "[" * 50_000 + "]" * 50_000
    if endpoint == "own":
        response = _own(world, '{"kind": "call_logged", "metadata": ' + deep + "}")
    else:
        response = _batch(secret, '{"events": ' + deep + "}")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_batch_nested_deeper_than_metadata_allows_is_a_400_that_saves_nothing(world: World, secret: str) -> None:
    events = [_event(person=world.ronja.pk, idempotency_key="fine"),
              _event(person=world.rita.pk, idempotency_key="deep", metadata=_nested(600))]
    response = _batch(secret, {"events": events})
    assert response.status_code == 400
    assert response.json()["saved"] == 0
    assert "Nested too deeply (at events[1].metadata" in response.json()["detail"][0]
    assert _logged() == 0


def test_a_person_id_past_a_database_integer_is_rejected_not_a_500(world: World, secret: str) -> None:
    response = _batch(secret, {"events": [_event(person=10**30), _event(person=0, idempotency_key="z")]})
    assert [r["status"] for r in response.json()["results"]] == ["rejected", "rejected"]


def test_limits_sit_exactly_at_their_boundary() -> None:
    fits = {"a": "x" * (MAX_METADATA_BYTES - len('{"a": ""}'))}
    assert len(json.dumps(fits).encode()) == MAX_METADATA_BYTES
    assert metadata_problem(fits) is None
    assert metadata_problem({"a": "x" * (MAX_METADATA_BYTES - len('{"a": ""}') + 1)}) is not None
    # "ø" is two bytes in UTF-8: the limit is on bytes, as stated.
    assert metadata_problem({"a": "ø" * (MAX_METADATA_BYTES // 2)}) is not None
    assert metadata_problem(_nested(MAX_METADATA_DEPTH)) is None
    assert metadata_problem(_nested(MAX_METADATA_DEPTH + 1)) is not None
    assert body_problem(_nested(MAX_METADATA_DEPTH), max_depth=MAX_METADATA_DEPTH) is None
    assert body_problem(_nested(MAX_METADATA_DEPTH + 1), max_depth=MAX_METADATA_DEPTH) is not None
    assert location_of(("events", 3, "metadata", "n\x00")) == "events[3].metadata.n\\u0000"


def test_the_schema_states_the_same_limits(tmp_path: Any) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    components = schema["components"]["schemas"]
    for name in ("EventInput", "BatchEvent"):
        props = components[name]["properties"]
        assert (props["idempotency_key"]["minLength"], props["idempotency_key"]["maxLength"]) == (
            1, MAX_IDEMPOTENCY_KEY_LENGTH)
        assert f"at most {MAX_METADATA_BYTES // 1024} KB" in props["metadata"]["description"]
        assert f"at most {MAX_METADATA_DEPTH} levels deep" in props["metadata"]["description"]
        assert "between 2000-01-01T00:00:00Z and one day from now" in props["occurred_at"]["description"]
    batch = components["EventBatch"]["properties"]["events"]
    assert (batch["minItems"], batch["maxItems"]) == (1, 1000)
    own = schema["paths"]["/api/events/"]["post"]
    assert "400" in own["responses"]
    assert "NUL bytes" in own["description"]
    assert "400" in schema["paths"]["/api/v1/events/"]["post"]["responses"]
