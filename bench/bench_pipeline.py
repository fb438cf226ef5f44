"""The usage pipeline: folding new events into scores against more history, and period close
against one raw GROUP BY of the log.

Volumes are scaled down from issue 11 (10,000 people, 1 M vs 5 M events) to fit a 2-core
machine: PEOPLE people (env BENCH_PEOPLE, default 2,000; 10000 is the issue's size), a base
history of BASE_WEEKS weeks × EVENTS_PER_WEEK, then 4× as much again. Prints
`ratio fold_history=…` and `ratio close_vs_groupby=…` last.

The machine is shared, so each figure is the median of REPEATS runs from the same state: the
history is vacuumed after loading (no autovacuum or hint-bit writes left for the timed part to
meet), an untimed fold comes first after each load (so every timed fold updates this week's
snapshots and finds its working set cached, with either history), and before each timed close
the week it closes is removed again, each close followed by one raw GROUP BY.
"""

import datetime as dt
import os
import random
import statistics
import time
import uuid

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from apps.core.periods import week_start
from apps.roles.models import Membership, Organisation, Role, RoleKind
from apps.scoring.models import ScoreSnapshot
from apps.scoring.services import period_close
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import RefreshMark, UsageEvent
from apps.usage.services import EventInput, refresh_marks_drain, usage_events_record_many

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "2000"))
BASE_WEEKS = 10
EVENTS_PER_WEEK = 10
KINDS = [EventKind.CALL_LOGGED, EventKind.MEETING_LOGGED, EventKind.EMAIL_LOGGED]
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


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
    _settle()


def _settle() -> None:
    """Leave the database as a long-running one is: statistics fresh and, on PostgreSQL, the
    bulk-loaded rows vacuumed (otherwise autovacuum and the first reads' hint-bit writes land in
    whichever timed step comes next)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


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


def _folds(ids: list[int], label: str) -> list[float]:
    """Fold REPEATS times after one untimed fold (the first fold after a load meets a cache full of
    the loaded rows, and the very first one inserts this week's snapshots that later ones update)."""
    _fold(ids, f"{label}-warm-up")
    _settle()
    return [_fold(ids, f"{label}-{n}") for n in range(REPEATS)]


def _close_seconds(monday: dt.date) -> float:
    """Close `monday` from the same state each time: without that week's snapshots."""
    ScoreSnapshot.objects.filter(period_start=monday).delete()
    _settle()
    started = time.perf_counter()
    period_close(monday=monday)
    return time.perf_counter() - started


def _seconds(figures: list[float]) -> str:
    return " / ".join(f"{f:.2f}" for f in figures) + f" s (median {statistics.median(figures):.2f} s)"


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
    fold_small = _folds(ids, "small")
    print(f"   fold {PEOPLE} new events with {small} events of history: {_seconds(fold_small)}")

    # Four times as much history again: older weeks, as a long-running organisation has.
    started = time.perf_counter()
    _add_history(ids, 4 * BASE_WEEKS, 5 * BASE_WEEKS, rng)
    large = UsageEvent.objects.count()
    print(f"   {large} events of history (built in {time.perf_counter() - started:.1f} s)")
    fold_large = _folds(ids, "large")
    print(f"   fold {PEOPLE} new events with {large} events of history: {_seconds(fold_large)}")

    last_monday = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    closes: list[float] = []
    groupbys: list[float] = []
    for _ in range(REPEATS):
        closes.append(_close_seconds(last_monday))
        groupbys.append(_groupby_seconds())
    print(f"   period close for {PEOPLE} people: {_seconds(closes)}")
    print(f"   raw GROUP BY user, week over {UsageEvent.objects.count()} events: {_seconds(groupbys)}")
    print(f"   close / GROUP BY per run: {' / '.join(f'{c / g:.2f}' for c, g in zip(closes, groupbys, strict=True))}")
    print(f"ratio fold_history={statistics.median(fold_large) / statistics.median(fold_small):.2f}")
    print(f"ratio close_vs_groupby={statistics.median(closes) / statistics.median(groupbys):.2f}")
