"""Logging an activity: keyboard-first, one typed line, the next action shown at once."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from apps.activities import selectors, services
from apps.activities.forms import ActivityLogForm, entry_seconds_from
from apps.activities.models import Activity, ActivityType
from apps.activities.next_steps import NextStep, next_steps_after, next_steps_shown
from apps.core.types import AuthenticatedHttpRequest
from apps.roles.decorators import member_required

JUST_LOGGED_KEY = "activities.just_logged"


def _initial_target(request: HttpRequest) -> tuple[str, str]:
    """Return (target value, label) pre-filled from where the person started, if anywhere."""
    deals = selectors.open_deals_for(request.user)
    deal_id = request.GET.get("deal", "")
    if deal_id.isdigit():
        deal = deals.filter(pk=int(deal_id), account__isnull=False).first()
        if deal is not None:
            return f"deal:{deal.pk}", f"{deal.name} · {deal.account_name}"
    account_id = request.GET.get("account", "")
    if account_id.isdigit():
        account = selectors.accounts_for(request.user).filter(pk=int(account_id)).first()
        if account is not None:
            return f"account:{account.pk}", account.name
    return "", ""


@member_required
def log(request: AuthenticatedHttpRequest) -> HttpResponse:
    accounts = selectors.accounts_for(request.user)
    deals = selectors.open_deals_for(request.user)
    if request.method == "POST":
        form = ActivityLogForm(request.POST, accounts=accounts, deals=deals)
        if form.is_valid():
            account, deal = form.cleaned_data["target"]
            activity, _created = services.activity_log(
                owner_id=request.user.pk,
                type=form.cleaned_data["type"],
                account=account,
                deal=deal,
                summary=form.cleaned_data["summary"],
                entry_seconds=entry_seconds_from(form.cleaned_data["shown_at"], timezone.now()),
                idempotency_key=f"form:{form.cleaned_data['form_token']}",
            )
            suggestions = next_steps_after(activity=activity)
            # Remember what this save suggested, so the confirmation shows exactly those.
            request.session[JUST_LOGGED_KEY] = {"activity": activity.pk, "suggestions": [s.pk for s in suggestions]}
            return redirect(f"{reverse('activities:log')}?{urlencode({'logged': activity.pk})}")
        target_value = request.POST.get("target", "")
        target_label = request.POST.get("target_label", "")
    else:
        target_value, target_label = _initial_target(request)
        initial_type = request.GET.get("type") if request.GET.get("type") in ActivityType.values else None
        form = ActivityLogForm(
            initial={"type": initial_type or selectors.last_used_type(user_id=request.user.pk), "target": target_value},
            accounts=accounts,
            deals=deals,
        )
    logged = None
    logged_suggestions: list[NextStep] = []
    logged_id = request.GET.get("logged", "")
    if logged_id.isdigit():
        logged = (
            Activity.objects.filter(pk=int(logged_id), owner=request.user).select_related("account", "deal").first()
        )
        just_logged = request.session.get(JUST_LOGGED_KEY) or {}
        if logged is not None and just_logged.get("activity") == logged.pk:
            logged_suggestions = next_steps_shown(user_id=request.user.pk, ids=just_logged.get("suggestions", []))
    return render(
        request,
        "activities/log.html",
        {
            "form": form,
            "target_value": target_value,
            "target_label": target_label,
            "logged": logged,
            "logged_suggestions": logged_suggestions,
            "recent_targets": selectors.search_targets(request.user, "", limit=6),
        },
    )


@member_required
def targets(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Return deals and accounts matching ?q= for the log form's keyboard picker."""
    return JsonResponse({"results": selectors.search_targets(request.user, request.GET.get("q", "")[:100])})
