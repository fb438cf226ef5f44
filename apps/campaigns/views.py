"""Campaign pages: marketers keep campaigns and attribute deals; reports close the loop to revenue."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities.forms import entry_seconds_from
from apps.campaigns import selectors, services
from apps.campaigns.figures import CampaignFigures
from apps.campaigns.forms import AttributionForm, CampaignForm
from apps.campaigns.models import Campaign
from apps.core.charts import Point, bar_chart
from apps.roles.decorators import member_required, membership_allowed
from apps.roles.models import Membership
from apps.roles.policies import can_manage_campaigns, can_read_campaign_reports


def _campaign_in(membership: Membership, campaign_id: int) -> Campaign:
    return get_object_or_404(Campaign, pk=campaign_id, organisation_id=membership.organisation_id)


@member_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    membership = membership_allowed(request.user, can_manage_campaigns)
    campaigns = selectors.campaigns_with_deal_counts(organisation_id=membership.organisation_id)
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


@member_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    membership = membership_allowed(request.user, can_manage_campaigns)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = data["form_token"]
        try:
            campaign, _created = services.campaign_create(
                organisation_id=membership.organisation_id,
                owner_id=membership.user_id,
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                budget=data["budget"],
                entry_seconds=entry_seconds_from(data["shown_at"], timezone.now()),
                idempotency_key=f"campaign-form:{token}" if token else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Campaign “%(name)s” created. Now attribute its deals.") % {"name": campaign.name}
            )
            return redirect("campaigns:attribute", campaign_id=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None})


@member_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_allowed(request.user, can_manage_campaigns)
    campaign = _campaign_in(membership, campaign_id)
    initial = {"name": campaign.name, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
               "budget": campaign.budget}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.campaign_update(
                campaign=campaign, name=data["name"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                budget=data["budget"],
            )
        except ValidationError as error:
            campaign.refresh_from_db()
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign “%(name)s” saved.") % {"name": campaign.name})
            return redirect("campaigns:list")
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


@member_required
def campaign_attribute(request: HttpRequest, campaign_id: int) -> HttpResponse:
    membership = membership_allowed(request.user, can_manage_campaigns)
    campaign = _campaign_in(membership, campaign_id)
    query = request.GET.get("q", "")[:100]
    if request.method == "POST":
        form = AttributionForm(request.POST, organisation_id=membership.organisation_id)
        if form.is_valid():
            change = services.campaign_set_deals(
                campaign=campaign,
                listed_ids=[d.pk for d in form.cleaned_data["listed"]],
                chosen_ids=[d.pk for d in form.cleaned_data["deals"]],
                actor_id=membership.user_id,
            )
            messages.success(request, _("%(added)d deals attributed, %(removed)d removed.") % {
                "added": change.attributed, "removed": change.detached})
            return redirect("campaigns:report", campaign_id=campaign.pk)
        query = request.POST.get("q", "")[:100]
        chosen = {int(v) for v in request.POST.getlist("deals") if v.isdigit()}
    else:
        form = AttributionForm(organisation_id=membership.organisation_id)
        chosen = None
    deals = list(selectors.attributable_deals(organisation_id=membership.organisation_id, query=query)
                 [: selectors.ATTRIBUTION_LIST_LIMIT])
    if chosen is None:
        chosen = {d.pk for d in deals if d.campaign_id == campaign.pk}
    return render(request, "campaigns/attribute.html", {
        "campaign": campaign, "form": form, "deals": deals, "chosen": chosen, "query": query,
        "limit": selectors.ATTRIBUTION_LIST_LIMIT,
    })


def _thousands(amount: Decimal) -> Decimal:
    # The chart labels group digits with commas in every language (a decimal comma in Danish);
    # whole thousands with a "k" read the same in English and Danish.
    return (amount / 1000).quantize(Decimal("1"))


def _pipeline_chart(figures: CampaignFigures, title: str) -> Any:
    return bar_chart([Point(label=s.name, value=_thousands(s.amount)) for s in figures.pipeline], title=title,
                     unit=" k")


@member_required
def campaign_report(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Show one campaign's closed loop; opening it is the marketer's weekly campaign-report get."""
    membership = membership_allowed(request.user, can_read_campaign_reports)
    campaign = _campaign_in(membership, campaign_id)
    figures = selectors.campaign_report(campaign=campaign)
    services.campaign_report_deliver(user_id=membership.user_id)
    return render(request, "campaigns/report.html", {
        "campaign": campaign,
        "figures": figures,
        "chart": _pipeline_chart(figures, _("Open pipeline by stage: %(name)s") % {"name": campaign.name}),
        "is_marketer": can_manage_campaigns(request.user),
    })


@member_required
def campaigns_overview(request: HttpRequest) -> HttpResponse:
    membership = membership_allowed(request.user, can_read_campaign_reports)
    overview = selectors.campaigns_overview(organisation_id=membership.organisation_id)
    services.campaign_report_deliver(user_id=membership.user_id)
    revenue_chart = bar_chart(
        [Point(label=c.name, value=_thousands(f.won_revenue)) for c, f in overview.campaigns],
        title=_("Won revenue by campaign"), unit=" k",
    )
    return render(request, "campaigns/overview.html", {
        "overview": overview,
        "revenue_chart": revenue_chart,
        "pipeline_chart": _pipeline_chart(overview.total, _("Open pipeline by stage, all campaigns")),
        "is_marketer": can_manage_campaigns(request.user),
    })
