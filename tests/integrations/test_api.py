"""POST /api/v1/events/ with an integration key: per-item answers, holding, isolation, revocation."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from apps.identities.services import external_identity_add
from apps.integrations.models import HeldEvent, IntegrationKey
from apps.integrations.services import identity_map, integration_key_create, integration_key_revoke
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/"
SF_ID = "005000000000001AAA"


def post(secret: str, body: Any) -> Any:
    return Client().post(URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {secret}")


def event(person: Any, key: str, **extra: Any) -> dict[str, Any]:
    return {"person": person, "kind": "login", "occurred_at": "2026-11-30T09:00:00Z", "idempotency_key": key, **extra}


@pytest.fixture
def secret(world: World) -> str:
    return integration_key_create(organisation_id=world.org.pk, name="Salesforce", scopes=["events:write"])[1]


def test_mixed_batch_answers_item_by_item(world: World, secret: str) -> None:
    world.rita.email = "rita@example.com"
    world.rita.save()
    external_identity_add(organisation_id=world.org.pk, user_id=world.ronja.pk, source="salesforce",
                          external_id="005000000000002")
    response = post(secret, {"events": [
        event(world.rita.pk, "a"),
        event("RITA@example.com", "b", kind="record_created", duration_seconds=60, metadata={"object": "Lead"}),
        event({"source": "salesforce", "external_id": "005000000000002"}, "c"),
        event({"source": "salesforce", "external_id": SF_ID}, "d"),
        event(world.rita.pk, "a"),
        event(world.rita.pk, "e", user=world.ronja.pk),
        event(world.rita.pk, "f", kind="teleport"),
        event(world.rita.pk, "g", occurred_at="1999-01-01T00:00:00Z"),
        "not an object",
    ]})
    assert response.status_code == 200
    body = response.json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["accepted", "accepted", "accepted", "held", "duplicate", "rejected", "rejected",
                        "rejected", "rejected"]
    assert body["results"][5]["reason"] == {"user": ["Unknown field."]}
    assert "kind" in body["results"][6]["reason"]
    assert (body["accepted"], body["duplicate"], body["held"], body["rejected"]) == (3, 1, 1, 4)
    assert UsageEvent.objects.filter(user=world.rita).count() == 2
    assert UsageEvent.objects.filter(user=world.ronja).count() == 1
    assert HeldEvent.objects.count() == 1
    assert post(secret, {"events": [event(world.rita.pk, "a")]}).json()["results"][0]["status"] == "duplicate"


def test_over_the_limit_or_malformed_saves_nothing(world: World, secret: str) -> None:
    too_many = post(secret, {"events": [event(world.rita.pk, f"k{i}") for i in range(1001)]})
    assert too_many.status_code == 400
    assert too_many.json()["saved"] == 0
    assert post(secret, [event(world.rita.pk, "x")]).status_code == 400
    assert Client().post(URL, "{not json", content_type="application/json",
                         HTTP_AUTHORIZATION=f"Api-Key {secret}").status_code == 400
    assert UsageEvent.objects.count() == 0


def test_another_organisations_key_cannot_write_this_ones_people(world: World) -> None:
    other = factories.OrganisationFactory(name="Other")
    other_secret = integration_key_create(organisation_id=other.pk, name="x", scopes=["events:write"])[1]
    response = post(other_secret, {"events": [event(world.rita.pk, "a"), event(999999, "b")]})
    assert [r["reason"] for r in response.json()["results"]] == ["Unknown person.", "Unknown person."]
    assert UsageEvent.objects.count() == 0


def test_revoked_wrong_scope_and_missing_keys_are_refused(world: World, secret: str) -> None:
    read_only = integration_key_create(organisation_id=world.org.pk, name="r", scopes=["read"])[1]
    assert post(read_only, {"events": [event(world.rita.pk, "a")]}).status_code == 403
    assert Client().post(URL, {"events": []}, content_type="application/json").status_code == 403
    assert world.client_for(world.lene).post(URL, {"events": []}, content_type="application/json").status_code == 403
    integration_key_revoke(prefix=IntegrationKey.objects.get(name="Salesforce").prefix, organisation_id=world.org.pk)
    assert post(secret, {"events": [event(world.rita.pk, "a")]}).status_code == 403
    assert not UsageEvent.objects.filter(user=world.rita).exists()


def test_a_key_records_its_last_use(world: World, secret: str) -> None:
    assert IntegrationKey.objects.get().last_used_at is None
    post(secret, {"events": [event(world.rita.pk, "a")]})
    assert IntegrationKey.objects.get().last_used_at is not None


def test_mapping_replays_held_events_once(world: World, secret: str) -> None:
    post(secret, {"events": [event({"source": "salesforce", "external_id": SF_ID}, "h1"),
                             event({"source": "salesforce", "external_id": SF_ID[:15]}, "h2")]})
    assert HeldEvent.objects.count() == 2
    assert identity_map(organisation_id=world.org.pk, user_id=world.sam.pk, source="salesforce",
                        external_id=SF_ID) == 2
    assert identity_map(organisation_id=world.org.pk, user_id=world.sam.pk, source="salesforce",
                        external_id=SF_ID) == 0
    assert UsageEvent.objects.filter(user=world.sam).count() == 2
    resent = post(secret, {"events": [event({"source": "salesforce", "external_id": SF_ID}, "h1")]})
    assert resent.json()["results"][0]["status"] == "duplicate"
    assert UsageEvent.objects.filter(user=world.sam).count() == 2


def test_apikey_create_prints_a_working_key(world: World) -> None:
    out = io.StringIO()
    call_command("apikey_create", "--org", "Testorg", "--name", "script", "--scope", "events:write", stdout=out)
    secret = out.getvalue().strip()
    assert post(secret, {"events": [event(world.rita.pk, "a")]}).json()["accepted"] == 1
    stored = IntegrationKey.objects.get(name="script")
    assert secret not in stored.hashed_key


def test_requests_are_throttled_per_key(world: World, secret: str, settings: Any) -> None:
    from django.core.cache import cache

    from apps.integrations.auth import IntegrationKeyThrottle

    cache.clear()
    IntegrationKeyThrottle.THROTTLE_RATES = {"integration_key": "2/minute"}
    try:
        codes = [post(secret, {"events": [event(world.rita.pk, f"t{i}")]}).status_code for i in range(3)]
    finally:
        from rest_framework.settings import api_settings
        IntegrationKeyThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()
    assert codes == [200, 200, 429]
