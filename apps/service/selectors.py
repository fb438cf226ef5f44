"""Reading accounts and one account's whole timeline across roles."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateTimeField, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.activities.models import Account, Activity, Deal, DealStageChange
from apps.campaigns.models import Campaign
from apps.service.models import Case, CaseStatus

# A timeline longer than this is cut to the newest entries of each kind; it is a reading view.
TIMELINE_LIMIT_PER_KIND = 200


def accounts_search(*, organisation_id: int, query: str = "") -> QuerySet[Account]:
    """Return the organisation's accounts matching `query`, with open cases and last touch annotated."""
    open_cases = (
        Case.objects.filter(account=OuterRef("pk"))
        .exclude(status=CaseStatus.SOLVED)
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_activity = Activity.objects.filter(account=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1]
    last_case = Case.objects.filter(account=OuterRef("pk")).order_by("-opened_at").values("opened_at")[:1]
    accounts = Account.objects.filter(organisation_id=organisation_id)
    query = query.strip()
    if query:
        accounts = accounts.filter(name__icontains=query)
    return accounts.select_related("owner").annotate(
        open_cases=Coalesce(Subquery(open_cases), Value(0)),
        last_activity_at=Subquery(last_activity, output_field=DateTimeField()),
        last_case_at=Subquery(last_case, output_field=DateTimeField()),
    ).order_by("name")


def account_names(*, organisation_id: int) -> list[str]:
    """Return every account name of the organisation, for the case form's type-ahead list."""
    return list(Account.objects.filter(organisation_id=organisation_id).order_by("name").values_list("name", flat=True))


def account_resolve(*, organisation_id: int, text: str) -> tuple[Account | None, list[str]]:
    """Return the one account `text` names (exactly, or as the only partial match), else candidates."""
    text = text.strip()
    if not text:
        return None, []
    accounts = Account.objects.filter(organisation_id=organisation_id)
    exact = accounts.filter(name__iexact=text).first()
    if exact is not None:
        return exact, []
    partial = list(accounts.filter(name__icontains=text).order_by("name")[:6])
    if len(partial) == 1:
        return partial[0], []
    return None, [a.name for a in partial]


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened with the customer, from any role."""

    at: dt.datetime
    kind: str  # activity, deal_opened, stage_change, case, campaign
    title: str
    detail: str = ""
    who: str = ""
    status: str = ""
    obj: Any = None


@dataclass
class AccountTimeline:
    account: Account
    entries: list[TimelineEntry]
    open_deals: list[Deal]
    open_pipeline: Decimal
    won_revenue: Decimal
    open_cases: list[Case]
    campaigns: list[Campaign]
    people: list[str] = field(default_factory=list)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def account_timeline(*, account: Account) -> AccountTimeline:
    """Return everything about one account across roles, newest first, in six queries.

    The entries show the newest rows of each kind; the totals and open cases count every row.
    """
    limit = TIMELINE_LIMIT_PER_KIND
    activities = list(
        Activity.objects.filter(account=account).select_related("owner", "deal").order_by("-occurred_at")[:limit]
    )
    deals = list(
        Deal.objects.filter(account=account)
        .select_related("owner", "stage", "campaign__owner")
        .order_by("-engaged_on")[:limit]
    )
    changes = list(
        DealStageChange.objects.filter(deal__account=account)
        .select_related("deal", "from_stage", "to_stage", "changed_by")
        .order_by("-changed_at")[:limit]
    )
    cases = list(Case.objects.filter(account=account).select_related("opened_by").order_by("-opened_at")[:limit])
    zero = Value(Decimal("0"), output_field=DecimalField())
    totals = Deal.objects.filter(account=account).aggregate(
        open_pipeline=Coalesce(Sum("amount", filter=Q(stage__is_won=False, stage__is_lost=False)), zero),
        won_revenue=Coalesce(Sum("amount", filter=Q(stage__is_won=True)), zero),
    )
    open_cases = list(
        Case.objects.filter(account=account).exclude(status=CaseStatus.SOLVED).select_related("opened_by")
        .order_by("-opened_at")
    )

    entries: list[TimelineEntry] = []
    for activity in activities:
        entries.append(TimelineEntry(
            at=activity.occurred_at, kind="activity", title=activity.get_type_display(), detail=activity.summary,
            who=_name(activity.owner), obj=activity,
        ))
    campaigns: dict[int, Campaign] = {}
    for deal in deals:
        if deal.engaged_on is not None:  # an imported deal may not say when it was opened
            entries.append(TimelineEntry(
                at=_start_of(deal.engaged_on), kind="deal_opened", title=deal.name, detail=deal.stage.name,
                who=_name(deal.owner), obj=deal,
            ))
        if deal.campaign is not None:
            campaigns[deal.campaign.pk] = deal.campaign
    for change in changes:
        entries.append(TimelineEntry(
            at=change.changed_at, kind="stage_change", title=change.deal.name,
            detail=f"{change.from_stage.name if change.from_stage else '–'} → {change.to_stage.name}",
            who=_name(change.changed_by), obj=change,
        ))
    for case in cases:
        entries.append(TimelineEntry(
            at=case.opened_at, kind="case", title=case.subject, detail=case.description, who=_name(case.opened_by),
            status=case.status, obj=case,
        ))
    for campaign in campaigns.values():
        attributed = [d.name for d in deals if d.campaign_id == campaign.pk]
        entries.append(TimelineEntry(
            at=_start_of(campaign.starts_on), kind="campaign", title=campaign.name, detail=", ".join(attributed),
            who=_name(campaign.owner), obj=campaign,
        ))
    entries.sort(key=lambda e: e.at, reverse=True)
    open_deals = [d for d in deals if not d.stage.is_closed]
    return AccountTimeline(
        account=account,
        entries=entries,
        open_deals=open_deals,
        open_pipeline=totals["open_pipeline"],
        won_revenue=totals["won_revenue"],
        open_cases=open_cases,
        campaigns=sorted(campaigns.values(), key=lambda c: c.starts_on, reverse=True),
        people=sorted({e.who for e in entries if e.who}),
    )
