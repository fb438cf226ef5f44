"""Adoption figures, computed set-based in the database over the counted people."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, DateField, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import Lag, Lead, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.adoption.figures import (
    MONTH_DAYS,
    STICKINESS_DAYS,
    WEEK_DAYS,
    ActivityPair,
    Lifecycle,
    frequency_bucket,
    reach_by_day,
    rolling_ratio,
    share,
)
from apps.adoption.impact import Impact, PersonWeeks, phase_impact
from apps.adoption.models import ExcludedPerson, SeatAllowance
from apps.core.periods import week_start
from apps.givegets.models import GiveGetContract
from apps.quickwins.evaluation import median_of_histogram
from apps.quickwins.models import QuickWinResult
from apps.roles.models import Membership, TeamMember
from apps.rollout.impact import ImpactEstimate
from apps.rollout.models import RolloutPhase
from apps.rollout.selectors import STARTED_STATUSES, phase_people
from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import CONTRIBUTION_KINDS, EventKind
from apps.usage.models import DailyRollup, UsageEvent

BUCKETS = ("daily", "weekly", "monthly", "dormant")


def counted_people(*, organisation_id: int) -> QuerySet[User]:
    """Return the people every adoption figure counts: active accounts, not internal or test users.

    This is the one place that leaves people out; every figure starts from it. Both tests
    are correlated EXISTS subqueries (no join that could repeat a person with two
    memberships, no list of excluded ids however many there are).
    """
    return User.objects.filter(
        Exists(Membership.objects.filter(user_id=OuterRef("pk"), organisation_id=organisation_id)),
        ~Exists(ExcludedPerson.objects.filter(user_id=OuterRef("pk"))),
        is_active=True,
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _rollups_between(people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> QuerySet[DailyRollup]:
    """Return the people's daily rollups from first to last day (inclusive).

    A rollup row is one person, local day and kind with at least one event (every kind,
    browser logins included, written in the event's own transaction): "active on a day" is
    "has a rollup row that day", read from one row per kind instead of every event.
    """
    return DailyRollup.objects.filter(user__in=people.values("pk"), day__gte=first_day, day__lte=last_day)


def _events_between(people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> QuerySet[UsageEvent]:
    return UsageEvent.objects.filter(
        user__in=people.values("pk"),
        occurred_at__gte=_day_start(first_day),
        occurred_at__lt=_day_start(last_day + dt.timedelta(days=1)),
    )


def active_days_by_person(*, people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> dict[int, int]:
    """Return {user id: days with at least one usage event} for the people active in the period."""
    rows = (
        _rollups_between(people, first_day, last_day)
        .values("user_id")
        .annotate(days=Count("day", distinct=True))
        .values_list("user_id", "days")
    )
    return dict(rows)


def frequency_buckets(*, people: QuerySet[User], today: dt.date) -> dict[str, int]:
    """Return how many people are daily / weekly / monthly / dormant over the 30 days ending today."""
    active = active_days_by_person(people=people, first_day=today - dt.timedelta(days=29), last_day=today)
    counts = dict.fromkeys(BUCKETS, 0)
    for days in active.values():
        counts[frequency_bucket(days)] += 1
    counts["dormant"] = people.count() - sum(counts[b] for b in BUCKETS if b != "dormant")
    return counts


def weekly_lifecycle(*, people: QuerySet[User], monday: dt.date) -> Lifecycle:
    """Return the lifecycle counts for the week starting `monday`, in one query over the rollups."""
    this_start, next_start = monday, monday + dt.timedelta(days=7)
    last_start = monday - dt.timedelta(days=7)
    own = DailyRollup.objects.filter(user_id=OuterRef("pk"))
    annotated = people.annotate(
        this_week=Exists(own.filter(day__gte=this_start, day__lt=next_start)),
        last_week=Exists(own.filter(day__gte=last_start, day__lt=this_start)),
        first_seen=Subquery(own.order_by("day").values("day")[:1]),
    )
    totals = annotated.aggregate(
        new=Count("pk", filter=Q(this_week=True, first_seen__gte=this_start)),
        returning=Count("pk", filter=Q(this_week=True, last_week=True)),
        resurrecting=Count("pk", filter=Q(this_week=True, last_week=False, first_seen__lt=this_start)),
        dormant=Count("pk", filter=Q(this_week=False, last_week=True)),
    )
    return Lifecycle(**totals)


# --- Stickiness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayActivity:
    """One day's active people, reach and the rolling stickiness ending that day (DESIGN.md)."""

    day: dt.date
    dau: int
    wau: int
    mau: int
    dau_mau: float | None  # 30-day rolling mean of the daily DAU/MAU, 0..1
    wau_mau: float | None  # 30-day rolling mean of the daily WAU/MAU, 0..1


def _activity_pairs(people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> list[ActivityPair]:
    """Return (active day, that person's next active day, people) grouped in the database.

    One GROUP BY user, day over the rollups with LEAD over each person's days, grouped again
    by the pair of days: at most (days in the window)² rows whatever the number of people or events.
    """
    user_days = (
        _rollups_between(people, first_day, last_day)
        .values("user_id", "day")
        .annotate(kinds=Count("pk"))
        .annotate(next_day=Window(Lead("day"), partition_by=[F("user_id")], order_by=F("day").asc()))
        .values("day", "next_day")
    )
    sql, params = user_days.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ud.day, ud.next_day, COUNT(*) FROM ({sql}) ud GROUP BY ud.day, ud.next_day",  # noqa: S608
            params,
        )
        rows = cursor.fetchall()
    return [(_as_date(day), None if nxt is None else _as_date(nxt), int(n)) for day, nxt, n in rows]


def _as_date(value: dt.datetime | dt.date | str) -> dt.date:
    # SQLite hands raw-cursor dates back as text.
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _days(first_day: dt.date, last_day: dt.date) -> list[dt.date]:
    return [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]


def daily_activity(*, people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> list[DayActivity]:
    """Return each day of the period with DAU, WAU, MAU and the rolling DAU/MAU and WAU/MAU.

    The stickiness on a day averages the daily ratios of the 30 days ending that day, whose
    MAU reaches back 30 days further: the events read start 59 days before the period.
    """
    ratio_first = first_day - dt.timedelta(days=STICKINESS_DAYS - 1)
    pairs = _activity_pairs(people, ratio_first - dt.timedelta(days=MONTH_DAYS - 1), last_day)
    dau = reach_by_day(pairs=pairs, first_day=ratio_first, last_day=last_day, window=1)
    wau = reach_by_day(pairs=pairs, first_day=ratio_first, last_day=last_day, window=WEEK_DAYS)
    mau = reach_by_day(pairs=pairs, first_day=ratio_first, last_day=last_day, window=MONTH_DAYS)
    shown = _days(first_day, last_day)
    dau_mau = rolling_ratio(active=dau, reach=mau, days=shown)
    wau_mau = rolling_ratio(active=wau, reach=mau, days=shown)
    return [
        DayActivity(day=d, dau=dau[d], wau=wau[d], mau=mau[d], dau_mau=dau_mau[d], wau_mau=wau_mau[d]) for d in shown
    ]


# --- Active days, seats --------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveDays:
    people: int  # counted people in the group
    active_people: int  # of them, active on at least one day of the period
    active_days: int  # person-days with activity

    @property
    def mean(self) -> float | None:
        """Return the mean active days per counted person (inactive people count as 0)."""
        return self.active_days / self.people if self.people else None


def active_days_summary(*, people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> ActiveDays:
    """Return how many of the people were active in the period and their active days in all."""
    per_person = active_days_by_person(people=people, first_day=first_day, last_day=last_day)
    return ActiveDays(people=people.count(), active_people=len(per_person), active_days=sum(per_person.values()))


def weekly_active_days(*, user_id: int, first_day: dt.date, last_day: dt.date) -> dict[dt.date, int]:
    """Return {Monday: the person's active days that week} for the weeks the period touches."""
    rows = (
        DailyRollup.objects.filter(user_id=user_id, day__gte=first_day, day__lte=last_day)
        .values_list("day", flat=True)
        .distinct()
    )
    weeks = {week_start(first_day) + dt.timedelta(weeks=i): 0 for i in range(_weeks_between(first_day, last_day))}
    for day in rows:
        weeks[week_start(day)] += 1
    return weeks


def _weeks_between(first_day: dt.date, last_day: dt.date) -> int:
    return (week_start(last_day) - week_start(first_day)).days // 7 + 1


@dataclass(frozen=True)
class SeatUse:
    seats: int | None  # None: the lead has not said how many seats are paid for
    active_people: int

    @property
    def pct(self) -> float | None:
        return share(self.active_people, self.seats) if self.seats else None


def seat_utilisation(*, organisation_id: int, active_people: int) -> SeatUse:
    """Return the seats the lead set beside the people active in the period (deactivated ones never count)."""
    allowance = SeatAllowance.objects.filter(organisation_id=organisation_id).values_list("seats", flat=True).first()
    return SeatUse(seats=allowance, active_people=active_people)


# --- Core-event adoption ------------------------------------------------------------------


@dataclass(frozen=True)
class CoreEventRow:
    role: str
    give_kind: str
    give_label: str
    people: int  # the role's counted people in the group
    did: int  # of them, those who did the give at least once in the period

    @property
    def pct(self) -> float | None:
        return share(self.did, self.people)


def core_event_adoption(*, people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> list[CoreEventRow]:
    """Return, per role and contracted give, the share of the role's people who did it in the period.

    Two grouped queries: the people per role, and the distinct people per role and kind.
    """
    role_people = dict(
        Membership.objects.filter(user__in=people.values("pk")).values("role_id").annotate(n=Count("user_id"))
        .values_list("role_id", "n")
    )
    contracts = (
        GiveGetContract.objects.filter(role_id__in=role_people, is_active=True)
        .values("role_id", "role__name", "give_kind").distinct().order_by("role__name", "give_kind")
    )
    kinds = {c["give_kind"] for c in contracts}
    did = {
        (row["user__memberships__role_id"], row["kind"]): row["n"]
        for row in _rollups_between(people, first_day, last_day)
        .filter(kind__in=kinds)
        .values("user__memberships__role_id", "kind")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    }
    labels = dict(EventKind.choices)
    return [
        CoreEventRow(
            role=c["role__name"], give_kind=c["give_kind"], give_label=str(labels.get(c["give_kind"], c["give_kind"])),
            people=role_people[c["role_id"]], did=did.get((c["role_id"], c["give_kind"]), 0),
        )
        for c in contracts
    ]


# --- Retention by go-live cohort -----------------------------------------------------------

RETENTION_OFFSETS = (1, 2, 4, 8, 12)
RETENTION_COHORTS = 12


@dataclass(frozen=True)
class RetentionCell:
    weeks_later: int
    active: int | None  # None: that week has not ended yet


@dataclass(frozen=True)
class CohortRetention:
    monday: dt.date  # the go-live week
    people: int
    cells: list[RetentionCell]


def retention_by_cohort(
    *, people: QuerySet[User], last_day: dt.date, offsets: Sequence[int] = RETENTION_OFFSETS,
    cohorts: int = RETENTION_COHORTS,
) -> list[CohortRetention]:
    """Return the go-live week cohorts (the latest `cohorts`) and how many were active N weeks later.

    A person's go-live is their membership's go-live date (set from the phase that covers
    them). Week N counts only once it has ended by `last_day`; two grouped queries.
    """
    first_monday = week_start(last_day) - dt.timedelta(weeks=cohorts - 1)
    members = Membership.objects.filter(
        user__in=people.values("pk"), go_live_on__gte=first_monday, go_live_on__lte=last_day
    )
    sizes = dict(
        members.annotate(week=TruncWeek("go_live_on")).values("week").annotate(n=Count("user_id"))
        .values_list("week", "n")
    )
    if not sizes:
        return []
    # Each person's weeks with activity first (one row per person and week, hashed), then
    # counted per cohort and week: no distinct count sorting every rollup row.
    person_weeks = (
        DailyRollup.objects.filter(user__in=members.values("user_id"), day__gte=first_monday, day__lte=last_day)
        .annotate(
            cohort=TruncWeek("user__memberships__go_live_on", output_field=DateField()),
            week=TruncWeek("day", output_field=DateField()),
        )
        .values("user_id", "cohort", "week")
        .distinct()
        .order_by()
    )
    sql, params = person_weeks.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pw.cohort, pw.week, COUNT(*) FROM ({sql}) pw GROUP BY pw.cohort, pw.week",  # noqa: S608
            params,
        )
        active = {(_as_date(cohort), _as_date(week)): int(n) for cohort, week, n in cursor.fetchall()}
    result = []
    for monday, size in sorted((_as_date(k), v) for k, v in sizes.items()):
        cells = []
        for n in offsets:
            week = monday + dt.timedelta(weeks=n)
            ended = week + dt.timedelta(days=6) <= last_day
            cells.append(RetentionCell(weeks_later=n, active=active.get((monday, week), 0) if ended else None))
        result.append(CohortRetention(monday=monday, people=size, cells=cells))
    return result


# --- Time to first value ------------------------------------------------------------------


@dataclass(frozen=True)
class FirstValueRow:
    role: str
    waiting: int  # live people with a quick win still to reach
    histogram: dict[int, int]  # days from go-live to the first quick win → people
    median: float | None

    @property
    def reached(self) -> int:
        return sum(self.histogram.values())


def time_to_first_value(*, people: QuerySet[User], last_day: dt.date) -> list[FirstValueRow]:
    """Return per role the days from go-live to each person's first achieved quick win, and the median.

    One grouped query returns each person's earliest achievement (or none yet) for people
    live by `last_day`; the histogram is counted on those per-person rows.
    """
    per_person = (
        QuickWinResult.objects.filter(user__in=people.values("pk"), go_live_on__lte=last_day)
        .values("milestone__role__name", "user_id")
        .annotate(first=Min("days_to_first_value"))
        .order_by()
    )
    rows: dict[str, tuple[dict[int, int], list[int]]] = {}
    for row in per_person:
        histogram, waiting = rows.setdefault(row["milestone__role__name"], ({}, [0]))
        if row["first"] is None:
            waiting[0] += 1
        else:
            histogram[row["first"]] = histogram.get(row["first"], 0) + 1
    return [
        FirstValueRow(role=role, waiting=waiting[0], histogram=histogram, median=median_of_histogram(histogram))
        for role, (histogram, waiting) in sorted(rows.items())
    ]


@dataclass(frozen=True)
class OwnGive:
    label: str
    times: int


def own_gives(*, user_id: int, first_day: dt.date, last_day: dt.date) -> list[OwnGive]:
    """Return the gives the person's role contracts for, and how often they did each in the period."""
    kinds = list(
        GiveGetContract.objects.filter(role__memberships__user_id=user_id, is_active=True)
        .values_list("give_kind", flat=True).distinct().order_by("give_kind")
    )
    done = dict(
        DailyRollup.objects.filter(user_id=user_id, kind__in=kinds, day__gte=first_day, day__lte=last_day)
        .values("kind").annotate(n=Sum("events")).order_by().values_list("kind", "n")
    )
    labels = dict(EventKind.choices)
    return [OwnGive(label=str(labels.get(kind, kind)), times=done.get(kind, 0)) for kind in kinds]


def own_first_value(*, user_id: int) -> int | None:
    """Return the days from go-live to the person's first achieved quick win (None: not yet)."""
    first: int | None = QuickWinResult.objects.filter(user_id=user_id).aggregate(first=Min("days_to_first_value"))[
        "first"
    ]
    return first


def team_people(*, people: QuerySet[User], team_id: int) -> QuerySet[User]:
    """Return the counted people who are members (not managers) of the team."""
    return people.filter(pk__in=TeamMember.objects.filter(team_id=team_id, is_manager=False).values("user_id"))


def role_people(*, people: QuerySet[User], role_id: int) -> QuerySet[User]:
    """Return the counted people who hold the role."""
    return people.filter(pk__in=Membership.objects.filter(role_id=role_id).values("user_id"))


def covered_people(*, people: QuerySet[User], phase: RolloutPhase) -> QuerySet[User]:
    """Return the counted people the phase covers (its teams' members and its roles' holders)."""
    return people.filter(pk__in=phase_people(phase).values("pk"))


# --- Phase impact -------------------------------------------------------------------------

IMPACT_WEEKS = 4  # weeks compared on each side of the go-live week


@dataclass(frozen=True)
class PhaseImpactReport:
    before: list[dt.date]  # the Mondays compared before the go-live week
    after: list[dt.date]  # the closed Mondays compared after it
    net_minutes: Impact | None  # None: not enough evidence yet
    active_share: Impact | None  # in percentage points


def _person_weeks(values: dict[int, dict[dt.date, float]], people: Sequence[int], before: list[dt.date],
                  after: list[dt.date]) -> list[PersonWeeks]:
    return [
        PersonWeeks(
            before=[values[p][w] for w in before if w in values.get(p, {})],
            after=[values[p][w] for w in after if w in values.get(p, {})],
        )
        for p in people
    ]


def phase_impact_report(*, phase: RolloutPhase, today: dt.date) -> PhaseImpactReport | None:
    """Return the phase's difference-in-differences against the people not yet live, or None before go-live.

    Weeks: up to four closed weeks before the go-live week and up to four after it (the
    go-live week itself is mixed and the week in progress is not over, so neither counts).
    Phase people: the counted people the phase covers. Comparison: the other counted people
    whose own go-live is after the last compared week (or not set), so they were not live
    in any compared week. Net minutes per person-week come from the weekly score snapshots
    (get − give of that week alone); active share from whether the person had a usage event.
    """
    if phase.status not in STARTED_STATUSES:
        return None
    go_live_monday = week_start(phase.go_live_on)
    last_closed = week_start(today) - dt.timedelta(weeks=1)
    before = [go_live_monday - dt.timedelta(weeks=n) for n in range(IMPACT_WEEKS, 0, -1)]
    after = [go_live_monday + dt.timedelta(weeks=n) for n in range(1, IMPACT_WEEKS + 1)]
    after = [w for w in after if w <= last_closed]
    if not after:
        return PhaseImpactReport(before=before, after=[], net_minutes=None, active_share=None)
    counted = counted_people(organisation_id=phase.organisation_id)
    treated = covered_people(people=counted, phase=phase)
    not_live_until = after[-1] + dt.timedelta(days=7)
    comparison = counted.exclude(pk__in=treated.values("pk")).filter(
        Q(memberships__go_live_on__isnull=True) | Q(memberships__go_live_on__gte=not_live_until),
        memberships__organisation_id=phase.organisation_id,
    )
    treated_ids = list(treated.values_list("pk", flat=True))
    comparison_ids = list(comparison.values_list("pk", flat=True))
    weeks = before + after
    net: dict[int, dict[dt.date, float]] = {}
    for user_id, monday, get_minutes, give_minutes in ScoreSnapshot.objects.filter(
        user_id__in=treated_ids + comparison_ids, period_start__in=weeks
    ).values_list("user_id", "period_start", "get_minutes", "give_minutes"):
        net.setdefault(user_id, {})[monday] = float(get_minutes - give_minutes)
    active_weeks = set(
        DailyRollup.objects.filter(
            user_id__in=treated_ids + comparison_ids, day__gte=weeks[0], day__lt=not_live_until
        )
        .annotate(week=TruncWeek("day", output_field=DateField()))
        .values_list("user_id", "week")
        .distinct()
    )
    active = {
        p: {w: 100.0 if (p, w) in active_weeks else 0.0 for w in weeks} for p in treated_ids + comparison_ids
    }
    return PhaseImpactReport(
        before=before,
        after=after,
        net_minutes=phase_impact(
            phase=_person_weeks(net, treated_ids, before, after),
            comparison=_person_weeks(net, comparison_ids, before, after),
        ),
        active_share=phase_impact(
            phase=_person_weeks(active, treated_ids, before, after),
            comparison=_person_weeks(active, comparison_ids, before, after),
        ),
    )


# --- Adoption health: gaming and garbage-data signals (aggregate only) --------------------

# Bulk logging: BULK_ENTRIES CRM entries by one person within BULK_MINUTES minutes — typing
# the week in afterwards to satisfy a count, rather than logging as work happens.
BULK_ENTRIES = 10
BULK_MINUTES = 10


def bulk_loggers(*, people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> tuple[set[int], set[int]]:
    """Return (people who logged CRM entries in the period, those of them who logged in a burst).

    A burst: an entry whose ninth entry before it (same person) is at most ten minutes
    earlier. LAG over each person's entries in the database; only the ids come back.
    """
    entries = _events_between(people, first_day, last_day).filter(kind__in=CONTRIBUTION_KINDS)
    loggers = set(entries.values_list("user_id", flat=True).distinct())
    burst_rows = (
        entries.annotate(
            earlier=Window(
                Lag("occurred_at", offset=BULK_ENTRIES - 1), partition_by=[F("user_id")],
                order_by=F("occurred_at").asc(),
            )
        )
        .filter(earlier__gte=F("occurred_at") - dt.timedelta(minutes=BULK_MINUTES))
        .values_list("user_id", flat=True)
    )
    return loggers, set(burst_rows)


def group_members(*, organisation_id: int, people: QuerySet[User]) -> dict[str, set[int]]:
    """Return {"Team: …" / "Role: …": ids of these people in it} (team members, not managers); two queries."""
    groups: dict[str, set[int]] = {}
    for name, user_id in TeamMember.objects.filter(
        team__organisation_id=organisation_id, is_manager=False, user__in=people.values("pk")
    ).values_list("team__name", "user_id"):
        groups.setdefault(str(_("Team: %(name)s") % {"name": name}), set()).add(user_id)
    for name, user_id in Membership.objects.filter(
        organisation_id=organisation_id, user__in=people.values("pk")
    ).values_list("role__name", "user_id"):
        groups.setdefault(str(_("Role: %(name)s") % {"name": name}), set()).add(user_id)
    return groups


@dataclass(frozen=True)
class HealthRow:
    group: str
    loggers: int  # people in the group who logged CRM entries in the period
    bulk: int  # of them, people with at least one burst

    @property
    def pct(self) -> float | None:
        return share(self.bulk, self.loggers)


def bulk_logging_by_group(
    *, people: QuerySet[User], organisation_id: int, first_day: dt.date, last_day: dt.date
) -> list[HealthRow]:
    """Return the share of loggers with a burst, per team and per role (never who)."""
    loggers, bulk = bulk_loggers(people=people, first_day=first_day, last_day=last_day)
    groups = group_members(organisation_id=organisation_id, people=people.filter(pk__in=loggers))
    return [
        HealthRow(group=name, loggers=len(members), bulk=len(members & bulk))
        for name, members in sorted(groups.items())
    ]


def phase_impact_estimate(phase: RolloutPhase, today: dt.date) -> ImpactEstimate | None:
    """Answer `apps.rollout.impact`: the phase's effect on net minutes a week, for its gate."""
    report = phase_impact_report(phase=phase, today=today)
    if report is None or report.net_minutes is None:
        return None
    impact = report.net_minutes
    return ImpactEstimate(minutes_per_week=impact.estimate, low=impact.low, high=impact.high)
