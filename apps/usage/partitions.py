"""Monthly partitions of the usage log on PostgreSQL, and the retention that drops whole months.

On PostgreSQL `usage_usageevent` is partitioned by range of `occurred_at`, one partition per
calendar month (UTC), named `usage_usageevent_pYYYYMM`, plus a default partition that catches
any event whose month has no partition yet. `partitions_maintain` (daily, beat) makes the
months ahead, moves what the default partition caught into months of its own and, when a
retention is set, drops the months that have expired. SQLite keeps one table; there the same
retention is one set-based DELETE.

Rollups are written in the transaction of the events they count, so every dropped event is
already in its day's rollup; `raw_log_horizon` tells the rollup rebuild where the raw log
starts, so a rebuild never recounts (and so never loses) days whose events are gone.
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

TABLE = "usage_usageevent"
KEY_TABLE = "usage_usageeventkey"
DEFAULT_PARTITION = f"{TABLE}_default"
# Months made ahead of today, so writers almost never meet a month without its partition.
MONTHS_AHEAD = 3
# 26 weeks of score backfill + a 4-week rolling window, rounded up to 13 months.
MIN_RETENTION_DAYS = 400
# Any fixed 64-bit number not used by another advisory lock in this database.
PARTITION_LOCK_KEY = 1_104_202_612
# How long a writer waits for the DDL lock before writing into the default partition instead.
WRITER_LOCK_TIMEOUT_MS = 2_000

# Months known to have their partition in this process (a cache: a miss only costs a query).
_known_months: set[dt.date] = set()


def retention_days() -> int:
    """Return the configured retention of raw usage events in days (0: kept), never below the minimum."""
    days = int(getattr(settings, "USAGE_EVENT_RETENTION_DAYS", 0) or 0)
    return 0 if days <= 0 else max(days, MIN_RETENTION_DAYS)


def month_of(moment: dt.datetime | dt.date) -> dt.date:
    """Return the first day of the UTC calendar month holding this moment (or date)."""
    if isinstance(moment, dt.datetime):
        if timezone.is_aware(moment):
            moment = moment.astimezone(dt.UTC)
        moment = moment.date()
    return moment.replace(day=1)


def month_after(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def _bound(month: dt.date) -> str:
    return f"'{month:%Y-%m-%d} 00:00:00+00'"


def retention_boundary(*, now: dt.datetime | None = None, days: int | None = None) -> dt.datetime | None:
    """Return the start of the oldest month kept whole, or None when raw events are kept for ever.

    Events before it have expired. Whole months go at once, so an event is kept between `days`
    and `days` plus a month.
    """
    days = retention_days() if days is None else (0 if days <= 0 else max(days, MIN_RETENTION_DAYS))
    if days == 0:
        return None
    month = month_of((now or timezone.now()) - dt.timedelta(days=days))
    return dt.datetime.combine(month, dt.time(), tzinfo=dt.UTC)


def raw_log_horizon(*, now: dt.datetime | None = None) -> dt.date | None:
    """Return the first local day whose raw events are certainly all kept (None: all are).

    The day after the retention boundary's date: a local day starting before the boundary
    (east of UTC) may have lost its first hours.
    """
    boundary = retention_boundary(now=now)
    return None if boundary is None else boundary.date() + dt.timedelta(days=1)


def is_partitioned() -> bool:
    """Return whether the usage log is a partitioned table here (PostgreSQL after migration usage 0008)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def partition_months() -> list[dt.date]:
    """Return the months that have a partition of their own, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)", [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    prefix = f"{TABLE}_p"
    return sorted(dt.date(int(n[-6:-2]), int(n[-2:]), 1) for n in names if n.startswith(prefix))


def _create_month(cursor: Any, month: dt.date) -> None:
    """Create one month's partition, moving in what the default partition caught of that month."""
    name, start, end = partition_name(month), _bound(month), _bound(month_after(month))
    execute = cursor.execute
    execute(f"SELECT 1 FROM {DEFAULT_PARTITION} WHERE occurred_at >= {start} AND occurred_at < {end} LIMIT 1")  # noqa: S608
    if cursor.fetchone() is None:
        execute(f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM ({start}) TO ({end})")
        return
    # Attaching a month whose rows sit in the default partition would fail: move them first.
    execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    execute(
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE occurred_at >= {start} AND occurred_at < {end} "  # noqa: S608
        f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"
    )
    execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ({start}) TO ({end})")


def partitions_ensure(months: Iterable[dt.date | dt.datetime], *, lock_timeout_ms: int = 60_000) -> list[dt.date]:
    """Give each of these months its partition (moving in what the default caught); return those made.

    Months before the retention boundary are left to the default partition: they are about to
    expire. DDL takes a strong lock on the usage log, so this runs in a short transaction of its
    own, serialised by an advisory lock, and gives up (OperationalError) when that lock is not
    had within `lock_timeout_ms`.
    """
    boundary = retention_boundary()
    wanted = sorted({month_of(m) for m in months} - _known_months)
    if boundary is not None:
        wanted = [m for m in wanted if m >= boundary.date()]
    if not wanted or not is_partitioned():
        return []
    made: list[dt.date] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PARTITION_LOCK_KEY])
        # Writers queue behind a DDL lock that waits for a long reader: give up rather than stall them.
        cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout_ms}ms'")
        existing = set(partition_months())
        for month in wanted:
            if month not in existing:
                _create_month(cursor, month)
                made.append(month)
        # Only once committed (a rolled-back creation must not be remembered as made).
        transaction.on_commit(lambda: _known_months.update(wanted))
    if made:
        logger.info("usage log partitions created", extra={"data": {"months": [f"{m:%Y-%m}" for m in made]}})
    return made


