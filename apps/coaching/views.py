"""Coaching pages for managers: where each rep's deals stall and who loses time, per team."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.coaching import selectors, services
from apps.coaching.diagnostics import MIN_CLOSED_DEALS, MIN_STAGE_EXITS, MIN_WON_DEALS
from apps.core.charts import Point, bar_chart
from apps.core.types import AuthenticatedHttpRequest
from apps.roles.decorators import manager_required
from apps.roles.models import Team
from apps.roles.policies import can_view_team, get_person_or_404, managed_team_ids
from apps.trust.services import WHAT_COACHING_PAGE, WHAT_TEAM_COACHING, access_record, access_record_many


def _managed_team_or_404(request: HttpRequest, team_id: int | None) -> tuple[Team, list[Team]]:
    """Return the team asked for (or the first managed one by name) and all managed teams; 404 for others."""
    teams = list(Team.objects.filter(pk__in=managed_team_ids(request.user)))  # by name, as the team selector
    if team_id is None:
        team_id = teams[0].pk if teams else 0
    if not can_view_team(request.user, team_id):
        raise Http404
    return next(team for team in teams if team.pk == team_id), teams


def _minimums() -> dict[str, int]:
    return {"min_stage_exits": MIN_STAGE_EXITS, "min_closed": MIN_CLOSED_DEALS, "min_won": MIN_WON_DEALS}


@manager_required
def team(request: AuthenticatedHttpRequest, team_id: int | None = None) -> HttpResponse:
    """Show a managed team's stage conversion, days in stage, outcomes and net losers per rep."""
    team_obj, teams = _managed_team_or_404(request, team_id)
    coaching = selectors.team_coaching(team=team_obj)
    services.coaching_diagnostic_deliver(user_id=request.user.pk)
    # Per-rep figures and net-loser reasons are personal data: each rep sees this look.
    access_record_many(
        viewer_id=request.user.pk, subject_ids=[rep.user.pk for rep in coaching.reps], what=WHAT_TEAM_COACHING
    )
    return render(request, "coaching/team.html", {"coaching": coaching, "teams": teams, **_minimums()})


@manager_required
def rep(request: AuthenticatedHttpRequest, team_id: int, user_id: int) -> HttpResponse:
    """Show one rep's coaching figures against the team; the look is recorded for the rep to see."""
    team_obj, _teams = _managed_team_or_404(request, team_id)
    subject: Any = get_person_or_404(request.user, user_id)
    coaching = selectors.team_coaching(team=team_obj)
    row = coaching.rep(subject.pk)
    if row is None:  # not coached in this team (another team, or the manager themself)
        raise Http404
    access_record(viewer_id=request.user.pk, subject_id=subject.pk, what=WHAT_COACHING_PAGE)
    services.coaching_diagnostic_deliver(user_id=request.user.pk)
    name = subject.get_full_name() or subject.get_username()
    team_label = _("team")
    bars: list[Point] = []
    for stage in coaching.stages:
        comparison = row.stages[stage.pk]
        # Only stages with enough finished deals are drawn, so one slow deal is not over-read.
        if comparison.rep.enough_for_days:
            bars.append(Point(f"{stage.name} – {name}", round(comparison.rep.avg_days or 0, 1)))
            bars.append(Point(f"{stage.name} – {team_label}", round(comparison.team.avg_days or 0, 1)))
    chart = (
        bar_chart(bars, title=_("Average days in stage: %(name)s and the team") % {"name": name}, unit=" d")
        if bars else None
    )
    return render(
        request,
        "coaching/rep.html",
        {"coaching": coaching, "row": row, "subject": subject, "chart": chart, **_minimums()},
    )
