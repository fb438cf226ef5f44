"""Daily rollups: always equal to a recount of the raw log, whatever order events arrive in."""

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.roles.models import DEFAULT_ENTRY_CAP_SECONDS
from apps.scoring.services import scores_compute
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import AppendOnlyError, DailyRollup, UsageEvent
from apps.usage.rollups import rollups_rebuild, rollups_rebuild_for_role
from apps.usage.services import EventInput, usage_event_record, usage_events_insert
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

Expected = dict[tuple[int, dt.date, str], tuple[int, int, int]]


def _expected_from_raw(user_ids: list[int], caps: dict[int, int]) -> Expected:
    """Recount the raw log in Python: local day, count, measured count, each measured entry capped."""
    tz = timezone.get_default_timezone()
    totals: dict[tuple[int, dt.date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for user_id, kind, occurred_at, seconds in UsageEvent.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "kind", "occurred_at", "duration_seconds"
    ):
        line = totals[(user_id, occurred_at.astimezone(tz).date(), kind)]
        line[0] += 1
        if seconds is not None:
            line[1] += 1
            line[2] += min(seconds, caps[user_id])
    return {key: (n, m, c) for key, (n, m, c) in totals.items()}


def _stored(user_ids: list[int]) -> Expected:
    return {
        (u, d, k): (n, m, c)
        for u, d, k, n, m, c in DailyRollup.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "day", "kind", "events", "measured", "capped_seconds"
        )
    }


def _insert_then_die(events: list[EventInput]) -> None:
    with transaction.atomic():
        usage_events_insert(events=events)
        raise RuntimeError("killed")


event_strategy = st.tuples(
    st.integers(0, 2),  # person
    st.sampled_from([EventKind.CALL_LOGGED, EventKind.MEETING_LOGGED, EventKind.LOGIN]),
    st.integers(-40, 0),  # day offset: late events land in old days
    st.integers(0, 23),  # local hour (23:30 crosses into the next UTC day in winter and summer)
    st.one_of(st.none(), st.integers(0, 1500)),  # measured seconds, around the caps
    st.sampled_from([EventSource.API, EventSource.IMPORT]),
    st.integers(0, 12),  # idempotency key: small, so keys repeat (duplicates)
)
step_strategy = st.tuples(
    st.sampled_from(["batch", "one_by_one", "aborted", "cap_change"]),
    st.lists(event_strategy, max_size=12),
    st.sampled_from([60, 300, 600, 1200]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step_strategy, min_size=1, max_size=6))
def test_rollups_equal_a_recount_of_the_raw_log_after_random_writes(db: None, steps: list) -> None:
    """Batches, single records, repeated keys, late events, a write killed mid-batch and cap changes."""
    with transaction.atomic():
        run = uuid.uuid4().hex[:8]
        role = factories.RoleFactory(organisation=factories.OrganisationFactory(name=f"Org {run}"))
        people = [factories.MembershipFactory(role=role).user for _ in range(3)]
        ids = [p.pk for p in people]
        now = timezone.localtime()
        for mode, events, cap in steps:
            inputs = [
                EventInput(
                    user_id=ids[person], kind=kind, source=source, idempotency_key=f"{run}-{key}",
                    occurred_at=(now + dt.timedelta(days=offset)).replace(hour=hour, minute=30),
                    duration_seconds=seconds,
                )
                for person, kind, offset, hour, seconds, source, key in events
            ]
            if mode == "batch":
                usage_events_insert(events=inputs)
            elif mode == "one_by_one":
                for e in inputs:
                    usage_event_record(user_id=e.user_id, kind=e.kind, occurred_at=e.occurred_at, source=e.source,
                                       idempotency_key=e.idempotency_key, duration_seconds=e.duration_seconds)
            elif mode == "aborted":
                # A worker killed after its insert and rollup upsert, before commit.
                with pytest.raises(RuntimeError, match="killed"):
                    _insert_then_die(inputs)
            else:
                role.entry_cap_seconds = cap
                role.save(update_fields=["entry_cap_seconds"])
                rollups_rebuild_for_role(role_id=role.pk)
                usage_events_insert(events=inputs)  # arriving under the new cap
        assert _stored(ids) == _expected_from_raw(ids, dict.fromkeys(ids, role.entry_cap_seconds))
        transaction.set_rollback(True)


