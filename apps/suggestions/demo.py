"""Demo data for next-action rules: the defaults, and a history of decisions on them.

The base seed already delivered next-action gets to people (consumed when accepted). Here
each of those deliveries to someone with deals becomes the suggestion it stood for, made by one
of the rules, accepted when consumed and dismissed otherwise. So the lead's page shows real
acceptance rates, and the net losers, who dismiss almost everything, have rules muted.
"""

from typing import TYPE_CHECKING

from apps.activities.models import Deal
from apps.givegets.models import Delivery, DeliveryKind
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
    made = []
    for delivery in deliveries:
        deal = ctx.rng.choice(deals_by_owner[delivery.user_id])
        kind = ctx.rng.choice([RuleKind.STAGE_NEXT_STEP, RuleKind.IDLE_DEAL])
        rule = rules.get((kind, deal.stage_id))
        if rule is None:
            continue
        accepted = delivery.consumed_at is not None
        made.append(Suggestion(
            user_id=delivery.user_id, rule=kind, source_rule=rule, deal=deal, account=deal.account,
            text=fill(rule.text_template, {"deal": deal.name, "account": deal.account.name, "stage": deal.stage.name}),
            reason=f"Suggested by the “{rule.get_kind_display()}” rule for deals in “{deal.stage.name}”.",
            created_at=delivery.delivered_at,
            status=SuggestionStatus.ACCEPTED if accepted else SuggestionStatus.DISMISSED,
            decided_at=delivery.consumed_at or delivery.delivered_at,
            dedupe_key=f"{delivery.user_id}:demo:{delivery.pk}", delivery=delivery,
        ))
    Suggestion.objects.bulk_create(made, batch_size=2000)
