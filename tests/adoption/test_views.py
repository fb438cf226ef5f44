"""Adoption pages: figures with table fallbacks, hidden when a small group could be derived."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from apps.roles.models import RoleKind
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_lead_sees_buckets_hidden_when_a_small_group_is_derivable(world: World) -> None:
    body = world.client_for(world.lene).get("/adoption/").content.decode()
    # the small test world has groups under five people: hidden whole, never partly
    assert 'data-testid="buckets"' not in body
    assert "could be worked out" in body


def test_the_lead_sees_the_buckets_table_for_enough_people() -> None:
    org = factories.OrganisationFactory()
    lead = factories.MembershipFactory(role__organisation=org, role__kind=RoleKind.PROJECT_LEAD).user
    now = timezone.now()
    for i in range(5):
        user = factories.MembershipFactory(role__organisation=org, user__username=f"daily{i}").user
        for d in range(13):
            factories.UsageEventFactory(user=user, occurred_at=now - dt.timedelta(days=d))
    for i in range(5):
        factories.MembershipFactory(role__organisation=org, user__username=f"quiet{i}")
    for i in range(4):
        user = factories.MembershipFactory(role__organisation=org, user__username=f"once{i}").user
        factories.UsageEventFactory(user=user, occurred_at=now)
    client = Client()
    client.force_login(lead)  # the lead's login is usage: the fifth monthly person
    body = client.get("/adoption/").content.decode()
    table = body.split('data-testid="buckets"')[1].split("</table>")[0]
    # daily 5, weekly 0, monthly 5, dormant 5
    assert table.count('<td class="num">5</td>') == 3
    assert table.count('<td class="num">0</td>') == 1


def test_a_person_sees_their_own_active_days(world: World) -> None:
    factories.UsageEventFactory(user=world.rita, occurred_at=timezone.now())
    body = world.client_for(world.rita).get("/adoption/me/").content.decode()
    # the login that opened the page is the same day as the event: one active day
    assert "on 1 day." in body
