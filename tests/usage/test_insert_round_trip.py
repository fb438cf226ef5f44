"""The bulk insert stores every value as given (COPY's escapes on PostgreSQL, VALUES on SQLite)."""

import datetime as dt

import pytest
from django.db import transaction

from apps.usage.models import UsageEvent
from apps.usage.services import EventInput, usage_events_insert_returning
from tests.conftest import World

pytestmark = pytest.mark.django_db
AWARE = dt.datetime(2026, 11, 17, 9, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_awkward_text_times_and_metadata_round_trip(world: World) -> None:
    key = "tab\there\nnew line\\back\\\\slash\r\\N é 😀"
    metadata = {"note": "a\\b\nc\t\"quoted\"", "n": [1, 2.5, None, True], "nested": {"\\N": "\\."}}
    event = EventInput(user_id=world.rita.pk, kind="record_created", occurred_at=AWARE, source="api",
                       idempotency_key=key, duration_seconds=None, metadata=metadata)
    with transaction.atomic():
        first = usage_events_insert_returning(events=[event])
        # A second batch in the same transaction starts from an empty stage: only its own row is new.
        second = usage_events_insert_returning(events=[event, EventInput(
            user_id=world.rita.pk, kind="login", occurred_at=AWARE, source="api", idempotency_key="k2",
            duration_seconds=42)])
    assert [r.idempotency_key for r in first] == [key]
    assert [r.idempotency_key for r in second] == ["k2"]
    stored = UsageEvent.objects.get(idempotency_key=key)
    assert (stored.idempotency_key, stored.metadata, stored.occurred_at, stored.duration_seconds) == (
        key, metadata, AWARE, None)
    assert UsageEvent.objects.get(idempotency_key="k2").duration_seconds == 42
