"""Refresh marks: written with the events, drained by one task, never lost to a broker outage."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from celery import current_app
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from apps.scoring.models import ScoreSnapshot
from apps.usage import hooks
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import RefreshMark
from apps.usage.services import (
    DRAIN_TASK,
    EventInput,
    refresh_marks_drain,
    usage_event_record,
    usage_events_record_many,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _broker_down(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make every enqueue of the drain task fail as a dead Redis does; return the attempt counter."""
    attempts: list[int] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(1)
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(current_app.tasks[DRAIN_TASK], "delay", refuse)
    return attempts


def test_a_mark_is_written_with_the_event_and_keeps_the_earliest_new_event(world: World) -> None:
    late = timezone.now()
    early = late - dt.timedelta(days=9)
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=late,
                       source=EventSource.API, idempotency_key="a")
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=early,
                       source=EventSource.API, idempotency_key="b")
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=late,
                       source=EventSource.API, idempotency_key="c")
    mark = RefreshMark.objects.get()
    assert (mark.user_id, mark.since) == (world.rita.pk, early)


def test_a_repeated_key_marks_nobody(world: World) -> None:
    kwargs = dict(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                  source=EventSource.API, idempotency_key="same")
    usage_event_record(**kwargs)
    RefreshMark.objects.all().delete()
    usage_event_record(**kwargs)
    usage_events_record_many(events=[EventInput(**kwargs)])
    assert not RefreshMark.objects.exists()


def test_one_drain_is_enqueued_per_write_however_many_events_it_holds(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                           source=EventSource.API, idempotency_key="k0")
        usage_events_record_many(events=[
            EventInput(user_id=user.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                       source=EventSource.IMPORT, idempotency_key=f"r{i}-{user.pk}")
            for i in range(5) for user in (world.rita, world.ronja)])
    assert len(callbacks) == 2
    assert set(RefreshMark.objects.values_list("user_id", flat=True)) == {world.rita.pk, world.ronja.pk}


def test_the_drain_hands_people_to_every_consumer_and_clears_their_marks(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[int, dt.datetime]] = []

    def spy(since_by_user: Mapping[int, dt.datetime]) -> None:
        seen.append(dict(since_by_user))

    monkeypatch.setattr(hooks, "_consumers", {**hooks._consumers, "spy": spy})
    when = timezone.now() - dt.timedelta(days=1)
    for user in (world.rita, world.ronja, world.sam):
        usage_event_record(user_id=user.pk, kind=EventKind.CALL_LOGGED, occurred_at=when,
                           source=EventSource.API, idempotency_key=f"d{user.pk}")

    assert refresh_marks_drain(batch_size=2) == 3
    assert [len(batch) for batch in seen] == [2, 1]
    assert {k: v for batch in seen for k, v in batch.items()} == {
        world.rita.pk: when, world.ronja.pk: when, world.sam.pk: when}
    assert not RefreshMark.objects.exists()
    assert ScoreSnapshot.objects.filter(user=world.sam).exists()


def test_scoring_and_quickwins_register_in_their_app_configs() -> None:
    assert set(hooks._consumers) >= {"scoring", "quickwins"}


def test_broker_down_the_api_still_answers_success_and_the_mark_waits(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    client = world.client_for(world.rita)
    before = list(ScoreSnapshot.objects.filter(user=world.rita).values_list("give_minutes", flat=True))
    attempts = _broker_down(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/events/", {"kind": EventKind.CALL_LOGGED, "idempotency_key": "x1",
                                                "occurred_at": timezone.now().isoformat()},
                               content_type="application/json")
    assert response.status_code == 201
    assert attempts == [1]
    assert "Could not enqueue apps.usage.tasks.drain_refresh_marks" in caplog.text
    assert RefreshMark.objects.filter(user=world.rita).exists()
    assert list(ScoreSnapshot.objects.filter(user=world.rita).values_list("give_minutes", flat=True)) == before

    # The broker is back: the next drain (the beat entry runs it every minute) catches up.
    monkeypatch.undo()
    assert current_app.tasks[DRAIN_TASK].delay().get() == 1
    after = ScoreSnapshot.objects.filter(user=world.rita).values_list("give_minutes", flat=True)
    assert list(after) != before
    assert not RefreshMark.objects.exists()


def test_broker_down_a_bulk_import_batch_still_commits(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    _broker_down(monkeypatch)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        created = usage_events_record_many(events=[
            EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                       source=EventSource.IMPORT, idempotency_key=f"i{i}") for i in range(3)])
    assert created == 3
    assert RefreshMark.objects.filter(user=world.rita).exists()


def test_broker_down_the_log_form_still_saves_and_the_mark_waits(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from django.urls import reverse

    from apps.activities.models import Activity
    from tests import factories

    account = factories.AccountFactory(organisation=world.org, name="Aarhus Maskinfabrik")
    client = world.client_for(world.rita)
    attempts = _broker_down(monkeypatch)
    form = client.get(reverse("activities:log")).context["form"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("activities:log"), {
            "type": "call", "target": f"account:{account.pk}", "summary": "Called about the pilot",
            "form_token": form["form_token"].value(), "shown_at": form["shown_at"].value(),
        }, follow=True)
    assert response.status_code == 200
    assert Activity.objects.filter(owner=world.rita).count() == 1
    assert attempts == [1]
    assert RefreshMark.objects.filter(user=world.rita).exists()


def test_the_drain_takes_the_newest_marks_first(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person who just logged something is not queued behind an older backlog."""
    seen: list[list[int]] = []
    monkeypatch.setattr(hooks, "_consumers", {"spy": lambda since_by_user: seen.append(list(since_by_user))})
    for user in (world.rita, world.ronja, world.sam):
        usage_event_record(user_id=user.pk, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                           source=EventSource.API, idempotency_key=f"order-{user.pk}")
    # Marked in that order; make the gaps unmistakable.
    for age, user in enumerate((world.sam, world.ronja, world.rita)):
        RefreshMark.objects.filter(user=user).update(marked_at=timezone.now() - dt.timedelta(minutes=age))

    assert refresh_marks_drain(batch_size=1) == 3
    assert seen == [[world.sam.pk], [world.ronja.pk], [world.rita.pk]]
