"""Daily rollups of the usage log: per person, local day and kind, kept with the events.

`rollups_add` runs in the transaction that inserts the events (only the rows actually
inserted, so a repeated key never counts twice and a rolled-back write never counts at all).
`rollups_rebuild` recounts people from the raw log, e.g. after their entry cap changed (from the
raw log's horizon on, when a retention removes old events).

On PostgreSQL the two are ordered by one advisory lock: every add holds it shared until its
transaction ends, a rebuild holds it exclusively. A rebuild therefore sees every event whose
add has committed and no add can slip in between its delete and its recount.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Least, TruncDate
from django.utils import timezone

from apps.roles.models import DEFAULT_ENTRY_CAP_SECONDS, Membership, Role
from apps.usage.models import DailyRollup, UsageEvent
from apps.usage.partitions import raw_log_horizon

# Any fixed 64-bit number not used by another advisory lock in this database.
ROLLUP_LOCK_KEY = 1_104_202_611
# 5 parameters a row of alike events: 6,000 rows stay under SQLite's 32,766 bound parameters.
UPSERT_BATCH_ROWS = 6000
REBUILD_BATCH_ROWS = 4000
IN_LIST_CHUNK = 10_000


@dataclass(frozen=True)
class RolledEvent:
    """What a rollup needs of one inserted event."""

    user_id: int
    kind: str
    occurred_at: dt.datetime
    duration_seconds: int | None


@dataclass(frozen=True)
class RollupRow:
    user_id: int
    day: dt.date
    kind: str
    events: int
    measured: int
    capped_seconds: int
    cap_seconds: int | None


def rollup_day(moment: dt.datetime) -> dt.date:
    """Return the local day (settings.TIME_ZONE) a moment falls on: the rollups' and scores' day."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def entry_caps_of(user_ids: Iterable[int]) -> dict[int, int]:
    """Return each person's entry cap (their role's; the default without a role), one query per 10,000.

    A person in several organisations gets the cap of their newest membership, as in scoring.
    """
    ids = sorted(set(user_ids))
    caps = dict.fromkeys(ids, DEFAULT_ENTRY_CAP_SECONDS)
    for start in range(0, len(ids), IN_LIST_CHUNK):
        chunk = ids[start:start + IN_LIST_CHUNK]
        caps.update(Membership.objects.filter(user_id__in=chunk).order_by("pk")
                    .values_list("user_id", "role__entry_cap_seconds"))
    return caps


def _lock(*, exclusive: bool, wait: bool = True) -> bool:
    """Take the rollup lock for this transaction (PostgreSQL; SQLite serialises writers itself)."""
    if connection.vendor != "postgresql":
        return True
    function = {(True, True): "pg_advisory_xact_lock", (True, False): "pg_try_advisory_xact_lock",
                (False, True): "pg_advisory_xact_lock_shared", (False, False): "pg_try_advisory_xact_lock_shared"}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function[(exclusive, wait)]}(%s)", [ROLLUP_LOCK_KEY])
        result = cursor.fetchone()
    return wait or bool(result and result[0])


