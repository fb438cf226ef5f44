"""Time the adoption figures beside one raw GROUP BY user, day over the same usage rows.

People and days come from BENCH_ADOPTION_PEOPLE / BENCH_ADOPTION_DAYS (defaults below; the
issue's full size is 10,000 people over 90 days). BENCH_ADOPTION_EVENT_SCALE multiplies each
person's events per active day (1–4 at scale 1, four kinds in turn); the default 6 gives the
issue's density, about 5 M events at 10,000 people. On PostgreSQL the events are generated in one INSERT … SELECT over
generate_series and the rollups recounted from them by `rollups_rebuild` (the project's own
recount), so a 5 M-event run builds in minutes; SQLite inserts through `bulk_create`.
"""

import datetime as dt
import os
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from apps.adoption.selectors import (
    active_days_by_person,
    core_event_adoption,
    counted_people,
    daily_activity,
    frequency_buckets,
    retention_by_cohort,
    seat_utilisation,
    time_to_first_value,
    weekly_lifecycle,
)
from apps.adoption.services import seats_set
from apps.core.periods import week_start
from apps.givegets.models import GiveGetContract
from apps.roles.models import Membership, Organisation, Role, RoleKind
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import DailyRollup, UsageEvent
from apps.usage.rollups import rollups_rebuild

User = get_user_model()
PEOPLE = int(os.environ.get("BENCH_ADOPTION_PEOPLE", "2000"))
DAYS = int(os.environ.get("BENCH_ADOPTION_DAYS", "90"))
# Default 6: the density (5 M events / 10,000 people / 90 days) at any head count.
EVENT_SCALE = int(os.environ.get("BENCH_ADOPTION_EVENT_SCALE", "6"))
BATCH = 5000
# A day's events cycle through these kinds, so a busy day has several rollup rows, as in life.
KINDS = (EventKind.CALL_LOGGED, EventKind.LOGIN, EventKind.RECORD_VIEWED, EventKind.EMAIL_LOGGED)
STEP_MINUTES = 17  # between a person's events of a day: 24 events from 08:00 still end that day


def _events_per_day(i: int) -> int:
    return (1 + i % 4) * EVENT_SCALE


def _every(i: int) -> int:
    return 1 + i % 7  # daily users down to weekly ones


def _insert_postgresql(users: list, start: dt.datetime) -> int:
    """Generate every event in the database, then recount the rollups from them."""
    ids = [u.pk for u in users]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO usage_usageevent (user_id, kind, occurred_at, duration_seconds, source, idempotency_key, "
            "metadata, recorded_at) "
            "SELECT u.id, (%s::text[])[1 + n %% 4], %s + make_interval(days => d, mins => %s * n), NULL, %s, "
            "'bench-' || u.i || '-' || d || '-' || n, '{}'::jsonb, now() "
            "FROM unnest(%s::bigint[], %s::int[]) AS u(id, i) "
            "CROSS JOIN LATERAL generate_series(0, %s - 1, 1 + u.i %% 7) AS d "
            "CROSS JOIN LATERAL generate_series(0, (1 + u.i %% 4) * %s - 1) AS n",
            [[str(k) for k in KINDS], start, STEP_MINUTES, str(EventSource.APP), ids, list(range(len(ids))),
             DAYS, EVENT_SCALE],
        )
        total = cursor.rowcount
    rollups_rebuild(user_ids=ids)
    return total


