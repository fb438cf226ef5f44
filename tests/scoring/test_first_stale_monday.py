"""Finding what a refresh recomputes reads only events recorded since each person's last compute."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.periods import week_start
from apps.scoring import services
from apps.scoring.models import ScoreSnapshot
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)
THIS_MONDAY = week_start(TODAY)


def _event(user_id: int, weeks_back: int) -> None:
    factories.UsageEventFactory(user_id=user_id, occurred_at=factories.aware(THIS_MONDAY - dt.timedelta(weeks=weeks_back)))


def test_each_person_starts_at_the_week_of_their_earliest_event_recorded_since_their_last_compute(
    world: World,
) -> None:
    rita, ronja, sam, maja = world.rita.pk, world.ronja.pk, world.sam.pk, world.maja.pk
    for user_id in (rita, ronja, sam):
        _event(user_id, 10)
    services.scores_compute(user_ids=[rita, ronja, sam], mondays=[THIS_MONDAY - dt.timedelta(weeks=1)])
    ScoreSnapshot.objects.filter(user_id=sam).update(computed_at=timezone.now() - dt.timedelta(days=30))
    _event(rita, 5)  # a late entry for an earlier week
    _event(rita, 2)
    _event(maja, 7)  # never scored: everything is new
    _event(maja, 3)

    with CaptureQueriesContext(connection) as queries:
        earliest = services._first_stale_monday([rita, ronja, sam, maja], TODAY)

    assert earliest == {
        rita: THIS_MONDAY - dt.timedelta(weeks=5),
        ronja: THIS_MONDAY,  # nothing new
        sam: THIS_MONDAY - dt.timedelta(weeks=10),  # computed before their first event was recorded
        maja: THIS_MONDAY - dt.timedelta(weeks=7),
    }
    assert len(queries) == 3
    # The new events are found through recorded_at, not by reading every event of each person.
    events_query = next(q["sql"] for q in queries.captured_queries if "recorded_at" in q["sql"])
    assert '"usage_usageevent"."recorded_at" >' in events_query
