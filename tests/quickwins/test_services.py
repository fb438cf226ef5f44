"""Refreshing results (all or some people), milestone rules and deadline nudges."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.quickwins import services
from apps.quickwins.models import Nudge, NudgeKind, QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.roles.models import RoleKind, TeamMember
from apps.usage.kinds import EventKind
from tests import factories
from tests.quickwins.factories import MilestoneFactory, ResultFactory

GO_LIVE = dt.date(2026, 3, 2)


def _live(world: Any, *people: Any) -> None:
    for person in people:
        person.memberships.update(go_live_on=GO_LIVE)


def test_refresh_stores_status_and_days_to_first_value(world: Any) -> None:
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    _live(world, world.rita, world.ronja)
    factories.UsageEventFactory(user=world.rita, kind=EventKind.MEETING_LOGGED,
                                occurred_at=factories.aware(GO_LIVE + dt.timedelta(days=3)))
    # An event before go-live does not count.
    factories.UsageEventFactory(user=world.ronja, kind=EventKind.MEETING_LOGGED,
                                occurred_at=factories.aware(GO_LIVE - dt.timedelta(days=1)))
    services.quickwin_results_refresh(today=GO_LIVE + dt.timedelta(days=5))
    rita = QuickWinResult.objects.get(milestone=milestone, user=world.rita)
    ronja = QuickWinResult.objects.get(milestone=milestone, user=world.ronja)
    assert (rita.status, rita.days_to_first_value, rita.due_on) == (QuickWinStatus.ON_TIME, 3, dt.date(2026, 3, 9))
    assert (ronja.status, ronja.days_to_first_value) == (QuickWinStatus.PENDING, None)


def test_refresh_for_some_users_leaves_the_others_alone(world: Any) -> None:
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    MilestoneFactory(role=world.roles[RoleKind.SERVICE_AGENT], event_kind=EventKind.CASE_LOGGED)
    _live(world, world.rita, world.ronja, world.sam)
    written = services.quickwin_results_refresh(today=GO_LIVE, user_ids=[world.rita.pk])
    assert written == 1
    assert list(QuickWinResult.objects.values_list("milestone_id", "user_id")) == [(milestone.pk, world.rita.pk)]


def test_refresh_drops_results_of_people_who_left_the_role(world: Any) -> None:
    """A moved person's old result would still count in the lead's summary, the gate and the nudges."""
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    _live(world, world.rita, world.ronja)
    services.quickwin_results_refresh(today=GO_LIVE)
    world.ronja.memberships.update(role=world.roles[RoleKind.SERVICE_AGENT])
    world.rita.memberships.update(go_live_on=None)
    services.quickwin_results_refresh(today=GO_LIVE, user_ids=[world.sam.pk])  # someone else: nothing dropped
    assert QuickWinResult.objects.filter(milestone=milestone).count() == 2
    services.quickwin_results_refresh(today=GO_LIVE)
    assert not QuickWinResult.objects.filter(milestone=milestone).exists()


def test_refresh_task_for_users_is_idempotent(world: Any) -> None:
    from apps.quickwins.tasks import refresh_quickwins_for_users

    MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    _live(world, world.rita)
    factories.UsageEventFactory(user=world.rita, kind=EventKind.MEETING_LOGGED,
                                occurred_at=factories.aware(GO_LIVE + dt.timedelta(days=1)))
    refresh_quickwins_for_users.delay(user_ids=[world.rita.pk]).get()
    first = list(QuickWinResult.objects.values_list("user_id", "status", "achieved_at", "days_to_first_value"))
    refresh_quickwins_for_users.delay(user_ids=[world.rita.pk]).get()
    assert list(QuickWinResult.objects.values_list("user_id", "status", "achieved_at", "days_to_first_value")) == first
    assert first[0][1] in {QuickWinStatus.ON_TIME, QuickWinStatus.LATE}  # depends on today, never pending


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"event_kind": "fax_sent"}, "event_kind"),
        ({"event_kind": ""}, "event_kind"),
        ({"due_days": 0}, "due_days"),
        ({"name": "  "}, "name"),
        ({"role": None}, "role"),
    ],
)
def test_milestone_create_rejects_bad_input_and_saves_nothing(world: Any, overrides: dict[str, Any],
                                                              field: str) -> None:
    fields = {"role": world.roles[RoleKind.SALES_REP], "name": "First meeting",
              "event_kind": EventKind.MEETING_LOGGED, "due_days": 7, **overrides}
    with pytest.raises(ValidationError) as caught:
        services.milestone_create(**fields)
    assert field in caught.value.message_dict
    assert not QuickWinMilestone.objects.exists()


def test_unknown_event_kind_message_names_the_kind(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.milestone_create(role=world.roles[RoleKind.SALES_REP], name="x", event_kind="fax_sent", due_days=7)
    assert caught.value.message_dict["event_kind"] == [
        "“fax_sent” is not an event kind we record; choose one from the list."
    ]


def test_milestone_create_rejects_a_second_milestone_for_the_same_kind(world: Any) -> None:
    role = world.roles[RoleKind.SALES_REP]
    services.milestone_create(role=role, name="One", event_kind=EventKind.MEETING_LOGGED, due_days=7)
    with pytest.raises(ValidationError):
        services.milestone_create(role=role, name="Two", event_kind=EventKind.MEETING_LOGGED, due_days=3)
    assert QuickWinMilestone.objects.count() == 1


def test_milestone_update_to_another_role_drops_the_old_results(world: Any) -> None:
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    ResultFactory(milestone=milestone, user=world.rita)
    services.milestone_update(milestone=milestone, role=world.roles[RoleKind.SERVICE_AGENT], name="Case",
                              event_kind=EventKind.CASE_LOGGED, due_days=5)
    assert not QuickWinResult.objects.filter(milestone=milestone, user=world.rita).exists()


def test_nudges_go_to_the_person_and_their_teams_ambassador_once(world: Any) -> None:
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    ambassador = factories.UserFactory(username="anna")
    factories.TeamMemberFactory(team=world.north, user=ambassador, is_ambassador=True)
    today = dt.date(2026, 3, 7)
    ResultFactory(milestone=milestone, user=world.rita, go_live_on=GO_LIVE, due_on=dt.date(2026, 3, 9))
    # ronja (South, no ambassador) is due in three days: too early.
    ResultFactory(milestone=milestone, user=world.ronja, go_live_on=GO_LIVE, due_on=dt.date(2026, 3, 10))

    assert services.deadline_nudges_send(today=today) == 2
    assert services.deadline_nudges_send(today=today) == 0
    assert services.deadline_nudges_send(today=today + dt.timedelta(days=1)) == 1  # ronja's turn now

    rita_nudges = Nudge.objects.filter(about_user=world.rita)
    assert {(n.user.username, n.kind) for n in rita_nudges} == {
        ("rita", NudgeKind.DEADLINE_SOON), ("anna", NudgeKind.AMBASSADOR_DEADLINE_SOON),
    }
    assert "Rita Test's quick win" in rita_nudges.get(user=ambassador).text


def test_no_nudge_for_achieved_or_missed_results(world: Any) -> None:
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    ResultFactory(milestone=milestone, user=world.rita, due_on=dt.date(2026, 3, 9), status=QuickWinStatus.ON_TIME)
    ResultFactory(milestone=milestone, user=world.ronja, due_on=dt.date(2026, 3, 6), status=QuickWinStatus.PENDING)
    assert services.deadline_nudges_send(today=dt.date(2026, 3, 8)) == 0


def test_an_ambassador_is_not_nudged_about_themself(world: Any) -> None:
    TeamMember.objects.filter(user=world.rita).update(is_ambassador=True)
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    ResultFactory(milestone=milestone, user=world.rita, due_on=dt.date(2026, 3, 9))
    assert services.deadline_nudges_send(today=dt.date(2026, 3, 8)) == 1
    assert Nudge.objects.get().kind == NudgeKind.DEADLINE_SOON


def test_mark_read_keeps_the_first_time(world: Any) -> None:
    milestone = MilestoneFactory(role=world.roles[RoleKind.SALES_REP])
    ResultFactory(milestone=milestone, user=world.rita, due_on=dt.date(2026, 3, 9))
    services.deadline_nudges_send(today=dt.date(2026, 3, 8))
    nudge = Nudge.objects.get()
    first = services.nudge_mark_read(nudge=nudge).read_at
    assert first is not None
    assert services.nudge_mark_read(nudge=nudge).read_at == first
