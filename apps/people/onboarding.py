"""A person's first page: what their role gives and gets, their week-one quick win, one next step."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from apps.givegets.models import Cadence, GiveGetContract
from apps.people.selectors import go_live_of
from apps.quickwins.models import QuickWinStatus
from apps.quickwins.selectors import OwnMilestone, own_milestones
from apps.roles.models import Membership, RoleKind
from apps.roles.policies import is_manager
from apps.usage.kinds import EventKind

ACHIEVED = frozenset({QuickWinStatus.ON_TIME, QuickWinStatus.LATE})
# Where each kind of entry is made, so the next step links straight to it.
ACTIVITY_TYPE_OF_KIND: dict[str, str] = {
    EventKind.CALL_LOGGED: "call", EventKind.MEETING_LOGGED: "meeting",
    EventKind.EMAIL_LOGGED: "email", EventKind.NOTE_LOGGED: "note",
}
PAGE_OF_KIND: dict[str, str] = {
    EventKind.CASE_LOGGED: "service:accounts",
    EventKind.CAMPAIGN_LOGGED: "campaigns:list",
    EventKind.DEAL_ATTRIBUTED: "campaigns:list",
    EventKind.DIGEST_OPENED: "digests:latest",
}


def _minutes(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _cadence_words(cadence: str) -> str:
    words: dict[str, str] = {
        Cadence.PER_OCCURRENCE: _("each time"),
        Cadence.WEEKLY: _("every week"),
        Cadence.MONTHLY: _("every month"),
    }
    return words.get(cadence, "")


@dataclass(frozen=True)
class GiveGet:
    """One promise of the role, said to the person: what they give and what they get back."""

    contract: GiveGetContract
    sentence: str
    in_their_words: str


def give_get_sentence(contract: GiveGetContract) -> str:
    """Return "You give about 5 minutes per meeting logged; you get the weekly digest, which saves …"."""
    return _(
        "You give about %(give_minutes)s minutes per “%(give)s”; you get “%(get)s”, which saves you about "
        "%(get_minutes)s minutes %(cadence)s."
    ) % {
        "give_minutes": _minutes(contract.give_expected_minutes),
        "give": contract.get_give_kind_display(),
        "get": contract.get_get_kind_display(),
        "get_minutes": _minutes(contract.get_minutes_saved),
        "cadence": _cadence_words(contract.cadence),
    }


@dataclass(frozen=True)
class NextStep:
    label: str
    url: str
    why: str


@dataclass(frozen=True)
class Onboarding:
    membership: Membership
    role_wiifm: str
    give_gets: list[GiveGet]
    quick_win: OwnMilestone | None
    go_live_on: dt.date | None
    next_step: NextStep

    @property
    def quick_win_achieved(self) -> bool:
        result = self.quick_win.result if self.quick_win else None
        return result is not None and result.status in ACHIEVED


def _quick_win_step(quick_win: OwnMilestone) -> NextStep:
    kind = quick_win.milestone.event_kind
    name = _(quick_win.milestone.name)
    why = _("Your week-one quick win: “%(name)s”.") % {"name": name}
    if kind in ACTIVITY_TYPE_OF_KIND:
        url = f"{reverse('activities:log')}?{urlencode({'type': ACTIVITY_TYPE_OF_KIND[kind]})}"
        return NextStep(label=name, url=url, why=why)
    return NextStep(label=name, url=reverse(PAGE_OF_KIND.get(kind, "activities:log")), why=why)


def _next_step(user: User, membership: Membership, quick_win: OwnMilestone | None, achieved: bool) -> NextStep:
    kind = membership.role.kind
    if kind == RoleKind.PROJECT_LEAD:
        alone = not Membership.objects.filter(organisation_id=membership.organisation_id).exclude(user=user).exists()
        if alone:
            return NextStep(label=_("Import your people"), url=reverse("people:import"),
                            why=_("Everyone gets an invitation and lands on a page like this one."))
        return NextStep(label=_("Check your roles' scoring values"), url=reverse("roles:list"),
                        why=_("Each role's values decide how its people's minutes are counted."))
    if quick_win is not None and not achieved:
        return _quick_win_step(quick_win)
    if is_manager(user):
        return NextStep(label=_("See your team"), url=reverse("dashboards:team"),
                        why=_("Where each person's deals stall, and who is not getting enough back yet."))
    return NextStep(label=_("See your score"), url=reverse("dashboards:me"),
                    why=_("What you gave and got this week, in minutes, and how the score is computed."))


def onboarding_for(*, user: User, membership: Membership, today: dt.date) -> Onboarding:
    """Return what the person's first page shows (a handful of queries, whatever the organisation's size)."""
    contracts = GiveGetContract.objects.filter(role_id=membership.role_id, is_active=True).order_by(
        "-get_minutes_saved", "pk"
    )
    give_gets = [GiveGet(contract=c, sentence=give_get_sentence(c), in_their_words=_(c.wiifm) if c.wiifm else "")
                 for c in contracts]
    milestones = own_milestones(user_id=user.pk, role_id=membership.role_id, today=today)
    quick_win = milestones[0] if milestones else None
    achieved = bool(quick_win and quick_win.result and quick_win.result.status in ACHIEVED)
    return Onboarding(
        membership=membership,
        role_wiifm=membership.role.wiifm,
        give_gets=give_gets,
        quick_win=quick_win,
        go_live_on=go_live_of(user_id=user.pk),
        next_step=_next_step(user, membership, quick_win, achieved),
    )
