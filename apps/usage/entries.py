"""An entry a person makes in the CRM (an activity, a case, a campaign) saved with its usage event.

Every such entry is a row of its own model with a `usage_event` link, written together with the
event in one transaction, and idempotent on the event's key: the same key twice (a double-submitted
form, an API call sent again) returns the first entry. The apps that own the entries call these two
functions instead of each writing the same steps.
"""

import datetime as dt
from typing import Any, TypeVar

from django.db import models, transaction

from apps.usage.services import usage_event_for_key, usage_event_record

Entry = TypeVar("Entry", bound=models.Model)


def entry_for_key(*, model: type[Entry], source: str, idempotency_key: str) -> Entry | None:
    """Return the entry recorded before under this event key, if any."""
    existing = usage_event_for_key(source=source, idempotency_key=idempotency_key)
    if existing is None:
        return None
    return model._default_manager.filter(usage_event=existing).first()


@transaction.atomic
def entry_record(
    *, entry: Entry, user_id: int, kind: str, occurred_at: dt.datetime, source: str, idempotency_key: str,
    duration_seconds: int | None, metadata: dict[str, Any],
) -> Entry:
    """Save a validated, unsaved entry and its usage event in one transaction; return the entry."""
    event, _created = usage_event_record(
        user_id=user_id, kind=kind, occurred_at=occurred_at, source=source, idempotency_key=idempotency_key,
        duration_seconds=duration_seconds, metadata=metadata,
    )
    entry.usage_event = event  # type: ignore[attr-defined]  # every entry model has this link
    entry.save()
    return entry
