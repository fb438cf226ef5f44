"""Stickiness, active days, seats, core events, retention and time to first value, by hand."""

import datetime as dt
from statistics import fmean

import pytest
from django.utils import timezone

from apps.adoption.figures import reach_by_day, rolling_ratio
from apps.adoption.models import ExcludedPerson
from apps.adoption.selectors import (
    active_days_summary,
    bulk_loggers,
    bulk_logging_by_group,
    core_event_adoption,
    counted_people,
    daily_activity,
    retention_by_cohort,
    seat_utilisation,
    time_to_first_value,
    weekly_active_days,
)
from apps.adoption.services import seats_set
from apps.quickwins.models import QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.roles.models import Organisation, Role, RoleKind
from apps.usage.kinds import EventKind
from tests import factories

TODAY = dt.date(2026, 3, 31)  # a Tuesday
D1 = dt.date(2026, 3, 1)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _person(org: Organisation, name: str, days: list[dt.date], *, role: Role | None = None,
            kind: str = EventKind.CALL_LOGGED, go_live_on: dt.date | None = None) -> int:
    extra = {"role": role} if role else {"role__organisation": org}
    membership = factories.MembershipFactory(user__username=name, go_live_on=go_live_on, **extra)
    for day in days:
        factories.UsageEventFactory(user=membership.user, occurred_at=_at(day, 9), kind=kind)
        factories.UsageEventFactory(user=membership.user, occurred_at=_at(day, 15), kind=kind)
    return int(membership.user_id)


def _back(*offsets: int) -> list[dt.date]:
    return [TODAY - dt.timedelta(days=o) for o in offsets]


# --- pure ---------------------------------------------------------------------------------


def test_reach_counts_each_person_once_per_day() -> None:
    d = [D1 + dt.timedelta(days=i) for i in range(5)]
    # A active on days 1 and 3, B on day 2; a 2-day window.
    pairs = [(d[0], d[2], 1), (d[2], None, 1), (d[1], None, 1)]
    reach = reach_by_day(pairs=pairs, first_day=d[0], last_day=d[4], window=2)
    assert [reach[x] for x in d] == [1, 2, 2, 1, 0]


def test_reach_carries_people_active_before_the_first_day_shown() -> None:
    early = D1 - dt.timedelta(days=3)
    reach = reach_by_day(pairs=[(early, None, 4)], first_day=D1, last_day=D1 + dt.timedelta(days=1), window=4)
    assert reach == {D1: 4, D1 + dt.timedelta(days=1): 0}  # covers early .. early+3 = D1


def test_rolling_ratio_skips_days_nobody_could_be_active_and_says_unknown_when_none() -> None:
    d0, d1 = D1, D1 + dt.timedelta(days=1)
    result = rolling_ratio(active={d0: 1, d1: 0}, reach={d0: 2, d1: 0}, days=[d0, d1], window=2)
    assert result == {d0: 0.5, d1: 0.5}  # d1 has no reach: left out, not counted as 0
    assert rolling_ratio(active={}, reach={}, days=[d0], window=30) == {d0: None}


# --- database -----------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_stickiness_by_hand_and_against_a_brute_force_count() -> None:
    org = factories.OrganisationFactory()
    every_day = _back(*range(59))
    _person(org, "always", every_day)
    _person(org, "once", _back(10))
    _person(org, "never", [])
    [today] = daily_activity(people=counted_people(organisation_id=org.pk), first_day=TODAY, last_day=TODAY)
    # DAU/MAU: 19 days of 1/1, T-10 2/2, then 10 days of 1/2 → 25/30.
    assert today.dau_mau == pytest.approx(25 / 30)
    # WAU/MAU: 19 days 1/1, T-10..T-4 2/2 (7 days), T-3..T 1/2 (4 days) → 28/30.
    assert today.wau_mau == pytest.approx(28 / 30)
    assert (today.dau, today.wau, today.mau) == (1, 1, 2)

    # An independent count straight from the people's active days.
    active = {"always": set(every_day), "once": set(_back(10))}

    def reach(day: dt.date, window: int) -> int:
        return sum(any(day - dt.timedelta(days=b) in days for b in range(window)) for days in active.values())

    window = _back(*range(30))
    assert today.dau_mau == pytest.approx(fmean(reach(x, 1) / reach(x, 30) for x in window))
    assert today.wau_mau == pytest.approx(fmean(reach(x, 7) / reach(x, 30) for x in window))


