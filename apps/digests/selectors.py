"""Reading what goes into a weekly digest, and the digests a person has received.

Every part is one grouped or filtered query; the digest stores plain JSON so it shows exactly
what was sent, whatever happens to the deals later.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from apps.activities.models import Activity, Deal, DealStageChange
from apps.core.periods import period_for_monday
from apps.digests.models import Digest
from apps.givegets.models import DeliveryKind
from apps.roles.models import Membership
from apps.scoring.models import ScoreSnapshot
from apps.scoring.selectors import current_snapshot
from apps.suggestions.selectors import open_suggestions, quiet_deals_filter

User = get_user_model()
MAX_LISTED_ACTIVITIES = 25
MAX_LISTED_DEALS = 20
MAX_NEXT_ACTIONS = 5


def digest_recipient_ids() -> list[int]:
    """Return the active people whose role's Give-Get contract promises them a weekly digest."""
    return list(
        Membership.objects.filter(
            role__contracts__get_kind=DeliveryKind.WEEKLY_DIGEST, role__contracts__is_active=True, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def week_activities(*, user_id: int, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Return the week's activity counts by type (one grouped query) and the latest entries."""
    in_week = Activity.objects.filter(owner_id=user_id, occurred_at__gte=start, occurred_at__lt=end)
    by_type = list(in_week.values("type").annotate(count=Count("id")).order_by("-count", "type"))
    items = [
        {
            "occurred_at": a.occurred_at.isoformat(), "type": a.type, "account": a.account.name,
            "deal": a.deal.name if a.deal else "", "summary": a.summary,
        }
        for a in in_week.select_related("account", "deal").order_by("-occurred_at")[:MAX_LISTED_ACTIVITIES]
    ]
    total = sum(row["count"] for row in by_type)
    return {"total": total, "by_type": by_type, "items": items, "not_listed": max(0, total - len(items))}


def deals_moved(*, user_id: int, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Return the person's deals that changed stage in [start, end), in order."""
    changes = (
        DealStageChange.objects.filter(deal__owner_id=user_id, changed_at__gte=start, changed_at__lt=end)
        .select_related("deal__account", "from_stage", "to_stage")
        .order_by("changed_at")
    )
    return [
        {
            "deal": c.deal.name, "account": c.deal.account_name,
            "from_stage": c.from_stage.name if c.from_stage else "", "to_stage": c.to_stage.name,
            "won": c.to_stage.is_won, "lost": c.to_stage.is_lost, "changed_at": c.changed_at.isoformat(),
        }
        for c in changes
    ]


def cold_deals(*, user_id: int, as_of: dt.datetime) -> QuerySet[Deal]:
    """Return the person's open deals quiet for longer than their stage's limit, quietest first."""
    membership = Membership.objects.filter(user_id=user_id).values_list("organisation_id", flat=True).first()
    if membership is None:
        return Deal.objects.none()
    return (
        Deal.objects.filter(quiet_deals_filter(books={membership: None}, as_of=as_of), owner_id=user_id)
        .select_related("account", "stage")
        .order_by("last_activity_at")
    )


def _cold_deal_rows(*, user_id: int, as_of: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "deal_id": d.pk, "deal": d.name, "account": d.account_name, "stage": d.stage.name,
            "last_activity_at": d.last_activity_at.isoformat() if d.last_activity_at else "",
            "days_quiet": (as_of - d.last_activity_at).days if d.last_activity_at else None,
        }
        for d in cold_deals(user_id=user_id, as_of=as_of)[:MAX_LISTED_DEALS]
    ]


def _score(snapshot: ScoreSnapshot | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "period_start": snapshot.period_start.isoformat(),
        "score": text(snapshot.score), "status": snapshot.status, "nb_index": text(snapshot.nb_index),
        "rolling_give_minutes": text(snapshot.rolling_give_minutes),
        "rolling_get_minutes": text(snapshot.rolling_get_minutes),
        "net_minutes": text(snapshot.net_minutes),
        "pulse_usefulness": text(snapshot.pulse_usefulness), "pulse_ease_of_use": text(snapshot.pulse_ease_of_use),
        "components": snapshot.components,
    }


def digest_content(*, user_id: int, week_start: dt.date, as_of: dt.datetime) -> dict[str, Any]:
    """Return the digest of the week starting `week_start` as JSON-ready data, seen at `as_of`."""
    period = period_for_monday(week_start)
    return {
        "week_start": week_start.isoformat(),
        "as_of": as_of.isoformat(),
        "activities": week_activities(user_id=user_id, start=period.start, end=period.end),
        "deals_moved": deals_moved(user_id=user_id, start=period.start, end=period.end),
        "cold_deals": _cold_deal_rows(user_id=user_id, as_of=as_of),
        "next_actions": [
            {"text": s.text, "reason": s.reason} for s in open_suggestions(user_id=user_id, limit=MAX_NEXT_ACTIONS)
        ],
        "score": _score(current_snapshot(user_id=user_id, today=week_start)),
    }


def digests_of(*, user_id: int) -> QuerySet[Digest]:
    """Return the person's digests, newest week first."""
    return Digest.objects.filter(user_id=user_id).order_by("-week_start")


def latest_digest(*, user_id: int) -> Digest | None:
    """Return the person's most recent digest, or None before the first one."""
    return digests_of(user_id=user_id).first()


def own_digest(*, user_id: int, digest_id: int) -> Digest | None:
    """Return the digest if it is this person's own; None for anyone else's (shown as 404)."""
    return Digest.objects.filter(pk=digest_id, user_id=user_id).first()
