"""Reading stored quick-win results."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.quickwins import evaluation
from apps.quickwins.models import Nudge, QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.roles.golive import go_live_of
from apps.roles.models import Role
from apps.usage.models import UsageEvent

# A quick win is decided once it is achieved (on time or late) or missed; pending ones are not counted.
DECIDED_STATUSES = (QuickWinStatus.ON_TIME, QuickWinStatus.LATE, QuickWinStatus.MISSED)
ON_TIME_BASIS = _("On-time share: quick wins achieved on time ÷ those decided (on time, late or missed); "
                  "pending ones are not counted.")


def on_time_share(*, on_time: int, decided: int) -> float | None:
    """Return the percentage of decided quick wins achieved on time; None while none is decided."""
    return 100 * on_time / decided if decided else None


def on_time_counts(results: QuerySet[QuickWinResult]) -> tuple[int, int]:
    """Return (achieved on time, decided) over these results, in one query: the one count every page uses."""
    counts = results.aggregate(
        on_time=Count("pk", filter=Q(status=QuickWinStatus.ON_TIME)),
        decided=Count("pk", filter=Q(status__in=DECIDED_STATUSES)),
    )
    return counts["on_time"], counts["decided"]


@dataclass(frozen=True)
class MilestoneSummary:
    milestone: QuickWinMilestone
    people: int
    on_time: int
    late: int
    pending: int
    missed: int

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.missed

    @property
    def on_time_pct(self) -> float | None:
        return on_time_share(on_time=self.on_time, decided=self.decided)


def milestone_summaries(*, organisation_id: int) -> list[MilestoneSummary]:
    """Return each milestone with how many people are on time, late, pending or missed."""
    milestones = QuickWinMilestone.objects.filter(role__organisation_id=organisation_id).select_related("role")
    counts = {
        row["milestone_id"]: row
        for row in QuickWinResult.objects.filter(milestone__in=milestones)
        .values("milestone_id")
        .annotate(
            people=Count("pk"),
            on_time=Count("pk", filter=Q(status=QuickWinStatus.ON_TIME)),
            late=Count("pk", filter=Q(status=QuickWinStatus.LATE)),
            pending=Count("pk", filter=Q(status=QuickWinStatus.PENDING)),
            missed=Count("pk", filter=Q(status=QuickWinStatus.MISSED)),
        )
    }
    empty = {"people": 0, "on_time": 0, "late": 0, "pending": 0, "missed": 0}
    return [
        MilestoneSummary(
            milestone=m, **{k: v for k, v in counts.get(m.pk, empty).items() if k != "milestone_id"}
        )
        for m in milestones
    ]


def results_by_user(*, user_ids: list[int]) -> dict[int, list[QuickWinResult]]:
    """Return each user's quick-win results in one query."""
    by_user: dict[int, list[QuickWinResult]] = {uid: [] for uid in user_ids}
    for result in QuickWinResult.objects.filter(user_id__in=user_ids).select_related("milestone"):
        by_user[result.user_id].append(result)
    return by_user


@dataclass(frozen=True)
class OwnMilestone:
    """A milestone of the person's role with their result (None while they have no go-live date).

    The result is the stored one, or, until the refresh job has stored it, one computed now
    from the same events and the person's go-live (never saved here).
    """

    milestone: QuickWinMilestone
    result: QuickWinResult | None
    days_left: int | None


def _computed_result(*, milestone: QuickWinMilestone, user_id: int, go_live_on: dt.date, today: dt.date
                     ) -> QuickWinResult:
    first = (
        UsageEvent.objects.filter(user_id=user_id, kind=milestone.event_kind, occurred_at__date__gte=go_live_on)
        .not_withdrawn()
        .aggregate(first=Min("occurred_at"))["first"]
    )
    achieved_on = timezone.localtime(first).date() if first else None
    due_on = go_live_on + dt.timedelta(days=milestone.due_days)
    return QuickWinResult(
        milestone=milestone, user_id=user_id, go_live_on=go_live_on, due_on=due_on, achieved_at=first,
        days_to_first_value=evaluation.days_to_first_value(go_live_on=go_live_on, achieved_on=achieved_on),
        status=evaluation.quickwin_status(due_on=due_on, achieved_on=achieved_on, today=today),
    )


def own_milestones(*, user_id: int, role_id: int, today: dt.date) -> list[OwnMilestone]:
    """Return the milestones of the person's role with their result and days left while pending."""
    milestones = list(QuickWinMilestone.objects.filter(role_id=role_id).order_by("due_days", "pk"))
    results = {r.milestone_id: r for r in QuickWinResult.objects.filter(user_id=user_id, milestone__in=milestones)}
    go_live_on = go_live_of(user_id=user_id) if len(results) < len(milestones) else None
    rows = []
    for milestone in milestones:
        result = results.get(milestone.pk)
        if result is None and go_live_on is not None:
            result = _computed_result(milestone=milestone, user_id=user_id, go_live_on=go_live_on, today=today)
        pending = result is not None and result.status == QuickWinStatus.PENDING
        rows.append(OwnMilestone(
            milestone=milestone,
            result=result,
            days_left=evaluation.days_left(due_on=result.due_on, today=today) if pending and result else None,
        ))
    return rows


@dataclass(frozen=True)
class TimeToFirstValue:
    """How many days after go-live a role's people reached their first quick win."""

    role: Role
    histogram: dict[int, int]
    median: float | None

    @property
    def achieved(self) -> int:
        return sum(self.histogram.values())


def time_to_first_value(*, organisation_id: int) -> list[TimeToFirstValue]:
    """Return per role the distribution of days to a person's first achieved milestone, and its median.

    One grouped query returns each person's earliest achievement; counting them per role
    is done on those per-person rows.
    """
    roles = {r.pk: r for r in Role.objects.filter(organisation_id=organisation_id, quickwin_milestones__isnull=False)
             .distinct().order_by("name")}
    per_person = (
        QuickWinResult.objects.filter(milestone__role_id__in=roles, days_to_first_value__isnull=False)
        .values("milestone__role_id", "user_id")
        .annotate(first=Min("days_to_first_value"))
        .order_by()
    )
    histograms: dict[int, dict[int, int]] = {role_id: {} for role_id in roles}
    for row in per_person:
        histogram = histograms[row["milestone__role_id"]]
        histogram[row["first"]] = histogram.get(row["first"], 0) + 1
    return [
        TimeToFirstValue(role=role, histogram=histograms[pk], median=evaluation.median_of_histogram(histograms[pk]))
        for pk, role in roles.items()
    ]


def open_nudges(*, user_id: int) -> list[Nudge]:
    """Return the person's unread nudges, newest first."""
    return list(
        Nudge.objects.filter(user_id=user_id, read_at__isnull=True)
        .select_related("milestone", "about_user")
        .order_by("-created_at", "-pk")
    )
