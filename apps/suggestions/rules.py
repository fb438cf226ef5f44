"""Next-action rules, version 1. Pure functions: deal facts in, suggestion drafts out."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


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
class Draft:
    rule: str
    text: str
    reason: str
    dedupe_key: str
    deal_id: int | None
    account_id: int | None


def after_activity_on_deal(deal: DealFacts, activity_type_label: str) -> Draft | None:
    """After an activity on an open deal, suggest the stage's usual next step."""
    if deal.stage_closed or not deal.stage_next_step:
        return None
    return Draft(
        rule="stage_next_step",
        text=f"{deal.stage_next_step} – {deal.deal_name}",
        reason=_("You logged a %(type)s on a deal in “%(stage)s”; this is the usual next step there.")
        % {"type": activity_type_label.lower(), "stage": deal.stage_name},
        dedupe_key=f"stage_next_step:{deal.deal_id}:{deal.stage_id}",
        deal_id=deal.deal_id,
        account_id=deal.account_id,
    )


def idle_deal(deal: DealFacts, now: dt.datetime) -> Draft | None:
    """Suggest a touch on an open deal with no activity for longer than its stage allows."""
    if deal.stage_closed or deal.last_activity_at is None:
        return None
    idle = (now - deal.last_activity_at).days
    if idle < deal.stage_idle_days:
        return None
    return Draft(
        rule="idle_deal",
        text=_("Get in touch about %(deal)s") % {"deal": deal.deal_name},
        reason=_("No activity for %(days)s days; deals in “%(stage)s” usually go cold after %(limit)s.")
        % {"days": idle, "stage": deal.stage_name, "limit": deal.stage_idle_days},
        dedupe_key=f"idle_deal:{deal.deal_id}:{deal.last_activity_at:%Y-%m-%d}",
        deal_id=deal.deal_id,
        account_id=deal.account_id,
    )


def account_without_deal(account_id: int, account_name: str, has_open_deal: bool, on: dt.date) -> Draft | None:
    """After an activity on an account with no open deal, suggest opening one."""
    if has_open_deal:
        return None
    return Draft(
        rule="open_a_deal",
        text=_("Open a deal for %(account)s") % {"account": account_name},
        reason=_("You are talking to %(account)s but no deal is open there.") % {"account": account_name},
        dedupe_key=f"open_a_deal:{account_id}:{on:%G-%V}",
        deal_id=None,
        account_id=account_id,
    )
