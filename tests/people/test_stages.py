"""Pipeline stages: create, rename (history kept), reorder, outcome, delete only when unused."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from apps.activities.models import DealStageChange, Stage
from apps.activities.services import deal_move_stage
from apps.people import services
from apps.trust.models import AuditEntry
from tests import factories
from tests.audit import trail
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    return {"name": "Demo booked", "order": 4, "outcome": "open", "next_step": "Send the agenda", "idle_days": 10} | overrides


def test_the_lead_adds_a_stage_and_the_list_shows_it_in_order(world: World) -> None:
    client = world.client_for(world.lene)
    assert client.post("/organisation/pipeline/new/", _form()).status_code == 302
    body = client.get("/organisation/pipeline/").content.decode()
    names = [s.name for s in Stage.objects.filter(organisation=world.org).order_by("order")]
    assert names == ["Lead", "Meeting", "Proposal", "Demo booked", "Won"]
    rows = [row.split("</tr>")[0] for row in body.split('data-testid="stage-row"')[1:]]
    assert ["Demo booked" in row for row in rows] == [False, False, False, True, False]
    created = trail(Stage).get(object_repr="Demo booked")
    assert (created.action, created.actor) == (AuditEntry.Action.CREATE, world.lene)


def test_a_taken_position_or_name_is_refused_by_field(world: World) -> None:
    body = world.client_for(world.lene).post("/organisation/pipeline/new/", _form(order=2, name="lead")).content.decode()
    assert "Another stage already has position 2." in body
    assert "Another stage is already called" in body
    assert Stage.objects.filter(organisation=world.org).count() == 4


def test_renaming_keeps_the_deals_and_their_stage_history(world: World) -> None:
    lead, meeting = world.stages[0], world.stages[1]
    deal = factories.DealFactory(account=factories.AccountFactory(organisation=world.org), owner=world.rita, stage=lead)
    deal_move_stage(deal=deal, to_stage=meeting, actor_id=world.rita.pk)
    response = world.client_for(world.lene).post(
        f"/organisation/pipeline/{meeting.pk}/",
        _form(name="Discovery meeting", order=meeting.order, next_step=meeting.next_step, idle_days=meeting.idle_days),
    )
    assert response.status_code == 302
    change = DealStageChange.objects.get(deal=deal)
    assert change.to_stage.name == "Discovery meeting"
    deal.refresh_from_db()
    assert deal.stage_id == meeting.pk
    rename = trail(Stage, meeting.pk).get(action=AuditEntry.Action.UPDATE)
    assert (rename.changes["name"], rename.actor) == (["Meeting", "Discovery meeting"], world.lene)
    page = world.client_for(world.lene).get("/organisation/pipeline/").content.decode()
    assert "<del>Meeting</del> → <ins>Discovery meeting</ins>" in page


def test_a_stage_with_deals_keeps_its_outcome(world: World) -> None:
    lead = world.stages[0]
    factories.DealFactory(account=factories.AccountFactory(organisation=world.org), owner=world.rita, stage=lead)
    with pytest.raises(ValidationError) as raised:
        services.stage_update(stage=lead, actor_id=world.lene.pk, name=lead.name, order=lead.order, outcome="won",
                              next_step="", idle_days=14)
    assert "outcome" in raised.value.message_dict
    lead.refresh_from_db()
    assert not lead.is_won


def test_moving_up_swaps_positions_and_records_both(world: World) -> None:
    meeting, proposal = world.stages[1], world.stages[2]
    world.client_for(world.lene).post(f"/organisation/pipeline/{proposal.pk}/move/", {"to": "up"})
    meeting.refresh_from_db()
    proposal.refresh_from_db()
    assert (meeting.order, proposal.order) == (3, 2)
    moves = trail(Stage).filter(action=AuditEntry.Action.UPDATE)
    assert sorted((e.object_pk, e.changes["order"], e.actor) for e in moves) == sorted([
        (str(meeting.pk), ["2", "3"], world.lene), (str(proposal.pk), ["3", "2"], world.lene)])


def test_the_first_stage_cannot_move_up(world: World) -> None:
    lead = world.stages[0]
    services.stage_move(stage=lead, actor_id=None, direction=-1)
    lead.refresh_from_db()
    assert lead.order == 1
    assert not trail(Stage).filter(action=AuditEntry.Action.UPDATE).exists()


def test_a_stage_deals_have_been_in_cannot_be_deleted_an_unused_one_can(world: World) -> None:
    lead, meeting = world.stages[0], world.stages[1]
    deal = factories.DealFactory(account=factories.AccountFactory(organisation=world.org), owner=world.rita, stage=lead)
    deal_move_stage(deal=deal, to_stage=meeting, actor_id=world.rita.pk)
    client = world.client_for(world.lene)
    client.post(f"/organisation/pipeline/{lead.pk}/delete/")  # the deal left it, but its history needs it
    assert Stage.objects.filter(pk=lead.pk).exists()
    spare = services.stage_create(organisation_id=world.org.pk, actor_id=None, name="Spare", order=50, outcome="lost")
    client.post(f"/organisation/pipeline/{spare.pk}/delete/")
    assert not Stage.objects.filter(pk=spare.pk).exists()
    assert trail(Stage, spare.pk).filter(action=AuditEntry.Action.DELETE, object_repr="Spare").exists()


def test_another_organisations_stage_is_not_found(world: World) -> None:
    other = factories.StageFactory(organisation=factories.OrganisationFactory(), name="Theirs", order=1)
    client = world.client_for(world.lene)
    assert client.get(f"/organisation/pipeline/{other.pk}/").status_code == 404
    assert client.post(f"/organisation/pipeline/{other.pk}/delete/").status_code == 404
