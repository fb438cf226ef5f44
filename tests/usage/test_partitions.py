"""The usage log by month: keys unique across months, partitions made ahead, expired months dropped whole."""

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from apps.roles.models import Membership
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import DailyRollup, UsageEvent, UsageEventKey
from apps.usage.partitions import (
    DEFAULT_PARTITION,
    MONTHS_AHEAD,
    forget_known_months,
    month_after,
    month_of,
    partition_months,
    partitions_ensure,
    partitions_maintain,
    raw_log_horizon,
    retention_boundary,
)
from apps.usage.rollups import rollups_rebuild
from apps.usage.services import EventInput, usage_event_for_key, usage_event_record, usage_events_insert
from tests.conftest import World

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def _record(world: World, key: str, at: dt.datetime, kind: str = EventKind.CALL_LOGGED) -> tuple[UsageEvent, bool]:
    return usage_event_record(user_id=world.rita.pk, kind=kind, occurred_at=at, source=EventSource.API,
                              idempotency_key=key)


def _table_of(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM usage_usageevent WHERE id = %s", [event_id])
        return str(cursor.fetchone()[0])


def test_a_key_is_recorded_once_whatever_month_the_event_is_said_to_be_in(world: World) -> None:
    now = timezone.now()
    first, created = _record(world, "k-1", now - dt.timedelta(days=70))
    again, created_again = _record(world, "k-1", now)
    assert created
    assert not created_again
    assert again.pk == first.pk

    inserted = usage_events_insert(events=[
        EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now - dt.timedelta(days=400),
                   source=EventSource.API, idempotency_key="k-1"),
        EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now - dt.timedelta(days=35),
                   source=EventSource.API, idempotency_key="k-2"),
        EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                   source=EventSource.API, idempotency_key="k-2"),
    ])
    assert inserted == {(EventSource.API, "k-2")}
    assert UsageEvent.objects.count() == UsageEventKey.objects.count() == 2
    stored = usage_event_for_key(source=EventSource.API, idempotency_key="k-2")
    assert stored is not None
    assert stored.occurred_at == now - dt.timedelta(days=35)
    key = UsageEventKey.objects.get(source=EventSource.API, idempotency_key="k-2")
    assert (key.event_id, key.occurred_at) == (stored.pk, stored.occurred_at)
    # The same key from another source is another event.
    assert usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=now,
                              source=EventSource.IMPORT, idempotency_key="k-1")[1]


@postgres_only
def test_the_log_is_partitioned_by_month_without_a_redundant_person_index(world: World) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_partkeydef('usage_usageevent'::regclass)")
        assert cursor.fetchone()[0] == "RANGE (occurred_at)"
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'usage_usageevent'")
        indexes = sorted(row[0].split(" USING btree ")[1] for row in cursor.fetchall())
    assert indexes == ["(id, occurred_at)", "(kind, occurred_at)", "(recorded_at)", "(user_id, occurred_at)"]
    this_month = month_of(timezone.now())
    months = partition_months()
    ahead = this_month
    for _ in range(MONTHS_AHEAD):
        ahead = month_after(ahead)
        assert ahead in months
    assert this_month in months


@postgres_only
def test_maintenance_gives_a_caught_month_its_own_partition_and_the_event_stays_findable(world: World) -> None:
    old = timezone.now() - dt.timedelta(days=200)
    event, _ = _record(world, "old", old)  # inside the test's transaction: no DDL, so the default partition
    assert _table_of(event.pk) == DEFAULT_PARTITION
    assert month_of(old) not in partition_months()

    made = partitions_maintain()

    assert month_of(old) in made
    assert month_of(old) in partition_months()
    assert _table_of(event.pk) == f"usage_usageevent_p{month_of(old):%Y%m}"
    assert usage_event_for_key(source=EventSource.API, idempotency_key="old") == event
    assert partitions_maintain() == []  # nothing left to do


@postgres_only
def test_an_import_outside_a_transaction_makes_its_months_first(world: World, django_db_blocker: Any) -> None:
    # `partitions_ensure` is what the insert calls when no transaction is open.
    month = month_of(timezone.now() - dt.timedelta(days=300))
    assert partitions_ensure([month]) == [month]
    assert partitions_ensure([month]) == []
    event, _ = _record(world, "in-its-month", dt.datetime.combine(month, dt.time(12), tzinfo=dt.UTC))
    assert _table_of(event.pk) == f"usage_usageevent_p{month:%Y%m}"


