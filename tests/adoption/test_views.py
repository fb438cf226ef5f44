"""Adoption pages: figures with table fallbacks, hidden when a small group could be derived."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from apps.roles.models import RoleKind, Team
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


def _org_of_ten(days_each: int = 3) -> tuple[Client, list[User], Team]:
    """Return a lead's client, ten active reps in team T and the team (enough people to show figures)."""
    org = factories.OrganisationFactory()
    lead = factories.MembershipFactory(role__organisation=org, role__kind=RoleKind.PROJECT_LEAD).user
    team = factories.TeamFactory(organisation=org, name="T")
    reps = []
    now = timezone.now()
    for i in range(10):
        user = factories.MembershipFactory(role__organisation=org, user__username=f"rep{i}").user
        factories.TeamMemberFactory(team=team, user=user)
        for d in range(days_each if i < 5 else 0):
            factories.UsageEventFactory(user=user, occurred_at=now - dt.timedelta(days=d))
        reps.append(user)
    client = Client()
    client.force_login(lead)
    return client, reps, team


def test_the_lead_sees_active_days_stickiness_and_seats_for_a_period() -> None:
    client, _reps, _team = _org_of_ten()
    body = client.get("/adoption/?days=90").content.decode()
    active = body.split('data-testid="active-days"')[1].split("</table>")[0]
    # five reps active 3 days each, five quiet, and the lead whose login opened the page: 6 of 11
    assert "6 / 11" in active
    assert f">{(5 * 3 + 1) / 11:.1f}<" in active  # 16 active days over 11 people
    assert "not been set yet" in body
    assert 'data-testid="stickiness"' in body


def test_the_lead_sets_seats_and_sees_utilisation() -> None:
    client, _reps, _team = _org_of_ten()
    assert client.post("/adoption/seats/", {"seats": "0"}).status_code == 200  # at least one seat
    response = client.post("/adoption/seats/", {"seats": "12"})
    assert response.status_code == 302
    body = client.get("/adoption/").content.decode()
    assert "6 active people ÷ 12 paid seats = 50 %" in body


def test_the_lead_narrows_to_a_team_and_the_period_cannot_end_in_the_future() -> None:
    client, _reps, team = _org_of_ten()
    body = client.get(f"/adoption/?scope=team:{team.pk}").content.decode()
    assert "10 people counted" in body  # the team's reps, not the lead
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    body = client.get(f"/adoption/?end={future}").content.decode()
    assert "cannot end in the future" in body


def test_a_manager_sees_only_their_own_teams_figures(world: World) -> None:
    client = world.client_for(world.mads)
    assert client.get(f"/adoption/team/{world.north.pk}/").status_code == 200
    assert client.get(f"/adoption/team/{world.south.pk}/").status_code == 404
    assert world.client_for(world.rita).get(f"/adoption/team/{world.north.pk}/").status_code == 403


def test_small_groups_are_hidden_in_every_figure(world: World) -> None:
    body = world.client_for(world.mads).get(f"/adoption/team/{world.north.pk}/").content.decode()
    # North has two reps counted: nothing about them is shown
    assert 'data-testid="active-days"' not in body
    assert 'data-testid="stickiness"' not in body
    assert 'data-testid="buckets"' not in body


def test_a_person_sees_their_weeks_and_gives(world: World) -> None:
    factories.ContractFactory(role=world.roles[RoleKind.SALES_REP], give_kind="call_logged")
    factories.UsageEventFactory(user=world.rita, occurred_at=timezone.now(), kind="call_logged")
    factories.UsageEventFactory(user=world.rita, occurred_at=timezone.now(), kind="call_logged")
    body = world.client_for(world.rita).get("/adoption/me/?days=90").content.decode()
    gives = body.split('data-testid="gives"')[1].split("</table>")[0]
    assert "Call logged" in gives
    assert '<td class="num">2</td>' in gives
    assert "1 active day in the period." in body
    assert "not reached your first quick win yet" in body


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        ("rita", ["/adoption/me/"], ["/adoption/team/", 'href="/adoption/"']),
        ("mads", ["/adoption/me/", "/adoption/team/"], ['href="/adoption/"']),
        ("lene", ["/adoption/me/", 'href="/adoption/"'], ["/adoption/team/"]),
    ],
)
def test_the_navigation_links_each_role_to_its_adoption_pages(
    world: World, who: str, present: list[str], absent: list[str]
) -> None:
    body = world.client_for(getattr(world, who)).get("/trust/charter/").content.decode()
    nav = body.split("<main")[0]
    for link in present:
        assert link in nav
    for link in absent:
        assert link not in nav


def test_a_manager_is_sent_to_their_first_team(world: World) -> None:
    response = world.client_for(world.mads).get("/adoption/team/")
    assert response.url == f"/adoption/team/{world.north.pk}/"


def test_a_person_sees_their_own_bulk_logging_with_an_explanation(world: World) -> None:
    start = timezone.now() - dt.timedelta(hours=1)
    for n in range(10):
        factories.UsageEventFactory(user=world.rita, kind="call_logged", occurred_at=start + dt.timedelta(seconds=n))
    body = world.client_for(world.rita).get("/adoption/me/").content.decode()
    assert "10 or more entries within 10 minutes" in body
    assert "No bulk logging" in world.client_for(world.ronja).get("/adoption/me/").content.decode()


def test_the_lead_sees_bulk_logging_as_shares_per_group_never_names() -> None:
    client, reps, _team = _org_of_ten(days_each=0)
    start = timezone.now() - dt.timedelta(hours=2)
    for i, rep in enumerate(reps):
        for n in range(10 if i < 5 else 1):  # five in bursts, five logging once
            factories.UsageEventFactory(user=rep, kind="call_logged", occurred_at=start + dt.timedelta(seconds=n))
    body = client.get("/adoption/").content.decode()
    health = body.split('data-testid="health"')[1].split("</table>")[0]
    assert "Team: T" in health
    assert '<td class="num">10</td><td class="num">50 %</td>' in health
    assert "rep0" not in health
