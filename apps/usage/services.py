"""Writing to the usage log. The one way in: `usage_event_record`."""

import datetime as dt
import io
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from celery import current_app
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from apps.usage.hooks import refresh_consumers
from apps.usage.models import RefreshMark, UsageEvent, UsageEventKey
from apps.usage.partitions import partitions_ensure_for
from apps.usage.rollups import RolledEvent, rollups_add

logger = logging.getLogger(__name__)

DRAIN_TASK = "apps.usage.tasks.drain_refresh_marks"
DRAIN_BATCH_PEOPLE = 500

# A form open longer than a day is not an entry time we can trust; store nothing then.
MAX_TRUSTED_ENTRY_SECONDS = 24 * 60 * 60


def trusted_entry_seconds(seconds: int | None) -> int | None:
    """Return a measured entry time, or None when it cannot be a real entry (negative, > 1 day)."""
    if seconds is None or not 0 <= seconds <= MAX_TRUSTED_ENTRY_SECONDS:
        return None
    return seconds


@dataclass(frozen=True)
class EventInput:
    user_id: int
    kind: str
    occurred_at: dt.datetime
    source: str
    idempotency_key: str
    duration_seconds: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def usage_event_for_key(*, source: str, idempotency_key: str) -> UsageEvent | None:
    """Return the event already recorded under this key, if any (a form or call sent twice)."""
    key = UsageEventKey.objects.filter(source=source, idempotency_key=idempotency_key).first()
    if key is None:
        return None
    # The time as well as the id: on PostgreSQL it picks the one month's partition to look in.
    return UsageEvent.objects.filter(pk=key.event_id, occurred_at=key.occurred_at).first()


