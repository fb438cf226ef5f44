"""Scoring from the usage log: give, get, blend, rolling window, idempotency, reconciliation."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from apps.core.periods import week_start
from apps.givegets.models import DeliveryKind
from apps.pulse.models import PulseResponse
from apps.scoring import services
from apps.scoring.models import NetStatus, ScoreSnapshot
from apps.usage.kinds import EventKind, EventSource
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

MONDAY = week_start(dt.date(2026, 11, 16))


def at(days: int = 1, hour: int = 10) -> dt.datetime:
    return factories.aware(MONDAY + dt.timedelta(days=days), hour)


def compute(world: World, user_id: int, monday: dt.date = MONDAY) -> ScoreSnapshot:
    services.scores_compute(user_ids=[user_id], mondays=[monday])
    return ScoreSnapshot.objects.get(user_id=user_id, period_start=monday)


def test_measured_entry_time_is_capped_per_role(world: World) -> None:
    world.roles["sales_rep"].entry_cap_seconds = 300
    world.roles["sales_rep"].save()
    factories.UsageEventFactory(user=world.rita, occurred_at=at(), duration_seconds=90)
    factories.UsageEventFactory(user=world.rita, occurred_at=at(), duration_seconds=3600)  # left open: 5 min

    snapshot = compute(world, world.rita.pk)

    assert snapshot.give_minutes == D("6.50")
    assert snapshot.get_minutes == D("0")
    assert snapshot.status == NetStatus.NET_LOSER
    assert snapshot.score == D("0")


def test_unmeasured_entries_use_the_contract_then_the_default(world: World) -> None:
    factories.ContractFactory(role=world.roles["sales_rep"], give_kind=EventKind.MEETING_LOGGED,
                              give_expected_minutes=D("7"))
    factories.UsageEventFactory(user=world.rita, kind=EventKind.MEETING_LOGGED, occurred_at=at(),
                                duration_seconds=None, source=EventSource.IMPORT)
    factories.UsageEventFactory(user=world.rita, kind=EventKind.CALL_LOGGED, occurred_at=at(),
                                duration_seconds=None, source=EventSource.IMPORT)  # default 2 min

    snapshot = compute(world, world.rita.pk)

    assert snapshot.give_minutes == D("9.00")


def test_non_give_events_cost_nothing(world: World) -> None:
    factories.UsageEventFactory(user=world.rita, kind=EventKind.DIGEST_OPENED, occurred_at=at())
    factories.UsageEventFactory(user=world.rita, kind=EventKind.LOGIN, occurred_at=at())

    snapshot = compute(world, world.rita.pk)

    assert snapshot.give_minutes == D("0")
    assert snapshot.status == NetStatus.INACTIVE
    assert snapshot.score == D("50.00")


def test_only_consumed_deliveries_count_as_get(world: World) -> None:
    factories.UsageEventFactory(user=world.rita, occurred_at=at(), duration_seconds=600)  # 10 min
    factories.DeliveryFactory(user=world.rita, value_minutes=D("60"), delivered_at=at(), consumed_at=at(2))
    factories.DeliveryFactory(user=world.rita, value_minutes=D("60"), delivered_at=at(), consumed_at=None)
    factories.DeliveryFactory(user=world.rita, kind=DeliveryKind.NEXT_ACTION, value_minutes=D("5"),
                              delivered_at=at(), consumed_at=at(3))

    snapshot = compute(world, world.rita.pk)

    assert snapshot.get_minutes == D("65.00")
    assert snapshot.net_minutes == D("55.00")
    # (65 - 10) / 75 = 0.7333 -> 50 + 36.665 = 86.67
    assert snapshot.nb_index == D("0.7333")
    assert snapshot.score == D("86.67")
    assert snapshot.status == NetStatus.THRIVING
    assert {line["kind"] for line in snapshot.components["get"]} == {"weekly_digest", "next_action"}


def test_rolling_window_covers_four_weeks_and_not_five(world: World) -> None:
    factories.UsageEventFactory(user=world.rita, occurred_at=at() - dt.timedelta(weeks=3), duration_seconds=60)
    factories.UsageEventFactory(user=world.rita, occurred_at=at() - dt.timedelta(weeks=4), duration_seconds=60)

    snapshot = compute(world, world.rita.pk)

    assert snapshot.give_minutes == D("0")
    assert snapshot.rolling_give_minutes == D("1.00")


def test_pulse_answer_in_last_30_days_is_blended(world: World) -> None:
    factories.UsageEventFactory(user=world.rita, occurred_at=at(), duration_seconds=600)
    factories.DeliveryFactory(user=world.rita, value_minutes=D("30"), consumed_at=at())
    PulseResponse.objects.create(user=world.rita, answered_at=at() - dt.timedelta(days=20),
                                 perceived_usefulness=D("7"), perceived_ease_of_use=D("6"))

    snapshot = compute(world, world.rita.pk)

    # index (30-10)/40 = 0.5 ; perceived (6.5-4)/3 = 0.8333 ; 0.35 + 0.25 = 0.6 -> 80
    assert snapshot.pulse_usefulness == D("7")
    assert snapshot.score == D("80.00")


def test_pulse_answer_older_than_30_days_is_ignored(world: World) -> None:
    PulseResponse.objects.create(user=world.rita, answered_at=at() - dt.timedelta(days=40),
                                 perceived_usefulness=D("7"), perceived_ease_of_use=D("7"))

    snapshot = compute(world, world.rita.pk)

    assert snapshot.pulse_usefulness is None
    assert snapshot.score == D("50.00")


def test_score_falling_twice_makes_a_net_beneficiary_at_risk(world: World) -> None:
    mondays = [MONDAY - dt.timedelta(weeks=w) for w in (2, 1, 0)]
    factories.DeliveryFactory(user=world.rita, value_minutes=D("60"), consumed_at=at() - dt.timedelta(weeks=2))
    # She contributes every week (a net beneficiary needs a CRM entry in the window).
    factories.UsageEventFactory(user=world.rita, occurred_at=at() - dt.timedelta(weeks=2), duration_seconds=300)
    factories.UsageEventFactory(user=world.rita, occurred_at=at() - dt.timedelta(weeks=1), duration_seconds=300)
    factories.UsageEventFactory(user=world.rita, occurred_at=at(), duration_seconds=300)

    services.scores_compute(user_ids=[world.rita.pk], mondays=mondays)

    statuses = list(ScoreSnapshot.objects.filter(user=world.rita).order_by("period_start").values_list("status", "score"))
    assert [s for s, _ in statuses] == [NetStatus.THRIVING, NetStatus.THRIVING, NetStatus.AT_RISK]
    assert statuses[0][1] > statuses[1][1] > statuses[2][1]


def test_computing_twice_stores_the_same_figures(world: World) -> None:
    factories.UsageEventFactory(user=world.rita, occurred_at=at(), duration_seconds=120)
    factories.DeliveryFactory(user=world.rita, value_minutes=D("60"), consumed_at=at())
    fields = ["give_minutes", "get_minutes", "rolling_give_minutes", "net_minutes", "nb_index", "score", "status",
              "components"]

    services.scores_compute(user_ids=[world.rita.pk], mondays=[MONDAY])
    first = list(ScoreSnapshot.objects.values(*fields))
    services.scores_compute(user_ids=[world.rita.pk], mondays=[MONDAY])

    assert list(ScoreSnapshot.objects.values(*fields)) == first
    assert ScoreSnapshot.objects.count() == 1


def test_scoring_many_people_costs_a_fixed_number_of_queries(world: World, django_assert_max_num_queries) -> None:
    people = [world.rita, world.ronja, world.sam, world.maja, world.mads]
    for person in people:
        for _ in range(5):
            factories.UsageEventFactory(user=person, occurred_at=at(), duration_seconds=60)
        factories.DeliveryFactory(user=person, consumed_at=at())
    with django_assert_max_num_queries(15):
        services.scores_compute(user_ids=[p.pk for p in people], mondays=[MONDAY, MONDAY - dt.timedelta(weeks=1)])


def test_reconciliation_finds_people_with_events_newer_than_their_snapshot(world: World) -> None:
    today = timezone.localdate()
    factories.UsageEventFactory(user=world.rita, duration_seconds=60)
    assert world.rita.pk in services.stale_user_ids()

    services.scores_refresh_users(user_ids=[world.rita.pk], today=today)
    assert world.rita.pk not in services.stale_user_ids()

    factories.UsageEventFactory(user=world.rita, duration_seconds=60)
    assert services.stale_user_ids() == [world.rita.pk]


def test_refresh_backfills_from_the_week_of_an_imported_old_event(world: World) -> None:
    today = timezone.localdate()
    old = timezone.now() - dt.timedelta(weeks=3)
    factories.UsageEventFactory(user=world.rita, occurred_at=old, duration_seconds=None, source=EventSource.IMPORT)

    services.scores_refresh_users(user_ids=[world.rita.pk], today=today)

    weeks = list(ScoreSnapshot.objects.filter(user=world.rita).order_by("period_start").values_list("period_start", flat=True))
    assert weeks[0] == week_start(timezone.localtime(old).date())
    assert weeks[-1] == week_start(today)


def test_period_close_scores_everyone_and_opens_the_next_week(world: World) -> None:
    last_monday = MONDAY - dt.timedelta(weeks=1)

    services.period_close(monday=last_monday)

    closed = ScoreSnapshot.objects.filter(period_start=last_monday)
    assert closed.count() == 6
    assert all(closed.values_list("is_closed", flat=True))
    assert ScoreSnapshot.objects.filter(period_start=MONDAY, is_closed=False).count() == 6
