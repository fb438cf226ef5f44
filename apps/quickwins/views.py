"""Quick-win pages: the lead configures and watches; managers see their teams; everyone their own."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.charts import Point, bar_chart
from apps.core.forms import form_saved
from apps.quickwins import selectors, services
from apps.quickwins.forms import MilestoneForm
from apps.quickwins.models import Nudge, QuickWinMilestone
from apps.roles.decorators import member_required, project_lead_required
from apps.roles.models import Membership, Role
from apps.roles.policies import is_manager, is_project_lead, managed_users, member_membership

# Days after go-live shown one bar each; later first wins share the last bar.
HISTOGRAM_LAST_DAY = 14


def _histogram_bars(histogram: dict[int, int]) -> list[tuple[str, int]]:
    """Return (label, people) per day from go-live, every day shown so gaps are visible."""
    last = min(max(histogram, default=0), HISTOGRAM_LAST_DAY)
    bars = [
        (_("day %(day)d") % {"day": day}, histogram.get(day, 0)) for day in range(last + 1)
    ]
    later = sum(count for day, count in histogram.items() if day > HISTOGRAM_LAST_DAY)
    if later:
        bars.append((_("after day %(day)d") % {"day": HISTOGRAM_LAST_DAY}, later))
    return bars


@member_required
def milestones(request: HttpRequest) -> HttpResponse:
    """Show the lead every milestone and time to first value; anyone else their own (and their teams')."""
    membership = member_membership(request.user)
    if is_project_lead(request.user):
        summaries = selectors.milestone_summaries(organisation_id=membership.organisation_id)
        charts = []
        for ttfv in selectors.time_to_first_value(organisation_id=membership.organisation_id):
            bars = _histogram_bars(ttfv.histogram)
            charts.append({
                "ttfv": ttfv,
                "bars": bars,
                "svg": bar_chart(
                    [Point(label, count) for label, count in bars],
                    title=_("%(role)s: people by days from go-live to first quick win") % {"role": ttfv.role.name},
                ),
            })
        return render(request, "quickwins/lead.html",
                      {"summaries": summaries, "charts": charts, "basis": selectors.ON_TIME_BASIS})
    today = timezone.localdate()
    context: dict[str, Any] = {
        "own": selectors.own_milestones(user_id=membership.user_id, role_id=membership.role_id, today=today),
        "role": membership.role,
    }
    if is_manager(request.user):
        people = list(managed_users(request.user).order_by("first_name", "last_name"))
        results = selectors.results_by_user(user_ids=[p.pk for p in people])
        context["team"] = [{"person": p, "results": results[p.pk]} for p in people]
    return render(request, "quickwins/mine.html", context)


def _organisation_roles(membership: Membership) -> Any:
    return Role.objects.filter(organisation_id=membership.organisation_id).order_by("name")


def _milestone_of_lead(membership: Membership, milestone_id: int) -> QuickWinMilestone:
    """Return the milestone if it belongs to the lead's organisation; 404 otherwise."""
    milestone = QuickWinMilestone.objects.filter(
        pk=milestone_id, role__organisation_id=membership.organisation_id
    ).select_related("role").first()
    if milestone is None:
        raise Http404
    return milestone


def _save_milestone(request: HttpRequest, *, milestone: QuickWinMilestone | None) -> HttpResponse:
    roles = _organisation_roles(member_membership(request.user))
    if request.method == "POST":
        form = MilestoneForm(request.POST, roles=roles)
        if milestone is None and form_saved(form, lambda data: services.milestone_create(**data)):
            messages.success(request, _("Milestone created."))
            return redirect("quickwins:milestones")
        if milestone is not None and form_saved(
            form, lambda data: services.milestone_update(milestone=milestone, **data)
        ):
            messages.success(request, _("Milestone saved."))
            return redirect("quickwins:milestones")
    elif milestone is not None:
        form = MilestoneForm(roles=roles, initial={
            "role": milestone.role_id, "name": milestone.name, "event_kind": milestone.event_kind,
            "due_days": milestone.due_days,
        })
    else:
        form = MilestoneForm(roles=roles)
    return render(request, "quickwins/milestone_form.html", {"form": form, "milestone": milestone})


@project_lead_required
def milestone_create(request: HttpRequest) -> HttpResponse:
    return _save_milestone(request, milestone=None)


@project_lead_required
def milestone_edit(request: HttpRequest, milestone_id: int) -> HttpResponse:
    return _save_milestone(request, milestone=_milestone_of_lead(member_membership(request.user), milestone_id))


@project_lead_required
def milestone_delete(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """Ask for confirmation (GET), then delete the milestone and its results (POST)."""
    milestone = _milestone_of_lead(member_membership(request.user), milestone_id)
    if request.method == "POST":
        services.milestone_delete(milestone=milestone)
        messages.success(request, _("Milestone deleted."))
        return redirect("quickwins:milestones")
    return render(request, "quickwins/milestone_delete.html", {
        "milestone": milestone, "results": milestone.results.count(),
    })


@require_POST
@member_required
def nudge_read(request: HttpRequest, nudge_id: int) -> HttpResponse:
    """Mark one of your own nudges read; other people's nudges do not exist for you."""
    nudge = Nudge.objects.filter(pk=nudge_id, user_id=member_membership(request.user).user_id).first()
    if nudge is None:
        raise Http404
    services.nudge_mark_read(nudge=nudge)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("dashboards:me")
    return redirect(target)
