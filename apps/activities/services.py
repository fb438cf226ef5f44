"""Logging activities and moving deals. Each write also lands in the usage log."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities.models import Account, Activity, ActivityType, Deal, DealStageChange, Stage
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import trusted_entry_seconds, usage_event_for_key, usage_event_record

EVENT_KIND_OF_TYPE = {
    ActivityType.CALL: EventKind.CALL_LOGGED,
    ActivityType.MEETING: EventKind.MEETING_LOGGED,
    ActivityType.EMAIL: EventKind.EMAIL_LOGGED,
    ActivityType.NOTE: EventKind.NOTE_LOGGED,
}


@transaction.atomic
def activity_log(
    *,
    owner_id: int,
    type: str,
    account: Account,
    summary: str,
    deal: Deal | None = None,
    occurred_at: dt.datetime | None = None,
    entry_seconds: int | None = None,
    source: str = EventSource.APP,
    idempotency_key: str | None = None,
) -> tuple[Activity, bool]:
    """Log an activity and its usage event in one transaction; return (activity, created).

    The same idempotency key twice returns the first activity (a double-submitted form).
    """
    key = idempotency_key or f"activity:{uuid.uuid4()}"
    existing = usage_event_for_key(source=source, idempotency_key=key)
    if existing is not None:
        activity = Activity.objects.filter(usage_event=existing).first()
        if activity is not None:
            return activity, False
    if deal is not None and deal.account_id != account.pk:
        raise ValidationError({"deal": _("This deal belongs to another account.")})
    entry_seconds = trusted_entry_seconds(entry_seconds)
    activity = Activity(
        owner_id=owner_id,
        type=type,
        account=account,
        deal=deal,
        summary=summary.strip(),
        occurred_at=occurred_at or timezone.now(),
        entry_seconds=entry_seconds,
    )
    activity.full_clean(exclude=["usage_event"])
    event, _created = usage_event_record(
        user_id=owner_id,
        kind=EVENT_KIND_OF_TYPE[ActivityType(type)],
        occurred_at=activity.occurred_at,
        source=source,
        idempotency_key=key,
        duration_seconds=entry_seconds,
        metadata={"account_id": account.pk, "deal_id": deal.pk if deal else None, "type": type},
    )
    activity.usage_event = event
    activity.save()
    if deal is not None and (deal.last_activity_at is None or deal.last_activity_at < activity.occurred_at):
        deal.last_activity_at = activity.occurred_at
        deal.save(update_fields=["last_activity_at"])
    return activity, True


@transaction.atomic
def deal_move_stage(*, deal: Deal, to_stage: Stage, actor_id: int, at: dt.datetime | None = None) -> Deal:
    """Move a deal to another stage, recording the change and a usage event."""
    if to_stage.organisation_id != deal.stage.organisation_id:
        raise ValidationError({"stage": _("That stage belongs to another organisation.")})
    if to_stage.pk == deal.stage_id:
        return deal
    moment = at or timezone.now()
    change = DealStageChange.objects.create(
        deal=deal,
        from_stage=deal.stage,
        to_stage=to_stage,
        changed_at=moment,
        seconds_in_from_stage=max(0, int((moment - deal.stage_entered_at).total_seconds())),
        changed_by_id=actor_id,
    )
    deal.stage = to_stage
    deal.stage_entered_at = moment
    deal.closed_on = timezone.localtime(moment).date() if to_stage.is_closed else None
    deal.save(update_fields=["stage", "stage_entered_at", "closed_on"])
    usage_event_record(
        user_id=actor_id,
        kind=EventKind.DEAL_STAGE_CHANGED,
        occurred_at=moment,
        source=EventSource.APP,
        idempotency_key=f"stagechange:{change.pk}",
        metadata={"deal_id": deal.pk, "to_stage_id": to_stage.pk},
    )
    return deal
