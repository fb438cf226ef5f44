"""The set-based period close stores exactly what `scores_compute` stores for each person and week.

A randomised small organisation (roles with different entry caps and pulse weights, contracts,
measured and unmeasured entries near midnight, withdrawn entries, deliveries, pulse answers,
accepted suggestions not yet acted on, people without any event, a role whose cap changed after
its rollups were counted) is closed by `period_close` and then, for the same week and the one
after, by `scores_compute` person by person; every stored field must agree.
"""

import datetime as dt
import random
import uuid
from decimal import Decimal as D
from typing import Any

import pytest
from django.db.models import F

from apps.core.periods import week_start
from apps.givegets.models import Delivery, DeliveryKind
from apps.pulse.models import PulseResponse
from apps.roles.models import Membership, Organisation, Role, RoleKind
from apps.scoring import services
from apps.scoring.models import NetStatus, ScoreSnapshot
from apps.suggestions.models import Suggestion, SuggestionStatus
from apps.usage.kinds import GIVE_KINDS, WITHDRAWAL_SOURCE, EventKind, EventSource, withdrawal_key
from apps.usage.models import DailyRollup, UsageEvent
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = week_start(dt.date(2026, 10, 19))
FIELDS = [f.name for f in ScoreSnapshot._meta.concrete_fields if f.name not in ("id", "computed_at")]
KINDS = [*sorted(GIVE_KINDS), EventKind.LOGIN, EventKind.DIGEST_OPENED]


def _moment(rng: random.Random, first_week: int, weeks: int) -> dt.datetime:
    """A local moment in the `weeks` weeks from MONDAY + `first_week` weeks, often near midnight."""
    day = MONDAY + dt.timedelta(weeks=first_week, days=rng.randrange(7 * weeks))
    hour, minute = rng.choice([(0, 5), (23, 55), (10, 0), (rng.randint(7, 18), rng.randint(0, 59))])
    return factories.aware(day, hour) + dt.timedelta(minutes=minute)


def _organisation(rng: random.Random) -> list[int]:
    org = Organisation.objects.create(name="Close org")
    roles = []
    for kind, cap, weight in [(RoleKind.SALES_REP, 120, "0.30"), (RoleKind.MANAGER, 600, "0.55"),
                              (RoleKind.SERVICE_AGENT, 900, "0.00"), (RoleKind.MARKETER, 300, "1.00")]:
        roles.append(Role.objects.create(organisation=org, kind=kind, name=str(kind), entry_cap_seconds=cap,
                                         pulse_weight=D(weight)))
    factories.ContractFactory(role=roles[0], give_kind=EventKind.MEETING_LOGGED, give_expected_minutes=D("7.25"))
    factories.ContractFactory(role=roles[0], give_kind=EventKind.MEETING_LOGGED, give_expected_minutes=D("4.10"),
                              get_kind=DeliveryKind.NEXT_ACTION)
    factories.ContractFactory(role=roles[1], give_kind=EventKind.CALL_LOGGED, give_expected_minutes=D("1.35"))
    people = []
    for i in range(24):
        user = factories.UserFactory(username=f"close-{i}")
        Membership.objects.create(user=user, organisation=org, role=roles[i % len(roles)])
        people.append(user.pk)
    # One person in a second organisation too: their newest membership's role counts.
    other = Organisation.objects.create(name="Other org")
    other_role = Role.objects.create(organisation=other, kind=RoleKind.SALES_REP, name="Rep", entry_cap_seconds=45)
    Membership.objects.create(user_id=people[1], organisation=other, role=other_role)

    events = []
    for user_id in people[:-4]:  # the last four have no events at all
        for _ in range(rng.randint(0, 30)):
            seconds = rng.choice([None, 0, rng.randint(1, 2000), rng.randint(1, 200)])
            events.append(UsageEvent(user_id=user_id, kind=rng.choice(KINDS), occurred_at=_moment(rng, -5, 7),
                                     duration_seconds=seconds, source=EventSource.APP,
                                     idempotency_key=uuid.uuid4().hex))
    # One whose score falls week after week (at risk): the same get, ever more give.
    falling = factories.UserFactory(username="close-falling").pk
    Membership.objects.create(user_id=falling, organisation=org, role=roles[2])
    Delivery.objects.create(user_id=falling, kind=DeliveryKind.WEEKLY_DIGEST, value_minutes=D("500"),
                            delivered_at=factories.aware(MONDAY - dt.timedelta(weeks=2)),
                            consumed_at=factories.aware(MONDAY - dt.timedelta(weeks=2)), idempotency_key="falling")
    for week in range(-2, 2):
        events.extend(UsageEvent(user_id=falling, kind=EventKind.CALL_LOGGED, duration_seconds=120,
                                 occurred_at=factories.aware(MONDAY + dt.timedelta(weeks=week, days=2)),
                                 source=EventSource.APP, idempotency_key=uuid.uuid4().hex) for _ in range(week + 3))
    UsageEvent.objects.bulk_create(events)
    people.append(falling)
    withdrawn = rng.sample([e for e in events if e.kind in GIVE_KINDS and e.user_id != falling], 25)
    UsageEvent.objects.bulk_create([
        UsageEvent(user_id=e.user_id, kind=EventKind.ENTRY_WITHDRAWN, occurred_at=e.occurred_at + dt.timedelta(hours=1),
                   source=WITHDRAWAL_SOURCE, idempotency_key=withdrawal_key(e.pk), duration_seconds=None)
        for e in withdrawn
    ])
    for user_id in people[:-3]:
        for _ in range(rng.randint(0, 6)):
            delivered = _moment(rng, -5, 7)
            consumed = rng.choice([None, delivered + dt.timedelta(hours=rng.randint(0, 100))])
            Delivery.objects.create(user_id=user_id, kind=rng.choice(DeliveryKind.values), delivered_at=delivered,
                                    consumed_at=consumed, value_minutes=D(rng.randint(1, 9000)) / 100,
                                    idempotency_key=uuid.uuid4().hex)
        for _ in range(rng.randint(0, 3)):
            answered = _moment(rng, -6, 8)
            PulseResponse.objects.create(user_id=user_id, answered_at=answered, idempotency_key=uuid.uuid4().hex,
                                         perceived_usefulness=D(rng.randint(100, 700)) / 100,
                                         perceived_ease_of_use=D(rng.randint(2, 14)) / 2)
        if rng.random() < 0.3:
            decided = _moment(rng, -2, 3)
            Suggestion.objects.create(user_id=user_id, rule="test", text="Call", reason="Because",
                                      created_at=decided, decided_at=decided, status=SuggestionStatus.ACCEPTED,
                                      dedupe_key=uuid.uuid4().hex)
    return people


