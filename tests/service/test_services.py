"""Logging cases and delivering the customer context."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.givegets.models import Delivery, DeliveryKind
from apps.service.models import Case, CaseChannel, CaseStatus
from apps.service.services import case_log, case_set_status, customer_context_deliver
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.factories import aware


@pytest.fixture
def account(world):
    return factories.AccountFactory(organisation=world.org, name="Bornholm Bryghus")


def test_case_log_writes_the_case_and_one_usage_event_with_the_measured_entry_time(world, account):
    case, created = case_log(opened_by_id=world.sam.pk, account=account, subject="  Invoice wrong  ",
                             channel=CaseChannel.EMAIL, entry_seconds=42, idempotency_key="k1")
    assert created
    assert case.subject == "Invoice wrong"
    assert case.status == CaseStatus.OPEN
    assert case.solved_at is None
    event = UsageEvent.objects.get(pk=case.usage_event_id)
    assert (event.user_id, event.kind, event.duration_seconds) == (world.sam.pk, EventKind.CASE_LOGGED, 42)
    assert event.metadata == {"account_id": account.pk, "channel": "email"}


def test_case_log_twice_with_the_same_key_returns_the_first_case(world, account):
    first, _ = case_log(opened_by_id=world.sam.pk, account=account, subject="One", idempotency_key="same")
    again, created = case_log(opened_by_id=world.sam.pk, account=account, subject="One", idempotency_key="same")
    assert (again.pk, created) == (first.pk, False)
    assert Case.objects.count() == 1
    assert UsageEvent.objects.filter(kind=EventKind.CASE_LOGGED).count() == 1


def test_case_log_rejects_an_account_of_another_organisation_and_saves_nothing(world):
    foreign = factories.AccountFactory()
    with pytest.raises(ValidationError):
        case_log(opened_by_id=world.sam.pk, account=foreign, subject="x")
    assert not Case.objects.exists()
    assert not UsageEvent.objects.exists()


def test_case_log_rejects_an_empty_subject_and_saves_no_event(world, account):
    with pytest.raises(ValidationError):
        case_log(opened_by_id=world.sam.pk, account=account, subject="   ")
    assert not UsageEvent.objects.exists()


def test_case_log_drops_an_untrustworthy_entry_time(world, account):
    case, _ = case_log(opened_by_id=world.sam.pk, account=account, subject="x", entry_seconds=3 * 24 * 3600)
    assert case.entry_seconds is None
    assert case.usage_event.duration_seconds is None


def test_case_logged_as_solved_says_when(world, account):
    moment = aware(dt.date(2026, 11, 2))
    case, _ = case_log(opened_by_id=world.sam.pk, account=account, subject="x", status=CaseStatus.SOLVED,
                       opened_at=moment)
    assert case.solved_at == moment


def test_case_set_status_stamps_and_clears_the_solved_time(world, account):
    case, _ = case_log(opened_by_id=world.sam.pk, account=account, subject="x")
    moment = aware(dt.date(2026, 11, 3))
    case_set_status(case=case, status=CaseStatus.SOLVED, at=moment)
    case.refresh_from_db()
    assert (case.status, case.solved_at) == (CaseStatus.SOLVED, moment)
    case_set_status(case=case, status=CaseStatus.WAITING)
    case.refresh_from_db()
    assert (case.status, case.solved_at) == (CaseStatus.WAITING, None)
    with pytest.raises(ValidationError):
        case_set_status(case=case, status="lost")


def test_customer_context_is_delivered_consumed_and_counted_once_per_account_and_day(world, account):
    factories.ContractFactory(role=world.roles["service_agent"], give_kind=EventKind.CASE_LOGGED,
                              get_kind=DeliveryKind.CUSTOMER_CONTEXT, get_minutes_saved=Decimal("10"))
    morning, evening = aware(dt.date(2026, 11, 2), 9), aware(dt.date(2026, 11, 2), 17)
    first = customer_context_deliver(user_id=world.sam.pk, account_id=account.pk, at=morning)
    again = customer_context_deliver(user_id=world.sam.pk, account_id=account.pk, at=evening)
    assert first.pk == again.pk
    assert again.consumed_at == morning
    assert again.value_minutes == Decimal("10")
    next_day = customer_context_deliver(user_id=world.sam.pk, account_id=account.pk,
                                        at=aware(dt.date(2026, 11, 3), 9))
    assert next_day.pk != first.pk
    assert Delivery.objects.filter(kind=DeliveryKind.CUSTOMER_CONTEXT).count() == 2
