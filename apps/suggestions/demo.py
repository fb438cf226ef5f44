"""Demo data for next-action rules: the defaults, and a history of decisions on them.

The base seed already delivered next-action gets to people (marked consumed when accepted). Here
each of those deliveries to someone with deals becomes the suggestion it stood for, made by one
of the rules, accepted when marked and dismissed otherwise. So the lead's page shows real
acceptance rates, and the net losers, who dismiss almost everything, have rules muted.

An accepted suggestion is a get only once acted on (`acted_on`): it is placed on the deal of the
person's next activity on an open deal within the window, and its delivery is consumed at that
activity; with no such activity it stays "accepted, not yet done" and counts nothing.
"""

import bisect
import datetime as dt
from typing import TYPE_CHECKING

from apps.activities.models import Activity, Deal
from apps.givegets.models import Delivery, DeliveryKind
from apps.suggestions.acted_on import ACT_ON_WINDOW
from apps.suggestions.models import RuleKind, Suggestion, SuggestionRule, SuggestionStatus
from apps.suggestions.services import suggestion_rules_install_defaults
from apps.suggestions.templating import fill

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext


def seed_demo(ctx: "DemoContext") -> None:
    """Install the default rules, then turn the seeded next-action gets into decided suggestions."""
    suggestion_rules_install_defaults(organisation_id=ctx.organisation.pk)
    if Suggestion.objects.filter(source_rule__organisation=ctx.organisation).exists():
        return  # already turned into suggestions (the seed may call this twice)
    rules = {
        (r.kind, r.stage_id): r
        for r in SuggestionRule.objects.filter(organisation=ctx.organisation, kind__in=[
            RuleKind.STAGE_NEXT_STEP, RuleKind.IDLE_DEAL])
    }
    deals_by_owner: dict[int, list[Deal]] = {}
    for deal in Deal.objects.filter(account__organisation=ctx.organisation).select_related("account", "stage"):
        if not deal.stage.is_closed:
            deals_by_owner.setdefault(deal.owner_id, []).append(deal)
    deliveries = Delivery.objects.filter(
        kind=DeliveryKind.NEXT_ACTION, user_id__in=list(deals_by_owner), suggestion__isnull=True,
        idempotency_key__startswith="demo-suggestion:",
    ).order_by("pk")
    follow_ups = _follow_ups(deals_by_owner)
    made = []
    pending: list[Delivery] = []
    acted: list[Delivery] = []
    for delivery in deliveries:
        deal = ctx.rng.choice(deals_by_owner[delivery.user_id])
        accepted_at = delivery.consumed_at
        if accepted_at is not None:
            follow_up = _next_follow_up(follow_ups.get(delivery.user_id, []), accepted_at)
            if follow_up is None:
                pending.append(delivery)
            else:
                deal, delivery.consumed_at = follow_up[1], follow_up[0]
                acted.append(delivery)
        kind = ctx.rng.choice([RuleKind.STAGE_NEXT_STEP, RuleKind.IDLE_DEAL])
        rule = rules.get((kind, deal.stage_id))
        if rule is None:
            continue
        accepted = accepted_at is not None
        made.append(Suggestion(
            user_id=delivery.user_id, rule=kind, source_rule=rule, deal=deal, account=deal.account,
            text=fill(rule.text_template, {"deal": deal.name, "account": deal.account_name, "stage": deal.stage.name}),
            reason=f"Suggested by the “{rule.get_kind_display()}” rule for deals in “{deal.stage.name}”.",
            created_at=delivery.delivered_at,
            status=SuggestionStatus.ACCEPTED if accepted else SuggestionStatus.DISMISSED,
            decided_at=accepted_at or delivery.delivered_at,
            dedupe_key=f"{delivery.user_id}:demo:{delivery.pk}", delivery=delivery,
        ))
    Suggestion.objects.bulk_create(made, batch_size=2000)
    Delivery.objects.bulk_update(acted, ["consumed_at"], batch_size=2000)
    Delivery.objects.filter(pk__in=[d.pk for d in pending]).update(consumed_at=None)


FollowUp = tuple[dt.datetime, Deal]


def _follow_ups(deals_by_owner: dict[int, list[Deal]]) -> dict[int, list[FollowUp]]:
    """Return each owner's activities on their open deals, oldest first, in one query."""
    deals = {deal.pk: deal for owned in deals_by_owner.values() for deal in owned}
    by_owner: dict[int, list[FollowUp]] = {}
    for owner_id, deal_id, occurred_at in (
        Activity.objects.filter(owner_id__in=list(deals_by_owner), deal_id__in=list(deals))
        .order_by("occurred_at")
        .values_list("owner_id", "deal_id", "occurred_at")
    ):
        by_owner.setdefault(owner_id, []).append((occurred_at, deals[deal_id]))
    return by_owner


def _next_follow_up(follow_ups: list[FollowUp], accepted_at: dt.datetime) -> FollowUp | None:
    """Return the first activity after `accepted_at` within the window, or None."""
    index = bisect.bisect_right([at for at, _deal in follow_ups], accepted_at)
    if index < len(follow_ups) and follow_ups[index][0] <= accepted_at + ACT_ON_WINDOW:
        return follow_ups[index]
    return None
