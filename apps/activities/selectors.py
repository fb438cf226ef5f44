"""Reading accounts, deals and activities for the person logging."""

from django.db.models import Q, QuerySet

from apps.activities.models import Account, Activity, ActivityType, Deal
from apps.roles.policies import AnyUser, membership_of


def accounts_for(user: AnyUser) -> QuerySet[Account]:
    """Return the accounts of the user's organisation (everyone may log against any)."""
    membership = membership_of(user)
    if membership is None:
        return Account.objects.none()
    return Account.objects.filter(organisation_id=membership.organisation_id)


def open_deals_for(user: AnyUser) -> QuerySet[Deal]:
    """Return the user's own open deals, most recently touched first."""
    return open_deals(owner_id=user.pk)


def open_deals(*, owner_id: int | None) -> QuerySet[Deal]:
    """Return a person's open deals, most recently touched first."""
    return (
        Deal.objects.filter(owner_id=owner_id, stage__is_won=False, stage__is_lost=False)
        .select_related("account", "stage")
        .order_by("-last_activity_at", "name")
    )


def recent_activities(*, user_id: int, limit: int = 10) -> QuerySet[Activity]:
    return Activity.objects.filter(owner_id=user_id).select_related("account", "deal")[:limit]


def last_used_type(*, user_id: int) -> str:
    """Return the type of the user's latest activity, so the form starts on it."""
    last = Activity.objects.filter(owner_id=user_id).values_list("type", flat=True).first()
    return last or ActivityType.CALL


def search_targets(user: AnyUser, query: str, limit: int = 8) -> list[dict[str, object]]:
    """Return accounts and the user's open deals matching `query`, for the log form's picker."""
    query = query.strip()
    # An activity is always with an account: a deal imported without one is not a target yet.
    deals = open_deals_for(user).filter(account__isnull=False)
    accounts = accounts_for(user)
    if query:
        deals = deals.filter(Q(name__icontains=query) | Q(account__name__icontains=query))
        accounts = accounts.filter(name__icontains=query)
    results: list[dict[str, object]] = [
        {"account_id": d.account_id, "deal_id": d.pk, "label": f"{d.name} · {d.account_name}", "stage": d.stage.name}
        for d in deals[:limit]
    ]
    results += [
        {"account_id": a.pk, "deal_id": None, "label": a.name, "stage": ""}
        for a in accounts.order_by("name")[: max(0, limit - len(results))]
    ]
    return results
