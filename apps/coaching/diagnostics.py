"""Where deals stall and why people lose time: pure functions over grouped rows (no database)."""

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.periods import ROLLING_WEEKS
from apps.givegets.models import DeliveryKind
from apps.usage.kinds import EventKind

# A rep's average counts as slow when it is this much slower than the team's
# and rests on enough deals not to over-read one slow deal.
STALL_FACTOR = 1.5


# ---------------------------------------------------------------------------------------------
# The coaching page: conversion and days per stage, win rate and cycle time, net-loser reasons
# and a suggested coaching topic. Everything below is pure: selectors hand in grouped rows.
# ---------------------------------------------------------------------------------------------

# Below these sample sizes a figure is shown greyed out as "too few deals", never compared.
MIN_STAGE_EXITS = 5
MIN_CLOSED_DEALS = 5
MIN_WON_DEALS = 3
# A rep's conversion counts as low when it trails the team by this many percentage points.
LOW_CONVERSION_GAP = 0.2
# Measured entry time per logged item above which faster logging is worth a coaching session.
SLOW_ENTRY_SECONDS = 150
SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class StageTally:
    """What a rep's (or the team's) deals did when they left one stage."""

    exits: int = 0
    forward: int = 0
    timed: int = 0
    seconds: float = 0.0

    def __add__(self, other: "StageTally") -> "StageTally":
        return StageTally(
            exits=self.exits + other.exits,
            forward=self.forward + other.forward,
            timed=self.timed + other.timed,
            seconds=self.seconds + other.seconds,
        )

    @property
    def conversion(self) -> float | None:
        """Return the share of exits that moved forward (a later stage or won)."""
        return self.forward / self.exits if self.exits else None

    @property
    def avg_days(self) -> float | None:
        """Return the average days of the stays whose length is known (None when none is)."""
        return self.seconds / self.timed / SECONDS_PER_DAY if self.timed else None

    @property
    def untimed(self) -> int:
        """Return the exits whose time in the stage nobody knows (e.g. moves seen in an import)."""
        return self.exits - self.timed

    @property
    def enough_for_conversion(self) -> bool:
        return self.exits >= MIN_STAGE_EXITS

    @property
    def enough_for_days(self) -> bool:
        return self.timed >= MIN_STAGE_EXITS


@dataclass(frozen=True)
class StageComparison:
    """One rep's figures for one stage beside the team's."""

    rep: StageTally
    team: StageTally

    @property
    def slow(self) -> bool:
        """Return whether the rep lingers clearly longer than the team, on enough deals."""
        rep_days, team_days = self.rep.avg_days, self.team.avg_days
        return (
            self.rep.enough_for_days and rep_days is not None and team_days is not None
            and rep_days > STALL_FACTOR * team_days and rep_days - team_days >= 1
        )

    @property
    def low_conversion(self) -> bool:
        rep_rate, team_rate = self.rep.conversion, self.team.conversion
        return (
            self.rep.enough_for_conversion and rep_rate is not None and team_rate is not None
            and team_rate - rep_rate >= LOW_CONVERSION_GAP
        )


def compare_stages(
    per_rep: Mapping[int, Mapping[int, StageTally]], rep_ids: Sequence[int], stage_ids: Sequence[int]
) -> tuple[dict[int, dict[int, StageComparison]], dict[int, StageTally]]:
    """Return per rep and stage the rep's tally beside the team's, and the team tallies.

    The team value pools every exit of the team's reps (the rep included), so it equals the
    figure one would compute from all the team's stage changes at once.
    """
    team = {
        stage_id: sum((per_rep.get(rep_id, {}).get(stage_id, StageTally()) for rep_id in rep_ids), StageTally())
        for stage_id in stage_ids
    }
    grid = {
        rep_id: {
            stage_id: StageComparison(rep=per_rep.get(rep_id, {}).get(stage_id, StageTally()), team=team[stage_id])
            for stage_id in stage_ids
        }
        for rep_id in rep_ids
    }
    return grid, team


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


