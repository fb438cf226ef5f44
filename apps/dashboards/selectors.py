"""Compose what each role's dashboard shows from the apps' selectors."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.activities.selectors import open_deals, recent_activities
from apps.coaching.selectors import deal_figures, team_reps
from apps.core.charts import Point, sparkline
from apps.core.periods import rolling_window, week_start
from apps.givegets.selectors import contract_weeks, contracts_overview
from apps.quickwins.selectors import ON_TIME_BASIS, milestone_summaries, open_nudges, results_by_user
from apps.roles.models import Team
from apps.rollout.selectors import phases_adoption
from apps.scoring.explain import explain, shown_net_minutes
from apps.scoring.models import ScoreSnapshot
from apps.scoring.selectors import current_snapshot, score_trend, trends_for_users
from apps.suggestions.selectors import open_suggestions
from apps.trust.selectors import who_looked_at

TREND_WEEKS = 8


def _week_label(monday: dt.date) -> str:
    return formats.date_format(monday, "j/n")


def latest_data_monday(
    *, user_ids: list[int], today: dt.date, known: Iterable[ScoreSnapshot | None] = ()
) -> dt.date | None:
    """The latest week in which any of these people gave or got something, when it lies before this
    four-week window and the window itself holds nothing (every score in it is 0 given, 0 got).

    None when the window has data or nobody ever had any: the page then needs no pointer.
    `known` are snapshots of these people the page has read already (its trend): when one of them
    has data, the answer follows from them without a query.
    """
    monday = week_start(today)
    first_of_window = monday - dt.timedelta(weeks=3)
    weeks_with_data = [s.period_start for s in known
                       if s is not None and s.period_start <= monday and (s.give_minutes > 0 or s.get_minutes > 0)]
    if weeks_with_data:
        latest: dt.date | None = max(weeks_with_data)
    else:
        with_data = ScoreSnapshot.objects.filter(user_id__in=user_ids, period_start__lte=monday).filter(
            Q(give_minutes__gt=0) | Q(get_minutes__gt=0))
        latest = with_data.order_by("-period_start").values_list("period_start", flat=True).first()
    if latest is None or latest >= first_of_window:
        return None
    return latest


def person_dashboard(*, user_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """Return a person's score, its explanation, the trend and their open next actions."""
    today = today or timezone.localdate()
    trend = score_trend(user_id=user_id, weeks=TREND_WEEKS, today=today)
    # This week's snapshot is the trend's last; only without one is an older one looked up.
    snapshot = trend[-1] or current_snapshot(user_id=user_id, today=today)
    mondays = [week_start(today) - dt.timedelta(weeks=i) for i in range(TREND_WEEKS - 1, -1, -1)]
    return {
        "latest_data_monday": latest_data_monday(user_ids=[user_id], today=today, known=trend),
        "snapshot": snapshot,
        "explanation": explain(snapshot) if snapshot else [],
        "net_shown": shown_net_minutes(snapshot) if snapshot else None,
        "trend_points": [
            Point(_week_label(m), s.score if s else None) for m, s in zip(mondays, trend, strict=True)
        ],
        "trend_rows": list(zip(mondays, trend, strict=True)),
        "suggestions": open_suggestions(user_id=user_id),
        "activities": recent_activities(user_id=user_id),
        "open_deals": open_deals(owner_id=user_id)[:8],
        "looks": who_looked_at(subject_id=user_id),
        "nudges": open_nudges(user_id=user_id),
    }


@dataclass(frozen=True)
class RepRow:
    user: Any
    snapshot: Any
    trend: list[Any]
    quickwins: list[Any]

    @property
    def trend_svg(self) -> SafeString:
        return sparkline(self.trend, title=_("Score trend of %(name)s") % {"name": self.user.get_full_name()})


def team_dashboard(*, team: Team, today: dt.date | None = None) -> dict[str, Any]:
    """Return each rep's status, trend and quick wins, their open deals and where deals stall."""
    today = today or timezone.localdate()
    reps = team_reps(team=team)
    rep_ids = [r.pk for r in reps]
    trends = trends_for_users(user_ids=rep_ids, weeks=TREND_WEEKS, today=today)
    quickwins = results_by_user(user_ids=rep_ids)
    rows = [
        RepRow(user=r, snapshot=trends[r.pk][-1], trend=[s.score if s else None for s in trends[r.pk]],
               quickwins=quickwins[r.pk])
        for r in reps
    ]
    figures = deal_figures(organisation_id=team.organisation_id, rep_ids=rep_ids, today=today)
    counts: dict[str, int] = {}
    for row in rows:
        key = row.snapshot.status if row.snapshot else "unscored"
        counts[key] = counts.get(key, 0) + 1
    return {"team": team, "rows": rows, "figures": figures, "status_counts": counts,
            "latest_data_monday": latest_data_monday(user_ids=rep_ids, today=today,
                                                     known=(s for trend in trends.values() for s in trend))}


def lead_dashboard(*, organisation_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """Return the organisation's adoption per phase, contract honour and quick-win shares."""
    today = today or timezone.localdate()
    start, end = rolling_window(week_start(today))
    # Contracts: the last settled week, the same week /contracts/ shows (this one is in progress).
    weeks = contract_weeks(today=today, weeks=1)
    last_monday = weeks.last_settled
    contracts = contracts_overview(organisation_id=organisation_id, mondays=weeks.settled).rows
    return {
        "phases": phases_adoption(organisation_id=organisation_id, today=today),
        "contracts": [row for row in contracts if row.contract.is_active],
        "contracts_week": last_monday,
        "milestones": milestone_summaries(organisation_id=organisation_id),
        "quickwin_basis": ON_TIME_BASIS,
        "window_start": start,
        "window_end": end - dt.timedelta(days=1),
    }
