"""Ambassador and kudos pages: permissions, forms, Danish."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from apps.ambassadors.models import Kudos
from apps.roles.models import Membership, Team, TeamMember
from tests import factories
from tests.permissions import LOGIN, assert_row, send
from tests.pulse.factories import team_people

PEOPLE = ["rita", "mads", "lene", "sam", "maja"]
EVERYONE = set(PEOPLE)
MATRIX = [
    ("ambassadors:list", "get", EVERYONE),
    ("ambassadors:my_kudos", "get", EVERYONE),
    ("ambassadors:kudos_give", "get", EVERYONE),
    ("ambassadors:kudos_give", "post", EVERYONE),
    ("ambassadors:nominate", "post", {"lene"}),
    ("ambassadors:withdraw", "post", {"lene"}),
    ("ambassadors:pilot", "post", {"lene"}),
]


@pytest.mark.parametrize(("name", "method", "allowed"), MATRIX)
def test_permission_matrix(world: Any, name: str, method: str, allowed: set[str]) -> None:
    url = reverse(name)
    assert_row(world, send(method, url), {"anonymous": LOGIN})
    data = {"team": world.north.pk, "user": world.rita.pk, "receiver": world.ronja.pk, "message": "Thanks",
            "form_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"}
    # Allowed people get the page, the action, or a form error for this data; everyone else 403.
    assert_row(world, send(method, url, data),
               {who: frozenset({200, 302, 400}) if who in allowed else 403 for who in PEOPLE})


def test_only_the_lead_sees_the_nominate_forms(world: Any) -> None:
    assert b'action="/ambassadors/nominate/"' in world.client_for(world.lene).get(reverse("ambassadors:list")).content
    assert b'action="/ambassadors/nominate/"' not in world.client_for(world.rita).get(
        reverse("ambassadors:list")).content


def test_the_lead_nominates_and_withdraws(world: Any) -> None:
    client = world.client_for(world.lene)
    client.post(reverse("ambassadors:nominate"), {"team": world.north.pk, "user": world.rita.pk})
    assert TeamMember.objects.get(team=world.north, user=world.rita).is_ambassador
    page = client.get(reverse("ambassadors:list")).content.decode()
    assert "Withdraw Rita Test as ambassador" in page
    client.post(reverse("ambassadors:withdraw"), {"team": world.north.pk, "user": world.rita.pk})
    assert not TeamMember.objects.get(team=world.north, user=world.rita).is_ambassador


def test_nominating_a_manager_shows_the_reason(world: Any) -> None:
    response = world.client_for(world.lene).post(
        reverse("ambassadors:nominate"), {"team": world.north.pk, "user": world.mads.pk}, follow=True)
    assert "respected peer" in response.content.decode()
    assert not TeamMember.objects.get(team=world.north, user=world.mads).is_ambassador


def test_a_late_pilot_date_is_refused_and_the_typed_date_kept(world: Any) -> None:
    TeamMember.objects.filter(user=world.rita).update(is_ambassador=True)
    Membership.objects.filter(user=world.rita).update(go_live_on=dt.date(2025, 5, 1))
    response = world.client_for(world.lene).post(
        reverse("ambassadors:pilot"), {"user": world.rita.pk, "go_live_on": "2025-06-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "must be earlier than the current go-live" in html
    assert 'value="2025-06-01"' in html
    assert Membership.objects.get(user=world.rita).go_live_on == dt.date(2025, 5, 1)
    ok = world.client_for(world.lene).post(
        reverse("ambassadors:pilot"), {"user": world.rita.pk, "go_live_on": "2025-04-20"})
    assert ok.status_code == 302
    assert Membership.objects.get(user=world.rita).go_live_on == dt.date(2025, 4, 20)


def test_giving_kudos_through_the_form_and_reading_them(world: Any) -> None:
    client = world.client_for(world.rita)
    form = client.get(reverse("ambassadors:kudos_give")).context["form"]
    assert world.rita not in form.fields["receiver"].queryset
    response = client.post(reverse("ambassadors:kudos_give"), {
        "receiver": world.ronja.pk, "message": "Thanks for the intro", "form_token": form["form_token"].value()})
    assert response.status_code == 302
    kudos = Kudos.objects.get()
    assert kudos.delivery is not None
    assert kudos.delivery.consumed_at is None
    page = world.client_for(world.ronja).get(reverse("ambassadors:my_kudos")).content.decode()
    assert "Thanks for the intro" in page
    kudos.delivery.refresh_from_db()
    assert kudos.delivery.consumed_at is not None


def test_a_too_long_message_is_refused_and_kept(world: Any) -> None:
    message = "y" * 281
    response = world.client_for(world.rita).post(reverse("ambassadors:kudos_give"), {
        "receiver": world.ronja.pk, "message": message, "form_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep the message to 280 characters" in html
    assert message in html
    assert not Kudos.objects.exists()


def test_the_list_renders_in_danish(world: Any) -> None:
    response = world.client_for(world.rita).get(reverse("ambassadors:list"), HTTP_ACCEPT_LANGUAGE="da")
    assert "Giv en kollega ros" in response.content.decode()


def test_nominating_or_piloting_someone_outside_the_organisation_is_not_found(world: Any) -> None:
    outsider = factories.MembershipFactory().user
    other_team = factories.TeamFactory()
    client = world.client_for(world.lene)
    assert client.post(reverse("ambassadors:nominate"), {"team": world.north.pk, "user": outsider.pk}).status_code == 404
    assert client.post(reverse("ambassadors:nominate"), {"team": other_team.pk, "user": world.rita.pk}).status_code == 404
    assert client.post(reverse("ambassadors:withdraw"), {"team": other_team.pk, "user": world.rita.pk}).status_code == 404
    assert client.post(reverse("ambassadors:pilot"), {"user": outsider.pk, "go_live_on": "2025-04-20"}).status_code == 404


def test_the_list_queries_do_not_grow_with_teams_and_people(world: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(6):
        team = Team.objects.create(organisation=world.org, name=f"Team {i}")
        people = team_people(team=team, role=world.roles["sales_rep"], count=5, prefix=f"t{i}-")
        TeamMember.objects.filter(team=team, user=people[0]).update(is_ambassador=True)
    client = world.client_for(world.lene)
    client.get(reverse("ambassadors:list"))  # warm the session and the cached membership
    # eight for the list, one for the peer network's standing (no pilot dates: no reach queries)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("ambassadors:list"))
    assert response.content.decode().count("as ambassador</button>") == 6