def partitions_ensure_for(moments: Iterable[dt.datetime | dt.date]) -> None:
    """Before writing events at these moments outside a transaction, make sure their months exist.

    Inside a transaction nothing is done (DDL there would lock the log until it commits): the
    events then land in the default partition, and the next `partitions_maintain` moves them.
    """
    if connection.in_atomic_block or connection.vendor != "postgresql":
        return
    months = {month_of(m) for m in moments} - _known_months
    if not months:
        return
    try:
        partitions_ensure(months, lock_timeout_ms=WRITER_LOCK_TIMEOUT_MS)
    except OperationalError:
        # The write goes on: its events land in the default partition until maintenance moves them.
        logger.warning("usage log partitions not made now", exc_info=True,
                       extra={"data": {"months": sorted(f"{m:%Y-%m}" for m in months)}})


def forget_known_months() -> None:
    """Forget which months this process knows to exist (after partitions were dropped)."""
    _known_months.clear()


def _default_months() -> list[dt.date]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date FROM {DEFAULT_PARTITION}"  # noqa: S608
        )
        return sorted(row[0] for row in cursor.fetchall())


def partitions_maintain(*, now: dt.datetime | None = None) -> list[dt.date]:
    """Make the months from last month to MONTHS_AHEAD ahead, and give caught months their own; return those made."""
    if not is_partitioned():
        return []
    month = month_of(now or timezone.now())
    months = [month_of(month - dt.timedelta(days=1))]
    for _ in range(MONTHS_AHEAD + 1):
        months.append(month)
        month = month_after(month)
    forget_known_months()
    return partitions_ensure([*months, *_default_months()])


def expired_events_drop(*, boundary: dt.datetime, kept_ids: Sequence[int]) -> tuple[list[dt.date], int]:
    """Remove every raw event before `boundary` but `kept_ids`, and their keys; return (months dropped, removed).

    On PostgreSQL whole months go (DROP TABLE of their partitions, never a row-by-row delete);
    the kept events are set aside first and put back, where they land in the default partition.
    On SQLite one DELETE does the same. Callers run this in a transaction.
    """
    kept = list(kept_ids)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS usage_retention_kept (id bigint PRIMARY KEY)")
        cursor.execute("DELETE FROM usage_retention_kept")
        for start in range(0, len(kept), 1000):
            chunk = kept[start:start + 1000]
            values = ", ".join(["(%s)"] * len(chunk))
            cursor.execute(f"INSERT INTO usage_retention_kept (id) VALUES {values}", chunk)  # noqa: S608
        cursor.execute(
            f"DELETE FROM {KEY_TABLE} WHERE occurred_at < %s "  # noqa: S608 - names are ours
            "AND event_id NOT IN (SELECT id FROM usage_retention_kept)", [boundary],
        )
        if not is_partitioned():
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE occurred_at < %s "  # noqa: S608
                "AND id NOT IN (SELECT id FROM usage_retention_kept)", [boundary],
            )
            removed = cursor.rowcount
            cursor.execute("DELETE FROM usage_retention_kept")
            return [], removed
        cursor.execute("DROP TABLE IF EXISTS usage_retention_rows")
        cursor.execute(
            f"CREATE TEMPORARY TABLE usage_retention_rows AS SELECT * FROM {TABLE} "  # noqa: S608
            "WHERE occurred_at < %s AND id IN (SELECT id FROM usage_retention_kept)", [boundary],
        )
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE occurred_at < %s", [boundary])  # noqa: S608
        before = int(cursor.fetchone()[0])
        dropped = [m for m in partition_months() if month_after(m) <= boundary.date()]
        # Deferred foreign-key checks of rows written earlier in this transaction must run before a DROP.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for month in dropped:
            cursor.execute(f"DROP TABLE {partition_name(month)}")
        cursor.execute(f"DELETE FROM {DEFAULT_PARTITION} WHERE occurred_at < %s", [boundary])  # noqa: S608
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM usage_retention_rows")  # noqa: S608
        kept_back = cursor.rowcount
        cursor.execute("DROP TABLE usage_retention_rows")
        cursor.execute("DELETE FROM usage_retention_kept")
    forget_known_months()
    return dropped, before - kept_back