@dataclass(frozen=True)
class DealOutcomes:
    """A rep's (or team's) deals: closed, won and open, with the durations that are known.

    Cycle time is engaged to closed in days, for won deals ("won only") and for every closed
    deal ("all closed"); a deal missing either date has no cycle and is counted as unknown.
    Open deals' age is days since engaged, unknown for deals without an engage date.
    """

    closed: int = 0
    won: int = 0
    cycle_days: tuple[int, ...] = ()  # won deals with both dates
    open: int = 0
    closed_cycle_days: tuple[int, ...] = ()  # all closed deals with both dates
    open_age_days: tuple[int, ...] = ()  # open deals with an engage date
    open_stage_days: tuple[float, ...] = ()  # open deals whose entry into their stage is known

    def __add__(self, other: "DealOutcomes") -> "DealOutcomes":
        return DealOutcomes(
            closed=self.closed + other.closed,
            won=self.won + other.won,
            cycle_days=self.cycle_days + other.cycle_days,
            open=self.open + other.open,
            closed_cycle_days=self.closed_cycle_days + other.closed_cycle_days,
            open_age_days=self.open_age_days + other.open_age_days,
            open_stage_days=self.open_stage_days + other.open_stage_days,
        )

    @property
    def lost(self) -> int:
        return self.closed - self.won

    @property
    def win_rate(self) -> float | None:
        """Return won ÷ closed (won and lost), or None before anything closed."""
        return self.won / self.closed if self.closed else None

    @property
    def median_cycle_days(self) -> float | None:
        """Return the median cycle of won deals (basis: won only)."""
        return _median(self.cycle_days)

    @property
    def median_closed_cycle_days(self) -> float | None:
        """Return the median cycle of every closed deal, won or lost (basis: all closed)."""
        return _median(self.closed_cycle_days)

    @property
    def cycle_unknown(self) -> int:
        return self.won - len(self.cycle_days)

    @property
    def closed_cycle_unknown(self) -> int:
        return self.closed - len(self.closed_cycle_days)

    @property
    def median_open_age_days(self) -> float | None:
        return _median(self.open_age_days)

    @property
    def open_age_unknown(self) -> int:
        return self.open - len(self.open_age_days)

    @property
    def median_open_stage_days(self) -> float | None:
        return float(statistics.median(self.open_stage_days)) if self.open_stage_days else None

    @property
    def open_stage_unknown(self) -> int:
        return self.open - len(self.open_stage_days)

    @property
    def enough_for_win_rate(self) -> bool:
        return self.closed >= MIN_CLOSED_DEALS

    @property
    def enough_for_cycle(self) -> bool:
        return len(self.cycle_days) >= MIN_WON_DEALS

    @property
    def enough_for_closed_cycle(self) -> bool:
        return len(self.closed_cycle_days) >= MIN_CLOSED_DEALS


def team_outcomes(per_rep: Mapping[int, DealOutcomes], rep_ids: Sequence[int]) -> DealOutcomes:
    """Return the team's pooled outcomes: all its reps' closed deals together."""
    return sum((per_rep.get(rep_id, DealOutcomes()) for rep_id in rep_ids), DealOutcomes())


# --- Net losers: the main reason in words -----------------------------------------------------

