"""Role dashboards. Each view asks `policies` who may see what, then reads selectors."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.charts import line_chart
from apps.core.periods import WeekChoice, week_choice
from apps.core.types import AuthenticatedHttpRequest
from apps.dashboards import selectors
from apps.roles.decorators import manager_required, member_required, project_lead_required
from apps.roles.models import RoleKind, Team
from apps.roles.policies import (
    can_view_team,
    get_person_or_404,
    is_manager,
    is_project_lead,
    managed_team_ids,
    membership_of,
    role_kind_of,
)
from apps.trust.services import WHAT_SCORE_DASHBOARD, WHAT_TEAM_OVERVIEW, access_record, access_record_many


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their role's dashboard."""
    if is_project_lead(request.user):
        return redirect("dashboards:lead")
    if is_manager(request.user):
        return redirect("dashboards:team")
    kind = role_kind_of(request.user)
    if kind == RoleKind.SERVICE_AGENT:
        return redirect("service:accounts")
    if kind == RoleKind.MARKETER:
        return redirect("campaigns:overview")
    return redirect("dashboards:me")


def _week(request: HttpRequest) -> WeekChoice:
    return week_choice(request.GET.get("week"), today=timezone.localdate())


def _person_context(request: HttpRequest, subject_id: int) -> dict[str, object]:
    week = _week(request)
    context = selectors.person_dashboard(user_id=subject_id, today=week.today)
    context["trend_chart"] = line_chart(context["trend_points"], title=_("Score, last 8 weeks"), reference=50)
    context["week"] = week
    return context


@member_required
def me(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _person_context(request, request.user.pk)
    context["subject"] = request.user
    context["is_self"] = True
    return render(request, "dashboards/person.html", context)


@member_required
def person(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """A manager opens one of their reps; the look is recorded and shown to that rep."""
    subject = get_person_or_404(request.user, user_id)
    if subject.pk == request.user.pk:
        return redirect("dashboards:me")
    access_record(viewer_id=request.user.pk, subject_id=subject.pk, what=WHAT_SCORE_DASHBOARD)
    context = _person_context(request, subject.pk)
    context["subject"] = subject
    context["is_self"] = False
    return render(request, "dashboards/person.html", context)


@manager_required
def team(request: AuthenticatedHttpRequest, team_id: int | None = None) -> HttpResponse:
    team_ids = managed_team_ids(request.user)
    if team_id is None:
        team_id = team_ids[0]
    if not can_view_team(request.user, team_id):
        raise Http404
    team_obj = get_object_or_404(Team, pk=team_id)
    week = _week(request)
    context = selectors.team_dashboard(team=team_obj, today=week.today)
    context["week"] = week
    # Each rep's score and status is their personal data: the look is shown to each of them.
    access_record_many(
        viewer_id=request.user.pk, subject_ids=[row.user.pk for row in context["rows"]], what=WHAT_TEAM_OVERVIEW
    )
    context["teams"] = Team.objects.filter(pk__in=team_ids)
    return render(request, "dashboards/team.html", context)


@project_lead_required
def lead(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    week = _week(request)
    context = selectors.lead_dashboard(organisation_id=membership.organisation_id,  # type: ignore[union-attr]
                                       today=week.today)
    context["week"] = week
    return render(request, "dashboards/lead.html", context)