def rollups_add(*, events: Iterable[RolledEvent]) -> int:
    """Add newly inserted events to their rollups: one INSERT … SELECT … ON CONFLICT per 6,000 rows of alike events.

    Call it inside the transaction that inserted the events, with exactly the rows inserted.
    The statement groups the events by person, local day and kind, caps each measured entry
    at the person's role entry cap (read in the same statement) and adds the sums to the rows
    already there. Return how many events it counted.
    """
    # Events alike in person, day, kind and measured time are sent once with how many they are:
    # a batch of 1,000 logins by 200 people is 200 rows, not 1,000.
    alike: Counter[tuple[int, dt.date, str, int | None]] = Counter(
        (e.user_id, rollup_day(e.occurred_at), e.kind, e.duration_seconds) for e in events
    )
    if not alike:
        return 0
    rows = sorted(alike.items(), key=lambda r: (r[0][0], r[0][1], r[0][2], r[0][3] is None, r[0][3] or 0))
    table = connection.ops.quote_name(DailyRollup._meta.db_table)
    membership = connection.ops.quote_name(Membership._meta.db_table)
    role = connection.ops.quote_name(Role._meta.db_table)
    day_field = cast("models.Field[Any, Any]", DailyRollup._meta.get_field("day"))
    date_type = "date" if connection.vendor == "postgresql" else "text"
    # Each person's newest membership's role cap, as `entry_caps_of` and scoring read it: one
    # grouped lookup for the people of the batch (no per-row subquery).
    caps = (f"SELECT m.user_id, role.entry_cap_seconds AS cap FROM {membership} AS m "  # noqa: S608 - names are ours
            f"JOIN {role} AS role ON role.id = m.role_id WHERE m.id IN (SELECT MAX(m2.id) FROM {membership} AS m2 "
            "WHERE m2.user_id IN (SELECT user_id FROM e) GROUP BY m2.user_id)")
    cap = f"COALESCE(caps.cap, {DEFAULT_ENTRY_CAP_SECONDS})"
    with transaction.atomic(savepoint=False):
        _lock(exclusive=False)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), UPSERT_BATCH_ROWS):
                batch = rows[start:start + UPSERT_BATCH_ROWS]
                params: list[Any] = []
                for (user_id, day, kind, seconds), count in batch:
                    params.extend([user_id, day_field.get_db_prep_save(day, connection), kind, seconds, count])
                values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
                # Sorted rows and GROUP BY: concurrent writers lock rollup rows in one order, no deadlock.
                cursor.execute(
                    f"WITH e (user_id, day, kind, seconds, n) AS (VALUES {values}), caps AS ({caps}) "  # noqa: S608
                    f"INSERT INTO {table} AS r (user_id, day, kind, events, measured, capped_seconds, cap_seconds) "
                    f"SELECT e.user_id, CAST(e.day AS {date_type}), e.kind, SUM(CAST(e.n AS integer)), "
                    "SUM(CASE WHEN e.seconds IS NULL THEN 0 ELSE CAST(e.n AS integer) END), "
                    f"COALESCE(SUM(CASE WHEN e.seconds IS NULL THEN 0 WHEN CAST(e.seconds AS integer) < {cap} "
                    f"THEN CAST(e.seconds AS integer) * CAST(e.n AS integer) ELSE {cap} * CAST(e.n AS integer) END), "
                    f"0), {cap} "
                    "FROM e LEFT JOIN caps ON caps.user_id = e.user_id "
                    # WHERE true: SQLite needs it to parse an upsert after a SELECT.
                    f"WHERE true GROUP BY e.user_id, e.day, e.kind, {cap} ORDER BY e.user_id, e.day, e.kind "
                    "ON CONFLICT (user_id, day, kind) DO UPDATE SET "
                    "events = r.events + excluded.events, measured = r.measured + excluded.measured, "
                    "capped_seconds = r.capped_seconds + excluded.capped_seconds, "
                    # Counted under two caps: nobody can tell the right sum any more, so say so.
                    "cap_seconds = CASE WHEN r.cap_seconds = excluded.cap_seconds THEN r.cap_seconds END",
                    params,
                )
    return sum(alike.values())