def _stored(weeks: list[dt.date]) -> dict[tuple[int, dt.date], dict[str, Any]]:
    rows = ScoreSnapshot.objects.filter(period_start__in=weeks).values(*FIELDS)
    return {(row["user"], row["period_start"]): row for row in rows}


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_period_close_stores_what_scores_compute_stores_per_person(seed: int) -> None:
    rng = random.Random(seed)
    people = _organisation(rng)
    earlier = [MONDAY - dt.timedelta(weeks=i) for i in (3, 2, 1)]
    services.scores_compute(user_ids=people, mondays=earlier)  # the statuses read the two weeks before
    # The marketers' cap changed after their rollups were counted (no rebuild yet).
    marketers = Role.objects.filter(kind=RoleKind.MARKETER, organisation__name="Close org")
    marketers.update(entry_cap_seconds=F("entry_cap_seconds") + 77)
    assert DailyRollup.objects.filter(user__memberships__role__in=marketers, kind__in=GIVE_KINDS).exists()
    weeks = [MONDAY, MONDAY + dt.timedelta(weeks=1)]

    assert services.period_close(monday=MONDAY) == 2 * len(people)
    closed = _stored(weeks)

    ScoreSnapshot.objects.filter(period_start__in=weeks).delete()
    for user_id in people:
        services.scores_compute(user_ids=[user_id], mondays=[MONDAY], close=True)
        services.scores_compute(user_ids=[user_id], mondays=[weeks[1]])
    by_person = _stored(weeks)

    assert set(closed) == {(u, w) for u in people for w in weeks}
    for key, row in by_person.items():
        assert closed[key] == row, key
    # Not a vacuous comparison: the organisation exercises what the close has to get right.
    rows = list(by_person.values())
    assert {r["status"] for r in rows} >= {NetStatus.INACTIVE, NetStatus.NET_LOSER, NetStatus.THRIVING}
    assert any(r["pulse_usefulness"] is not None for r in rows)
    assert {r["period_start"] for r in rows if r["status"] == NetStatus.AT_RISK} == set(weeks)
    assert any(r["components"]["accepted_pending"] for r in rows)
    assert sum(r["is_closed"] for r in rows) == len(people)
    assert any(r["rolling_get_minutes"] > 0 and r["rolling_give_minutes"] > 0 for r in rows)


def test_the_week_after_keeps_its_closed_flag_and_a_second_close_changes_nothing() -> None:
    people = _organisation(random.Random(7))
    services.period_close(monday=MONDAY)
    first = _stored([MONDAY, MONDAY + dt.timedelta(weeks=1)])
    ScoreSnapshot.objects.filter(period_start=MONDAY + dt.timedelta(weeks=1)).update(is_closed=True)

    services.period_close(monday=MONDAY)

    again = _stored([MONDAY, MONDAY + dt.timedelta(weeks=1)])
    assert all(again[(u, MONDAY + dt.timedelta(weeks=1))]["is_closed"] for u in people)
    for key, row in first.items():
        assert {**row, "is_closed": True} == {**again[key], "is_closed": True}


def test_minutes_text_is_the_two_decimal_text_of_the_same_minutes() -> None:
    cents = [*range(-250, 251), 999, 1000, 1001, -1001, 10**9 + 7, -(10**9 + 7), 99_999_999_99]
    for value in cents:
        assert services._minutes_text(value) == str(services._minutes(value)), value
