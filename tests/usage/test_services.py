"""The usage log is append-only and ingestion is idempotent."""

import pytest
from django.utils import timezone

from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import AppendOnlyError, UsageEvent
from apps.usage.services import EventInput, usage_event_record, usage_events_insert, usage_events_record_many
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_recording_the_same_key_twice_keeps_one_event(world: World) -> None:
    kwargs = dict(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                  source=EventSource.API, idempotency_key="abc", duration_seconds=30)
    first, created_first = usage_event_record(**kwargs)
    second, created_second = usage_event_record(**kwargs)

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert UsageEvent.objects.count() == 1


def test_the_same_key_from_another_source_is_another_event(world: World) -> None:
    now = timezone.now()
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                       source=EventSource.API, idempotency_key="k")
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                       source=EventSource.IMPORT, idempotency_key="k")
    assert UsageEvent.objects.count() == 2


def test_events_cannot_be_changed_or_deleted(world: World) -> None:
    event = factories.UsageEventFactory(user=world.rita)
    event.duration_seconds = 1
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        UsageEvent.objects.filter(pk=event.pk).update(duration_seconds=5)
    with pytest.raises(AppendOnlyError):
        UsageEvent.objects.all().delete()


def test_recording_refreshes_the_score_after_commit(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                           source=EventSource.APP, idempotency_key="x", duration_seconds=120)
    assert len(callbacks) >= 1
    assert ScoreSnapshot.objects.get(user=world.rita).give_minutes == 2


def test_no_refresh_is_enqueued_before_commit(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                           source=EventSource.APP, idempotency_key="y", duration_seconds=120)
        assert not ScoreSnapshot.objects.exists()


def test_bulk_recording_skips_known_keys_and_counts_new_ones(world: World) -> None:
    now = timezone.now()
    events = [EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                         source=EventSource.IMPORT, idempotency_key=f"row-{i}") for i in range(5)]
    assert usage_events_record_many(events=events[:3]) == 3
    assert usage_events_record_many(events=events) == 2
    assert UsageEvent.objects.count() == 5


def test_insert_returns_only_the_pairs_newly_inserted(world: World) -> None:
    now = timezone.now()
    events = [EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                         source=EventSource.IMPORT, idempotency_key=f"row-{i}", duration_seconds=i,
                         metadata={"row": i}) for i in range(4)]
    assert usage_events_insert(events=events[:2]) == {(EventSource.IMPORT, "row-0"), (EventSource.IMPORT, "row-1")}
    # A repeated key inside one call and keys already stored are all skipped.
    assert usage_events_insert(events=[*events, events[3]]) == {(EventSource.IMPORT, "row-2"),
                                                                (EventSource.IMPORT, "row-3")}
    stored = UsageEvent.objects.get(idempotency_key="row-3")
    assert (stored.duration_seconds, stored.metadata, stored.occurred_at) == (3, {"row": 3}, now)
    assert UsageEvent.objects.count() == 4


def test_insert_spans_several_statements_when_the_batch_is_large(world: World, monkeypatch) -> None:
    monkeypatch.setattr("apps.usage.services.INSERT_BATCH_ROWS", 3)
    now = timezone.now()
    events = [EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                         source=EventSource.IMPORT, idempotency_key=f"big-{i}") for i in range(7)]
    assert len(usage_events_insert(events=events)) == 7
    assert UsageEvent.objects.count() == 7
