"""The peer network: candidates by who thanks them (and from how many teams), and peer reach after a pilot."""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.ambassadors.models import Kudos
from apps.ambassadors.network import PeerReach, PeerStanding, peer_reach, peer_standing, suggested
from apps.core.periods import week_start
from apps.roles.models import Organisation, RoleKind, Team, TeamMember
from apps.scoring.models import NetStatus
from tests import factories
from tests.ambassadors.test_selectors import snapshot

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()  # the pages read today's network
_keys = itertools.count()


def _thanks(org: Organisation, giver: Any, receiver: Any, when: dt.datetime) -> Kudos:
    return Kudos.objects.create(organisation=org, giver=giver, receiver=receiver, message="Thanks for the help",
                                created_at=when, idempotency_key=f"k{next(_keys)}")


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _person(org: Organisation, team: Team, name: str, **member: Any) -> Any:
    user = factories.MembershipFactory(role__organisation=org, user__username=name, user__first_name=name).user
    TeamMember.objects.create(team=team, user=user, **member)
    return user


@pytest.fixture
def network() -> dict[str, Any]:
    org = factories.OrganisationFactory()
    a, b, c = (factories.TeamFactory(organisation=org, name=n) for n in ("A", "B", "C"))
    people = {
        "xena": _person(org, a, "xena"), "yusuf": _person(org, a, "yusuf"), "zara": _person(org, a, "zara"),
        "a1": _person(org, a, "a1"), "b1": _person(org, b, "b1"), "b2": _person(org, b, "b2"),
        "c1": _person(org, c, "c1"), "c2": _person(org, c, "c2"),
    }
    recent = _at(TODAY - dt.timedelta(days=3))
    for giver in ("a1", "a1", "b1", "b2", "c1"):  # four colleagues (a1 twice) from three teams
        _thanks(org, people[giver], people["xena"], recent)
    _thanks(org, people["a1"], people["yusuf"], recent)  # one colleague: not suggested
    for giver in ("b1", "c1"):
        _thanks(org, people[giver], people["zara"], recent)
    # 90 days back is the first day that counts; the day before does not
    _thanks(org, people["c2"], people["zara"], _at(TODAY - dt.timedelta(days=89)))
    _thanks(org, people["a1"], people["zara"], _at(TODAY - dt.timedelta(days=90)))
    return {"org": org, "teams": (a, b, c), **people}


def test_standing_counts_colleagues_and_their_teams(network: dict[str, Any]) -> None:
    found = peer_standing(organisation_id=network["org"].pk, today=TODAY)
    by_name = {name: found.get(network[name].pk) for name in ("xena", "yusuf", "zara")}
    assert (by_name["xena"].colleagues, by_name["xena"].teams) == (4, 3)
    assert (by_name["yusuf"].colleagues, by_name["yusuf"].teams) == (1, 1)
    assert (by_name["zara"].colleagues, by_name["zara"].teams) == (3, 2)  # b1, c1 and c2 (day 90)
    assert by_name["xena"].reason == "thanked by 4 colleagues in 3 teams"


def test_suggestions_need_two_colleagues_and_rank_by_in_degree_then_reach() -> None:
    standings = {1: PeerStanding(1, 3, 1), 2: PeerStanding(2, 3, 2), 3: PeerStanding(3, 1, 1), 4: PeerStanding(4, 5, 1),
                 5: PeerStanding(5, 2, 2)}
    assert [s.user_id for s in suggested(standings, [1, 2, 3, 4, 5, 6])] == [4, 2, 1]  # three at most
    assert [s.user_id for s in suggested(standings, [3, 5])] == [5]  # 3 was thanked by one colleague


def test_the_lead_sees_suggestions_with_the_reason_on_the_nominate_form(network: dict[str, Any]) -> None:
    lead = factories.MembershipFactory(role__organisation=network["org"], role__kind=RoleKind.PROJECT_LEAD).user
    client = Client()
    client.force_login(lead)
    body = client.get(reverse("ambassadors:list")).content.decode()
    team_a = network["teams"][0]
    listed = body.split(f'data-testid="suggestions-{team_a.pk}"')[1].split("</ul>")[0]
    assert listed.index("xena") < listed.index("zara")
    assert "thanked by 4 colleagues in 3 teams" in listed
    assert "yusuf" not in listed

    member = Client()
    member.force_login(network["b1"])
    assert "suggestions-" not in member.get(reverse("ambassadors:list")).content.decode()


def test_peer_reach_counts_colleagues_helped_since_the_pilot_who_became_net_beneficiaries(
    network: dict[str, Any],
) -> None:
    org, xena = network["org"], network["xena"]
    go_live = TODAY - dt.timedelta(days=21)
    thanks_day = TODAY - dt.timedelta(days=14)
    this_week, thanks_week = week_start(TODAY), week_start(thanks_day)
    helped = [network[n] for n in ("b1", "b2", "c1", "c2")]
    for person in helped:
        _thanks(org, person, xena, _at(thanks_day))
    _thanks(org, network["yusuf"], xena, _at(go_live - dt.timedelta(days=1)))  # before the pilot: not counted
    snapshot(network["b1"], net=-5, monday=thanks_week)  # net loser then,
    snapshot(network["b1"], net=20, monday=this_week)  # net beneficiary now: became one
    snapshot(network["b2"], net=20, monday=thanks_week)  # already one then: not "became"
    snapshot(network["b2"], net=20, monday=this_week)
    snapshot(network["c1"], net=20, monday=this_week)  # no score then, one now: became one
    snapshot(network["c2"], net=-5, monday=thanks_week)
    snapshot(network["c2"], net=10, monday=this_week, status=NetStatus.NOT_CONTRIBUTING)  # not a net beneficiary
    snapshot(network["yusuf"], net=20, monday=this_week)

    found = peer_reach(go_live={xena.pk: go_live}, organisation_id=org.pk, today=TODAY)

    # helped: the four above and a1 (thanked her three days ago, in the fixture; no score: not "became")
    assert found == [PeerReach(user_id=xena.pk, go_live_on=go_live, helped=5, became_net_beneficiaries=2)]
    assert found[0].summary == "helped 5 colleagues; 2 of them have since become net beneficiaries"


def test_the_network_adds_a_bounded_number_of_queries(
    network: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    org = network["org"]
    lead = factories.MembershipFactory(role__organisation=org, role__kind=RoleKind.PROJECT_LEAD).user
    for team in network["teams"]:
        ambassador = TeamMember.objects.filter(team=team).first()
        assert ambassador is not None
        TeamMember.objects.filter(pk=ambassador.pk).update(is_ambassador=True)
        ambassador.user.memberships.update(go_live_on=TODAY - dt.timedelta(days=30))
    client = Client()
    client.force_login(lead)
    client.get(reverse("ambassadors:list"))
    # the list's eight, plus the standing, the pilots' thanks and their colleagues' scores
    with django_assert_max_num_queries(11):
        body = client.get(reverse("ambassadors:list")).content.decode()
    assert "Peer reach since the pilot" in body
