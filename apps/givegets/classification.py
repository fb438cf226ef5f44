"""Whether a Give-Get promise was kept for one person in one week: pure functions, no database."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.givegets.models import ContractStatusKind


def classify(*, gave: bool, got: bool) -> str:
    """Return honoured (gave and got), broken by us (gave, got nothing back) or not giving.

    Someone who did not give is "not giving" even if a get reached them: the promise is
    conditional on their give, so it can be neither kept nor broken.
    """
    if not gave:
        return ContractStatusKind.NOT_GIVING
    return ContractStatusKind.HONOURED if got else ContractStatusKind.BROKEN


def classify_counts(*, gave_count: int, consumed_count: int) -> str:
    """Classify from counts: a give is at least one occurrence, a get at least one consumed delivery."""
    return classify(gave=gave_count > 0, got=consumed_count > 0)


def status_sentence(
    *,
    give_label: str,
    get_label: str,
    gave_count: int,
    delivered_count: int,
    consumed_count: int,
    last_week: bool = False,
) -> str:
    """Return the person's week on one contract in plain words, e.g. "You gave 3 (Meeting logged)…"."""
    if gave_count == 0 and last_week:
        gave = _("You did not log any “%(give)s” last week") % {"give": give_label}
    elif gave_count == 0:
        gave = _("You have not logged any “%(give)s” this week") % {"give": give_label}
    elif last_week:
        gave = ngettext(
            "You gave %(count)d × “%(give)s” last week",
            "You gave %(count)d × “%(give)s” last week",
            gave_count,
        ) % {"count": gave_count, "give": give_label}
    else:
        gave = ngettext(
            "You gave %(count)d × “%(give)s” this week",
            "You gave %(count)d × “%(give)s” this week",
            gave_count,
        ) % {"count": gave_count, "give": give_label}
    # A get delivered last week may be opened this week, so "used" is checked before "delivered".
    if consumed_count > 0:
        got = _("your %(get)s was delivered and used") % {"get": get_label}
    elif delivered_count == 0:
        got = _("your %(get)s has not been delivered yet") % {"get": get_label}
    else:
        got = _("your %(get)s was delivered but not opened") % {"get": get_label}
    return f"{gave}; {got}."
