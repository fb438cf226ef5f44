import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.people import services
from apps.quickwins.models import QuickWinMilestone, QuickWinResult
from apps.roles.models import Membership, RoleKind
from apps.rollout.models import PhaseStatus, RolloutPhase
from apps.usage.models import EventKind
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _live_phase(world: World, go_live_on: dt.date) -> RolloutPhase:
    phase = RolloutPhase.objects.create(organisation=world.org, name="Phase 1", order=1,
                                        planned_start=go_live_on - dt.timedelta(days=14), go_live_on=go_live_on,
                                        status=PhaseStatus.LIVE)
    phase.teams.add(world.north)
    return phase


def test_a_newcomer_to_a_live_team_gets_a_go_live_date_and_a_quick_win_with_a_due_date(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    _live_phase(world, today - dt.timedelta(days=30))
    QuickWinMilestone.objects.create(role=world.roles[RoleKind.SALES_REP], name="First meeting logged",
                                     event_kind=EventKind.MEETING_LOGGED, due_days=7)
    with django_capture_on_commit_callbacks(execute=True):
        nina = services.person_add(organisation_id=world.org.pk, email="nina@x.dk", full_name="Nina N",
                                   role_id=world.roles[RoleKind.SALES_REP].pk, team_id=world.north.pk)

    assert Membership.objects.get(user=nina).go_live_on == today  # never in the past for a newcomer
    result = QuickWinResult.objects.get(user=nina)
    assert result.due_on == today + dt.timedelta(days=7)
    page = world.client_for(nina).get("/quickwins/").content.decode()
    assert "Starts when your go-live date is set" not in page


def test_no_date_while_the_phase_is_planned_and_a_set_date_is_kept(world: World) -> None:
    today = timezone.localdate()
    phase = _live_phase(world, today + dt.timedelta(days=10))
    phase.status = PhaseStatus.PLANNED
    phase.save()
    nina = services.person_add(organisation_id=world.org.pk, email="nina@x.dk", full_name="Nina N",
                               role_id=world.roles[RoleKind.SALES_REP].pk, team_id=world.north.pk)
    assert Membership.objects.get(user=nina).go_live_on is None

    phase.status = PhaseStatus.LIVE
    phase.save()
    Membership.objects.filter(user=world.ronja).update(go_live_on=today - dt.timedelta(days=3))
    services.team_membership_set(user_id=world.ronja.pk, team_id=world.north.pk, is_manager=False)
    assert Membership.objects.get(user=world.ronja).go_live_on == today - dt.timedelta(days=3)
