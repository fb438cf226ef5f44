"""No pulse check before a person has been live for a week."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.pulse import rules
from apps.pulse.items import PULSE_ITEMS
from apps.pulse.selectors import pulse_status
from apps.pulse.services import pulse_answer
from apps.roles.models import Membership
from apps.rollout.models import PhaseStatus, RolloutPhase
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_live_long_enough_counts_whole_days() -> None:
    today = dt.date(2026, 3, 10)
    assert not rules.live_long_enough(live_since=None, today=today)
    assert not rules.live_long_enough(live_since=dt.date(2026, 3, 4), today=today)  # 6 days
    assert rules.live_long_enough(live_since=dt.date(2026, 3, 3), today=today)  # 7 days


def test_a_new_person_is_not_asked_and_cannot_answer(world: World) -> None:
    User.objects.filter(pk=world.rita.pk).update(date_joined=timezone.now() - dt.timedelta(days=2))
    world.rita.refresh_from_db()
    status = pulse_status(world.rita)
    assert (status.due, status.may_answer) == (False, False)
    assert status.asked_from == timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(ApplicationError):
        pulse_answer(user_id=world.rita.pk, answers={item.key: 5 for item in PULSE_ITEMS}, form_token="t1")
    page = world.client_for(world.rita).get("/pulse/check/").content.decode()
    assert "starts after your first week" in page


def test_the_go_live_date_decides_when_phases_are_used(world: World) -> None:
    # Joined long ago, but their team's phase went live three days ago: not yet.
    today = timezone.localdate()
    phase = RolloutPhase.objects.create(organisation=world.org, name="P1", order=1, status=PhaseStatus.LIVE,
                                        planned_start=today - dt.timedelta(days=10),
                                        go_live_on=today - dt.timedelta(days=3))
    phase.teams.add(world.north)
    Membership.objects.filter(user=world.rita).update(go_live_on=today - dt.timedelta(days=3))
    assert not pulse_status(world.rita).due
    # Ronja's team is in no phase while phases exist: she is not live, so not asked either.
    assert not pulse_status(world.ronja).due
    Membership.objects.filter(user=world.rita).update(go_live_on=today - dt.timedelta(days=8))
    world.rita.__dict__.pop("_membership_cache", None)
    assert pulse_status(world.rita).due