def test_the_retention_boundary_is_the_start_of_a_month_and_the_rollup_horizon_follows_it(settings: Any) -> None:
    now = dt.datetime(2026, 12, 3, 13, 0, tzinfo=dt.UTC)
    assert retention_boundary(now=now, days=0) is None
    assert retention_boundary(now=now, days=400) == dt.datetime(2025, 10, 1, tzinfo=dt.UTC)  # 2025-10-29 - 400 d
    settings.USAGE_EVENT_RETENTION_DAYS = 0
    assert raw_log_horizon(now=now) is None
    settings.USAGE_EVENT_RETENTION_DAYS = 400
    assert raw_log_horizon(now=now) == dt.date(2025, 10, 2)


def test_expired_months_go_whole_keeping_firsts_their_keys_and_every_rollup(world: World, settings: Any) -> None:
    from apps.trust.protection import usage_events_delete_expired

    now = timezone.now()
    boundary = retention_boundary(now=now, days=400)
    assert boundary is not None
    old_months = [month_of(boundary - dt.timedelta(days=d)) for d in (1, 40, 70)]
    partitions_ensure(old_months)  # as if the log had run for years: the old months have partitions
    Membership.objects.filter(user=world.rita).update(go_live_on=None)
    at = {m: dt.datetime.combine(m, dt.time(10), tzinfo=dt.UTC) for m in old_months}
    _record(world, "first-call", at[old_months[2]])                              # kept: her first call
    _record(world, "old-call", at[old_months[1]])                                # removed
    _record(world, "first-meeting", at[old_months[0]], EventKind.MEETING_LOGGED)  # kept: her first meeting
    _record(world, "old-meeting", at[old_months[0]] + dt.timedelta(hours=1), EventKind.MEETING_LOGGED)  # removed
    _record(world, "recent", now - dt.timedelta(days=5))                         # within retention
    rollups = sorted(DailyRollup.objects.values_list("day", "kind", "events"))

    assert usage_events_delete_expired(now=now, days=400) == 2

    kept = set(UsageEvent.objects.values_list("idempotency_key", flat=True))
    assert kept == {"first-call", "first-meeting", "recent"}
    assert set(UsageEventKey.objects.values_list("idempotency_key", flat=True)) == kept
    assert sorted(DailyRollup.objects.values_list("day", "kind", "events")) == rollups
    if connection.vendor == "postgresql":
        assert not set(old_months) & set(partition_months())
        first = usage_event_for_key(source=EventSource.API, idempotency_key="first-call")
        assert first is not None
        assert _table_of(first.pk) == DEFAULT_PARTITION
        forget_known_months()
    # A cap change recounts only the days the raw log still holds whole: the old ones stay.
    settings.USAGE_EVENT_RETENTION_DAYS = 400
    assert rollups_rebuild(user_ids=[world.rita.pk])
    assert sorted(DailyRollup.objects.values_list("day", "kind", "events")) == rollups
    # A kept event keeps its key.
    assert not _record(world, "first-call", now)[1]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_existing_rows_both_ways_and_ids_go_on(world: World) -> None:
    now = timezone.now()
    before = [_record(world, f"m-{n}", now - dt.timedelta(days=30 * n))[0].pk for n in range(4)]
    call_command("migrate", "usage", "0007", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'usage_usageevent'")
        assert cursor.fetchone()[0] == "r"
    forget_known_months()
    after_back = _record(world, "while-plain", now)[0].pk
    call_command("migrate", "usage", verbosity=0)
    forget_known_months()
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'usage_usageevent'")
        assert cursor.fetchone()[0] == "p"
    assert sorted(UsageEvent.objects.values_list("pk", flat=True)) == sorted([*before, after_back])
    newest = _record(world, "after", now)[0].pk
    assert newest > max([*before, after_back])
    assert month_of(now - dt.timedelta(days=90)) in partition_months()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_write_never_waits_long_for_a_partition_while_a_reader_holds_the_log(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    import psycopg2

    from apps.usage import partitions

    monkeypatch.setattr(partitions, "WRITER_LOCK_TIMEOUT_MS", 300)
    forget_known_months()
    month = month_of(timezone.now() - dt.timedelta(days=250))
    settings_dict = connection.settings_dict
    reader = psycopg2.connect(dbname=settings_dict["NAME"], user=settings_dict["USER"], host=settings_dict["HOST"],
                              port=settings_dict["PORT"])
    try:
        with reader.cursor() as cursor:  # a long report: its lock keeps any DDL on the log waiting
            cursor.execute("BEGIN; LOCK TABLE usage_usageevent IN ACCESS SHARE MODE")
        event, created = _record(world, "during-report", dt.datetime.combine(month, dt.time(9), tzinfo=dt.UTC))
    finally:
        reader.rollback()
        reader.close()
    assert created
    assert _table_of(event.pk) == DEFAULT_PARTITION
    assert "usage log partitions not made now" in caplog.text
    assert month in partitions_maintain()  # the night's maintenance gives it its month
    assert _table_of(event.pk) == f"usage_usageevent_p{month:%Y%m}"
