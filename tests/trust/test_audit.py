"""The audit trail: who changed which configuration, when, old and new values; shown to the lead."""

import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.test import Client
from django.urls import reverse

from apps.givegets.models import DeliveryKind, GiveGetContract
from apps.integrations.services import integration_key_create
from apps.pulse.models import PulseSettings
from apps.roles.models import RoleKind
from apps.rollout.models import RolloutPhase
from apps.trust.audit import AUDITED
from apps.trust.models import AuditEntry
from apps.usage.kinds import EventKind
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _contract(world: World) -> GiveGetContract:
    return GiveGetContract.objects.create(role=world.roles[RoleKind.SALES_REP], give_kind=EventKind.MEETING_LOGGED,
                                          give_expected_minutes=5, get_kind=DeliveryKind.WEEKLY_DIGEST,
                                          get_minutes_saved=60, cadence="weekly")


def test_every_configuration_model_is_audited() -> None:
    for app_label, model_name, _excluded, _m2m in AUDITED:
        assert auditlog.contains(apps.get_model(app_label, model_name)), model_name


def test_editing_a_contract_records_the_lead_and_old_and_new_values(world: World) -> None:
    contract = _contract(world)
    lead = world.client_for(world.lene)
    response = lead.post(reverse("givegets:contract_edit", args=[contract.pk]), {
        "role": world.roles[RoleKind.SALES_REP].pk, "give_kind": EventKind.MEETING_LOGGED,
        "give_expected_minutes": "8", "get_kind": DeliveryKind.WEEKLY_DIGEST, "get_minutes_saved": "45",
        "cadence": "weekly", "wiifm": ""})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(content_type__model="givegetcontract", action=AuditEntry.Action.UPDATE).get()
    assert entry.actor == world.lene
    assert entry.organisation == world.org
    assert [Decimal(v) for v in entry.changes["give_expected_minutes"]] == [5, 8]
    assert [Decimal(v) for v in entry.changes["get_minutes_saved"]] == [60, 45]

    page = lead.get(reverse("trust:history")).content.decode()
    assert "Lene Test" in page
    assert "<strong>give: expected minutes per occurrence</strong>: <del>5.00</del> → <ins>8</ins>" in page


def test_pulse_settings_people_roles_phase_teams_and_key_revocation_are_recorded(world: World) -> None:
    lead = world.client_for(world.lene)
    lead.post(reverse("pulse:settings"), {"cadence_days": "28", "enabled": "on"})
    lead.post(f"/organisation/people/{world.rita.pk}/", {"action": "role", "role": world.roles[RoleKind.MARKETER].pk})
    key, _secret = integration_key_create(organisation_id=world.org.pk, name="Salesforce", scopes=["events:write"])
    lead.post(reverse("integrations:key_revoke", args=[key.prefix]))
    phase = RolloutPhase.objects.create(organisation=world.org, name="Phase 1", order=1,
                                        planned_start="2026-01-01", go_live_on="2026-01-15")
    phase.teams.add(world.north)

    assert PulseSettings.objects.get(organisation=world.org).cadence_days == 28
    by_model = {(e.content_type.model, e.action): e for e in AuditEntry.objects.filter(organisation=world.org)}
    membership = by_model[("membership", AuditEntry.Action.UPDATE)]
    assert membership.actor == world.lene
    assert membership.changes["role"] == ["Sales rep", "Marketer"]  # links recorded by name, as shown
    assert membership.additional_data == {"user_id": world.rita.pk}
    revoked = by_model[("integrationkey", AuditEntry.Action.UPDATE)]
    assert (revoked.actor, revoked.changes["revoked"]) == (world.lene, ["False", "True"])
    assert "hashed_key" not in by_model[("integrationkey", AuditEntry.Action.CREATE)].changes
    teams = AuditEntry.objects.filter(content_type__model="rolloutphase", changes__has_key="teams").get()
    assert teams.changes["teams"]["objects"] == ["North"]
    assert teams.actor is None  # outside a request: shown as "the system"
    assert ("pulsesettings", AuditEntry.Action.CREATE) in by_model or (
        "pulsesettings", AuditEntry.Action.UPDATE) in by_model


def test_a_deleted_milestone_stays_in_its_organisations_history(world: World) -> None:
    milestone = factories_milestone(world)
    world.client_for(world.lene).post(reverse("quickwins:milestone_delete", args=[milestone.pk]))
    deleted = AuditEntry.objects.get(content_type__model="quickwinmilestone", action=AuditEntry.Action.DELETE)
    assert (deleted.organisation, deleted.actor) == (world.org, world.lene)


def factories_milestone(world: World) -> Any:
    from apps.quickwins.models import QuickWinMilestone

    return QuickWinMilestone.objects.create(role=world.roles[RoleKind.SALES_REP], name="First meeting",
                                            event_kind=EventKind.MEETING_LOGGED, due_days=7)


def test_the_history_shows_only_the_leads_own_organisation(world: World) -> None:
    other = factories.OrganisationFactory(name="Other ApS")
    factories.RoleFactory(organisation=other, kind=RoleKind.SALES_REP, name="Secret role")
    _contract(world)
    page = world.client_for(world.lene).get(reverse("trust:history")).content.decode()
    assert "Secret role" not in page
    assert "Give-Get contract" in page or "contract" in page


@pytest.mark.parametrize("name", ["trust:history", "trust:history_json", "trust:history_csv"])
def test_only_the_project_lead_may_open_or_download_the_history(world: World, name: str) -> None:
    url = reverse(name)
    assert Client().get(url).status_code == 302
    for who in ("rita", "mads", "sam", "maja"):
        assert world.client_for(getattr(world, who)).get(url).status_code == 403, who
    assert world.client_for(world.lene).get(url).status_code == 200


def test_the_history_downloads_hold_every_entry_with_formulas_neutralised(world: World) -> None:
    world.roles[RoleKind.SALES_REP].name = "=HYPERLINK(\"http://evil.example\")"
    world.roles[RoleKind.SALES_REP].save()
    lead = world.client_for(world.lene)
    document = json.loads(lead.get(reverse("trust:history_json")).content)
    assert len(document["audit_entries"]) == AuditEntry.objects.filter(organisation=world.org).count() > 0
    archive = zipfile.ZipFile(io.BytesIO(lead.get(reverse("trust:history_csv")).content))
    text = archive.read("audit_entries.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text


def test_a_persons_own_export_holds_the_changes_made_to_their_role_and_teams(world: World) -> None:
    world.client_for(world.lene).post(f"/organisation/people/{world.rita.pk}/",
                                      {"action": "role", "role": world.roles[RoleKind.MARKETER].pk})
    document = json.loads(world.client_for(world.rita).get(reverse("trust:my_data_json")).content)
    changes = [(c["content_type__model"], c["actor__username"]) for c in document["configuration_changes"]]
    assert ("membership", "lene") in changes  # and the creation of her account, membership and team place
    assert len(changes) == AuditEntry.objects.filter(additional_data__user_id=world.rita.pk).count() == 4
    others = json.loads(world.client_for(world.ronja).get(reverse("trust:my_data_json")).content)
    assert all(c["actor__username"] != "lene" for c in others["configuration_changes"])


def test_the_history_page_reads_in_danish(world: World, settings: Any) -> None:
    _contract(world)
    settings.LANGUAGE_CODE = "da"
    page = world.client_for(world.lene).get(reverse("trust:history"), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "<h1>Ændringshistorik</h1>" in page
    assert "Alle ændringer af kontrakter" in page
    assert "Oprettede" in page
