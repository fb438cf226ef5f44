"""Reading campaigns, the deals they can be attributed to, and the closed-loop figures."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from apps.activities.models import Deal, Stage
from apps.campaigns.figures import CampaignFigures, StageRow, campaign_figures
from apps.campaigns.models import Campaign

ATTRIBUTION_LIST_LIMIT = 200


def campaigns_for(*, organisation_id: int) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.filter(organisation_id=organisation_id)
    return campaigns.select_related("owner").order_by("-starts_on", "name")


def campaigns_with_deal_counts(*, organisation_id: int) -> QuerySet[Campaign]:
    """Return the organisation's campaigns, each with `deal_count`: the deals attributed to it."""
    return campaigns_for(organisation_id=organisation_id).annotate(deal_count=Count("deals"))


def open_stages(*, organisation_id: int) -> list[tuple[int, str]]:
    """Return (id, name) of the organisation's open stages in process order."""
    return list(
        Stage.objects.filter(organisation_id=organisation_id, is_won=False, is_lost=False)
        .order_by("order")
        .values_list("pk", "name")
    )


def stage_rows_by_campaign(*, campaign_ids: list[int]) -> dict[int, list[StageRow]]:
    """Return each campaign's deals grouped by stage (count and summed amount), in one query."""
    grouped = (
        Deal.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id", "stage_id", "stage__name", "stage__order", "stage__is_won", "stage__is_lost")
        .annotate(deal_count=Count("pk"), amount_sum=Sum("amount"))
        .order_by("campaign_id", "stage__order")
    )
    rows: dict[int, list[StageRow]] = defaultdict(list)
    for g in grouped:
        rows[g["campaign_id"]].append(StageRow(
            stage_id=g["stage_id"], stage_name=g["stage__name"], order=g["stage__order"],
            is_won=g["stage__is_won"], is_lost=g["stage__is_lost"], deals=g["deal_count"],
            amount=g["amount_sum"] or Decimal("0"),
        ))
    return rows


def campaign_report(*, campaign: Campaign) -> CampaignFigures:
    """Return one campaign's closed-loop figures: deals, pipeline by stage, revenue, win rate, ROI."""
    rows = stage_rows_by_campaign(campaign_ids=[campaign.pk]).get(campaign.pk, [])
    return campaign_figures(
        rows=rows, open_stages=open_stages(organisation_id=campaign.organisation_id), budget=campaign.budget
    )


@dataclass(frozen=True)
class CampaignsOverview:
    campaigns: list[tuple[Campaign, CampaignFigures]]
    total: CampaignFigures


def campaigns_overview(*, organisation_id: int) -> CampaignsOverview:
    """Return every campaign's figures and the organisation's total, in three queries."""
    campaigns = list(campaigns_for(organisation_id=organisation_id))
    rows = stage_rows_by_campaign(campaign_ids=[c.pk for c in campaigns])
    stages = open_stages(organisation_id=organisation_id)
    per_campaign = [
        (c, campaign_figures(rows=rows.get(c.pk, []), open_stages=stages, budget=c.budget)) for c in campaigns
    ]
    total = campaign_figures(
        rows=[r for campaign_rows in rows.values() for r in campaign_rows],
        open_stages=stages,
        budget=sum((c.budget for c in campaigns), Decimal("0")),
    )
    return CampaignsOverview(campaigns=per_campaign, total=total)


def attributable_deals(*, organisation_id: int, query: str = "") -> QuerySet[Deal]:
    """Return the organisation's deals a campaign can claim, matching `query`, newest engagement first."""
    deals = Deal.objects.filter(account__organisation_id=organisation_id)
    query = query.strip()
    if query:
        deals = deals.filter(Q(name__icontains=query) | Q(account__name__icontains=query))
    return deals.select_related("account", "owner", "stage", "campaign").order_by("-engaged_on", "name")
