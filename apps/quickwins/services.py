"""Refreshing each person's quick-win results from the usage log."""

import datetime as dt

from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from apps.quickwins import evaluation
from apps.quickwins.models import QuickWinMilestone, QuickWinResult
from apps.roles.models import Membership
from apps.usage.models import UsageEvent


def quickwin_results_refresh(*, today: dt.date | None = None, milestone_ids: list[int] | None = None) -> int:
    """Store every person's status on every milestone of their role; return rows written.

    One grouped query per milestone finds each person's first qualifying event after go-live.
    """
    today = today or timezone.localdate()
    milestones = QuickWinMilestone.objects.all()
    if milestone_ids is not None:
        milestones = milestones.filter(pk__in=milestone_ids)
    written = 0
    for milestone in milestones:
        go_live = dict(
            Membership.objects.filter(role_id=milestone.role_id, go_live_on__isnull=False).values_list(
                "user_id", "go_live_on"
            )
        )
        if not go_live:
            continue
        first_event = dict(
            UsageEvent.objects.filter(
                kind=milestone.event_kind,
                user__memberships__role_id=milestone.role_id,
                occurred_at__date__gte=F("user__memberships__go_live_on"),
            )
            .values("user_id")
            .annotate(first=Min("occurred_at"))
            .values_list("user_id", "first")
        )
        rows = []
        for user_id, go_live_on in go_live.items():
            achieved_at = first_event.get(user_id)
            due_on = go_live_on + dt.timedelta(days=milestone.due_days)
            achieved_on = timezone.localtime(achieved_at).date() if achieved_at else None
            rows.append(
                QuickWinResult(
                    milestone=milestone,
                    user_id=user_id,
                    go_live_on=go_live_on,
                    due_on=due_on,
                    achieved_at=achieved_at,
                    status=evaluation.quickwin_status(due_on=due_on, achieved_on=achieved_on, today=today),
                )
            )
        with transaction.atomic():
            QuickWinResult.objects.bulk_create(
                rows,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["milestone", "user"],
                update_fields=["go_live_on", "due_on", "achieved_at", "status", "refreshed_at"],
            )
        written += len(rows)
    return written
