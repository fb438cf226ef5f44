"""Logging activities and moving deals. Each write also lands in the usage log."""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities.models import Account, Activity, ActivityType, Deal, DealStageChange, Stage
from apps.usage.entries import entry_for_key, entry_record
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import (
    EventInput,
    trusted_entry_seconds,
    usage_event_for_key,
    usage_event_record,
    usage_events_insert,
)

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
    if (earlier := entry_for_key(model=Activity, source=source, idempotency_key=key)) is not None:
        return earlier, False
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
    entry_record(
        entry=activity, user_id=owner_id, kind=EVENT_KIND_OF_TYPE[ActivityType(type)],
        occurred_at=activity.occurred_at, source=source, idempotency_key=key, duration_seconds=entry_seconds,
        metadata={"account_id": account.pk, "deal_id": deal.pk if deal else None, "type": type},
    )
    if deal is not None and (deal.last_activity_at is None or deal.last_activity_at < activity.occurred_at):
        deal.last_activity_at = activity.occurred_at
        deal.save(update_fields=["last_activity_at"])
    return activity, True


@dataclass(frozen=True)
class StageMove:
    """One move of a deal to another stage.

    `at` is when it happened. A move seen only in a re-exported file happened at a moment the
    file does not state (`at_is_known=False`): it is recorded at `at` (when it was seen), but no
    time in either stage is derived from that moment.
    """

    deal: Deal
    to_stage: Stage
    at: dt.datetime
    at_is_known: bool = True
    closed_on: dt.date | None = None  # for a closed stage: the day it closed, when not `at`'s
    actor_id: int | None = None  # who moved it; the deal's owner when not said

    @property
    def mover_id(self) -> int:
        return self.actor_id if self.actor_id is not None else self.deal.owner_id


def _seconds_in_stage(deal: Deal, move: StageMove) -> int | None:
    if not move.at_is_known or deal.stage_entered_at is None:
        return None  # unknown is unknown: never a duration made up from an assumption
    return max(0, int((move.at - deal.stage_entered_at).total_seconds()))


@transaction.atomic
def deals_move_stage(*, moves: Sequence[StageMove], source: str = EventSource.APP) -> list[DealStageChange]:
    """Move deals to other stages: one stage-change row, one deal update and one usage event each.

    The mover is the actor, else the deal's owner (who moved it in the CRM a file came from). The
    one write path for the rep's stage form, the API and the importer; moves to the stage a deal
    is already in are left out. Set-based: a few statements whatever the number of moves.
    """
    wanted = [m for m in moves if m.to_stage.pk != m.deal.stage_id]
    for move in wanted:
        if move.to_stage.organisation_id != move.deal.stage.organisation_id:
            raise ValidationError({"stage": _("That stage belongs to another organisation.")})
    if not wanted:
        return []
    changes = DealStageChange.objects.bulk_create([
        DealStageChange(
            deal=m.deal, from_stage_id=m.deal.stage_id, to_stage=m.to_stage, changed_at=m.at,
            seconds_in_from_stage=_seconds_in_stage(m.deal, m), changed_by_id=m.mover_id,
        )
        for m in wanted
    ])
    for move in wanted:
        deal = move.deal
        deal.stage = move.to_stage
        deal.stage_entered_at = move.at if move.at_is_known else None
        if move.to_stage.is_closed:
            deal.closed_on = move.closed_on or timezone.localtime(move.at).date()
        else:
            deal.closed_on = None
    Deal.objects.bulk_update([m.deal for m in wanted], ["stage", "stage_entered_at", "closed_on"], batch_size=500)
    usage_events_insert(events=[
        EventInput(
            user_id=m.mover_id, kind=EventKind.DEAL_STAGE_CHANGED, occurred_at=m.at, source=source,
            idempotency_key=f"stagechange:{change.pk}",
            metadata={"deal_id": m.deal.pk, "from_stage_id": change.from_stage_id, "to_stage_id": m.to_stage.pk,
                      **({} if m.at_is_known else {"moment": "seen in an import"})},
        )
        for m, change in zip(wanted, changes, strict=True)
    ])
    return changes


def deal_move_stage(
    *, deal: Deal, to_stage: Stage, actor_id: int | None = None, at: dt.datetime | None = None,
    source: str = EventSource.APP,
) -> Deal:
    """Move one deal to another stage (see `deals_move_stage`)."""
    move = StageMove(deal=deal, to_stage=to_stage, at=at or timezone.now(), actor_id=actor_id)
    deals_move_stage(moves=[move], source=source)
    return deal


@transaction.atomic
def deal_create(
    *, owner_id: int, account: Account, name: str, stage: Stage, amount: Decimal = Decimal(0),
    source: str = EventSource.APP, idempotency_key: str | None = None,
) -> tuple[Deal, bool]:
    """Open a deal on an account, engaged today and in `stage` from now; return (deal, created).

    Recorded as a usage event; the same idempotency key twice returns the first deal.
    """
    key = idempotency_key or f"deal:{uuid.uuid4()}"
    existing = usage_event_for_key(source=source, idempotency_key=key)
    if existing is not None:
        deal_id = existing.metadata.get("deal_id")
        found = Deal.objects.filter(pk=deal_id).first() if deal_id else None
        if found is not None:
            return found, False
    if stage.organisation_id != account.organisation_id:
        raise ValidationError({"stage": _("That stage belongs to another organisation.")})
    if stage.is_closed:
        raise ValidationError({"stage": _("A new deal starts in an open stage.")})
    now = timezone.now()
    deal = Deal(owner_id=owner_id, account=account, name=" ".join(name.split()), amount=amount, stage=stage,
                stage_entered_at=now, engaged_on=timezone.localdate(), last_activity_at=None)
    deal.full_clean()
    deal.save()
    usage_event_record(
        user_id=owner_id, kind=EventKind.DEAL_CREATED, occurred_at=now, source=source, idempotency_key=key,
        metadata={"deal_id": deal.pk, "account_id": account.pk, "stage_id": stage.pk},
    )
    return deal, True
