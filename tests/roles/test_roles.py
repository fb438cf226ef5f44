"""Roles pages and services: create and edit scoring values, kind and WIIFM; every change audited."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.periods import week_start
from apps.roles import services
from apps.roles.models import Role, RoleKind
from apps.scoring.models import ScoreSnapshot
from apps.scoring.services import scores_refresh_users
from apps.trust.models import AuditEntry
from apps.usage.kinds import EventKind
from tests import factories
from tests.audit import trail
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    data = {"name": "Inside sales", "kind": RoleKind.SALES_REP, "entry_cap_seconds": 300, "pulse_weight": "0.2",
            "suggestion_accepted_minutes": "4", "recognition_minutes": "2", "wiifm": "Your week, planned for you."}
    return data | overrides


def test_the_lead_creates_a_second_role_of_a_kind_and_the_creation_is_audited(world: World) -> None:
    response = world.client_for(world.lene).post("/organisation/roles/new/", _form())
    assert response.status_code == 302
    role = Role.objects.get(organisation=world.org, name="Inside sales")
    assert (role.kind, role.entry_cap_seconds, role.pulse_weight) == (RoleKind.SALES_REP, 300, Decimal("0.20"))
    assert role.wiifm == "Your week, planned for you."
    entry = trail(Role, role.pk).get()
    assert (entry.actor, entry.action, entry.object_repr) == (world.lene, AuditEntry.Action.CREATE, "Inside sales")


def test_invalid_values_are_shown_by_field_and_save_nothing(world: World) -> None:
    client = world.client_for(world.lene)
    response = client.post("/organisation/roles/new/", _form(pulse_weight="1.5", entry_cap_seconds=3,
                                                             name=world.roles[RoleKind.MARKETER].name))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The pulse weight must be between 0 and 1." in body
    assert "The entry cap must be between 10 and 86400 seconds." in body
    assert "Another role is already called" in body
    assert not Role.objects.filter(name="Inside sales").exists()
    assert not trail(Role).filter(object_repr="Inside sales").exists()


def test_editing_records_who_when_and_old_to_new_per_changed_field(world: World) -> None:
    role = world.roles[RoleKind.SALES_REP]
    before = timezone.now()
    response = world.client_for(world.lene).post(
        f"/organisation/roles/{role.pk}/",
        _form(name=role.name, entry_cap_seconds=120, pulse_weight=str(role.pulse_weight),
              suggestion_accepted_minutes=str(role.suggestion_accepted_minutes),
              recognition_minutes="7.5", wiifm=""),
    )
    assert response.status_code == 302
    entry = trail(Role, role.pk).get(action=AuditEntry.Action.UPDATE)
    changes = {name: (Decimal(old), Decimal(new)) for name, (old, new) in entry.changes.items()}
    assert changes == {"entry_cap_seconds": (600, 120), "recognition_minutes": (3, Decimal("7.5"))}
    assert (entry.actor, entry.timestamp >= before) == (world.lene, True)
    page = world.client_for(world.lene).get(f"/organisation/roles/{role.pk}/").content.decode()
    assert "<del>600</del> → <ins>120</ins>" in page
    assert "Lene Test" in page


def test_a_changed_entry_cap_recomputes_the_members_scores(world: World, django_capture_on_commit_callbacks: Any) -> None:
    role = world.roles[RoleKind.SALES_REP]
    now = timezone.now()
    factories.UsageEventFactory(user=world.rita, kind=EventKind.CALL_LOGGED, occurred_at=now, duration_seconds=500)
    scores_refresh_users(user_ids=[world.rita.pk])
    monday = week_start(timezone.localdate())
    assert ScoreSnapshot.objects.get(user=world.rita, period_start=monday).give_minutes == Decimal("8.33")  # 500 s

    with django_capture_on_commit_callbacks(execute=True):
        services.role_update(role=role, actor_id=world.lene.pk, entry_cap_seconds=120)

    # 120 s counted instead of 500 s: an independent figure, 120 / 60 = 2 minutes.
    assert ScoreSnapshot.objects.get(user=world.rita, period_start=monday).give_minutes == Decimal("2.00")
    assert monday <= timezone.localdate() < monday + dt.timedelta(days=7)


def test_role_update_refuses_a_taken_name_and_changes_nothing(world: World) -> None:
    role = world.roles[RoleKind.SALES_REP]
    with pytest.raises(ValidationError) as raised:
        services.role_update(role=role, actor_id=None, name=world.roles[RoleKind.MANAGER].name, entry_cap_seconds=90)
    assert "name" in raised.value.message_dict
    role.refresh_from_db()
    assert role.entry_cap_seconds == 600
    assert not trail(Role, role.pk).filter(action=AuditEntry.Action.UPDATE).exists()


def test_the_role_list_shows_people_per_role(world: World) -> None:
    body = world.client_for(world.lene).get("/organisation/roles/").content.decode()
    assert body.count('data-testid="role-row"') == len(RoleKind.values)
    assert "Sales rep" in body


def test_role_kind_decides_the_home_page_of_a_new_role(world: World) -> None:
    role = services.role_create(organisation_id=world.org.pk, actor_id=world.lene.pk, name="Helpdesk",
                                kind=RoleKind.SERVICE_AGENT)
    person = factories.UserFactory(username="hanne")
    factories.MembershipFactory(user=person, role=role, organisation=world.org)
    assert world.client_for(person).get("/").url == "/service/accounts/"


def test_the_audit_trail_is_read_only_in_the_admin(world: World) -> None:
    from django.contrib.auth.models import User

    services.role_update(role=world.roles[RoleKind.SALES_REP], actor_id=world.lene.pk, entry_cap_seconds=90)
    entry = trail(Role, world.roles[RoleKind.SALES_REP].pk).get(action=AuditEntry.Action.UPDATE)
    admin_user = User.objects.create_superuser("root", "root@x.dk", "pw")
    client = world.client_for(admin_user)
    assert client.get("/admin/trust/auditentry/").status_code == 200
    assert client.post(f"/admin/trust/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/trust/auditentry/add/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_last_project_lead_role_keeps_its_kind(world: World) -> None:
    lead_role = world.roles[RoleKind.PROJECT_LEAD]
    with pytest.raises(ValidationError) as raised:
        services.role_update(role=lead_role, actor_id=world.lene.pk, kind=RoleKind.MANAGER)
    assert "kind" in raised.value.message_dict
    second = services.role_create(organisation_id=world.org.pk, actor_id=world.lene.pk, name="Co-lead",
                                  kind=RoleKind.PROJECT_LEAD)
    factories.MembershipFactory(user=factories.UserFactory(username="colead"), role=second, organisation=world.org)
    assert services.role_update(role=lead_role, actor_id=world.lene.pk, kind=RoleKind.MANAGER).kind == RoleKind.MANAGER
