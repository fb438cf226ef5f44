"""Pulse pages: the check itself, a person's own answers, and anonymity-safe aggregates."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.charts import Point, bar_chart, line_chart
from apps.core.errors import ApplicationError
from apps.core.forms import form_saved
from apps.core.privacy import MIN_PEOPLE
from apps.core.types import AuthenticatedHttpRequest
from apps.pulse import rules, selectors, services
from apps.pulse.forms import PulseCheckForm, PulseSettingsForm
from apps.pulse.items import PULSE_ITEMS, SCALE_LABELS
from apps.roles.decorators import manager_required, member_required, project_lead_required
from apps.roles.models import Team
from apps.roles.policies import managed_team_ids, managed_users, member_membership, organisation_users

TREND_PERIODS = 6


def _redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Go back where the person came from when it is a page of this site, else to `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect(fallback)


@member_required
def check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the 4-item check and store the answer; it never blocks anything else."""
    status = selectors.pulse_status(request.user)
    form = PulseCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pulse_answer(user_id=request.user.pk, answers=form.answers(),
                                  form_token=str(form.cleaned_data["form_token"]))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. Your answers are blended into your score."))
            return _redirect_back(request, "dashboards:me")
    return render(
        request,
        "pulse/check.html",
        {"form": form, "status": status, "scale_labels": SCALE_LABELS,
         "next": request.POST.get("next") or request.GET.get("next", "")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@member_required
def skip(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Skip this round; the person is asked again after the organisation's cadence."""
    try:
        services.pulse_skip(user_id=request.user.pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, _("Skipped. We will ask again in a couple of weeks."))
    return _redirect_back(request, "dashboards:me")


@member_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the person their own answers: the only page where individual answers appear."""
    responses = list(selectors.own_responses(user_id=request.user.pk)[:24])
    oldest_first = responses[::-1]
    points = [formats.date_format(r.answered_at, "j/n") for r in oldest_first]
    return render(request, "pulse/mine.html", {
        "responses": responses,
        "items": PULSE_ITEMS,
        "status": selectors.pulse_status(request.user),
        "usefulness_chart": line_chart(
            [Point(label, r.perceived_usefulness) for label, r in zip(points, oldest_first, strict=True)],
            title=_("My perceived usefulness (1–7)"), y_min=1, y_max=7, reference=4),
        "ease_chart": line_chart(
            [Point(label, r.perceived_ease_of_use) for label, r in zip(points, oldest_first, strict=True)],
            title=_("My perceived ease of use (1–7)"), y_min=1, y_max=7, reference=4),
    })


def _aggregates_context(request: HttpRequest, *, people: QuerySet, teams: QuerySet[Team]) -> dict[str, Any]:
    granularity = "fortnight" if request.GET.get("period") == "fortnight" else "month"
    today = timezone.localdate()
    if granularity == "month":
        buckets = rules.month_buckets(today, TREND_PERIODS)
        labels = [formats.date_format(b.start, "M Y") for b in buckets]
    else:
        buckets = rules.fortnight_buckets(today, TREND_PERIODS)
        labels = [formats.date_format(b.start, "j/n") for b in buckets]
    trend = selectors.pulse_trend(people=people, buckets=buckets, labels=labels)
    start, end = buckets[0].start, buckets[-1].end
    distribution = selectors.pulse_distribution(people=people, start=start, end=end)
    scale = [str(point) for point in range(1, 8)]
    return {
        "granularity": granularity,
        "trend": trend,
        "teams": selectors.pulse_by_team(teams=teams, start=start, end=end),
        "distribution": distribution,
        "scale": scale,
        "window_start": start,
        "window_end": end - dt.timedelta(days=1),
        "min_group_size": MIN_PEOPLE,
        "usefulness_chart": line_chart([Point(a.label, a.usefulness) for a in trend],
                                       title=_("Perceived usefulness, mean (1–7)"), y_min=1, y_max=7, reference=4),
        "ease_chart": line_chart([Point(a.label, a.ease_of_use) for a in trend],
                                 title=_("Perceived ease of use, mean (1–7)"), y_min=1, y_max=7, reference=4),
        "usefulness_spread_chart": bar_chart(
            [Point(p, n) for p, n in zip(scale, distribution.usefulness or [], strict=False)],
            title=_("Perceived usefulness: answers per scale point")) if distribution.usefulness else None,
        "ease_spread_chart": bar_chart(
            [Point(p, n) for p, n in zip(scale, distribution.ease_of_use or [], strict=False)],
            title=_("Perceived ease of use: answers per scale point")) if distribution.ease_of_use else None,
        "spread_rows": list(zip(scale, distribution.usefulness or [], distribution.ease_of_use or [], strict=False)),
    }


@project_lead_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the organisation's pulse: means per period, per team and the spread, groups of 5+ only."""
    membership = member_membership(request.user)
    context = _aggregates_context(
        request, people=organisation_users(request.user),
        teams=Team.objects.filter(organisation_id=membership.organisation_id),
    )
    context["scope_title"] = membership.organisation.name
    context["settings"] = selectors.pulse_settings_for(organisation_id=membership.organisation_id)
    return render(request, "pulse/overview.html", context)


@manager_required
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show a manager the same aggregates, restricted to the people in the teams they manage."""
    teams = Team.objects.filter(pk__in=managed_team_ids(request.user))
    context = _aggregates_context(request, people=managed_users(request.user), teams=teams)
    context["scope_title"] = ", ".join(row.label for row in context["teams"])  # already sorted by name
    return render(request, "pulse/overview.html", context)


@project_lead_required
def settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Let the lead set how often people are asked (at least every 14 days) or switch it off."""
    membership = member_membership(request.user)
    current = selectors.pulse_settings_for(organisation_id=membership.organisation_id)
    if request.method == "POST":
        form = PulseSettingsForm(request.POST)
        if form_saved(form, lambda data: services.pulse_settings_update(
            organisation_id=membership.organisation_id, **data
        )):
            messages.success(request, _("Pulse settings saved."))
            return redirect("pulse:settings")
    else:
        form = PulseSettingsForm(initial={"cadence_days": current.cadence_days, "enabled": current.enabled})
    return render(request, "pulse/settings.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
