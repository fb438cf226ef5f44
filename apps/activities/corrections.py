"""Correcting or withdrawing one's own activity within a day; the usage log only grows.

A withdrawal appends an `entry_withdrawn` event naming the original (by idempotency key); a
correction withdraws the original event and appends a replacement of the corrected kind. The
score reads events `not_withdrawn()`, so it counts the correction and not the original.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities.models import Activity, ActivityType
from apps.activities.services import EVENT_KIND_OF_TYPE
from apps.usage.kinds import WITHDRAWAL_SOURCE, EventKind, EventSource, withdrawal_key
from apps.usage.models import UsageEvent
from apps.usage.services import refresh_marks_add, usage_event_record

CORRECTION_WINDOW = dt.timedelta(hours=24)


def correction_deadline(activity: Activity) -> dt.datetime:
    """Return until when the activity's author may still correct or withdraw it."""
    return activity.created_at + CORRECTION_WINDOW


def can_correct(*, activity: Activity, user_id: int, now: dt.datetime | None = None) -> bool:
    """Return whether `user_id` may correct or withdraw this activity now (own, within 24 hours)."""
    return activity.owner_id == user_id and (now or timezone.now()) < correction_deadline(activity)


def _check(activity: Activity, *, actor_id: int, now: dt.datetime) -> None:
    if activity.owner_id != actor_id:
        raise PermissionDenied
    if now >= correction_deadline(activity):
        raise ValidationError(_("An activity can be corrected or withdrawn for 24 hours after it was logged."))


def _withdraw_event(event: UsageEvent, *, now: dt.datetime, reason: str, replaced_by_type: str = "") -> None:
    """Append the withdrawal of `event`, and have its week recomputed (it may be an earlier week)."""
    usage_event_record(
        user_id=event.user_id, kind=EventKind.ENTRY_WITHDRAWN, occurred_at=now, source=WITHDRAWAL_SOURCE,
        idempotency_key=withdrawal_key(event.pk),
        metadata={"withdrawn_event_id": event.pk, "withdrawn_kind": event.kind, "reason": reason,
                  "replaced_by_type": replaced_by_type},
    )
    refresh_marks_add(since_by_user={event.user_id: event.occurred_at})


def _deal_last_activity_refresh(activity: Activity) -> None:
    if activity.deal is None:
        return
    deal = activity.deal
    latest = deal.activities.exclude(pk=activity.pk).aggregate(at=Max("occurred_at"))["at"]
    if deal.last_activity_at != latest:
        deal.last_activity_at = latest
        deal.save(update_fields=["last_activity_at"])


@transaction.atomic
def activity_withdraw(*, activity: Activity, actor_id: int, now: dt.datetime | None = None) -> None:
    """Take back one's own activity: it leaves the CRM; the log keeps it and its withdrawal."""
    now = now or timezone.now()
    locked = Activity.objects.select_for_update(of=("self",)).select_related("deal", "usage_event").get(pk=activity.pk)
    _check(locked, actor_id=actor_id, now=now)
    if locked.usage_event is not None:
        _withdraw_event(locked.usage_event, now=now, reason="withdrawn")
    _deal_last_activity_refresh(locked)
    locked.delete()


@transaction.atomic
def activity_correct(
    *, activity: Activity, actor_id: int, type: str, summary: str, now: dt.datetime | None = None
) -> Activity:
    """Correct one's own activity's type or text.

    The original usage event is withdrawn and a replacement of the corrected kind appended, with
    the original time and measured entry time (the entry was made once), so the score counts the
    corrected kind. Nothing changes when neither type nor text does.
    """
    now = now or timezone.now()
    locked = Activity.objects.select_for_update(of=("self",)).select_related("usage_event").get(pk=activity.pk)
    _check(locked, actor_id=actor_id, now=now)
    if type not in ActivityType.values:
        raise ValidationError({"type": _("Choose a type.")})
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": _("Say what happened or what comes next.")})
    if (type, summary) == (locked.type, locked.summary):
        return locked
    original = locked.usage_event
    if original is not None:
        _withdraw_event(original, now=now, reason="corrected", replaced_by_type=type)
        replacement, _created = usage_event_record(
            user_id=locked.owner_id, kind=EVENT_KIND_OF_TYPE[ActivityType(type)], occurred_at=original.occurred_at,
            source=EventSource.APP, idempotency_key=f"correction:{original.pk}",
            duration_seconds=original.duration_seconds,
            metadata={**original.metadata, "type": type, "corrects_event_id": original.pk},
        )
        locked.usage_event = replacement
    locked.type = type
    locked.summary = summary
    locked.full_clean(exclude=["usage_event"])
    locked.save(update_fields=["type", "summary", "usage_event"])
    return locked