def _build(today: dt.date) -> int:
    org = Organisation.objects.create(name="Bench adoption org")
    role = Role.objects.create(organisation=org, kind=RoleKind.SALES_REP, name="Sales rep")
    users = User.objects.bulk_create([User(username=f"bench-adoption-{i}", password="!") for i in range(PEOPLE)])
    # Go-live spread over the first twelve weeks, so every retention cohort has people.
    Membership.objects.bulk_create([
        Membership(user=u, organisation=org, role=role, go_live_on=today - dt.timedelta(days=DAYS - 1 - (i % 84)))
        for i, u in enumerate(users)
    ])
    GiveGetContract.objects.create(role=role, give_kind=EventKind.CALL_LOGGED, give_expected_minutes=2,
                                   get_kind="weekly_digest", get_minutes_saved=30)
    seats_set(organisation_id=org.pk, seats=PEOPLE)
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=DAYS - 1), dt.time(8)))
    if connection.vendor == "postgresql":
        return _insert_postgresql(users, start)
    batch: list[UsageEvent] = []
    total = 0
    for i, user in enumerate(users):
        for day in range(0, DAYS, _every(i)):
            for n in range(_events_per_day(i)):
                batch.append(
                    UsageEvent(
                        user=user,
                        kind=KINDS[n % len(KINDS)],
                        source=EventSource.APP,
                        occurred_at=start + dt.timedelta(days=day, minutes=STEP_MINUTES * n),
                        idempotency_key=f"bench-{i}-{day}-{n}",
                    )
                )
        if len(batch) >= BATCH:
            UsageEvent.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    UsageEvent.objects.bulk_create(batch)
    return total + len(batch)


def main() -> None:
    today = timezone.localdate()
    started = time.perf_counter()
    events = _build(today)
    print(f"   built {PEOPLE} people, {DAYS} days, {events} events (scale {EVENT_SCALE}), "
          f"{DailyRollup.objects.count()} rollup rows in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fresh statistics and visibility map, as autovacuum keeps them on a live database
            # (index-only scans of the rollups need the latter).
            cursor.execute("VACUUM ANALYZE")
    org_id = Organisation.objects.get(name="Bench adoption org").pk
    people = counted_people(organisation_id=org_id)
    first_day = today - dt.timedelta(days=DAYS - 1)

    started = time.perf_counter()
    days = active_days_by_person(people=people, first_day=first_day, last_day=today)
    t_days = time.perf_counter() - started
    started = time.perf_counter()
    buckets = frequency_buckets(people=people, today=today)
    t_buckets = time.perf_counter() - started
    started = time.perf_counter()
    lifecycle = weekly_lifecycle(people=people, monday=week_start(today))
    t_lifecycle = time.perf_counter() - started
    started = time.perf_counter()
    stickiness = daily_activity(people=people, first_day=today - dt.timedelta(days=29), last_day=today)
    t_sticky = time.perf_counter() - started
    started = time.perf_counter()
    seats = seat_utilisation(organisation_id=org_id, active_people=len(days))
    core = core_event_adoption(people=people, first_day=first_day, last_day=today)
    t_core = time.perf_counter() - started
    started = time.perf_counter()
    retention = retention_by_cohort(people=people, last_day=today)
    t_retention = time.perf_counter() - started
    started = time.perf_counter()
    first_value = time_to_first_value(people=people, last_day=today)
    t_first = time.perf_counter() - started
    adoption = t_days + t_buckets + t_lifecycle + t_sticky + t_core + t_retention + t_first
    print(f"   active days ({len(days)} people): {t_days * 1000:.0f} ms")
    print(f"   frequency buckets {buckets}: {t_buckets * 1000:.0f} ms")
    print(f"   weekly lifecycle {lifecycle}: {t_lifecycle * 1000:.0f} ms")
    last = stickiness[-1]
    print(f"   stickiness over 30 days (DAU/MAU {last.dau_mau:.2f}, WAU/MAU {last.wau_mau:.2f}, events from 59 days "
          f"before): {t_sticky * 1000:.0f} ms")
    print(f"   seats ({seats.pct:.0f} %) and core-event adoption ({core[0].pct:.0f} %): {t_core * 1000:.0f} ms")
    print(f"   retention ({len(retention)} cohorts): {t_retention * 1000:.0f} ms")
    print(f"   time to first value ({len(first_value)} roles with results): {t_first * 1000:.0f} ms")

    day_sql = "DATE(occurred_at)" if connection.vendor == "postgresql" else "date(occurred_at)"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT user_id, {day_sql}, COUNT(*) FROM usage_usageevent GROUP BY user_id, {day_sql}"  # noqa: S608
        )
        rows = len(cursor.fetchall())
    groupby = time.perf_counter() - started
    print(f"   raw GROUP BY user, day ({rows} rows): {groupby * 1000:.0f} ms")
    print(f"   adoption figures in all: {adoption * 1000:.0f} ms")
    print(f"ratio adoption_vs_groupby={adoption / groupby:.2f}")
