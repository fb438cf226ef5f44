"""The usage pipeline: folding new events into scores against more history, and period close
against one raw GROUP BY of the log.

Volumes are scaled down from issue 11 (10,000 people, 1 M vs 5 M events) to fit a 2-core
machine: PEOPLE people (env BENCH_PEOPLE, default 2,000), a base history of BASE_WEEKS weeks
× EVENTS_PER_WEEK, then 4× as much again. Prints `ratio fold_history=…` and
`ratio close_vs_groupby=…` last.
"""

import datetime as dt
import os
import random
import time
import uuid

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from apps.core.periods import week_start
from apps.roles.models import Membership, Organisation, Role, RoleKind
from apps.scoring.services import period_close
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import RefreshMark, UsageEvent
from apps.usage.services import EventInput, refresh_marks_drain, usage_events_record_many

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "2000"))
BASE_WEEKS = 10
EVENTS_PER_WEEK = 10
KINDS = [EventKind.CALL_LOGGED, EventKind.MEETING_LOGGED, EventKind.EMAIL_LOGGED]


def _people() -> list[int]:
    org = Organisation.objects.create(name="Pipeline bench org")
    role = Role.objects.create(organisation=org, kind=RoleKind.SALES_REP, name="Sales rep")
    User = get_user_model()
    User.objects.bulk_create([User(username=f"pipeline-bench-{i}", password="!") for i in range(PEOPLE)],
                             batch_size=5000)
    ids = list(User.objects.filter(username__startswith="pipeline-bench-").values_list("pk", flat=True))
    Membership.objects.bulk_create([Membership(user_id=i, organisation=org, role=role) for i in ids], batch_size=5000)
    return ids


def _add_history(ids: list[int], weeks: int, first_week_back: int, rng: random.Random) -> None:
    """Bulk-load `weeks` weeks of events per person (no marks: this is old, already-scored history)."""
    tz = timezone.get_current_timezone()
    start = week_start(timezone.localdate()) - dt.timedelta(weeks=first_week_back)
    batch: list[UsageEvent] = []
    for user_id in ids:
        for week in range(weeks):
            monday = start + dt.timedelta(weeks=week)
            for _ in range(EVENTS_PER_WEEK):
                moment = dt.datetime.combine(monday + dt.timedelta(days=rng.randint(0, 4)),
                                             dt.time(rng.randint(8, 16)), tzinfo=tz)
                batch.append(UsageEvent(user_id=user_id, kind=rng.choice(KINDS), occurred_at=moment,
                                        duration_seconds=rng.randint(20, 400), source=EventSource.APP,
                                        idempotency_key=uuid.uuid4().hex))
        if len(batch) >= 50_000:
            UsageEvent.objects.bulk_create(batch, batch_size=10_000)
            batch = []
    UsageEvent.objects.bulk_create(batch, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _fold(ids: list[int], label: str) -> float:
    """Record one new event for each person and drain the marks; return the seconds it took."""
    now = timezone.now()
    events = [EventInput(user_id=i, kind=EventKind.CALL_LOGGED, occurred_at=now, source=EventSource.API,
                         idempotency_key=f"fold-{label}-{i}", duration_seconds=60) for i in ids]
    started = time.perf_counter()
    usage_events_record_many(events=events)  # eager Celery: the drain runs on commit
    refresh_marks_drain()  # whatever is left (nothing, when the on-commit drain ran)
    elapsed = time.perf_counter() - started
    assert not RefreshMark.objects.exists()
    return elapsed


def _groupby_seconds() -> float:
    """One raw GROUP BY user, week over the whole usage table (the floor a close is compared to)."""
    table = connection.ops.quote_name(UsageEvent._meta.db_table)
    week = ("date_trunc('week', occurred_at)" if connection.vendor == "postgresql"
            else "strftime('%%Y-%%W', occurred_at)")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id, {week}, count(*), sum(duration_seconds) FROM {table} "  # noqa: S608
                       f"GROUP BY user_id, {week}")
        cursor.fetchall()
    return time.perf_counter() - started


def main() -> None:
    rng = random.Random(11)
    ids = _people()
    started = time.perf_counter()
    _add_history(ids, BASE_WEEKS, BASE_WEEKS, rng)
    small = UsageEvent.objects.count()
    print(f"   {PEOPLE} people, {small} events of history (built in {time.perf_counter() - started:.1f} s)")
    fold_small = _fold(ids, "small")
    print(f"   fold {PEOPLE} new events with {small} events of history: {fold_small:.2f} s")

    # Four times as much history again: older weeks, as a long-running organisation has.
    _add_history(ids, 4 * BASE_WEEKS, 5 * BASE_WEEKS, rng)
    large = UsageEvent.objects.count()
    fold_large = _fold(ids, "large")
    print(f"   fold {PEOPLE} new events with {large} events of history: {fold_large:.2f} s")

    last_monday = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    started = time.perf_counter()
    period_close(monday=last_monday)
    close = time.perf_counter() - started
    groupby = _groupby_seconds()
    print(f"   period close for {PEOPLE} people: {close:.2f} s; raw GROUP BY user, week over {large} events: "
          f"{groupby:.2f} s")
    print(f"ratio fold_history={fold_large / fold_small:.2f}")
    print(f"ratio close_vs_groupby={close / groupby:.2f}")
