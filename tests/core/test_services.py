"""model_update: sets the given fields, validates, and saves only what changed."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.services import model_update
from apps.roles.models import Team
from tests.conftest import World
from tests.rollout.factories import PhaseFactory


def test_only_changed_fields_are_saved_and_reported(world: World) -> None:
    team = Team.objects.get(pk=world.north.pk)
    with CaptureQueriesContext(connection) as queries:
        updated, changed = model_update(instance=team, fields=["name", "organisation"],
                                        data={"name": "Nord", "organisation": world.org})
    assert (updated is team, changed) == (True, True)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"name"' in updates[0]
    assert '"organisation_id"' not in updates[0]  # unchanged, so not written
    assert Team.objects.get(pk=team.pk).name == "Nord"


def test_nothing_changed_means_no_query_at_all(world: World, django_assert_num_queries: Any) -> None:
    team = Team.objects.get(pk=world.north.pk)
    with django_assert_num_queries(0):
        _, changed = model_update(instance=team, fields=["name"], data={"name": "North"})
    assert changed is False


def test_fields_missing_from_data_are_left_alone(world: World) -> None:
    team = Team.objects.get(pk=world.north.pk)
    _, changed = model_update(instance=team, fields=["name"], data={})
    assert changed is False
    assert Team.objects.get(pk=team.pk).name == "North"


def test_an_invalid_value_raises_and_saves_nothing(world: World) -> None:
    team = Team.objects.get(pk=world.north.pk)
    with pytest.raises(ValidationError):
        model_update(instance=team, fields=["name"], data={"name": "South"})  # taken in this organisation
    assert Team.objects.get(pk=world.north.pk).name == "North"


def test_an_unknown_field_is_a_programming_error(world: World) -> None:
    with pytest.raises(ValueError, match="colour"):
        model_update(instance=world.north, fields=["colour"], data={"colour": "red"})


def test_many_to_many_fields_are_set_after_the_save(world: World) -> None:
    phase = PhaseFactory(organisation=world.org, teams=[world.north])
    _, changed = model_update(instance=phase, fields=["teams"], data={"teams": [world.south]})
    assert changed is True
    assert list(phase.teams.all()) == [world.south]
