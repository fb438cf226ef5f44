"""Give-Get pages: the lead configures and watches promises; everyone else sees their own."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.core.charts import Point, line_chart, sparkline
from apps.core.forms import form_saved
from apps.core.periods import recent_mondays
from apps.givegets import selectors, services
from apps.givegets.classification import status_sentence
from apps.givegets.forms import ContractForm
from apps.givegets.models import ContractStatus, GiveGetContract
from apps.roles.decorators import member_required, project_lead_required
from apps.roles.models import Membership, Role
from apps.roles.policies import is_manager, is_project_lead, managed_users, member_membership

TREND_WEEKS = 8


def _week_label(monday: dt.date) -> str:
    return formats.date_format(monday, "j/n")


@member_required
def contracts(request: HttpRequest) -> HttpResponse:
    """Show the lead every contract and its kept promises; show anyone else their own."""
    membership = member_membership(request.user)
    if is_project_lead(request.user):
        return _lead_page(request, membership=membership)
    return _own_page(request, membership=membership, mondays=recent_mondays(timezone.localdate(), TREND_WEEKS))


def _lead_page(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    weeks = selectors.contract_weeks(today=timezone.localdate(), weeks=TREND_WEEKS)
    mondays = weeks.settled
    overview = selectors.contracts_overview(organisation_id=membership.organisation_id, mondays=mondays)
    in_progress = selectors.contracts_overview(
        organisation_id=membership.organisation_id, mondays=[weeks.in_progress]
    ).rows
    labels = [_week_label(m) for m in mondays]
    sparklines = {
        row.contract.pk: sparkline(row.weekly_share, title=_("Honoured share per week"))
        for row in overview.rows
    }
    active = [r for r in overview.rows if r.contract.is_active]
    context: dict[str, Any] = {
        "overview": overview,
        "sparklines": sparklines,
        "broken_rows": [r for r in active if r.broken],
        "totals": {
            "honoured": sum(r.honoured for r in active),
            "broken": sum(r.broken for r in active),
            "not_giving": sum(r.not_giving for r in active),
        },
        "trend_chart": line_chart(
            [Point(label, share) for label, share in zip(labels, overview.weekly_share, strict=True)],
            title=_("Honoured share of people who gave, per week (%)"),
        ),
        "trend_rows": list(zip(
            mondays, overview.weekly_honoured, overview.weekly_broken, overview.weekly_share, strict=True
        )),
        "this_monday": weeks.last_settled,
        "in_progress_monday": weeks.in_progress,
        "in_progress_honoured": sum(r.honoured for r in in_progress if r.contract.is_active),
    }
    return render(request, "givegets/lead.html", context)


def _own_page(request: HttpRequest, *, membership: Membership, mondays: list[dt.date]) -> HttpResponse:
    this_monday = mondays[-1]
    own = selectors.own_contracts(user_id=membership.user_id, role_id=membership.role_id, monday=this_monday)
    cards = [
        {
            "contract": item.contract,
            "status": item.status,
            "sentence": _sentence(item.contract, item.status),
            "last_week_status": item.last_week_status,
            "last_week_sentence": _sentence(item.contract, item.last_week_status, last_week=True),
        }
        for item in own
    ]
    context: dict[str, Any] = {"cards": cards, "this_monday": this_monday, "role": membership.role}
    if is_manager(request.user):
        weeks = selectors.contract_weeks(today=this_monday, weeks=1)
        context["team_week"] = weeks.last_settled
        team = selectors.contracts_overview(
            organisation_id=membership.organisation_id, mondays=weeks.settled,
            user_ids=managed_users(request.user).values("pk"),
        )
        context["team_rows"] = [r for r in team.rows if r.contract.is_active and r.people]
    return render(request, "givegets/mine.html", context)


def _sentence(contract: GiveGetContract, status: ContractStatus | None, *, last_week: bool = False) -> str:
    if status is None:
        return ""
    return status_sentence(
        give_label=contract.get_give_kind_display(),
        get_label=contract.get_get_kind_display().lower(),
        gave_count=status.gave_count,
        delivered_count=status.delivered_count,
        consumed_count=status.consumed_count,
        last_week=last_week,
    )


def _organisation_roles(membership: Membership) -> Any:
    return Role.objects.filter(organisation_id=membership.organisation_id).order_by("name")


def _contract_of_lead(membership: Membership, contract_id: int) -> GiveGetContract:
    """Return the contract if it belongs to the lead's organisation; 404 otherwise."""
    contract = GiveGetContract.objects.filter(
        pk=contract_id, role__organisation_id=membership.organisation_id
    ).select_related("role").first()
    if contract is None:
        raise Http404
    return contract


def _save_contract(request: HttpRequest, *, contract: GiveGetContract | None) -> HttpResponse:
    membership = member_membership(request.user)
    roles = _organisation_roles(membership)
    if request.method == "POST":
        form = ContractForm(request.POST, roles=roles)
        if contract is None and form_saved(form, lambda data: services.contract_create(**data)):
            messages.success(request, _("Contract created."))
            return redirect("givegets:contracts")
        if contract is not None and form_saved(form, lambda data: services.contract_update(contract=contract, **data)):
            messages.success(request, _("Contract saved."))
            return redirect("givegets:contracts")
    elif contract is not None:
        form = ContractForm(roles=roles, initial={
            "role": contract.role_id, "give_kind": contract.give_kind,
            "give_expected_minutes": contract.give_expected_minutes, "get_kind": contract.get_kind,
            "get_minutes_saved": contract.get_minutes_saved, "cadence": contract.cadence, "wiifm": contract.wiifm,
            "get_crm_report": contract.get_crm_report,
        })
    else:
        form = ContractForm(roles=roles)
    return render(request, "givegets/contract_form.html", {"form": form, "contract": contract})


@project_lead_required
def contract_create(request: HttpRequest) -> HttpResponse:
    return _save_contract(request, contract=None)


@project_lead_required
def contract_edit(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _save_contract(request, contract=_contract_of_lead(member_membership(request.user), contract_id))


@require_POST
@project_lead_required
def contract_set_active(request: HttpRequest, contract_id: int) -> HttpResponse:
    """Deactivate or reactivate a contract (POST active=0/1)."""
    contract = _contract_of_lead(member_membership(request.user), contract_id)
    is_active = request.POST.get("active") == "1"
    services.contract_set_active(contract=contract, is_active=is_active)
    messages.success(request, _("Contract reactivated.") if is_active else _("Contract deactivated."))
    return redirect("givegets:contracts")


@require_POST
@project_lead_required
def install_defaults(request: HttpRequest) -> HttpResponse:
    created = services.contracts_install_defaults(organisation_id=member_membership(request.user).organisation_id)
    if created:
        messages.success(request, ngettext(
            "%(count)d default contract installed.", "%(count)d default contracts installed.", len(created)
        ) % {"count": len(created)})
    else:
        messages.info(request, _("The default contracts are already installed."))
    return redirect("givegets:contracts")
