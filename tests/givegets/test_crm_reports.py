"""A contract's get can be a report or dashboard in the organisation's own CRM."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.givegets import services
from apps.givegets.models import Cadence, Delivery, DeliveryKind
from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import EventInput, usage_events_insert
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def views(user: Any, times: list[dt.datetime], name: str = "Pipeline by stage", key: str = "r") -> None:
    usage_events_insert(events=[
        EventInput(user_id=user.pk, kind=EventKind.REPORT_VIEWED, occurred_at=at, source=EventSource.CRM_EXPORT,
                   idempotency_key=f"{key}{i}", metadata={"report_id": "00O5g000004XyZ", "report_name": name})
        for i, at in enumerate(times)
    ])


def test_opening_the_named_report_is_the_contracts_get_once_a_week_and_scored(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    contract = factories.ContractFactory(role=world.roles["sales_rep"], get_kind=DeliveryKind.CRM_REPORT,
                                         get_crm_report="pipeline BY stage", get_minutes_saved=Decimal("20"))
    monday = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    monday -= dt.timedelta(days=monday.weekday())
    with django_capture_on_commit_callbacks(execute=True):
        views(world.rita, [monday, monday + dt.timedelta(hours=1), monday - dt.timedelta(days=3)])
        views(world.rita, [monday], name="Something else", key="other")
        views(world.ronja, [monday], name="Nothing named", key="ronja")
    gets = Delivery.objects.filter(user=world.rita, kind=DeliveryKind.CRM_REPORT).order_by("delivered_at")
    # One for last week's view, one for this week's first; the second view this week adds nothing.
    assert [(d.delivered_at, d.value_minutes) for d in gets] == [
        (monday - dt.timedelta(days=3), Decimal("20")), (monday, Decimal("20"))]
    assert all(d.contract_id == contract.pk and d.consumed_at == d.delivered_at for d in gets)
    assert not Delivery.objects.filter(user=world.ronja).exists()
    this_week = ScoreSnapshot.objects.get(user=world.rita, period_start=monday.date())
    assert this_week.get_minutes == Decimal("20.00")

    # The same views sent again add nothing.
    with django_capture_on_commit_callbacks(execute=True):
        views(world.rita, [monday + dt.timedelta(hours=2)], key="again")
    assert gets.count() == 2


def test_each_time_cadence_counts_every_view(world: World, django_capture_on_commit_callbacks: Any) -> None:
    factories.ContractFactory(role=world.roles["sales_rep"], get_kind=DeliveryKind.CRM_REPORT,
                              get_crm_report="00O5g000004XyZ", cadence=Cadence.PER_OCCURRENCE)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        views(world.rita, [now - dt.timedelta(minutes=5), now])
    assert Delivery.objects.filter(user=world.rita, kind=DeliveryKind.CRM_REPORT).count() == 2


def test_a_crm_report_contract_must_name_its_report(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.contract_create(role=world.roles["sales_rep"], give_kind=EventKind.RECORD_UPDATED,
                                 give_expected_minutes=Decimal("1"), get_kind=DeliveryKind.CRM_REPORT,
                                 get_minutes_saved=Decimal("15"), get_crm_report=" ")
    assert "get_crm_report" in error.value.message_dict


def test_the_lead_names_the_report_on_the_contract_form(world: World) -> None:
    client = world.client_for(world.lene)
    response = client.post("/contracts/new/", {
        "role": world.roles["sales_rep"].pk, "give_kind": EventKind.RECORD_UPDATED, "give_expected_minutes": "1",
        "get_kind": DeliveryKind.CRM_REPORT, "get_minutes_saved": "15", "cadence": Cadence.WEEKLY,
        "get_crm_report": "Pipeline by stage", "wiifm": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    contract = world.roles["sales_rep"].contracts.get(get_kind=DeliveryKind.CRM_REPORT)
    assert contract.get_crm_report == "Pipeline by stage"
    assert "Pipeline by stage" in client.get(f"/contracts/{contract.pk}/edit/").content.decode()
