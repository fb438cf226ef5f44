"""Making, accepting and dismissing next-action suggestions, and configuring the rules that make them."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities.models import Activity, Deal, Stage
from apps.core.services import model_update
from apps.givegets.models import DeliveryKind
from apps.givegets.services import deliveries_consume, delivery_record
from apps.suggestions import rules, selectors
from apps.suggestions.acted_on import acted_on_filter
from apps.suggestions.models import RuleKind, Suggestion, SuggestionRule, SuggestionStatus
from apps.suggestions.templating import literal
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record


def _facts(deal: Deal) -> rules.DealFacts:
    if deal.account is None:  # callers pass deals with an account (see suggestions_for_idle_deals)
        raise ValueError(f"Deal {deal.pk} has no account to suggest a next step at.")
    return rules.DealFacts(
        deal_id=deal.pk,
        deal_name=deal.name,
        account_id=deal.account.pk,
        account_name=deal.account.name,
        stage_id=deal.stage_id,
        stage_name=deal.stage.name,
        stage_next_step=deal.stage.next_step,
        stage_idle_days=deal.stage.idle_days,
        stage_closed=deal.stage.is_closed,
        last_activity_at=deal.last_activity_at,
    )


# --- Rules -----------------------------------------------------------------------------------


@transaction.atomic
def suggestion_rules_install_defaults(*, organisation_id: int) -> int:
    """Create the rules the organisation is missing, from its stages' own values; return how many.

    One "next step" rule per open stage that names a next step, one "deal gone quiet" rule per
    open stage with the stage's idle days, and one organisation-wide "open a deal" rule.
    Existing rules are left as the project lead configured them.
    """
    existing = set(SuggestionRule.objects.filter(organisation_id=organisation_id).values_list("kind", "stage_id"))
    missing: list[SuggestionRule] = []
    for stage in Stage.objects.filter(organisation_id=organisation_id, is_won=False, is_lost=False):
        if stage.next_step and (RuleKind.STAGE_NEXT_STEP, stage.pk) not in existing:
            missing.append(SuggestionRule(
                organisation_id=organisation_id, kind=RuleKind.STAGE_NEXT_STEP, stage=stage,
                text_template=f"{literal(stage.next_step)} – {{deal}}"[:200],
            ))
        if (RuleKind.IDLE_DEAL, stage.pk) not in existing:
            missing.append(SuggestionRule(
                organisation_id=organisation_id, kind=RuleKind.IDLE_DEAL, stage=stage, idle_days=stage.idle_days or 1,
                text_template=_("Get in touch about {deal}"),
            ))
    if (RuleKind.OPEN_A_DEAL, None) not in existing:
        missing.append(SuggestionRule(
            organisation_id=organisation_id, kind=RuleKind.OPEN_A_DEAL, text_template=_("Open a deal for {account}"),
        ))
    for rule in missing:
        rule.full_clean(validate_unique=False, validate_constraints=False)
    # A concurrent install may have created some of them first; theirs stand.
    SuggestionRule.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


@transaction.atomic
def suggestion_rule_update(
    *, rule: SuggestionRule, text_template: str, idle_days: int | None, enabled: bool
) -> SuggestionRule:
    """Change a rule's text, idle days and whether it is on; reject unknown placeholders."""
    data = {"text_template": text_template.strip(), "idle_days": idle_days, "enabled": enabled}
    model_update(instance=rule, fields=list(data), data=data)
    return rule


@transaction.atomic
def suggestion_rule_set_enabled(*, rule: SuggestionRule, enabled: bool) -> SuggestionRule:
    """Switch a rule on or off; a rule that is off makes no suggestions and hides its open ones."""
    rule.enabled = enabled
    rule.save(update_fields=["enabled"])
    return rule


def _rule_book(organisation_id: int) -> rules.RuleBook:
    """Return the organisation's rules, installing the defaults the first time none exist."""
    book = selectors.rule_book(organisation_id=organisation_id)
    if not book:
        suggestion_rules_install_defaults(organisation_id=organisation_id)
        book = selectors.rule_book(organisation_id=organisation_id)
    return book


# --- Suggestions -----------------------------------------------------------------------------


def _suggestion_get_or_create(
    *, user_id: int, draft: rules.Draft, at: dt.datetime | None = None
) -> tuple[Suggestion, bool]:
    moment = at or timezone.now()
    with transaction.atomic():
        suggestion, created = Suggestion.objects.get_or_create(
            dedupe_key=f"{user_id}:{draft.dedupe_key}",
            defaults={
                "user_id": user_id, "rule": draft.rule, "source_rule_id": draft.rule_id,
                "text": draft.text[:300], "reason": draft.reason[:300],
                "deal_id": draft.deal_id, "account_id": draft.account_id, "created_at": moment,
            },
        )
        if created:
            delivery, _created = delivery_record(
                user_id=user_id, kind=DeliveryKind.NEXT_ACTION, idempotency_key=f"suggestion:{suggestion.pk}",
                delivered_at=moment, metadata={"rule": draft.rule, "rule_id": draft.rule_id},
            )
            suggestion.delivery = delivery
            suggestion.save(update_fields=["delivery"])
    return suggestion, created


