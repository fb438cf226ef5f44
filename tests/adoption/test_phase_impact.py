"""Phase impact from stored score snapshots: a known effect, no effect, too few people, and the page."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.adoption.models import ExcludedPerson
from apps.adoption.selectors import phase_impact_report
from apps.core.periods import week_start
from apps.roles.models import Organisation, RoleKind, Team
from apps.rollout.models import PhaseStatus, RolloutPhase
from tests import factories
from tests.rollout.factories import PhaseFactory, snapshot

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 31)  # Tuesday; the last closed week starts 23 Mar
GO_LIVE = dt.date(2026, 2, 18)  # a Wednesday in the week of 16 Feb
BEFORE = [dt.date(2026, 1, 19) + dt.timedelta(weeks=i) for i in range(4)]  # 19 Jan .. 9 Feb
GO_LIVE_WEEK = dt.date(2026, 2, 16)
AFTER = [dt.date(2026, 2, 23) + dt.timedelta(weeks=i) for i in range(4)]  # 23 Feb .. 16 Mar


def _team(org: Organisation, name: str, people: int, *, before: float, after: float,
          go_live_on: dt.date | None = None, weeks: tuple[list[dt.date], list[dt.date]] = (BEFORE, AFTER),
          go_live_week: dt.date = GO_LIVE_WEEK) -> Team:
    team = factories.TeamFactory(organisation=org, name=name)
    for i in range(people):
        membership = factories.MembershipFactory(user__username=f"{name}{i}", role__organisation=org,
                                                 role__kind=RoleKind.SALES_REP, go_live_on=go_live_on)
        factories.TeamMemberFactory(team=team, user=membership.user)
        base = 10 * i  # people differ; the method compares each person with themself
        for monday in weeks[0]:
            snapshot(membership.user, net=int(base + before), monday=monday)
        for monday in weeks[1]:
            snapshot(membership.user, net=int(base + after), monday=monday)
        snapshot(membership.user, net=-500, monday=go_live_week)  # the go-live week is left out
    return team


def _phase(org: Organisation, team: Team) -> RolloutPhase:
    return PhaseFactory(organisation=org, teams=[team], status=PhaseStatus.LIVE,
                        planned_start=GO_LIVE - dt.timedelta(days=7), go_live_on=GO_LIVE)


def test_a_known_effect_is_estimated_from_the_snapshots() -> None:
    org = factories.OrganisationFactory()
    # Everyone gains 5 min a week from a common trend; the portion's people 24 more.
    live = _team(org, "live", 6, before=3, after=3 + 5 + 24, go_live_on=GO_LIVE)
    _team(org, "later", 6, before=7, after=7 + 5, go_live_on=dt.date(2026, 5, 4))
    report = phase_impact_report(phase=_phase(org, live), today=TODAY)
    assert report is not None
    assert report.before == BEFORE
    assert report.after == AFTER[:4]
    impact = report.net_minutes
    assert impact is not None
    assert impact.estimate == pytest.approx(24)
    assert (impact.low, impact.high) == (pytest.approx(24), pytest.approx(24))  # no noise: no spread
    assert (impact.phase_people, impact.comparison_people) == (6, 6)


def test_no_effect_covers_zero_and_people_live_in_the_window_are_no_comparison() -> None:
    org = factories.OrganisationFactory()
    live = _team(org, "live", 6, before=0, after=5, go_live_on=GO_LIVE)
    _team(org, "later", 6, before=0, after=5)
    # Live in the compared weeks themselves (a week after the phase): they would dilute the comparison.
    _team(org, "alsolive", 5, before=0, after=100, go_live_on=dt.date(2026, 3, 2))
    report = phase_impact_report(phase=_phase(org, live), today=TODAY)
    assert report is not None
    assert report.net_minutes is not None
    assert report.net_minutes.comparison_people == 6
    assert report.net_minutes.low <= 0 <= report.net_minutes.high


def test_fewer_than_five_comparison_people_is_not_enough_evidence() -> None:
    org = factories.OrganisationFactory()
    live = _team(org, "live", 6, before=0, after=30, go_live_on=GO_LIVE)
    later = _team(org, "later", 5, before=0, after=0)
    ExcludedPerson.objects.create(user=later.members.first(), reason="test account")  # 4 left
    report = phase_impact_report(phase=_phase(org, live), today=TODAY)
    assert report is not None
    assert report.net_minutes is None


def test_a_phase_not_yet_live_has_no_impact_and_one_without_a_finished_week_has_no_evidence() -> None:
    org = factories.OrganisationFactory()
    team = _team(org, "live", 6, before=0, after=0)
    planned = PhaseFactory(organisation=org, teams=[team], status=PhaseStatus.PLANNED)
    assert phase_impact_report(phase=planned, today=TODAY) is None
    fresh = PhaseFactory(organisation=org, teams=[team], status=PhaseStatus.LIVE,
                         planned_start=TODAY - dt.timedelta(days=7), go_live_on=TODAY - dt.timedelta(days=1))
    report = phase_impact_report(phase=fresh, today=TODAY)
    assert report is not None
    assert (report.after, report.net_minutes) == ([], None)


def test_active_share_difference_in_percentage_points() -> None:
    org = factories.OrganisationFactory()
    live = _team(org, "live", 5, before=0, after=0, go_live_on=GO_LIVE)
    _team(org, "later", 5, before=0, after=0)
    for person in live.members.all():
        for monday in AFTER[:2]:  # active in two of the four weeks after, never before
            factories.UsageEventFactory(user=person, occurred_at=factories.aware(monday))
    report = phase_impact_report(phase=_phase(org, live), today=TODAY)
    assert report is not None
    assert report.active_share is not None
    assert report.active_share.estimate == pytest.approx(50)  # (50 − 0) − (0 − 0) points


def test_the_leads_phase_page_says_what_the_portion_saved() -> None:
    org = factories.OrganisationFactory()
    lead = factories.MembershipFactory(role__organisation=org, role__kind=RoleKind.PROJECT_LEAD).user
    today = timezone.localdate()
    go_live = week_start(today) - dt.timedelta(weeks=5) + dt.timedelta(days=2)
    weeks = (
        [week_start(go_live) - dt.timedelta(weeks=n) for n in range(4, 0, -1)],
        [week_start(go_live) + dt.timedelta(weeks=n) for n in range(1, 5)],
    )
    live = _team(org, "live", 6, before=0, after=24, go_live_on=go_live, weeks=weeks, go_live_week=week_start(go_live))
    _team(org, "later", 6, before=0, after=0, weeks=weeks, go_live_week=week_start(go_live))
    phase = PhaseFactory(organisation=org, teams=[live], status=PhaseStatus.LIVE,
                         planned_start=go_live - dt.timedelta(days=7), go_live_on=go_live)
    browser = Client()
    browser.force_login(lead)
    body = browser.get(f"/rollout/{phase.pk}/").content.decode()
    assert "This portion saved its people about 24 min a week (95 % CI 24 to 24)" in body
