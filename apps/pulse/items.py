"""The check's items, worded after the Technology Acceptance Model (Davis, 1989).

Two items measure perceived usefulness (PU), two perceived ease of use (PEOU); each is
answered on a 1–7 agreement scale.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

SCALE_MIN, SCALE_MAX = 1, 7
USEFULNESS, EASE_OF_USE = "pu", "peou"


@dataclass(frozen=True)
class PulseItem:
    key: str
    construct: str
    text: Any  # a lazy translation


PULSE_ITEMS: tuple[PulseItem, ...] = (
    PulseItem("pu1", USEFULNESS, _("Using the CRM helps me sell more.")),
    PulseItem("pu2", USEFULNESS, _("Using the CRM helps me get my work done faster.")),
    PulseItem("peou1", EASE_OF_USE, _("The CRM is easy to use.")),
    PulseItem("peou2", EASE_OF_USE, _("Logging an activity in the CRM takes little effort.")),
)

SCALE_LABELS = {
    1: _("Strongly disagree"),
    4: _("Neither agree nor disagree"),
    7: _("Strongly agree"),
}
