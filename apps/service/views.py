"""Customer pages: the account list, one account's whole timeline, and logging a case."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.activities.forms import entry_seconds_from
from apps.activities.models import Account
from apps.roles.decorators import member_required, membership_allowed
from apps.roles.policies import can_log_cases, can_read_accounts
from apps.service import selectors, services
from apps.service.forms import CaseLogForm, CaseStatusForm
from apps.service.models import Case, CaseStatus

ACCOUNTS_PER_PAGE = 50


@member_required
def accounts(request: HttpRequest) -> HttpResponse:
    membership = membership_allowed(request.user, can_read_accounts)
    query = request.GET.get("q", "")[:100]
    found = selectors.accounts_search(organisation_id=membership.organisation_id, query=query)
    page = Paginator(found, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "service/accounts.html", {
        "page": page,
        "query": query,
        "can_log_cases": can_log_cases(request.user),
    })


@member_required
def timeline(request: HttpRequest, account_id: int) -> HttpResponse:
    """Show one account's whole history; for a service agent, opening it is the customer-context get."""
    membership = membership_allowed(request.user, can_read_accounts)
    account = get_object_or_404(Account, pk=account_id, organisation_id=membership.organisation_id)
    is_service_agent = can_log_cases(request.user)
    if is_service_agent:
        services.customer_context_deliver(user_id=membership.user_id, account_id=account.pk)
    return render(request, "service/timeline.html", {
        "timeline": selectors.account_timeline(account=account),
        "can_log_cases": is_service_agent,
        "status_choices": CaseStatus.choices,
    })


@member_required
def case_log(request: HttpRequest) -> HttpResponse:
    membership = membership_allowed(request.user, can_log_cases)
    organisation_id = membership.organisation_id
    if request.method == "POST":
        form = CaseLogForm(request.POST, organisation_id=organisation_id)
        if form.is_valid():
            data = form.cleaned_data
            case, _created = services.case_log(
                opened_by_id=membership.user_id,
                account=data["account"],
                subject=data["subject"],
                description=data["description"],
                channel=data["channel"],
                status=data["status"],
                entry_seconds=entry_seconds_from(data["shown_at"], timezone.now()),
                idempotency_key=f"case-form:{data['form_token']}",
            )
            messages.success(request, _("Case “%(subject)s” logged.") % {"subject": case.subject})
            return redirect("service:timeline", account_id=case.account_id)
    else:
        initial: dict[str, object] = {}
        account_id = request.GET.get("account", "")
        if account_id.isdigit():
            account = Account.objects.filter(pk=int(account_id), organisation_id=organisation_id).first()
            if account is not None:
                initial["account"] = account.name
        form = CaseLogForm(initial=initial, organisation_id=organisation_id)
    return render(request, "service/case_log.html", {
        "form": form,
        "account_names": selectors.account_names(organisation_id=organisation_id),
        "focus_subject": bool(form["account"].value()) and not form.errors.get("account"),
    })


@member_required
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    membership = membership_allowed(request.user, can_log_cases)
    case = get_object_or_404(Case, pk=case_id, account__organisation_id=membership.organisation_id)
    form = CaseStatusForm(request.POST)
    if form.is_valid():
        services.case_set_status(case=case, status=form.cleaned_data["status"])
        messages.success(request, _("Case “%(subject)s” is now: %(status)s.") % {
            "subject": case.subject, "status": case.get_status_display()})
    else:
        messages.error(request, _("Pick a valid status."))
    return redirect(reverse("service:timeline", args=[case.account_id]) + f"#case-{case.pk}")
