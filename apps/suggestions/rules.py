"""Next-action rules. Pure functions: deal facts and a configured rule in, suggestion drafts out.

Without a configured rule each function falls back to the stage's own values (version 1), so
callers that predate configurable rules keep working.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from apps.suggestions.templating import fill, literal


@dataclass(frozen=True)
class DealFacts:
    deal_id: int
    deal_name: str
    account_id: int
    account_name: str
    stage_id: int
    stage_name: str
    stage_next_step: str
    stage_idle_days: int
    stage_closed: bool
    last_activity_at: dt.datetime | None


@dataclass(frozen=True)
class RuleConfig:
    """A configured rule as the engine needs it (see models.SuggestionRule)."""

    rule_id: int
    kind: str
    text_template: str
    idle_days: int | None
    enabled: bool


@dataclass(frozen=True)
class Draft:
    rule: str
    text: str
    reason: str
    dedupe_key: str
    deal_id: int | None
    account_id: int | None
    rule_id: int | None = None


def _deal_values(deal: DealFacts) -> dict[str, str]:
    return {"deal": deal.deal_name, "account": deal.account_name, "stage": deal.stage_name}


def after_activity_on_deal(deal: DealFacts, activity_type_label: str, rule: RuleConfig | None = None) -> Draft | None:
    """After an activity on an open deal, suggest the stage's usual next step."""
    if deal.stage_closed or (rule is not None and not rule.enabled):
        return None
    if rule is None:
        if not deal.stage_next_step:
            return None
        template = f"{literal(deal.stage_next_step)} – {{deal}}"
    else:
        template = rule.text_template
    return Draft(
        rule="stage_next_step",
        text=fill(template, _deal_values(deal)),
        reason=_("You logged a %(type)s on a deal in “%(stage)s”; this is the usual next step there.")
        % {"type": activity_type_label.lower(), "stage": deal.stage_name},
        dedupe_key=f"stage_next_step:{deal.deal_id}:{deal.stage_id}",
        deal_id=deal.deal_id,
        account_id=deal.account_id,
        rule_id=rule.rule_id if rule else None,
    )


def idle_limit_days(deal: DealFacts, rule: RuleConfig | None) -> int:
    """Return after how many quiet days the deal counts as cold: the rule's value, else the stage's."""
    if rule is not None and rule.idle_days is not None:
        return rule.idle_days
    return deal.stage_idle_days


def idle_deal(deal: DealFacts, now: dt.datetime, rule: RuleConfig | None = None) -> Draft | None:
    """Suggest a touch on an open deal with no activity for longer than its stage allows."""
    if deal.stage_closed or deal.last_activity_at is None or (rule is not None and not rule.enabled):
        return None
    idle = (now - deal.last_activity_at).days
    limit = idle_limit_days(deal, rule)
    if idle < limit:
        return None
    text = (
        fill(rule.text_template, _deal_values(deal))
        if rule is not None
        else _("Get in touch about %(deal)s") % {"deal": deal.deal_name}
    )
    return Draft(
        rule="idle_deal",
        text=text,
        reason=_("No activity for %(days)s days; deals in “%(stage)s” usually go cold after %(limit)s.")
        % {"days": idle, "stage": deal.stage_name, "limit": limit},
        dedupe_key=f"idle_deal:{deal.deal_id}:{deal.last_activity_at:%Y-%m-%d}",
        deal_id=deal.deal_id,
        account_id=deal.account_id,
        rule_id=rule.rule_id if rule else None,
    )


def account_without_deal(
    account_id: int, account_name: str, has_open_deal: bool, on: dt.date, rule: RuleConfig | None = None
) -> Draft | None:
    """After an activity on an account with no open deal, suggest opening one."""
    if has_open_deal or (rule is not None and not rule.enabled):
        return None
    text = (
        fill(rule.text_template, {"account": account_name})
        if rule is not None
        else _("Open a deal for %(account)s") % {"account": account_name}
    )
    return Draft(
        rule="open_a_deal",
        text=text,
        reason=_("You are talking to %(account)s but no deal is open there.") % {"account": account_name},
        dedupe_key=f"open_a_deal:{account_id}:{on:%G-%V}",
        deal_id=None,
        account_id=account_id,
        rule_id=rule.rule_id if rule else None,
    )


@dataclass(frozen=True)
class RuleBook:
    """An organisation's configured rules, looked up by kind and stage."""

    rules: dict[tuple[str, int | None], RuleConfig]

    def for_stage(self, kind: str, stage_id: int | None) -> RuleConfig | None:
        """Return the stage's own rule of this kind, else the organisation-wide one, else None.

        None means nothing is configured for the stage: the stage's own values apply.
        """
        return self.rules.get((kind, stage_id)) or self.rules.get((kind, None))

    def __bool__(self) -> bool:
        return bool(self.rules)