def usage_keys_recorded(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Return which of these (source, idempotency key) pairs are already recorded."""
    by_source: dict[str, list[str]] = {}
    for source, key in pairs:
        by_source.setdefault(source, []).append(key)
    recorded: set[tuple[str, str]] = set()
    for source, keys in by_source.items():
        for start in range(0, len(keys), 1000):
            recorded.update(UsageEventKey.objects.filter(source=source, idempotency_key__in=keys[start:start + 1000])
                            .values_list("source", "idempotency_key"))
    return recorded


def usage_event_record(
    *,
    user_id: int,
    kind: str,
    occurred_at: dt.datetime,
    source: str,
    idempotency_key: str,
    duration_seconds: int | None = None,
    metadata: dict[str, Any] | None = None,
) -> tuple[UsageEvent, bool]:
    """Record one event; return (event, created). Recording the same key twice is a no-op.

    Counts it in its daily rollup (`UsageEvent.save`) and marks the person for refresh in the
    same transaction and, after commit, asks a worker
    to drain the marks (a broker outage only delays that: the mark stays).
    """
    existing = usage_event_for_key(source=source, idempotency_key=idempotency_key)
    if existing is not None:
        return existing, False
    event = UsageEvent(
        user_id=user_id,
        kind=kind,
        occurred_at=occurred_at,
        source=source,
        idempotency_key=idempotency_key,
        duration_seconds=duration_seconds,
        metadata=metadata or {},
    )
    event.full_clean(validate_unique=False, validate_constraints=False)
    partitions_ensure_for([occurred_at])
    try:
        with transaction.atomic():
            event.save()
            refresh_marks_add(since_by_user={user_id: occurred_at})
    except IntegrityError:
        # A concurrent request recorded the same key first: theirs stands.
        recorded = usage_event_for_key(source=source, idempotency_key=idempotency_key)
        if recorded is None:
            raise
        return recorded, False
    return event, True


# Columns written by `usage_events_insert`, in order; `recorded_at` is stamped here.
_INSERT_COLUMNS = (
    "user_id", "kind", "occurred_at", "duration_seconds", "source", "idempotency_key", "metadata", "recorded_at",
)
# 8 parameters a row: 2,000 rows stay well under SQLite's 32,766 bound parameters.
INSERT_BATCH_ROWS = 2000


@dataclass(frozen=True)
class _Preparer:
    time: Callable[[dt.datetime], Any]
    json: Callable[[dict[str, Any]], Any]


def _insert_values_preparer() -> _Preparer:
    """Return what the database driver is given for an event's time and metadata.

    What the model fields' `get_db_prep_save` would give, without their per-value machinery
    (it was a fifth of a 1,000-event batch's time): an aware time as the backend adapts it
    (naive ones still go through the field, which warns and makes them aware), metadata as JSON
    text (PostgreSQL casts the text to jsonb in the INSERT; SQLite stores the text).
    """
    time_field = cast("models.Field[Any, Any]", UsageEvent._meta.get_field("occurred_at"))
    adapt = connection.ops.adapt_datetimefield_value

    def time(value: dt.datetime) -> Any:
        if value.tzinfo is None or value.utcoffset() is None:
            return time_field.get_db_prep_save(value, connection)
        return adapt(value)

    encoder = cast("models.JSONField[Any]", UsageEvent._meta.get_field("metadata")).encoder
    return _Preparer(time=time, json=lambda value: json.dumps(value, cls=encoder))


@dataclass(frozen=True)
class InsertedEvent:
    """One row that `usage_events_insert` actually added (what the refresh and rollups need)."""

    source: str
    idempotency_key: str
    user_id: int
    kind: str
    occurred_at: dt.datetime
    duration_seconds: int | None
    event_id: int


def usage_events_insert_returning(*, events: Sequence[EventInput]) -> list[InsertedEvent]:
    """Insert events, skipping keys already recorded; return the rows newly inserted.

    One `INSERT ... ON CONFLICT DO NOTHING RETURNING ...` per batch of `INSERT_BATCH_ROWS`
    (PostgreSQL, and SQLite >= 3.35), so a concurrent writer of the same key can never make
    a row count twice or an import fail. Within one call the first event for a key wins.
    Adds the inserted rows to the daily rollups (one upsert) and marks their people for
    refresh, both in the same transaction.
    """
    unique: dict[tuple[str, str], EventInput] = {}
    for event in events:
        unique.setdefault((event.source, event.idempotency_key), event)
    if not unique:
        return []
    table = connection.ops.quote_name(UsageEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _INSERT_COLUMNS)
    prepare = _insert_values_preparer()
    recorded_at = prepare.time(timezone.now())
    inserted: list[InsertedEvent] = []
    rows = list(unique.values())
    partitions_ensure_for(e.occurred_at for e in rows)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH_ROWS):
            batch = rows[start:start + INSERT_BATCH_ROWS]
            if connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy_expert"):
                returned = _insert_by_copy(cursor, table=table, columns=columns, batch=batch,
                                           recorded_at=timezone.now())
            else:
                returned = _insert_by_values(cursor, table=table, columns=columns, batch=batch, prepare=prepare,
                                             recorded_at=recorded_at)
            for event_id, source, key in returned:
                e = unique[(source, key)]
                inserted.append(InsertedEvent(source=source, idempotency_key=key, user_id=e.user_id, kind=e.kind,
                                              occurred_at=e.occurred_at, duration_seconds=e.duration_seconds,
                                              event_id=event_id))
        since_by_user: dict[int, dt.datetime] = {}
        for row in inserted:
            known = since_by_user.get(row.user_id)
            since_by_user[row.user_id] = row.occurred_at if known is None else min(known, row.occurred_at)
        rollups_add(events=[RolledEvent(r.user_id, r.kind, r.occurred_at, r.duration_seconds) for r in inserted])
        refresh_marks_add(since_by_user=since_by_user)
    return inserted


def _insert_by_values(cursor: Any, *, table: str, columns: str, batch: Sequence[EventInput], prepare: _Preparer,
                      recorded_at: Any) -> list[tuple[int, str, str]]:
    """Insert the batch's events whose keys are not yet recorded, then their keys; return (id, source, key).

    A writer recording one of the same keys meanwhile makes the key insert fail
    (IntegrityError) and so the whole batch, never a row counted twice. (SQLite, where this
    runs, has one writer at a time; PostgreSQL takes `_insert_by_copy`.)
    """
    recorded = usage_keys_recorded((e.source, e.idempotency_key) for e in batch)
    batch = [e for e in batch if (e.source, e.idempotency_key) not in recorded]
    if not batch:
        return []
    params: list[Any] = []
    for e in batch:
        params.extend((e.user_id, e.kind, prepare.time(e.occurred_at), e.duration_seconds, e.source,
                       e.idempotency_key, prepare.json(e.metadata), recorded_at))
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"] * len(batch))
    cursor.execute(
        f"INSERT INTO {table} ({columns}) VALUES {placeholders} "  # noqa: S608 - names are ours
        "RETURNING id, source, idempotency_key",
        params,
    )
    inserted = list(cursor.fetchall())
    by_key = {(e.source, e.idempotency_key): e for e in batch}
    for start in range(0, len(inserted), INSERT_BATCH_ROWS // 2):
        chunk = inserted[start:start + INSERT_BATCH_ROWS // 2]
        key_params: list[Any] = []
        for event_id, source, key in chunk:
            key_params.extend((source, key, event_id, prepare.time(by_key[(source, key)].occurred_at)))
        cursor.execute(
            f"INSERT INTO {_key_table()} (source, idempotency_key, event_id, occurred_at) VALUES "  # noqa: S608
            + ", ".join(["(%s, %s, %s, %s)"] * len(chunk)),
            key_params,
        )
    return [(int(event_id), source, key) for event_id, source, key in inserted]


# A session's own staging table for `_insert_by_copy`, emptied at every commit.
_STAGE = "usage_insert_stage"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """Return a value as a field of COPY's text format (\\N for NULL; backslash, tab and newlines escaped)."""
    if value is None:
        return "\\N"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            value = timezone.make_aware(value)  # as the model field would, for a naive time
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _key_table() -> str:
    return connection.ops.quote_name(UsageEventKey._meta.db_table)


_sequences: dict[str, str] = {}


def _id_sequence(cursor: Any) -> str:
    """Return the name of the sequence the usage log's ids come from (PostgreSQL)."""
    alias = connection.alias
    if alias not in _sequences:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [UsageEvent._meta.db_table])
        _sequences[alias] = str(cursor.fetchone()[0])
    return _sequences[alias]


def _insert_by_copy(cursor: Any, *, table: str, columns: str, batch: Sequence[EventInput],
                    recorded_at: dt.datetime) -> list[tuple[int, str, str]]:
    """PostgreSQL: COPY the batch into a temporary table, then one statement inserting the new keys and their events.

    Cheaper than a VALUES list of 8,000 parameters (the statement to parse is one line), with
    the same guarantee: a key recorded by anyone, concurrently or before, is skipped, not doubled.
    """
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (user_id bigint, kind varchar(40), "
        "occurred_at timestamptz, duration_seconds integer, source varchar(20), idempotency_key varchar(200), "
        "metadata jsonb, recorded_at timestamptz) ON COMMIT DELETE ROWS"
    )
    encoder = cast("models.JSONField[Any]", UsageEvent._meta.get_field("metadata")).encoder
    stamp = _copy_text(recorded_at)
    lines = "".join(
        f"{e.user_id}\t{_copy_text(e.kind)}\t{_copy_text(e.occurred_at)}\t{_copy_text(e.duration_seconds)}\t"
        f"{_copy_text(e.source)}\t{_copy_text(e.idempotency_key)}\t{_copy_text(json.dumps(e.metadata, cls=encoder))}"
        f"\t{stamp}\n"
        for e in batch
    )
    cursor.cursor.copy_expert(f"COPY {_STAGE} ({columns}) FROM STDIN", io.StringIO(lines))
    # Keys first, each taking its event's id from the log's sequence: a key anyone recorded
    # (before, or concurrently: the insert waits for their commit) is skipped with its event.
    stage_columns = ", ".join(f"stage.{c}" for c in columns.split(", "))
    cursor.execute(
        f"WITH new_key AS (INSERT INTO {_key_table()} (source, idempotency_key, event_id, occurred_at) "  # noqa: S608
        f"SELECT source, idempotency_key, nextval(%s), occurred_at FROM {_STAGE} "
        "ON CONFLICT DO NOTHING RETURNING source, idempotency_key, event_id) "
        f"INSERT INTO {table} (id, {columns}) SELECT new_key.event_id, {stage_columns} FROM {_STAGE} stage "
        "JOIN new_key ON new_key.source = stage.source AND new_key.idempotency_key = stage.idempotency_key "
        "RETURNING id, source, idempotency_key",
        [_id_sequence(cursor)],
    )
    returned = list(cursor.fetchall())
    cursor.execute(f"DELETE FROM {_STAGE}")  # noqa: S608 - a later batch of this transaction starts empty
    return returned


def usage_events_insert(*, events: Sequence[EventInput]) -> set[tuple[str, str]]:
    """Insert events, skipping keys already recorded; return the (source, key) pairs newly inserted."""
    return {(row.source, row.idempotency_key) for row in usage_events_insert_returning(events=events)}


def usage_events_record_many(*, events: Iterable[EventInput]) -> int:
    """Record many events at once, skipping keys already recorded; return how many were new."""
    return len(usage_events_insert_returning(events=list(events)))


def refresh_marks_add(*, since_by_user: dict[int, dt.datetime]) -> None:
    """Mark people for refresh (keeping each one's earliest new event); drain after commit.

    Must run inside the transaction that wrote the events, so the marks commit with them.
    One upsert statement and one drain request per call, however many events the call wrote
    (a batch asks once). Repeated requests in one transaction are not merged: a drain that
    finds the marks already taken is one cheap query, and merging by scanning the pending
    callbacks would wrongly rely on a callback a rolled-back or never-committed block owns.
    """
    if not since_by_user:
        return
    table = connection.ops.quote_name(RefreshMark._meta.db_table)
    field = cast("models.Field[Any, Any]", RefreshMark._meta.get_field("since"))
    now = field.get_db_prep_save(timezone.now(), connection)
    params: list[Any] = []
    for user_id, since in sorted(since_by_user.items()):
        params.extend([user_id, now, field.get_db_prep_save(since, connection)])
    placeholders = ", ".join(["(%s, %s, %s)"] * len(since_by_user))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS mark (user_id, marked_at, since) VALUES {placeholders} "  # noqa: S608
            "ON CONFLICT (user_id) DO UPDATE SET marked_at = excluded.marked_at, "
            "since = CASE WHEN excluded.since < mark.since THEN excluded.since ELSE mark.since END",
            params,
        )
    transaction.on_commit(refresh_marks_drain_enqueue)


