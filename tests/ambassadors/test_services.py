"""Kudos, nominating ambassadors and pilot go-lives."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from apps.ambassadors.models import Kudos
from apps.ambassadors.services import ambassador_pilot_set, ambassador_set, kudos_give, kudos_read
from apps.core.errors import ApplicationError
from apps.givegets.models import DeliveryKind
from apps.roles.models import Membership, TeamMember
from apps.rollout.models import RolloutPhase
from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.concurrency import submit_twice_racing


def test_kudos_record_an_event_for_the_giver_and_a_recognition_get_for_the_receiver(world: Any) -> None:
    world.roles["sales_rep"].recognition_minutes = Decimal("4")
    world.roles["sales_rep"].save()
    kudos = kudos_give(giver_id=world.mads.pk, receiver_id=world.rita.pk, message=" Great call notes! ",
                       idempotency_key="k1")
    assert kudos.message == "Great call notes!"
    event = UsageEvent.objects.get(kind=EventKind.KUDOS_GIVEN)
    assert event.user_id == world.mads.pk
    assert kudos.delivery is not None
    assert (kudos.delivery.user_id, kudos.delivery.kind) == (world.rita.pk, DeliveryKind.RECOGNITION)
    assert kudos.delivery.value_minutes == Decimal("4")
    assert kudos.delivery.consumed_at is None


def test_the_same_form_twice_gives_one_kudos(world: Any) -> None:
    kudos_give(giver_id=world.mads.pk, receiver_id=world.rita.pk, message="Thanks", idempotency_key="same")
    kudos_give(giver_id=world.mads.pk, receiver_id=world.rita.pk, message="Thanks", idempotency_key="same")
    assert Kudos.objects.count() == 1


@pytest.mark.parametrize(("receiver", "message", "error"), [
    ("rita", "Well done", "not to yourself"),
    ("rita", "   ", "short message"),
    ("rita", "x" * 281, "280"),
    ("outsider", "Well done", "own organisation"),
])
def test_kudos_rules(world: Any, receiver: str, message: str, error: str) -> None:
    outsider = factories.MembershipFactory().user
    receiver_id = outsider.pk if receiver == "outsider" else world.rita.pk
    giver_id = world.rita.pk if error == "not to yourself" else world.mads.pk
    with pytest.raises(ApplicationError, match=error):
        kudos_give(giver_id=giver_id, receiver_id=receiver_id, message=message, idempotency_key="k")
    assert not Kudos.objects.exists()
    assert not UsageEvent.objects.exists()


def test_at_most_five_kudos_per_giver_per_day(world: Any) -> None:
    now = timezone.now()
    for i in range(5):
        kudos_give(giver_id=world.rita.pk, receiver_id=world.ronja.pk, message=f"#{i}", idempotency_key=f"d{i}", at=now)
    with pytest.raises(ApplicationError, match="daily maximum"):
        kudos_give(giver_id=world.rita.pk, receiver_id=world.sam.pk, message="one more", idempotency_key="d5", at=now)
    # Someone else still may, and tomorrow rita may again.
    kudos_give(giver_id=world.mads.pk, receiver_id=world.ronja.pk, message="me too", idempotency_key="m")
    kudos_give(giver_id=world.rita.pk, receiver_id=world.sam.pk, message="next day", idempotency_key="d6",
               at=now + dt.timedelta(days=1))
    assert Kudos.objects.filter(giver=world.rita).count() == 6


def test_reading_kudos_consumes_the_get_once_and_it_counts_in_the_score(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kudos_give(giver_id=world.mads.pk, receiver_id=world.rita.pk, message="Thanks", idempotency_key="r1")
    with django_capture_on_commit_callbacks(execute=True):
        assert kudos_read(receiver_id=world.rita.pk) == 1
    assert kudos_read(receiver_id=world.rita.pk) == 0
    snapshot = ScoreSnapshot.objects.get(user=world.rita)
    assert snapshot.rolling_get_minutes == world.roles["sales_rep"].recognition_minutes
    assert snapshot.components["get"][0]["kind"] == DeliveryKind.RECOGNITION


def test_nominating_and_withdrawing_an_ambassador(world: Any) -> None:
    member = ambassador_set(organisation_id=world.org.pk, team_id=world.north.pk, user_id=world.rita.pk,
                            is_ambassador=True)
    assert TeamMember.objects.get(pk=member.pk).is_ambassador
    ambassador_set(organisation_id=world.org.pk, team_id=world.north.pk, user_id=world.rita.pk, is_ambassador=False)
    assert not TeamMember.objects.get(pk=member.pk).is_ambassador


def test_a_manager_or_someone_outside_the_team_cannot_be_nominated(world: Any) -> None:
    with pytest.raises(ApplicationError, match="peer"):
        ambassador_set(organisation_id=world.org.pk, team_id=world.north.pk, user_id=world.mads.pk, is_ambassador=True)
    with pytest.raises(ApplicationError, match="not a member"):
        ambassador_set(organisation_id=world.org.pk, team_id=world.north.pk, user_id=world.ronja.pk, is_ambassador=True)
    other_org = factories.OrganisationFactory()
    with pytest.raises(ApplicationError, match="not a member"):
        ambassador_set(organisation_id=other_org.pk, team_id=world.north.pk, user_id=world.rita.pk, is_ambassador=True)


def test_a_pilot_go_live_must_be_earlier_and_empty_restores_the_phase_date(world: Any) -> None:
    phase = RolloutPhase.objects.create(organisation=world.org, name="North", order=1,
                                        planned_start=dt.date(2025, 4, 1), go_live_on=dt.date(2025, 5, 1))
    phase.teams.add(world.north)
    Membership.objects.filter(user=world.rita).update(go_live_on=dt.date(2025, 5, 1))
    TeamMember.objects.filter(user=world.rita).update(is_ambassador=True)
    with pytest.raises(ApplicationError, match="earlier"):
        ambassador_pilot_set(organisation_id=world.org.pk, user_id=world.rita.pk, go_live_on=dt.date(2025, 5, 1))
    ambassador_pilot_set(organisation_id=world.org.pk, user_id=world.rita.pk, go_live_on=dt.date(2025, 4, 14))
    assert Membership.objects.get(user=world.rita).go_live_on == dt.date(2025, 4, 14)
    ambassador_pilot_set(organisation_id=world.org.pk, user_id=world.rita.pk, go_live_on=None)
    assert Membership.objects.get(user=world.rita).go_live_on == dt.date(2025, 5, 1)


def test_only_ambassadors_get_a_pilot(world: Any) -> None:
    with pytest.raises(ApplicationError, match="Only an ambassador"):
        ambassador_pilot_set(organisation_id=world.org.pk, user_id=world.ronja.pk, go_live_on=dt.date(2025, 1, 1))
    assert Membership.objects.get(user=world.ronja).go_live_on is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks between two connections")
def test_a_double_submit_racing_the_first_returns_the_first_kudos(world: Any, transactional_db: Any) -> None:
    """The second submit of one form, arriving before the first commits, returns the first kudos."""
    first, second = submit_twice_racing(
        lambda: kudos_give(giver_id=world.mads.pk, receiver_id=world.rita.pk, message="Thanks", idempotency_key="same")
    )
    assert isinstance(second, Kudos), second
    assert second.pk == first.pk
    assert Kudos.objects.count() == 1
