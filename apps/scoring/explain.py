"""Turn a snapshot's components into sentences a person can check by hand."""

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.givegets.models import DeliveryKind
from apps.scoring.models import NetStatus, ScoreSnapshot
from apps.usage.kinds import EventKind


def whole_minutes(value: Decimal | str) -> int:
    """Round minutes to whole minutes the one way every page does (the `minutes` filter: half to even)."""
    return int(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_EVEN))


def shown_net_minutes(snapshot: ScoreSnapshot) -> int:
    """Return the net shown beside the gave / got figures: their difference, so the three agree."""
    return whole_minutes(snapshot.rolling_get_minutes) - whole_minutes(snapshot.rolling_give_minutes)


def largest_remainder(parts: Sequence[Decimal | str], total: int) -> list[int]:
    """Round `parts` to whole numbers that sum exactly to `total` (largest remainder method).

    Each part is floored; the units still missing go to the parts with the largest remainders
    (ties: the earlier part). If the floors already exceed `total` (never for non-negative parts
    whose sum rounds to `total`), units are taken from the smallest remainders.
    """
    values = [Decimal(p) for p in parts]
    floors = [int(v.to_integral_value(rounding=ROUND_FLOOR)) for v in values]
    missing = total - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    if missing < 0:
        order = list(reversed(order))
    result = floors[:]
    step = 1 if missing > 0 else -1
    for n in range(abs(missing)):
        result[order[n % len(order)]] += step
    return result


def _minutes(value: Decimal | str | int) -> str:
    return formats.number_format(Decimal(value), 0)


def _decimal(value: Decimal, places: int) -> str:
    return formats.number_format(value, places)


def explain(snapshot: ScoreSnapshot) -> list[str]:
    """Return the score's explanation, one sentence per line, in the active language."""
    components = snapshot.components or {}
    give_lines = components.get("give", [])
    get_lines = components.get("get", [])
    activities = sum(int(line["count"]) for line in give_lines)
    lines: list[str] = []
    give_shown = whole_minutes(snapshot.rolling_give_minutes)
    get_shown = whole_minutes(snapshot.rolling_get_minutes)
    if give_lines:
        shares = largest_remainder([line["minutes"] for line in give_lines], give_shown)
        parts = ", ".join(
            _("%(count)s × %(kind)s (%(minutes)s min)")
            % {"count": line["count"], "kind": EventKind(line["kind"]).label, "minutes": _minutes(share)}
            for line, share in zip(give_lines, shares, strict=True)
        )
        lines.append(
            ngettext(
                "In the last 4 weeks you gave %(minutes)s min logging %(count)s entry: %(parts)s.",
                "In the last 4 weeks you gave %(minutes)s min logging %(count)s entries: %(parts)s.",
                activities,
            )
            % {"minutes": _minutes(give_shown), "count": activities, "parts": parts}
        )
    else:
        lines.append(_("In the last 4 weeks you logged nothing, so the CRM cost you no time."))
    if get_lines:
        shares = largest_remainder([line["minutes"] for line in get_lines], get_shown)
        parts = ", ".join(
            _("%(count)s × %(kind)s (%(minutes)s min)")
            % {"count": line["count"], "kind": DeliveryKind(line["kind"]).label, "minutes": _minutes(share)}
            for line, share in zip(get_lines, shares, strict=True)
        )
        lines.append(
            _("You got back %(minutes)s min: %(parts)s.")
            % {"minutes": _minutes(get_shown), "parts": parts}
        )
    else:
        lines.append(_("You got nothing back yet: open your weekly digest or accept a suggestion to start."))
    pending = int(components.get("accepted_pending", 0))
    if pending:
        lines.append(
            ngettext(
                "%(count)s suggestion accepted, not yet done: it counts once you log on its deal or account.",
                "%(count)s suggestions accepted, not yet done: they count once you log on their deal or account.",
                pending,
            )
            % {"count": pending}
        )
    lines.append(
        _("Net: %(net)s min. Index = (get − give) / (get + give) = %(index)s.")
        # Net is the difference of the two figures shown; the index with all its stored digits, so
        # the score formula below gives the score shown.
        % {"net": _minutes(shown_net_minutes(snapshot)), "index": _decimal(snapshot.nb_index, 4)}
    )
    if snapshot.pulse_usefulness is not None and snapshot.pulse_ease_of_use is not None:
        lines.append(
            _(
                "Your pulse answers (usefulness %(pu)s, ease of use %(peou)s on 1–7) are blended in: "
                "score = 50 + 50 × (0.7 × index + 0.3 × (mean − 4) / 3) = %(score)s."
            )
            % {
                "pu": _decimal(snapshot.pulse_usefulness, 2),
                "peou": _decimal(snapshot.pulse_ease_of_use, 2),
                "score": _decimal(snapshot.score, 2),
            }
        )
    else:
        lines.append(_("Score = 50 + 50 × index = %(score)s.") % {"score": _decimal(snapshot.score, 2)})
    lines.append(STATUS_MEANING[NetStatus(snapshot.status)]())
    return lines


STATUS_MEANING = {
    NetStatus.THRIVING: lambda: _("You are a net beneficiary: the CRM gives you more time than it takes."),
    NetStatus.AT_RISK: lambda: _("You still gain, but your score fell two weeks in a row."),
    NetStatus.NET_LOSER: lambda: _("The CRM currently costs you more time than it gives back."),
    NetStatus.NOT_CONTRIBUTING: lambda: _(
        "You logged no CRM entry in the last 4 weeks, so you are not a net beneficiary: you read what others "
        "log, and the CRM cannot serve you yet. Log your own calls, meetings and deals to change that."
    ),
    NetStatus.INACTIVE: lambda: _("Nothing given and nothing received in the last 4 weeks."),
}
