import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apps.activities.models import Stage
from apps.people import services
from apps.roles.models import Membership, Organisation, Role, RoleKind, Team, TeamMember
from apps.trust.models import AccessRecord
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _link_path(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/organisation/people/welcome/\S+/)", text)
    assert match, text
    return match.group(1)


def test_organisation_create_command_sets_up_everything_and_the_lead_sets_a_password(capsys: object) -> None:
    call_command("organisation_create", "--name", "Fjord ApS", "--lead-email", "Lead@Fjord.dk")

    org = Organisation.objects.get(name="Fjord ApS")
    assert set(Role.objects.filter(organisation=org).values_list("kind", flat=True)) == set(RoleKind.values)
    assert list(Stage.objects.filter(organisation=org).values_list("name", "is_won", "is_lost")) == [
        ("Lead", False, False), ("Qualified", False, False), ("Proposal sent", False, False),
        ("Negotiation", False, False), ("Won", True, False), ("Lost", False, True),
    ]
    lead = User.objects.get(username="lead@fjord.dk")
    assert Membership.objects.get(user=lead).role.kind == RoleKind.PROJECT_LEAD
    assert not lead.has_usable_password()
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    path = _link_path(out)
    assert len(mail.outbox) == 1
    assert path in mail.outbox[0].body

    client = Client()
    form_page = client.get(path, follow=True)
    assert b"Choose your password" in form_page.content
    response = client.post(form_page.request["PATH_INFO"], {"new_password1": "Fjord-secret-42",
                                                           "new_password2": "Fjord-secret-42"})
    assert response.status_code == 302
    assert client.login(username="lead@fjord.dk", password="Fjord-secret-42")
    # The link works once.
    assert b"already been used" in Client().get(path, follow=True).content


def test_organisation_create_refuses_a_taken_name_and_keeps_nothing() -> None:
    call_command("organisation_create", "--name", "Fjord ApS", "--lead-email", "a@fjord.dk")
    with pytest.raises(CommandError):
        call_command("organisation_create", "--name", "Fjord ApS", "--lead-email", "b@fjord.dk")
    assert not User.objects.filter(username="b@fjord.dk").exists()
    assert Organisation.objects.count() == 1


def test_lead_adds_a_person_who_gets_an_invitation(world: World) -> None:
    client = world.client_for(world.lene)
    response = client.post("/organisation/people/", {
        "full_name": "Nina Nielsen", "email": "nina@example.com", "role": world.roles[RoleKind.SALES_REP].pk,
        "new_team": "East", "is_manager": "",
    })
    assert response.status_code == 302
    nina = User.objects.get(username="nina@example.com")
    assert (nina.first_name, nina.last_name) == ("Nina", "Nielsen")
    assert list(TeamMember.objects.filter(user=nina).values_list("team__name", "is_manager")) == [("East", False)]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@example.com"]
    assert "/organisation/people/welcome/" in mail.outbox[0].body
    assert b"Nina Nielsen" in client.get("/organisation/people/").content

    client.post(f"/organisation/people/{nina.pk}/invite/")
    assert len(mail.outbox) == 2


def test_adding_a_taken_e_mail_is_a_clear_message_and_adds_nothing(world: World) -> None:
    world.rita.email = "rita@example.com"
    world.rita.save()
    services.person_add(organisation_id=world.org.pk, email="x@example.com", full_name="X",
                        role_id=world.roles[RoleKind.SALES_REP].pk)
    response = world.client_for(world.lene).post("/organisation/people/", {
        "full_name": "Again", "email": "X@example.com", "role": world.roles[RoleKind.SALES_REP].pk,
        "new_team": "Brand new",
    })
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not Team.objects.filter(name="Brand new").exists()


def test_becoming_manager_is_shown_to_each_member_of_the_team(world: World) -> None:
    client = world.client_for(world.lene)
    client.post(f"/organisation/people/{world.lene.pk}/", {"action": "team", "team": world.north.pk,
                                                           "is_manager": "on"})
    assert TeamMember.objects.get(user=world.lene, team=world.north).is_manager
    told = set(AccessRecord.objects.filter(viewer=world.lene).values_list("subject__username", flat=True))
    assert told == {"rita", "sam"}  # the members of North; mads already manages it
    body = world.client_for(world.rita).get("/me/").content.decode()
    assert "Lene Test" in body
    assert "became your manager" in body
    # The lead can now open the team page.
    assert world.client_for(world.lene).get(f"/team/{world.north.pk}/").status_code == 200


def test_joining_a_managed_team_is_shown_to_the_new_member(world: World) -> None:
    services.team_membership_set(user_id=world.ronja.pk, team_id=world.north.pk, is_manager=False)
    assert list(AccessRecord.objects.filter(subject=world.ronja).values_list("viewer__username", flat=True)) == [
        "mads"
    ]


