"""Reading stored quick-win results."""

from dataclasses import dataclass

from django.db.models import Count, Q

from apps.quickwins.models import QuickWinMilestone, QuickWinResult, QuickWinStatus


@dataclass(frozen=True)
class MilestoneSummary:
    milestone: QuickWinMilestone
    people: int
    on_time: int
    late: int
    pending: int
    missed: int

    @property
    def on_time_pct(self) -> float | None:
        decided = self.on_time + self.late + self.missed
        return 100 * self.on_time / decided if decided else None


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