# Module-level phrases are lazy: they are translated when used, in the request's language.
GIVE_ACTIVITY = {
    EventKind.CALL_LOGGED: gettext_lazy("logging calls"),
    EventKind.MEETING_LOGGED: gettext_lazy("logging meetings"),
    EventKind.EMAIL_LOGGED: gettext_lazy("logging e-mails"),
    EventKind.NOTE_LOGGED: gettext_lazy("writing notes"),
    EventKind.CASE_LOGGED: gettext_lazy("logging cases"),
    EventKind.DEAL_CREATED: gettext_lazy("creating deals"),
    EventKind.DEAL_STAGE_CHANGED: gettext_lazy("moving deals between stages"),
    EventKind.ACCOUNT_CREATED: gettext_lazy("creating accounts"),
    EventKind.CAMPAIGN_LOGGED: gettext_lazy("logging campaigns"),
    EventKind.DEAL_ATTRIBUTED: gettext_lazy("attributing deals to campaigns"),
    EventKind.PULSE_ANSWERED: gettext_lazy("answering pulse surveys"),
}

NEVER_USES = {
    DeliveryKind.WEEKLY_DIGEST: gettext_lazy("never opens the weekly digest"),
    DeliveryKind.NEXT_ACTION: gettext_lazy("never accepts a next-action suggestion"),
    DeliveryKind.CUSTOMER_CONTEXT: gettext_lazy("never opens the customer context"),
    DeliveryKind.CAMPAIGN_REPORT: gettext_lazy("never opens the campaign report"),
    DeliveryKind.COACHING_DIAGNOSTIC: gettext_lazy("never opens the coaching diagnostic"),
    DeliveryKind.RECOGNITION: gettext_lazy("never looks at the recognition received"),
    DeliveryKind.QUICK_WIN: gettext_lazy("never picks up the quick win"),
}


@dataclass(frozen=True)
class MissedGet:
    """Gets of one kind delivered to a person in the window, and how many they consumed."""

    kind: str
    delivered: int
    consumed: int
    missed_minutes: Decimal

    @property
    def never_used(self) -> bool:
        return self.delivered > 0 and self.consumed == 0


def biggest_missed_get(missed: Sequence[MissedGet]) -> MissedGet | None:
    """Return the get kind that left the most minutes unused, or None when nothing was left."""
    candidates = [m for m in missed if m.delivered > m.consumed]
    if not candidates:
        return None
    return max(candidates, key=lambda m: (m.missed_minutes, m.delivered - m.consumed, m.kind))


def _top_give(components: Mapping[str, Any]) -> tuple[str, Decimal] | None:
    lines = components.get("give") or []
    if not lines:
        return None
    top = max(lines, key=lambda line: (Decimal(str(line["minutes"])), line["kind"]))
    return str(top["kind"]), Decimal(str(top["minutes"]))


def _whole(value: Decimal) -> str:
    return f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP):.0f}"


def missed_get_phrase(missed: MissedGet) -> str:
    """Return what the person leaves unused, in words ("never opens the weekly digest")."""
    if missed.never_used:
        phrase = NEVER_USES.get(DeliveryKind(missed.kind), _("never uses what is delivered"))
        return _("%(phrase)s (%(delivered)s delivered)") % {"phrase": phrase, "delivered": missed.delivered}
    return _("uses only %(consumed)s of %(delivered)s × %(kind)s") % {
        "consumed": missed.consumed, "delivered": missed.delivered, "kind": DeliveryKind(missed.kind).label,
    }


def net_loser_reason(
    *, components: Mapping[str, Any], rolling_get_minutes: Decimal, missed: Sequence[MissedGet],
    weeks: int = ROLLING_WEEKS,
) -> str:
    """Return the main reason a person is a net loser, in one sentence with per-week minutes.

    e.g. "Gives 35 min/week logging calls, gets 5 min/week back: never opens the weekly digest."
    """
    top = _top_give(components)
    get_per_week = _whole(Decimal(rolling_get_minutes) / weeks)
    if top is None:
        give_part = _("Gives no measured time")
    else:
        kind, minutes = top
        activity = GIVE_ACTIVITY.get(EventKind(kind), EventKind(kind).label)
        give_part = _("Gives %(minutes)s min/week %(activity)s") % {
            "minutes": _whole(minutes / weeks), "activity": activity,
        }
    get_part = _("gets %(minutes)s min/week back") % {"minutes": get_per_week}
    biggest = biggest_missed_get(missed)
    if biggest is not None:
        return _("%(give)s, %(get)s: %(missing)s.") % {
            "give": give_part, "get": get_part, "missing": missed_get_phrase(biggest),
        }
    if not any(m.delivered for m in missed):
        return _("%(give)s, %(get)s: nothing was delivered to them in return.") % {
            "give": give_part, "get": get_part,
        }
    return _("%(give)s, %(get)s.") % {"give": give_part, "get": get_part}