def test_role_change_and_leaving_a_team(world: World) -> None:
    client = world.client_for(world.lene)
    client.post(f"/organisation/people/{world.rita.pk}/", {"action": "role",
                                                           "role": world.roles[RoleKind.MARKETER].pk})
    assert Membership.objects.get(user=world.rita).role.kind == RoleKind.MARKETER
    client.post(f"/organisation/people/{world.rita.pk}/", {"action": "leave_team", "team_id": world.north.pk})
    assert not TeamMember.objects.filter(user=world.rita).exists()


def test_deactivate_and_reactivate(world: World) -> None:
    client = world.client_for(world.lene)
    seats = services.seats_count(organisation_id=world.org.pk)
    client.post(f"/organisation/people/{world.rita.pk}/active/", {"active": "0"})
    world.rita.refresh_from_db()
    assert not world.rita.is_active
    assert services.seats_count(organisation_id=world.org.pk) == seats - 1
    assert Membership.objects.filter(user=world.rita).exists()  # history kept
    world.rita.set_password("pw")
    world.rita.save()
    assert not Client().login(username="rita", password="pw")
    client.post(f"/organisation/people/{world.rita.pk}/active/", {"active": "1"})
    world.rita.refresh_from_db()
    assert world.rita.is_active


def test_a_lead_cannot_deactivate_themself(world: World) -> None:
    response = world.client_for(world.lene).post(f"/organisation/people/{world.lene.pk}/active/", {"active": "0"},
                                                 follow=True)
    world.lene.refresh_from_db()
    assert world.lene.is_active
    assert "cannot deactivate yourself" in response.content.decode()


def test_people_of_another_organisation_are_not_found(world: World) -> None:
    other = services.organisation_create(name="Other", lead_email="o@other.dk")
    client = world.client_for(world.lene)
    assert client.get(f"/organisation/people/{other.lead.pk}/").status_code == 404
    assert client.post(f"/organisation/people/{other.lead.pk}/active/", {"active": "0"}).status_code == 404


def test_role_team_and_manager_changes_are_audited_with_who_and_old_to_new(world: World) -> None:
    from tests.audit import about_person

    client = world.client_for(world.lene)
    already = set(about_person(world.rita.pk).values_list("pk", flat=True))
    client.post(f"/organisation/people/{world.rita.pk}/", {"action": "role", "role": world.roles["marketer"].pk})
    client.post(f"/organisation/people/{world.rita.pk}/",
                {"action": "team", "team": world.south.pk, "new_team": "", "is_manager": "on"})
    rows = [(e.content_type.model, {k: v for k, v in e.changes.items() if k in ("role", "team", "is_manager")},
             e.actor_id) for e in about_person(world.rita.pk).exclude(pk__in=already)]
    assert rows == [
        ("membership", {"role": ["Sales rep", "Marketer"]}, world.lene.pk),
        ("teammember", {"team": ["None", "South"], "is_manager": ["None", "True"]}, world.lene.pk),
    ]
    page = client.get(f"/organisation/people/{world.rita.pk}/").content.decode()
    assert "<del>Sales rep</del> → <ins>Marketer</ins>" in page


def test_a_lead_who_makes_themself_manager_sees_that_team_only_and_its_members_are_told(world: World) -> None:
    from tests.audit import about_person

    client = world.client_for(world.lene)
    assert client.get(f"/team/{world.north.pk}/").status_code == 403
    client.post(f"/organisation/people/{world.lene.pk}/",
                {"action": "team", "team": world.north.pk, "new_team": "", "is_manager": "on"})

    client = world.client_for(world.lene)  # a fresh request: policies are cached per request user
    assert client.get(f"/team/{world.north.pk}/").status_code == 200
    assert client.get(f"/team/{world.south.pk}/").status_code == 404
    assert client.get(f"/people/{world.rita.pk}/").status_code == 200  # in North
    assert client.get(f"/people/{world.ronja.pk}/").status_code == 404  # in South
    entry = about_person(world.lene.pk).get(content_type__model="teammember")
    assert (entry.actor, entry.changes["team"][1], entry.changes["is_manager"][1]) == (world.lene, "North", "True")
    told = set(AccessRecord.objects.filter(viewer=world.lene, what__startswith="became your manager")
               .values_list("subject__username", flat=True))
    assert told == {"rita", "sam"}  # North's members; mads manages North himself
    page = world.client_for(world.rita).get("/me/").content.decode()
    assert "Lene Test" in page
    assert "became your manager" in page
    assert "Lene Test" not in world.client_for(world.ronja).get("/me/").content.decode()
