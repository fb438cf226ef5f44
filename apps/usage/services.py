"""Writing to the usage log. The one way in: `usage_event_record`."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

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


def usage_events_record_many(*, events: Iterable[EventInput], batch_size: int = 2000) -> int:
    """Record many events at once, skipping keys already recorded; return how many were new."""
    rows = [
        UsageEvent(
            user_id=e.user_id, kind=e.kind, occurred_at=e.occurred_at, source=e.source,
            idempotency_key=e.idempotency_key, duration_seconds=e.duration_seconds, metadata=e.metadata,
        )
        for e in events
    ]
    if not rows:
        return 0
    keys_by_source: dict[str, set[str]] = {}
    for row in rows:
        keys_by_source.setdefault(row.source, set()).add(row.idempotency_key)
    already = 0
    for source, keys in keys_by_source.items():
        already += UsageEvent.objects.filter(source=source, idempotency_key__in=keys).count()
    UsageEvent.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    created = sum(len(k) for k in keys_by_source.values()) - already
    _schedule_score_refresh(sorted({r.user_id for r in rows}))
    return created


def _schedule_score_refresh(user_ids: list[int]) -> None:
    """After commit, refresh what the new events change: scores and quick-win results."""
    from apps.quickwins.tasks import refresh_quickwins_for_users
    from apps.scoring.tasks import recompute_user_scores

    transaction.on_commit(lambda: recompute_user_scores.delay(user_ids=user_ids))
    transaction.on_commit(lambda: refresh_quickwins_for_users.delay(user_ids=user_ids))
