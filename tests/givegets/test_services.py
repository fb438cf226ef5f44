"""Contract configuration rules, default installation and the stored weekly classification."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.periods import week_start
from apps.givegets import services
from apps.givegets.defaults import DEFAULT_CONTRACTS
from apps.givegets.models import Cadence, ContractStatus, ContractStatusKind, DeliveryKind, GiveGetContract
from apps.roles.models import RoleKind
from apps.usage.kinds import EventKind
from tests import factories

User = get_user_model()
MONDAY = dt.date(2026, 3, 2)


def _meeting_contract(world: Any) -> GiveGetContract:
    return factories.ContractFactory(role=world.roles[RoleKind.SALES_REP], give_kind=EventKind.MEETING_LOGGED,
                                     get_kind=DeliveryKind.WEEKLY_DIGEST)


def _statuses(contract: GiveGetContract) -> dict[str, str]:
    return {s.user.username: s.status for s in ContractStatus.objects.filter(contract=contract, period_start=MONDAY)
            .select_related("user")}


def test_refresh_classifies_honoured_broken_and_not_giving(world: Any) -> None:
    contract = _meeting_contract(world)
    colleague = factories.UserFactory(username="rune")
    factories.MembershipFactory(user=colleague, role=world.roles[RoleKind.SALES_REP], organisation=world.org)
    wednesday = factories.aware(MONDAY + dt.timedelta(days=2))
    # rita gave twice and opened her digest: honoured.
    factories.UsageEventFactory.create_batch(2, user=world.rita, kind=EventKind.MEETING_LOGGED, occurred_at=wednesday)
    factories.DeliveryFactory(user=world.rita, kind=DeliveryKind.WEEKLY_DIGEST, delivered_at=wednesday,
                              consumed_at=wednesday)
    # ronja gave but her digest was never opened: broken by us.
    factories.UsageEventFactory(user=world.ronja, kind=EventKind.MEETING_LOGGED, occurred_at=wednesday)
    factories.DeliveryFactory(user=world.ronja, kind=DeliveryKind.WEEKLY_DIGEST, delivered_at=wednesday,
                              consumed_at=None)
    # rune only logged calls (another kind) and opened a digest: not giving.
    factories.UsageEventFactory(user=colleague, kind=EventKind.CALL_LOGGED, occurred_at=wednesday)
    factories.DeliveryFactory(user=colleague, kind=DeliveryKind.WEEKLY_DIGEST, delivered_at=wednesday,
                              consumed_at=wednesday)

    written = services.contract_statuses_refresh(monday=MONDAY)

    assert written == 3
    assert _statuses(contract) == {
        "rita": ContractStatusKind.HONOURED, "ronja": ContractStatusKind.BROKEN, "rune": ContractStatusKind.NOT_GIVING,
    }
    ronja = ContractStatus.objects.get(contract=contract, user=world.ronja)
    assert (ronja.gave_count, ronja.delivered_count, ronja.consumed_count) == (1, 1, 0)
    rita = ContractStatus.objects.get(contract=contract, user=world.rita)
    assert rita.gave_count == 2


def test_refresh_only_counts_the_week_itself(world: Any) -> None:
    contract = _meeting_contract(world)
    factories.UsageEventFactory(user=world.rita, kind=EventKind.MEETING_LOGGED,
                                occurred_at=factories.aware(MONDAY - dt.timedelta(days=1), 23))
    factories.DeliveryFactory(user=world.rita, kind=DeliveryKind.WEEKLY_DIGEST,
                              delivered_at=factories.aware(MONDAY + dt.timedelta(days=7), 7),
                              consumed_at=factories.aware(MONDAY + dt.timedelta(days=7), 8))
    services.contract_statuses_refresh(monday=MONDAY)
    assert _statuses(contract)["rita"] == ContractStatusKind.NOT_GIVING


def test_refresh_is_idempotent_and_follows_changes(world: Any) -> None:
    contract = _meeting_contract(world)
    wednesday = factories.aware(MONDAY + dt.timedelta(days=2))
    factories.UsageEventFactory(user=world.rita, kind=EventKind.MEETING_LOGGED, occurred_at=wednesday)
    services.contract_statuses_refresh(monday=MONDAY)
    services.contract_statuses_refresh(monday=MONDAY)
    assert ContractStatus.objects.filter(contract=contract).count() == 2
    assert _statuses(contract)["rita"] == ContractStatusKind.BROKEN

    factories.DeliveryFactory(user=world.rita, kind=DeliveryKind.WEEKLY_DIGEST, delivered_at=wednesday,
                              consumed_at=wednesday)
    services.contract_statuses_refresh(monday=MONDAY)
    assert _statuses(contract)["rita"] == ContractStatusKind.HONOURED
    assert ContractStatus.objects.filter(contract=contract).count() == 2


def test_refresh_skips_people_not_yet_live_and_drops_people_who_left(world: Any) -> None:
    contract = _meeting_contract(world)
    services.contract_statuses_refresh(monday=MONDAY)
    assert set(_statuses(contract)) == {"rita", "ronja"}
    world.ronja.memberships.update(go_live_on=MONDAY + dt.timedelta(days=14))
    services.contract_statuses_refresh(monday=MONDAY)
    assert set(_statuses(contract)) == {"rita"}


def test_refresh_uses_one_query_per_contract_plus_the_writes(world: Any, django_assert_max_num_queries: Any) -> None:
    _meeting_contract(world)
    for i in range(30):
        user = User.objects.create(username=f"rep{i}")
        factories.MembershipFactory(user=user, role=world.roles[RoleKind.SALES_REP], organisation=world.org)
    # contracts, classification, delete stale, upsert (+ savepoint bookkeeping)
    with django_assert_max_num_queries(7):
        assert services.contract_statuses_refresh(monday=MONDAY) == 32


def test_inactive_contracts_are_not_classified(world: Any) -> None:
    contract = _meeting_contract(world)
    services.contract_set_active(contract=contract, is_active=False)
    assert services.contract_statuses_refresh(monday=MONDAY) == 0


def test_refresh_recent_covers_last_week_and_this_week(world: Any) -> None:
    contract = _meeting_contract(world)
    services.contract_statuses_refresh_recent(today=MONDAY + dt.timedelta(days=3))
    weeks = set(ContractStatus.objects.filter(contract=contract).values_list("period_start", flat=True))
    assert weeks == {MONDAY - dt.timedelta(weeks=1), MONDAY}


def _valid(world: Any, **overrides: Any) -> dict[str, Any]:
    fields = {
        "role": world.roles[RoleKind.SALES_REP], "give_kind": EventKind.MEETING_LOGGED,
        "give_expected_minutes": Decimal("5"), "get_kind": DeliveryKind.WEEKLY_DIGEST,
        "get_minutes_saved": Decimal("60"), "cadence": Cadence.WEEKLY, "wiifm": " Save an hour a week. ",
    }
    fields.update(overrides)
    return fields


def test_contract_create_saves_a_valid_contract(world: Any) -> None:
    contract = services.contract_create(**_valid(world))
    assert contract.pk is not None
    assert contract.wiifm == "Save an hour a week."


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"give_kind": ""}, "give_kind"),
        ({"get_kind": ""}, "get_kind"),
        ({"give_kind": "fax_sent"}, "give_kind"),
        ({"give_expected_minutes": Decimal("0")}, "give_expected_minutes"),
        ({"get_minutes_saved": None}, "get_minutes_saved"),
        ({"role": None}, "role"),
    ],
)
def test_contract_create_rejects_incomplete_contracts_and_saves_nothing(
    world: Any, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.contract_create(**_valid(world, **overrides))
    assert field in caught.value.message_dict
    assert not GiveGetContract.objects.exists()


def test_contract_create_rejects_a_duplicate_role_give_get(world: Any) -> None:
    services.contract_create(**_valid(world))
    with pytest.raises(ValidationError) as caught:
        services.contract_create(**_valid(world, give_expected_minutes=Decimal("3")))
    assert "already has a contract" in caught.value.messages[0]
    assert GiveGetContract.objects.count() == 1


def test_contract_update_changes_fields_but_not_into_a_duplicate(world: Any) -> None:
    first = services.contract_create(**_valid(world))
    second = services.contract_create(**_valid(world, give_kind=EventKind.CALL_LOGGED))
    services.contract_update(contract=first, **_valid(world, get_minutes_saved=Decimal("45")))
    first.refresh_from_db()
    assert first.get_minutes_saved == Decimal("45")
    with pytest.raises(ValidationError):
        services.contract_update(contract=second, **_valid(world))
    second.refresh_from_db()
    assert second.give_kind == EventKind.CALL_LOGGED


def test_install_defaults_covers_four_roles_and_is_idempotent(world: Any) -> None:
    created = services.contracts_install_defaults(organisation_id=world.org.pk)
    assert len(created) == len(DEFAULT_CONTRACTS)
    kinds = set(GiveGetContract.objects.values_list("role__kind", flat=True))
    assert kinds == {RoleKind.SALES_REP, RoleKind.SERVICE_AGENT, RoleKind.MARKETER, RoleKind.MANAGER}
    meeting = GiveGetContract.objects.get(role__kind=RoleKind.SALES_REP, give_kind=EventKind.MEETING_LOGGED)
    assert meeting.get_kind == DeliveryKind.WEEKLY_DIGEST
    assert meeting.get_minutes_saved == Decimal("60")
    assert "weekly report" in meeting.wiifm

    assert services.contracts_install_defaults(organisation_id=world.org.pk) == []
    assert GiveGetContract.objects.count() == len(DEFAULT_CONTRACTS)


def test_install_defaults_keeps_a_contract_the_lead_changed(world: Any) -> None:
    services.contracts_install_defaults(organisation_id=world.org.pk)
    meeting = GiveGetContract.objects.get(role__kind=RoleKind.SALES_REP, give_kind=EventKind.MEETING_LOGGED)
    meeting.get_minutes_saved = Decimal("90")
    meeting.save()
    services.contracts_install_defaults(organisation_id=world.org.pk)
    meeting.refresh_from_db()
    assert meeting.get_minutes_saved == Decimal("90")


def test_classify_task_is_idempotent(world: Any) -> None:
    from apps.givegets.tasks import classify_contracts

    contract = _meeting_contract(world)
    first = classify_contracts.delay().get()
    rows = list(ContractStatus.objects.filter(contract=contract).values_list("user_id", "period_start", "status"))
    second = classify_contracts.delay().get()
    assert first == second == 4  # two reps × (last week, this week)
    assert sorted(rows) == sorted(
        ContractStatus.objects.filter(contract=contract).values_list("user_id", "period_start", "status")
    )
    assert {p for _u, p, _s in rows} == {week_start(timezone.localdate()), week_start(timezone.localdate()) - dt.timedelta(7)}


def test_own_page_shows_last_weeks_settled_status_beside_this_weeks(world: Any) -> None:
    contract = _meeting_contract(world)
    monday = week_start(timezone.localdate())
    ContractStatus.objects.create(contract=contract, user=world.rita, period_start=monday - dt.timedelta(weeks=1),
                                  status=ContractStatusKind.HONOURED, gave_count=2, delivered_count=1,
                                  consumed_count=1)

    html = world.client_for(world.rita).get("/contracts/").content.decode()

    assert 'data-testid="own-last-week"' in html
    assert "You gave 2 × “Meeting logged” last week; your weekly digest was delivered and used." in html


def test_delivery_record_twice_with_one_key_returns_the_first(world: Any) -> None:
    first, created = services.delivery_record(user_id=world.rita.pk, kind=DeliveryKind.WEEKLY_DIGEST,
                                              idempotency_key="digest:rita:1")
    again, created_again = services.delivery_record(user_id=world.rita.pk, kind=DeliveryKind.WEEKLY_DIGEST,
                                                    idempotency_key="digest:rita:1")
    assert (created, created_again, again.pk) == (True, False, first.pk)


def test_delivery_record_losing_a_race_returns_the_winners_row(world: Any) -> None:
    """Another worker inserts the same key between our check and our insert: no IntegrityError."""
    from unittest import mock

    from django.db.models.query import QuerySet

    from apps.givegets.models import Delivery

    winner = factories.DeliveryFactory(user=world.rita, idempotency_key="digest:rita:2")
    original_first = QuerySet.first

    def first_missing_deliveries(self: QuerySet[Any]) -> Any:
        return None if self.model is Delivery else original_first(self)

    with mock.patch.object(QuerySet, "first", first_missing_deliveries):
        delivery, created = services.delivery_record(user_id=world.rita.pk, kind=DeliveryKind.WEEKLY_DIGEST,
                                                     idempotency_key="digest:rita:2")
    assert (delivery.pk, created) == (winner.pk, False)
    assert Delivery.objects.filter(idempotency_key="digest:rita:2").count() == 1


def test_consuming_many_gets_is_one_update_and_one_recompute(
    world: Any, django_capture_on_commit_callbacks: Any, django_assert_max_num_queries: Any
) -> None:
    deliveries = [factories.DeliveryFactory(user=world.rita, consumed_at=None, value_minutes=Decimal("3"))
                  for _ in range(4)]
    others = factories.DeliveryFactory(user=world.ronja, consumed_at=None)
    ids = [d.pk for d in deliveries] + [others.pk]

    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_max_num_queries(5):
        changed = services.deliveries_consume(user_id=world.rita.pk, delivery_ids=ids)

    assert changed == 4
    assert len(callbacks) == 1
    others.refresh_from_db()
    assert others.consumed_at is None  # someone else's get is never consumed for them
    assert services.deliveries_consume(user_id=world.rita.pk, delivery_ids=ids) == 0


def test_a_weekly_page_get_is_delivered_once_a_week_and_consumed_on_opening(world: Any) -> None:
    from apps.givegets.models import Delivery

    user = world.rita
    monday = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    first = services.weekly_delivery_opened(user_id=user.pk, kind=DeliveryKind.CAMPAIGN_REPORT, at=monday)
    again = services.weekly_delivery_opened(user_id=user.pk, kind=DeliveryKind.CAMPAIGN_REPORT,
                                            at=monday + dt.timedelta(days=4))
    next_week = services.weekly_delivery_opened(user_id=user.pk, kind=DeliveryKind.CAMPAIGN_REPORT,
                                                at=monday + dt.timedelta(days=7))

    assert first.pk == again.pk
    assert next_week.pk != first.pk
    assert first.consumed_at == monday
    assert Delivery.objects.filter(user=user, kind=DeliveryKind.CAMPAIGN_REPORT).count() == 2