def test_a_duplicate_key_is_counted_once(world: World) -> None:
    moment = timezone.now()
    for _ in range(3):
        usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=moment,
                           source=EventSource.APP, idempotency_key="twice", duration_seconds=90)
    usage_events_insert(events=[EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=moment,
                                           source=EventSource.APP, idempotency_key="twice", duration_seconds=90)])
    row = DailyRollup.objects.get(user=world.rita)
    assert (row.events, row.measured, row.capped_seconds) == (1, 1, 90)


def test_the_local_day_is_the_rollup_day(world: World) -> None:
    """23:30 in Copenhagen is the next day in UTC for nobody: the rollup keeps the local date."""
    tz = timezone.get_default_timezone()
    late = dt.datetime(2026, 6, 1, 23, 30, tzinfo=tz)  # 21:30 UTC
    early = dt.datetime(2026, 6, 2, 0, 30, tzinfo=tz)  # 22:30 UTC the day before
    for key, moment in (("late", late), ("early", early)):
        usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=moment,
                           source=EventSource.APP, idempotency_key=key)
    assert sorted(DailyRollup.objects.filter(user=world.rita).values_list("day", "events")) == [
        (dt.date(2026, 6, 1), 1), (dt.date(2026, 6, 2), 1)]


def test_measured_entries_are_capped_at_the_role_cap(world: World) -> None:
    cap = world.roles["sales_rep"].entry_cap_seconds
    usage_events_insert(events=[
        EventInput(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                   source=EventSource.API, idempotency_key=f"cap-{i}", duration_seconds=seconds)
        for i, seconds in enumerate([cap + 500, 100, None])
    ])
    row = DailyRollup.objects.get(user=world.rita)
    assert (row.events, row.measured, row.capped_seconds, row.cap_seconds) == (3, 2, cap + 100, cap)


def test_factories_and_bulk_create_keep_the_rollups(world: World) -> None:
    factories.UsageEventFactory(user=world.ronja, duration_seconds=30)
    UsageEvent.objects.bulk_create([
        UsageEvent(user=world.ronja, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(), duration_seconds=45,
                   source=EventSource.IMPORT, idempotency_key=f"bulk-{i}") for i in range(2)
    ])
    row = DailyRollup.objects.get(user=world.ronja)
    assert (row.events, row.measured, row.capped_seconds) == (3, 3, 30 + 45 + 45)


def test_bulk_create_skipping_conflicts_is_refused(world: World) -> None:
    with pytest.raises(AppendOnlyError):
        UsageEvent.objects.bulk_create([UsageEvent(user=world.ronja, kind=EventKind.CALL_LOGGED,
                                                   occurred_at=timezone.now(), source=EventSource.API,
                                                   idempotency_key="x")], ignore_conflicts=True)


def test_a_changed_cap_marks_mixed_rows_and_scoring_recounts_them(world: World) -> None:
    """Events on one day under two caps: the row says it is mixed, and the score uses the new cap."""
    role = world.roles["sales_rep"]
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    moment = timezone.make_aware(dt.datetime.combine(monday, dt.time(10)))
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=moment,
                       source=EventSource.API, idempotency_key="before", duration_seconds=900)
    role.entry_cap_seconds = 120
    role.save(update_fields=["entry_cap_seconds"])  # no rebuild asked for: scoring must notice
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=moment,
                       source=EventSource.API, idempotency_key="after", duration_seconds=900)
    assert DailyRollup.objects.get(user=world.rita).cap_seconds is None
    [snapshot] = scores_compute(user_ids=[world.rita.pk], mondays=[monday])
    assert snapshot.give_minutes == Decimal("4.00")  # 2 × 120 s
    row = DailyRollup.objects.get(user=world.rita)
    assert (row.capped_seconds, row.cap_seconds) == (240, 120)


def test_rebuild_recounts_a_person_from_the_raw_log(world: World) -> None:
    usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                       source=EventSource.API, idempotency_key="one", duration_seconds=5000)
    DailyRollup.objects.filter(user=world.rita).update(events=99, capped_seconds=1)
    assert rollups_rebuild(user_ids=[world.rita.pk])
    row = DailyRollup.objects.get(user=world.rita)
    assert (row.events, row.measured, row.capped_seconds) == (1, 1, DEFAULT_ENTRY_CAP_SECONDS)