def refresh_marks_drain_enqueue() -> None:
    """Ask a worker to drain the marks; if the broker is down, log it and leave the marks.

    The beat entry `drain-refresh-marks` drains every minute, so the work is caught up
    when the broker returns. A write never fails because of the broker.
    """
    try:
        current_app.tasks[DRAIN_TASK].delay()
    except Exception:  # any broker or transport error: the marks keep the work
        logger.warning("Could not enqueue %s; the marks stay until the next drain.", DRAIN_TASK, exc_info=True)


def refresh_marks_drain(*, batch_size: int = DRAIN_BATCH_PEOPLE) -> int:
    """Hand marked people, a batch at a time, to every refresh consumer; return how many.

    Newest marks first: a person who just logged something (and may be looking at their
    page) is not queued behind a 100,000-event import; the loop runs until no mark is left,
    so the older backlog is drained all the same, only later.
    Each batch is locked (SKIP LOCKED on PostgreSQL, so two workers take different people)
    and its marks are deleted in the same transaction as the consumers' writes, so a worker
    killed mid-batch leaves the marks for the next drain.
    """
    handled = 0
    while True:
        with transaction.atomic():
            marks = RefreshMark.objects.order_by("-marked_at", "user_id")
            if connection.features.has_select_for_update_skip_locked:
                marks = marks.select_for_update(skip_locked=True)
            batch = list(marks.values_list("user_id", "since")[:batch_size])
            if not batch:
                return handled
            since_by_user = dict(batch)
            for consumer in refresh_consumers():
                consumer(since_by_user)
            # The batch's rows are locked (PostgreSQL) or the database is (SQLite): a writer
            # re-marking one of these people waits for this commit and then marks afresh.
            RefreshMark.objects.filter(user_id__in=since_by_user).delete()
            handled += len(batch)
        if len(batch) < batch_size:
            return handled
