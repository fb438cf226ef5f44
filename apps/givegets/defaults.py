"""The Give-Get contracts every organisation starts from, one or more per role.

The lead installs them with one button and adapts them; installing twice adds nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.givegets.models import Cadence, DeliveryKind
from apps.roles.models import RoleKind
from apps.usage.kinds import EventKind


@dataclass(frozen=True)
class DefaultContract:
    role_kind: str
    give_kind: str
    give_expected_minutes: Decimal
    get_kind: str
    get_minutes_saved: Decimal
    cadence: str
    wiifm: Promise


DEFAULT_CONTRACTS: tuple[DefaultContract, ...] = (
    DefaultContract(
        RoleKind.SALES_REP, EventKind.MEETING_LOGGED, Decimal("5"), DeliveryKind.WEEKLY_DIGEST, Decimal("60"),
        Cadence.WEEKLY,
        _("5 minutes per logged meeting gives you an automatic weekly report – you save the hour you spend on it "
          "today."),
    ),
    DefaultContract(
        RoleKind.SALES_REP, EventKind.CALL_LOGGED, Decimal("2"), DeliveryKind.NEXT_ACTION, Decimal("5"),
        Cadence.PER_OCCURRENCE,
        _("A two-minute call log gives you the next step for the deal at once."),
    ),
    DefaultContract(
        RoleKind.SERVICE_AGENT, EventKind.CASE_LOGGED, Decimal("3"), DeliveryKind.CUSTOMER_CONTEXT, Decimal("10"),
        Cadence.PER_OCCURRENCE,
        _("Logging each case gives you the customer's whole history in one view – no need to ask them again."),
    ),
    DefaultContract(
        RoleKind.MARKETER, EventKind.DEAL_ATTRIBUTED, Decimal("1"), DeliveryKind.CAMPAIGN_REPORT, Decimal("45"),
        Cadence.WEEKLY,
        _("Attributing deals to campaigns gives you a closed-loop report: campaign, pipeline, revenue."),
    ),
    DefaultContract(
        RoleKind.MANAGER, EventKind.NOTE_LOGGED, Decimal("3"), DeliveryKind.COACHING_DIAGNOSTIC, Decimal("30"),
        Cadence.WEEKLY,
        _("Coaching notes give you a weekly diagnostic of where each person's deals stall."),
    ),
)
