"""Ambassador pages: who they are and how their teams adopt; nominating; kudos."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.ambassadors import selectors, services
from apps.ambassadors.forms import KudosForm, NominationForm, PilotForm
from apps.ambassadors.network import NETWORK_DAYS
from apps.core.charts import Point, bar_chart
from apps.core.errors import ApplicationError
from apps.core.privacy import MIN_PEOPLE
from apps.core.types import AuthenticatedHttpRequest
from apps.roles.decorators import member_required, project_lead_required
from apps.roles.models import Team
from apps.roles.policies import is_project_lead, membership_of, organisation_users


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _organisation_id(request: HttpRequest) -> int:
    membership = membership_of(request.user)
    assert membership is not None  # the decorators let in members only
    return membership.organisation_id


def _render_list(
    request: HttpRequest, *, pilot_form: PilotForm | None = None, pilot_user_id: int | None = None, status: int = 200
) -> HttpResponse:
    is_lead = is_project_lead(request.user)
    rows = selectors.ambassadors_overview(organisation_id=_organisation_id(request), with_network=is_lead)
    with_ambassador, without = selectors.comparison(rows, without_label=_("Teams without an ambassador"))
    bars = [*with_ambassador, without]
    context: dict[str, Any] = {
        "rows": rows,
        "bars": bars,
        "chart": bar_chart(
            [Point(share.label, share.pct) for share in bars if share.is_shown],
            title=_("Share of net beneficiaries this week"), max_value=100, unit=" %",
        ) if any(share.is_shown for share in bars) else None,
        "min_group_size": MIN_PEOPLE,
        "is_lead": is_lead,
        "network_days": NETWORK_DAYS,
        "pilot_form": pilot_form,
        "pilot_user_id": pilot_user_id,
    }
    return render(request, "ambassadors/list.html", context, status=status)


@member_required
def ambassador_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show each team's ambassadors and its adoption against teams without one."""
    return _render_list(request)


def _colleague_or_404(request: HttpRequest, user_id: int) -> None:
    """Raise 404 for a person outside the viewer's organisation: their existence is not ours to tell."""
    if not organisation_users(request.user).filter(pk=user_id).exists():
        raise Http404


def _set_ambassador(request: AuthenticatedHttpRequest, *, is_ambassador: bool) -> HttpResponse:
    form = NominationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a team member to nominate."))
        return redirect("ambassadors:list")
    organisation_id = _organisation_id(request)
    _colleague_or_404(request, form.cleaned_data["user"])
    if not Team.objects.filter(pk=form.cleaned_data["team"], organisation_id=organisation_id).exists():
        raise Http404
    try:
        member = services.ambassador_set(
            organisation_id=organisation_id, team_id=form.cleaned_data["team"],
            user_id=form.cleaned_data["user"], is_ambassador=is_ambassador,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        names = {"name": _name(member.user), "team": member.team.name}
        if is_ambassador:
            messages.success(request, _("%(name)s is now an ambassador of %(team)s.") % names)
        else:
            messages.success(request, _("%(name)s is no longer an ambassador of %(team)s.") % names)
    return redirect("ambassadors:list")


@require_POST
@project_lead_required
def nominate(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _set_ambassador(request, is_ambassador=True)


@require_POST
@project_lead_required
def withdraw(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _set_ambassador(request, is_ambassador=False)


@require_POST
@project_lead_required
def pilot(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set an ambassador's pilot go-live; on an error show the list again with the typed date."""
    form = PilotForm(request.POST)
    if form.is_valid():
        _colleague_or_404(request, form.cleaned_data["user"])
        try:
            membership = services.ambassador_pilot_set(
                organisation_id=_organisation_id(request), user_id=form.cleaned_data["user"],
                go_live_on=form.cleaned_data["go_live_on"],
            )
        except ApplicationError as error:
            form.add_error("go_live_on", error.message)
        else:
            messages.success(request, _("Go-live for %(name)s saved.") % {"name": _name(membership.user)})
            return redirect("ambassadors:list")
    return _render_list(request, pilot_form=form, pilot_user_id=form.cleaned_data.get("user"), status=400)


@member_required
def kudos_give(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Give a colleague short recognition; it counts as a get for them once they read it."""
    colleagues = selectors.colleagues(request.user)
    initial = {"receiver": request.GET["to"]} if request.GET.get("to", "").isdigit() else {}
    form = KudosForm(request.POST or None, colleagues=colleagues, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            kudos = services.kudos_give(
                giver_id=request.user.pk, receiver_id=form.cleaned_data["receiver"].pk,
                message=form.cleaned_data["message"], idempotency_key=str(form.cleaned_data["form_token"]),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Kudos sent to %(name)s.") % {"name": _name(kudos.receiver)})
            return redirect("ambassadors:my_kudos")
    return render(request, "ambassadors/kudos_give.html", {
        "form": form, "left_today": selectors.kudos_left(user_id=request.user.pk),
    }, status=400 if request.method == "POST" else 200)


@member_required
def my_kudos(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the kudos the person received; opening the page is reading them (the get is consumed)."""
    received = list(selectors.kudos_received(user_id=request.user.pk)[:50])
    unread_ids = {k.pk for k in received if k.delivery is not None and k.delivery.consumed_at is None}
    services.kudos_read(receiver_id=request.user.pk)
    return render(request, "ambassadors/my_kudos.html", {
        "received": received, "unread_ids": unread_ids, "given": selectors.kudos_given(user_id=request.user.pk),
    })