@pytestmark_db
def test_stickiness_leaves_out_test_users_and_has_no_figure_without_anyone_active() -> None:
    org = factories.OrganisationFactory()
    tester = _person(org, "tester", _back(0, 1, 2))
    ExcludedPerson.objects.create(user_id=tester)
    _person(org, "quiet", [])
    [today] = daily_activity(people=counted_people(organisation_id=org.pk), first_day=TODAY, last_day=TODAY)
    assert (today.dau, today.mau, today.dau_mau, today.wau_mau) == (0, 0, None, None)


@pytestmark_db
def test_active_days_summary_and_seats() -> None:
    org = factories.OrganisationFactory()
    _person(org, "three", _back(0, 1, 2))
    _person(org, "one", _back(5))
    _person(org, "before", _back(40))  # outside the 30-day period
    gone = _person(org, "gone", _back(0))
    factories.UserFactory._meta.model.objects.filter(pk=gone).update(is_active=False)
    summary = active_days_summary(
        people=counted_people(organisation_id=org.pk), first_day=TODAY - dt.timedelta(days=29), last_day=TODAY
    )
    assert (summary.people, summary.active_people, summary.active_days) == (3, 2, 4)
    assert summary.mean == pytest.approx(4 / 3)

    assert seat_utilisation(organisation_id=org.pk, active_people=2).pct is None  # no seats set yet
    seats_set(organisation_id=org.pk, seats=8)
    seats_set(organisation_id=org.pk, seats=5)  # setting again replaces
    use = seat_utilisation(organisation_id=org.pk, active_people=summary.active_people)
    assert (use.seats, use.pct) == (5, 40.0)  # 2 active of 5 seats; the deactivated person is no seat


@pytestmark_db
def test_weekly_active_days_for_one_person() -> None:
    org = factories.OrganisationFactory()
    me = _person(org, "me", _back(0, 1, 7, 8, 9))  # Tue+Mon this week; Mon, Sun, Sat before
    weeks = weekly_active_days(user_id=me, first_day=TODAY - dt.timedelta(days=13), last_day=TODAY)
    # Sun 22 Mar in the week of 16 Mar; Mon 23 + Tue 24; Mon 30 + Tue 31.
    assert weeks == {dt.date(2026, 3, 16): 1, dt.date(2026, 3, 23): 2, dt.date(2026, 3, 30): 2}


@pytestmark_db
def test_core_event_adoption_is_the_share_of_the_roles_people_who_did_each_give() -> None:
    org = factories.OrganisationFactory()
    reps = factories.RoleFactory(organisation=org, kind=RoleKind.SALES_REP)
    agents = factories.RoleFactory(organisation=org, kind=RoleKind.SERVICE_AGENT)
    factories.ContractFactory(role=reps, give_kind=EventKind.CALL_LOGGED)
    factories.ContractFactory(role=reps, give_kind=EventKind.MEETING_LOGGED, get_kind="next_action")
    factories.ContractFactory(role=agents, give_kind=EventKind.CASE_LOGGED, is_active=False)  # retired
    _person(org, "r1", _back(0, 3), role=reps)
    _person(org, "r2", _back(1), role=reps)
    _person(org, "r3", _back(45), role=reps)  # called, but before the period
    _person(org, "r4", _back(2), role=reps, kind=EventKind.MEETING_LOGGED)
    _person(org, "a1", _back(0), role=agents, kind=EventKind.CALL_LOGGED)
    rows = core_event_adoption(
        people=counted_people(organisation_id=org.pk), first_day=TODAY - dt.timedelta(days=29), last_day=TODAY
    )
    assert [(r.role, r.give_kind, r.did, r.people) for r in rows] == [
        ("Sales rep", EventKind.CALL_LOGGED, 2, 4),
        ("Sales rep", EventKind.MEETING_LOGGED, 1, 4),
    ]
    assert rows[0].pct == 50.0


