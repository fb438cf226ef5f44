"""Making, accepting and dismissing next-action suggestions."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from apps.activities.models import Activity, Deal
from apps.givegets.models import DeliveryKind
from apps.givegets.services import delivery_consume, delivery_record
from apps.suggestions import rules
from apps.suggestions.models import Suggestion, SuggestionStatus
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record


def _facts(deal: Deal) -> rules.DealFacts:
    return rules.DealFacts(
        deal_id=deal.pk,
        deal_name=deal.name,
        account_id=deal.account_id,
        account_name=deal.account.name,
        stage_id=deal.stage_id,
        stage_name=deal.stage.name,
        stage_next_step=deal.stage.next_step,
        stage_idle_days=deal.stage.idle_days,
        stage_closed=deal.stage.is_closed,
        last_activity_at=deal.last_activity_at,
    )


def suggestion_create(*, user_id: int, draft: rules.Draft, at: dt.datetime | None = None) -> Suggestion:
    """Store a suggestion (once per dedupe key) and record it as a delivered get."""
    moment = at or timezone.now()
    with transaction.atomic():
        suggestion, created = Suggestion.objects.get_or_create(
            dedupe_key=f"{user_id}:{draft.dedupe_key}",
            defaults={
                "user_id": user_id, "rule": draft.rule, "text": draft.text[:300], "reason": draft.reason[:300],
                "deal_id": draft.deal_id, "account_id": draft.account_id, "created_at": moment,
            },
        )
        if created:
            delivery, _ = delivery_record(
                user_id=user_id, kind=DeliveryKind.NEXT_ACTION, idempotency_key=f"suggestion:{suggestion.pk}",
                delivered_at=moment, metadata={"rule": draft.rule},
            )
            suggestion.delivery = delivery
            suggestion.save(update_fields=["delivery"])
    return suggestion


def suggestions_after_activity(*, activity: Activity) -> list[Suggestion]:
    """Return the next actions that follow from a just-logged activity (created if new)."""
    drafts: list[rules.Draft | None] = []
    if activity.deal_id is not None:
        deal = Deal.objects.select_related("stage", "account").get(pk=activity.deal_id)
        drafts.append(rules.after_activity_on_deal(_facts(deal), activity.get_type_display()))
    else:
        has_open = Deal.objects.filter(
            account_id=activity.account_id, stage__is_won=False, stage__is_lost=False
        ).exists()
        drafts.append(
            rules.account_without_deal(
                activity.account_id, activity.account.name, has_open, timezone.localdate()
            )
        )
    return [
        suggestion_create(user_id=activity.owner_id, draft=d, at=activity.created_at)
        for d in drafts
        if d is not None
    ]


def suggestions_for_idle_deals(*, user_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Create touch suggestions for idle open deals (one user's, or everyone's); return count."""
    moment = now or timezone.now()
    deals = Deal.objects.filter(stage__is_won=False, stage__is_lost=False, last_activity_at__isnull=False)
    if user_id is not None:
        deals = deals.filter(owner_id=user_id)
    made = 0
    for deal in deals.select_related("stage", "account").iterator(chunk_size=500):
        draft = rules.idle_deal(_facts(deal), moment)
        if draft is not None:
            suggestion_create(user_id=deal.owner_id, draft=draft, at=moment)
            made += 1
    return made


@transaction.atomic
def suggestion_decide(*, suggestion: Suggestion, accept: bool, at: dt.datetime | None = None) -> Suggestion:
    """Accept or dismiss an open suggestion; an accepted one is a consumed get."""
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.OPEN:
        return locked
    moment = at or timezone.now()
    locked.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.DISMISSED
    locked.decided_at = moment
    locked.save(update_fields=["status", "decided_at"])
    if accept and locked.delivery_id is not None:
        delivery_consume(delivery=locked.delivery, at=moment)  # type: ignore[arg-type]
    usage_event_record(
        user_id=locked.user_id,
        kind=EventKind.SUGGESTION_ACCEPTED if accept else EventKind.SUGGESTION_DISMISSED,
        occurred_at=moment,
        source=EventSource.APP,
        idempotency_key=f"suggestion-decision:{locked.pk}",
        metadata={"rule": locked.rule},
    )
    return locked
