"""Factories for pulse answers, and a helper that fills a team with answering people."""

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from apps.pulse.models import PulseResponse
from apps.roles.models import Role, Team
from tests import factories


class PulseResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PulseResponse

    user = factory.SubFactory(factories.UserFactory)
    answered_at = factory.LazyFunction(timezone.now)
    perceived_usefulness = Decimal("5")
    perceived_ease_of_use = Decimal("4")
    answers = factory.LazyFunction(lambda: {"pu1": 5, "pu2": 5, "peou1": 4, "peou2": 4})


def team_people(*, team: Team, role: Role, count: int, prefix: str) -> list[Any]:
    """Create `count` members of `team` with `role` (no manager among them)."""
    people = []
    for i in range(count):
        user = factories.UserFactory(username=f"{prefix}{i}")
        factories.MembershipFactory(user=user, role=role, organisation=team.organisation)
        factories.TeamMemberFactory(team=team, user=user)
        people.append(user)
    return people