def rollup_rows_from_events(
    *, user_ids: Sequence[int], caps: Mapping[int, int], first_day: dt.date | None = None,
    last_day: dt.date | None = None, kinds: Iterable[str] | None = None,
) -> list[RollupRow]:
    """Return what the rollups of these people should hold, counted from the raw log (one query per cap)."""
    tz = timezone.get_default_timezone()
    by_cap: dict[int, list[int]] = defaultdict(list)
    for user_id in user_ids:
        by_cap[caps.get(user_id, DEFAULT_ENTRY_CAP_SECONDS)].append(user_id)
    rows: list[RollupRow] = []
    for cap, people in sorted(by_cap.items()):
        for start in range(0, len(people), IN_LIST_CHUNK):
            events = UsageEvent.objects.filter(user_id__in=people[start:start + IN_LIST_CHUNK])
            if first_day is not None:
                start_at = timezone.make_aware(dt.datetime.combine(first_day, dt.time()), tz)
                events = events.filter(occurred_at__gte=start_at)
            if last_day is not None:
                end = timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()), tz)
                events = events.filter(occurred_at__lt=end)
            if kinds is not None:
                events = events.filter(kind__in=list(kinds))
            grouped = (
                events.annotate(day=TruncDate("occurred_at", tzinfo=tz))
                .values("user_id", "day", "kind")
                .annotate(
                    n=Count("id"),
                    measured_n=Count("duration_seconds"),
                    # PostgreSQL's LEAST skips NULLs (LEAST(NULL, 600) = 600): sum measured rows only.
                    capped=Sum(Least(F("duration_seconds"), Value(cap)), filter=Q(duration_seconds__isnull=False)),
                )
                .order_by()
            )
            rows.extend(
                RollupRow(user_id=r["user_id"], day=r["day"], kind=r["kind"], events=r["n"], measured=r["measured_n"],
                          capped_seconds=r["capped"] or 0, cap_seconds=cap)
                for r in grouped
            )
    return rows


def rollups_rebuild(*, user_ids: Iterable[int], wait: bool = True) -> bool:
    """Recount these people's rollups from the raw log under their current entry caps.

    With `wait=False` give up at once (return False) when events are being added right now,
    instead of waiting: a caller already holding other locks must not wait for writers.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return True
    # Days before the raw log's horizon have lost events to retention: their rollups stay as counted.
    horizon = raw_log_horizon()
    with transaction.atomic():
        if not _lock(exclusive=True, wait=wait):
            return False
        for start in range(0, len(ids), IN_LIST_CHUNK):
            doomed = DailyRollup.objects.filter(user_id__in=ids[start:start + IN_LIST_CHUNK])
            (doomed if horizon is None else doomed.filter(day__gte=horizon)).delete()
        rows = rollup_rows_from_events(user_ids=ids, caps=entry_caps_of(ids), first_day=horizon)
        DailyRollup.objects.bulk_create(
            [DailyRollup(user_id=r.user_id, day=r.day, kind=r.kind, events=r.events, measured=r.measured,
                         capped_seconds=r.capped_seconds, cap_seconds=r.cap_seconds) for r in rows],
            batch_size=REBUILD_BATCH_ROWS,
        )
    return True


def rollups_rebuild_for_role(*, role_id: int) -> bool:
    """Recount everyone holding this role (call after its entry cap changed)."""
    return rollups_rebuild(user_ids=Membership.objects.filter(role_id=role_id).values_list("user_id", flat=True))


def rollups_of(
    *, user_ids: Sequence[int], first_day: dt.date, last_day: dt.date, kinds: Iterable[str] | None = None,
) -> list[RollupRow]:
    """Return the stored rollups of these people from first to last day (inclusive)."""
    rows: list[RollupRow] = []
    kinds = list(kinds) if kinds is not None else None
    for start in range(0, len(user_ids), IN_LIST_CHUNK):
        query = DailyRollup.objects.filter(user_id__in=user_ids[start:start + IN_LIST_CHUNK],
                                           day__gte=first_day, day__lte=last_day)
        if kinds is not None:
            query = query.filter(kind__in=kinds)
        rows.extend(
            RollupRow(user_id=u, day=d, kind=k, events=n, measured=m, capped_seconds=c, cap_seconds=cap)
            for u, d, k, n, m, c, cap in query.values_list(
                "user_id", "day", "kind", "events", "measured", "capped_seconds", "cap_seconds")
        )
    return rows
