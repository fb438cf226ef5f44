"""The policy answers are looked up once per user object and kept in one documented attribute."""

from typing import Any

from django.contrib.auth.models import User
from django.utils.functional import SimpleLazyObject

from apps.roles.policies import POLICY_CACHE_ATTRIBUTE, is_manager, managed_team_ids, membership_of, role_kind_of
from tests import factories
from tests.conftest import World


def test_repeated_questions_about_one_user_object_cost_one_query_each(
    world: World, django_assert_num_queries: Any
) -> None:
    mads = User.objects.get(pk=world.mads.pk)
    with django_assert_num_queries(2):  # one for the membership, one for the managed teams
        for _ in range(3):
            assert role_kind_of(mads) == "manager"
            assert membership_of(mads) is not None
            assert is_manager(mads)
            assert managed_team_ids(mads) == [world.north.pk]
    assert set(getattr(mads, POLICY_CACHE_ATTRIBUTE)) == {"membership", "managed_team_ids"}


def test_a_user_fetched_again_sees_a_change_of_teams(world: World) -> None:
    rita = User.objects.get(pk=world.rita.pk)
    assert not is_manager(rita)
    factories.TeamMemberFactory(team=world.south, user=world.rita, is_manager=True)
    assert not is_manager(rita)  # the same object (one request) keeps its answer
    assert is_manager(User.objects.get(pk=world.rita.pk))


def test_the_lazy_request_user_keeps_the_answers_on_the_user_it_wraps(
    world: World, django_assert_num_queries: Any
) -> None:
    wrapped = User.objects.get(pk=world.lene.pk)
    lazy = SimpleLazyObject(lambda: wrapped)
    with django_assert_num_queries(1):
        assert role_kind_of(lazy) == "project_lead"
        assert role_kind_of(lazy) == "project_lead"
    assert getattr(wrapped, POLICY_CACHE_ATTRIBUTE)["membership"].user_id == world.lene.pk
