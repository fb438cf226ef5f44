"""Lead pages: integration keys (shown once, revoke) and unmapped identities (suggestion, mapping)."""

import datetime as dt
import re

import pytest

from apps.integrations.models import HeldEvent, IntegrationKey
from apps.usage.models import UsageEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_lead_creates_a_key_shown_once_and_revokes_it(world: World) -> None:
    client = world.client_for(world.lene)
    created = client.post("/integrations/keys/", {"name": "HubSpot", "scopes": ["events:write"]})
    key = IntegrationKey.objects.get(name="HubSpot")
    assert key.organisation == world.org
    assert key.scopes == ["events:write"]
    secret = re.search(rf"<code[^>]*>({key.prefix}\.[^<]+)</code>", created.content.decode())
    assert secret is not None
    assert IntegrationKey.objects.is_valid(secret.group(1))
    assert secret.group(1) not in client.get("/integrations/keys/").content.decode()
    client.post(f"/integrations/keys/{key.prefix}/revoke/")
    key.refresh_from_db()
    assert key.revoked


def test_a_key_needs_a_name_and_a_known_scope(world: World) -> None:
    client = world.client_for(world.lene)
    client.post("/integrations/keys/", {"name": " ", "scopes": ["events:write"]})
    client.post("/integrations/keys/", {"name": "x", "scopes": ["admin"]})
    assert IntegrationKey.objects.count() == 0


def test_unmapped_identity_is_listed_with_a_suggestion_and_mapping_replays(world: World) -> None:
    for i, day in enumerate([1, 3]):
        HeldEvent.objects.create(
            organisation=world.org, identity_source="hubspot", external_id="rita@example.com", kind="login",
            occurred_at=dt.datetime(2026, 11, day, 9, tzinfo=dt.UTC), source="api", idempotency_key=f"org:h{i}",
        )
    client = world.client_for(world.lene)
    body = client.get("/integrations/identities/").content.decode()
    assert "rita@example.com" in body
    assert "(suggested)" in body
    assert f'value="{world.rita.pk}" selected' in body
    client.post("/integrations/identities/", {"source": "hubspot", "external_id": "rita@example.com",
                                              "user_id": world.rita.pk})
    assert UsageEvent.objects.filter(user=world.rita, kind="login").count() == 2
    assert "rita@example.com" not in client.get("/integrations/identities/").content.decode()