# --- Suggested coaching topic: a small rule table, first match wins --------------------------


@dataclass(frozen=True)
class CoachingSignals:
    """What the rule table looks at for one person."""

    never_opens_digest: bool = False
    avg_entry_seconds: float | None = None
    # (stage, next stage) of the stage where the rep is slowest against the team.
    slowest_stage: tuple[str, str] | None = None
    # The stage where the rep's conversion trails the team the most.
    weakest_conversion_stage: str | None = None


def _topic_digest(signals: CoachingSignals) -> str | None:
    if signals.never_opens_digest:
        return _("Show them the weekly report: what is in it for them and where to find it.")
    return None


def _topic_entry_time(signals: CoachingSignals) -> str | None:
    if signals.avg_entry_seconds is not None and signals.avg_entry_seconds > SLOW_ENTRY_SECONDS:
        return _("Show the quick logging shortcuts: logging takes them %(minutes)s min per entry.") % {
            "minutes": f"{signals.avg_entry_seconds / 60:.1f}",
        }
    return None


def _topic_slow_stage(signals: CoachingSignals) -> str | None:
    if signals.slowest_stage is not None:
        stage, next_stage = signals.slowest_stage
        return _("Practise moving deals from %(stage)s to %(next)s.") % {"stage": stage, "next": next_stage}
    return None


def _topic_conversion(signals: CoachingSignals) -> str | None:
    if signals.weakest_conversion_stage is not None:
        return _("Qualification: which deals in %(stage)s are worth taking forward.") % {
            "stage": signals.weakest_conversion_stage,
        }
    return None


# Adoption first: a person who gets nothing back stops logging, and then no stage figure holds.
TOPIC_RULES: tuple[Callable[[CoachingSignals], str | None], ...] = (
    _topic_digest,
    _topic_entry_time,
    _topic_slow_stage,
    _topic_conversion,
)


def coaching_topic(signals: CoachingSignals) -> str | None:
    """Return the suggested coaching topic from the first rule that matches, or None."""
    for rule in TOPIC_RULES:
        topic = rule(signals)
        if topic is not None:
            return topic
    return None


def slowest_stage(
    comparisons: Mapping[int, StageComparison], stages: Sequence[tuple[int, str]], won_stage_name: str
) -> tuple[str, str] | None:
    """Return (stage, next stage) names where the rep is slowest relative to the team, if slow anywhere.

    `stages` are the open stages in process order as (id, name); the last one leads to won.
    """
    slow = [
        (c.rep.avg_days / c.team.avg_days, index)  # type: ignore[operator]
        for index, (stage_id, _name) in enumerate(stages)
        if (c := comparisons.get(stage_id)) is not None and c.slow
    ]
    if not slow:
        return None
    _ratio, index = max(slow)
    next_name = stages[index + 1][1] if index + 1 < len(stages) else won_stage_name
    return stages[index][1], next_name


def weakest_conversion_stage(
    comparisons: Mapping[int, StageComparison], stages: Sequence[tuple[int, str]]
) -> str | None:
    """Return the stage name where the rep's conversion trails the team the most, if clearly."""
    gaps = [
        (c.team.conversion - c.rep.conversion, name)  # type: ignore[operator]
        for stage_id, name in stages
        if (c := comparisons.get(stage_id)) is not None and c.low_conversion
    ]
    return max(gaps)[1] if gaps else None
