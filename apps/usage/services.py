"""Writing to the usage log. The one way in: `usage_event_record`."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from apps.usage.models import UsageEvent

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
    return UsageEvent.objects.filter(source=source, idempotency_key=idempotency_key).first()


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

    Enqueues a score recompute for the user after the surrounding transaction commits.
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
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        # A concurrent request recorded the same key first: theirs stands.
        return UsageEvent.objects.get(source=source, idempotency_key=idempotency_key), False
    _schedule_score_refresh([user_id])
    return event, True


# Columns written by `usage_events_insert`, in order; `recorded_at` is stamped here.
_INSERT_COLUMNS = (
    "user_id", "kind", "occurred_at", "duration_seconds", "source", "idempotency_key", "metadata", "recorded_at",
)
# 8 parameters a row: 2,000 rows stay well under SQLite's 32,766 bound parameters.
INSERT_BATCH_ROWS = 2000


@dataclass(frozen=True)
class InsertedEvent:
    """One row that `usage_events_insert` actually added (what the refresh and rollups need)."""

    source: str
    idempotency_key: str
    user_id: int
    kind: str
    occurred_at: dt.datetime
    duration_seconds: int | None


def usage_events_insert_returning(*, events: Sequence[EventInput]) -> list[InsertedEvent]:
    """Insert events, skipping keys already recorded; return the rows newly inserted.

    One `INSERT ... ON CONFLICT DO NOTHING RETURNING ...` per batch of `INSERT_BATCH_ROWS`
    (PostgreSQL, and SQLite >= 3.35), so a concurrent writer of the same key can never make
    a row count twice or an import fail. Within one call the first event for a key wins.
    """
    unique: dict[tuple[str, str], EventInput] = {}
    for event in events:
        unique.setdefault((event.source, event.idempotency_key), event)
    if not unique:
        return []
    fields = [cast("models.Field[Any, Any]", UsageEvent._meta.get_field(column.removesuffix("_id")))
              for column in _INSERT_COLUMNS]
    table = connection.ops.quote_name(UsageEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _INSERT_COLUMNS)
    recorded_at = timezone.now()
    inserted: list[InsertedEvent] = []
    rows = list(unique.values())
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH_ROWS):
            batch = rows[start:start + INSERT_BATCH_ROWS]
            params: list[Any] = []
            for e in batch:
                values = (e.user_id, e.kind, e.occurred_at, e.duration_seconds, e.source,
                          e.idempotency_key, e.metadata, recorded_at)
                params.extend(f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True))
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {placeholders} "  # noqa: S608 - names are ours
                "ON CONFLICT (source, idempotency_key) DO NOTHING "
                "RETURNING source, idempotency_key",
                params,
            )
            for source, key in cursor.fetchall():
                e = unique[(source, key)]
                inserted.append(InsertedEvent(source=source, idempotency_key=key, user_id=e.user_id, kind=e.kind,
                                              occurred_at=e.occurred_at, duration_seconds=e.duration_seconds))
    return inserted


def usage_events_insert(*, events: Sequence[EventInput]) -> set[tuple[str, str]]:
    """Insert events, skipping keys already recorded; return the (source, key) pairs newly inserted."""
    return {(row.source, row.idempotency_key) for row in usage_events_insert_returning(events=events)}


def usage_events_record_many(*, events: Iterable[EventInput]) -> int:
    """Record many events at once, skipping keys already recorded; return how many were new."""
    inserted = usage_events_insert_returning(events=list(events))
    if inserted:
        _schedule_score_refresh(sorted({row.user_id for row in inserted}))
    return len(inserted)


def _schedule_score_refresh(user_ids: list[int]) -> None:
    """After commit, refresh what the new events change: scores and quick-win results."""
    from apps.quickwins.tasks import refresh_quickwins_for_users
    from apps.scoring.tasks import recompute_user_scores

    transaction.on_commit(lambda: recompute_user_scores.delay(user_ids=user_ids))
    transaction.on_commit(lambda: refresh_quickwins_for_users.delay(user_ids=user_ids))
