"""The activity log asks a hook for next steps; suggestions answer it, and without them logging still works."""

import pytest

from apps.activities import next_steps
from apps.activities.services import activity_log
from apps.suggestions.models import Suggestion
from apps.suggestions.next_steps import SUGGESTIONS_AS_NEXT_STEPS
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(world: World):
    account = factories.AccountFactory(organisation=world.org, name="Aarhus Maskinfabrik")
    return factories.DealFactory(account=account, owner=world.rita, stage=world.stages[1], name="Pilot")


def test_the_suggestions_app_answers_with_the_suggestions_it_made(world: World, deal) -> None:
    activity, _ = activity_log(owner_id=world.rita.pk, type="call", account=deal.account, deal=deal, summary="x")

    steps = next_steps.next_steps_after(activity=activity)

    made = list(Suggestion.objects.filter(user=world.rita))
    assert made
    assert [s.pk for s in steps] == [s.pk for s in made]
    assert steps[0].text == made[0].text
    assert steps[0].is_open
    assert next_steps.next_steps_shown(user_id=world.rita.pk, ids=[made[0].pk]) == steps
    # Someone else's ids show nothing.
    assert next_steps.next_steps_shown(user_id=world.ronja.pk, ids=[made[0].pk]) == []


def test_without_a_registered_source_an_activity_leads_to_no_next_step(world: World, deal) -> None:
    next_steps.register_next_step_source(None)  # type: ignore[arg-type]
    try:
        activity, _ = activity_log(owner_id=world.rita.pk, type="call", account=deal.account, deal=deal, summary="x")
        assert next_steps.next_steps_after(activity=activity) == []
        assert not Suggestion.objects.exists()
    finally:
        next_steps.register_next_step_source(SUGGESTIONS_AS_NEXT_STEPS)
