"""Imported history older than the refresh horizon is scored for the weeks it belongs to."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from apps.core.periods import week_start
from apps.scoring import services, tasks
from apps.scoring.models import HistoryBackfill, NetStatus, ScoreSnapshot
from apps.usage.kinds import EventKind
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)
THIS_MONDAY = week_start(TODAY)
HORIZON = THIS_MONDAY - dt.timedelta(weeks=services.MAX_BACKFILL_WEEKS)
FIELDS = ["period_start", "give_minutes", "get_minutes", "rolling_give_minutes", "rolling_get_minutes",
          "nb_index", "score", "status", "components"]


def on(monday: dt.date, days: int = 1) -> dt.datetime:
    return factories.aware(monday + dt.timedelta(days=days), 10)


def weeks_of(user_id: int) -> list[dt.date]:
    return list(ScoreSnapshot.objects.filter(user_id=user_id).order_by("period_start")
                .values_list("period_start", flat=True))


def test_a_refresh_scores_recent_weeks_now_and_leaves_older_ones_to_the_backfill(world: World) -> None:
    old_monday = THIS_MONDAY - dt.timedelta(weeks=60)
    factories.UsageEventFactory(user=world.rita, occurred_at=on(old_monday), duration_seconds=300)

    services.scores_refresh_users(user_ids=[world.rita.pk], today=TODAY)

    assert weeks_of(world.rita.pk)[0] == HORIZON
    assert weeks_of(world.rita.pk)[-1] == THIS_MONDAY
    waiting = HistoryBackfill.objects.get(user=world.rita)
    assert waiting.first_monday == old_monday
    assert services.history_backfill_waiting(user_ids=[world.rita.pk]) == 1

    written = services.history_backfill_run(today=TODAY)

    # From the old week through two weeks past the horizon: 60 - 26 + 2 weeks.
    assert written == 36
    assert weeks_of(world.rita.pk) == [old_monday + dt.timedelta(weeks=i) for i in range(61)]
    old = ScoreSnapshot.objects.get(user=world.rita, period_start=old_monday)
    assert old.give_minutes == D("5.00")  # 300 s, under the 10-minute cap
    assert old.status == NetStatus.NET_LOSER
    assert not HistoryBackfill.objects.exists()
    assert services.history_backfill_run(today=TODAY) == 0


def test_a_history_scored_in_two_parts_equals_one_computed_at_once(world: World) -> None:
    """Scores falling across the horizon: the statuses there need the older scores (at risk)."""
    first_monday = HORIZON - dt.timedelta(weeks=8)
    mondays = [first_monday + dt.timedelta(weeks=i) for i in range((THIS_MONDAY - first_monday).days // 7 + 1)]
    for i, monday in enumerate(mondays[:12]):
        factories.UsageEventFactory(user=world.rita, occurred_at=on(monday), duration_seconds=120)
        factories.DeliveryFactory(user=world.rita, value_minutes=D(60 - 4 * i), consumed_at=on(monday, 2))
    factories.UsageEventFactory(user=world.rita, kind=EventKind.MEETING_LOGGED, occurred_at=on(mondays[20]),
                                duration_seconds=None)

    services.scores_compute(user_ids=[world.rita.pk], mondays=mondays)
    at_once = list(ScoreSnapshot.objects.filter(user=world.rita).order_by("period_start").values(*FIELDS))
    assert NetStatus.AT_RISK in {row["status"] for row in at_once}
    ScoreSnapshot.objects.all().delete()

    services.scores_refresh_users(user_ids=[world.rita.pk], today=TODAY)
    services.history_backfill_run(today=TODAY)

    assert list(ScoreSnapshot.objects.filter(user=world.rita).order_by("period_start").values(*FIELDS)) == at_once


def test_requests_keep_the_earliest_week_and_a_request_during_a_run_is_kept(world: World,
                                                                            monkeypatch: Any) -> None:
    services.history_backfill_request(first_monday_by_user={world.rita.pk: HORIZON - dt.timedelta(weeks=4)})
    services.history_backfill_request(first_monday_by_user={world.rita.pk: HORIZON - dt.timedelta(weeks=2)})
    assert HistoryBackfill.objects.get(user=world.rita).first_monday == HORIZON - dt.timedelta(weeks=4)

    compute = services._scores_compute_weeks

    def compute_while_another_import_arrives(*args: Any, **kwargs: Any) -> int:
        services.history_backfill_request(first_monday_by_user={world.rita.pk: HORIZON - dt.timedelta(weeks=9)})
        return compute(*args, **kwargs)

    monkeypatch.setattr(services, "_scores_compute_weeks", compute_while_another_import_arrives)
    services.history_backfill_run(today=TODAY)

    assert HistoryBackfill.objects.get(user=world.rita).first_monday == HORIZON - dt.timedelta(weeks=9)


def test_the_backfill_runs_from_the_schedule_too(world: World) -> None:
    """A refused enqueue loses nothing: the periodic run finds the waiting rows."""
    entry = settings.CELERY_BEAT_SCHEDULE["backfill-score-history"]
    assert entry["task"] == tasks.backfill_score_history.name
    HistoryBackfill.objects.create(user=world.rita, first_monday=week_start(timezone.localdate())
                                   - dt.timedelta(weeks=services.MAX_BACKFILL_WEEKS + 3),
                                   requested_at=timezone.now())

    assert tasks.backfill_score_history() == 5

    assert not HistoryBackfill.objects.exists()