def suggestion_create(*, user_id: int, draft: rules.Draft, at: dt.datetime | None = None) -> Suggestion:
    """Store a suggestion (once per dedupe key) and record it as a delivered get."""
    return _suggestion_get_or_create(user_id=user_id, draft=draft, at=at)[0]


@transaction.atomic
def suggestions_act_on(*, activity: Activity) -> int:
    """Count the accepted suggestions this activity carries out as gets; return how many.

    A suggestion is acted on when its owner logs an activity on its deal (or, without a deal, on
    its account) within `acted_on.ACT_ON_WINDOW` after accepting it: its delivery is consumed at
    the activity's time, so the minutes count from then on and never before.
    """
    delivery_ids = list(
        Suggestion.objects.filter(
            acted_on_filter(
                user_id=activity.owner_id, deal_id=activity.deal_id, account_id=activity.account_id,
                at=activity.occurred_at,
            ),
            delivery__isnull=False,
        ).values_list("delivery_id", flat=True)
    )
    if not delivery_ids:
        return 0
    return deliveries_consume(user_id=activity.owner_id, delivery_ids=delivery_ids, at=activity.occurred_at)


def suggestions_after_activity(*, activity: Activity) -> list[Suggestion]:
    """Return the open next actions that follow from a just-logged activity (created if new).

    The activity first carries out any accepted suggestion on the same deal or account (see
    `suggestions_act_on`). Rules the person muted by dismissing them (see `tuning`) make nothing.
    """
    suggestions_act_on(activity=activity)
    book = _rule_book(activity.account.organisation_id)
    drafts: list[rules.Draft | None] = []
    if activity.deal_id is not None:
        deal = Deal.objects.select_related("stage", "account").get(pk=activity.deal_id)
        rule = book.for_stage(RuleKind.STAGE_NEXT_STEP, deal.stage_id)
        drafts.append(rules.after_activity_on_deal(_facts(deal), activity.get_type_display(), rule))
    else:
        has_open = Deal.objects.filter(
            account_id=activity.account_id, stage__is_won=False, stage__is_lost=False
        ).exists()
        drafts.append(
            rules.account_without_deal(
                activity.account_id, activity.account.name, has_open, timezone.localdate(),
                book.for_stage(RuleKind.OPEN_A_DEAL, None),
            )
        )
    muted = selectors.muted_rule_ids(user_id=activity.owner_id)
    made = [
        suggestion_create(user_id=activity.owner_id, draft=d, at=activity.created_at)
        for d in drafts
        if d is not None and d.rule_id not in muted
    ]
    return [s for s in made if s.status == SuggestionStatus.OPEN]


def suggestions_for_idle_deals(*, user_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Create touch suggestions for idle open deals (one user's, or everyone's); return how many are new.

    Only deals past their stage's quiet limit are read (one filtered query), so the loop is over
    suggestions to make, not over every deal. Running it twice makes nothing new.
    """
    moment = now or timezone.now()
    deals = Deal.objects.filter(
        stage__is_won=False, stage__is_lost=False, last_activity_at__isnull=False, account__isnull=False
    )
    if user_id is not None:
        deals = deals.filter(owner_id=user_id)
    organisation_ids = list(deals.values_list("stage__organisation_id", flat=True).distinct())
    books = {org_id: _rule_book(org_id) for org_id in organisation_ids}
    quiet = selectors.quiet_deals_filter(books=books, as_of=moment)
    muted = defaultdict(set, selectors.muted_rule_ids_by_user(user_ids=[user_id] if user_id else None, now=moment))
    made = 0
    for deal in deals.filter(quiet).select_related("stage", "account").iterator(chunk_size=500):
        rule = books[deal.stage.organisation_id].for_stage(RuleKind.IDLE_DEAL, deal.stage_id)
        draft = rules.idle_deal(_facts(deal), moment, rule)
        if draft is None or draft.rule_id in muted[deal.owner_id]:
            continue
        _suggestion, created = _suggestion_get_or_create(user_id=deal.owner_id, draft=draft, at=moment)
        made += int(created)
    return made


@transaction.atomic
def suggestion_decide(*, suggestion: Suggestion, accept: bool, at: dt.datetime | None = None) -> Suggestion:
    """Accept or dismiss an open suggestion.

    Accepting is not yet a get: the delivery is consumed only when the rep acts on it
    (`suggestions_act_on`, called when an activity is logged on the deal or account).
    """
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.OPEN:
        return locked
    moment = at or timezone.now()
    locked.status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.DISMISSED
    locked.decided_at = moment
    locked.save(update_fields=["status", "decided_at"])
    usage_event_record(
        user_id=locked.user_id,
        kind=EventKind.SUGGESTION_ACCEPTED if accept else EventKind.SUGGESTION_DISMISSED,
        occurred_at=moment,
        source=EventSource.APP,
        idempotency_key=f"suggestion-decision:{locked.pk}",
        metadata={"rule": locked.rule, "rule_id": locked.source_rule_id},
    )
    return locked