@pytestmark_db
def test_retention_by_go_live_cohort() -> None:
    org = factories.OrganisationFactory()
    cohort_a = dt.date(2026, 3, 2)  # Monday; week +1 = 9 Mar, +2 = 16 Mar, +4 = 30 Mar (not ended)
    cohort_b = dt.date(2026, 3, 18)  # a Wednesday: its cohort week is Monday 16 Mar
    _person(org, "a1", [dt.date(2026, 3, 10), dt.date(2026, 3, 17)], go_live_on=cohort_a)
    _person(org, "a2", [dt.date(2026, 3, 11)], go_live_on=cohort_a)
    _person(org, "a3", [], go_live_on=cohort_a)
    _person(org, "b1", [dt.date(2026, 3, 24)], go_live_on=cohort_b)
    _person(org, "never_live", [dt.date(2026, 3, 10)])
    rows = retention_by_cohort(people=counted_people(organisation_id=org.pk), last_day=TODAY, offsets=(1, 2, 4))
    assert [(r.monday, r.people, [c.active for c in r.cells]) for r in rows] == [
        (cohort_a, 3, [2, 1, None]),
        (dt.date(2026, 3, 16), 1, [1, None, None]),
    ]


@pytestmark_db
def test_time_to_first_value_per_role_with_its_median() -> None:
    org = factories.OrganisationFactory()
    reps = factories.RoleFactory(organisation=org, kind=RoleKind.SALES_REP)
    first = QuickWinMilestone.objects.create(role=reps, name="First call", event_kind=EventKind.CALL_LOGGED)
    second = QuickWinMilestone.objects.create(role=reps, name="First meeting", event_kind=EventKind.MEETING_LOGGED)
    live = dt.date(2026, 3, 2)

    def result(user_id: int, milestone: QuickWinMilestone, days: int | None) -> None:
        QuickWinResult.objects.create(
            milestone=milestone, user_id=user_id, go_live_on=live, due_on=live + dt.timedelta(days=7),
            days_to_first_value=days, status=QuickWinStatus.PENDING if days is None else QuickWinStatus.ON_TIME,
        )

    a, b, c, d = (_person(org, n, [], role=reps, go_live_on=live) for n in "abcd")
    result(a, first, 2)
    result(a, second, 1)  # the earliest of a person's quick wins is their first value: 1
    result(b, first, 3)
    result(c, first, 6)
    result(d, first, None)  # still waiting
    [row] = time_to_first_value(people=counted_people(organisation_id=org.pk), last_day=TODAY)
    assert (row.role, row.histogram, row.reached, row.waiting, row.median) == ("Sales rep", {1: 1, 3: 1, 6: 1}, 3, 1, 3)


@pytestmark_db
def test_bulk_logging_needs_ten_entries_within_ten_minutes() -> None:
    org = factories.OrganisationFactory()
    team = factories.TeamFactory(organisation=org, name="North")
    start = _at(TODAY - dt.timedelta(days=4), 16)

    def logger(name: str, entries: int, every_seconds: int, kind: str = EventKind.CALL_LOGGED) -> int:
        user = factories.MembershipFactory(user__username=name, role__organisation=org).user
        factories.TeamMemberFactory(team=team, user=user)
        for n in range(entries):
            factories.UsageEventFactory(user=user, kind=kind, occurred_at=start + dt.timedelta(seconds=n * every_seconds))
        return int(user.pk)

    burst = logger("burst", 10, 60)  # ten entries in nine minutes
    logger("steady", 10, 120)  # ten entries over eighteen minutes: no burst
    logger("nine", 9, 5)  # nine quick entries are not ten
    logger("reader", 30, 1, kind=EventKind.RECORD_VIEWED)  # reading is no entry
    people = counted_people(organisation_id=org.pk)
    loggers, bulk = bulk_loggers(people=people, first_day=TODAY - dt.timedelta(days=6), last_day=TODAY)
    assert (len(loggers), bulk) == (3, {burst})
    rows = bulk_logging_by_group(people=people, organisation_id=org.pk, first_day=TODAY - dt.timedelta(days=6),
                                 last_day=TODAY)
    assert [(r.group, r.loggers, r.bulk) for r in rows] == [("Role: Sales rep", 3, 1), ("Team: North", 3, 1)]
