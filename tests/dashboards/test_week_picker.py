"""Dashboards for a chosen week, and a pointer to the latest data when the window is empty."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from apps.core.periods import week_choice, week_start
from apps.scoring.models import HistoryBackfill, ScoreSnapshot
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record
from tests.conftest import World
from tests.factories import aware
from tests.rollout.factories import snapshot

TODAY = dt.date(2026, 12, 2)  # a Wednesday


@pytest.mark.parametrize(("value", "monday", "current"), [
    (None, dt.date(2026, 11, 30), True),
    ("", dt.date(2026, 11, 30), True),
    ("2026-11-19", dt.date(2026, 11, 16), False),
    ("2026-W47", dt.date(2026, 11, 16), False),
    ("2027-01-04", dt.date(2026, 11, 30), True),  # the future is this week
    ("last tuesday", dt.date(2026, 11, 30), True),
    ("2026-W99", dt.date(2026, 11, 30), True),
])
def test_week_choice_reads_a_day_or_an_iso_week_and_never_goes_ahead(
    value: str | None, monday: dt.date, current: bool,
) -> None:
    week = week_choice(value, today=TODAY)
    assert (week.monday, week.is_current) == (monday, current)
    assert week.previous == monday - dt.timedelta(weeks=1)
    assert week.next == (None if current else monday + dt.timedelta(weeks=1))
    assert week.today == (TODAY if current else monday + dt.timedelta(days=6))


@pytest.mark.django_db
def test_a_rep_sees_a_past_week_and_a_pointer_when_the_window_is_empty(world: World) -> None:
    this_monday = week_start(timezone.localdate())
    old_monday = this_monday - dt.timedelta(weeks=30)
    snapshot(world.rita, net=40, monday=old_monday)
    client = world.client_for(world.rita)

    page = client.get("/me/").content.decode()
    assert 'data-testid="latest-data"' in page
    assert f"?week={old_monday.isoformat()}" in page
    later = client.get(f"/me/?week={(old_monday + dt.timedelta(weeks=2)).isoformat()}").content.decode()
    assert 'data-testid="score-week"' in later  # an older score says which week it is from

    past = client.get(f"/me/?week={old_monday.isoformat()}").content.decode()
    assert 'data-testid="latest-data"' not in past
    assert 'data-testid="score-week"' not in past
    assert "(settled)" in past
    assert f"?week={(old_monday + dt.timedelta(weeks=1)).isoformat()}" in past


@pytest.mark.django_db
def test_the_team_page_shows_the_chosen_weeks_scores(world: World) -> None:
    this_monday = week_start(timezone.localdate())
    earlier = this_monday - dt.timedelta(weeks=10)
    snapshot(world.rita, net=40, monday=earlier)
    client = world.client_for(world.mads)
    now_page = client.get("/team/").content.decode()
    assert "Thriving" not in now_page.split('data-testid="week-picker"')[1].split("</table>")[0]
    assert 'data-testid="latest-data"' in now_page
    then_page = client.get(f"/team/?week={earlier.isoformat()}").content.decode()
    assert "Thriving" in then_page
    assert 'data-testid="latest-data"' not in then_page


@pytest.mark.django_db
def test_the_lead_page_takes_a_week_too(world: World) -> None:
    earlier = week_start(timezone.localdate()) - dt.timedelta(weeks=5)
    page = world.client_for(world.lene).get(f"/lead/?week={earlier.isoformat()}").content.decode()
    assert 'data-testid="week-shown"' in page
    assert f"{earlier.day} " in page


@pytest.mark.django_db
def test_imported_history_older_than_the_refresh_horizon_is_scored_for_its_own_week(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    """A CRM export from over a year ago: its week gets a score, shown when that week is chosen."""
    old_monday = week_start(timezone.localdate()) - dt.timedelta(weeks=60)
    with django_capture_on_commit_callbacks(execute=True):
        for n, kind in enumerate([EventKind.CALL_LOGGED, EventKind.MEETING_LOGGED]):
            usage_event_record(user_id=world.rita.pk, kind=kind, source=EventSource.IMPORT,
                               occurred_at=aware(old_monday + dt.timedelta(days=1 + n), 10),
                               idempotency_key=f"crm-export-{n}", duration_seconds=240)

    old = ScoreSnapshot.objects.get(user=world.rita, period_start=old_monday)
    assert old.give_minutes == Decimal("8.00")  # two entries of 4 minutes
    assert not HistoryBackfill.objects.exists()
    page = world.client_for(world.rita).get(f"/me/?week={old_monday.isoformat()}").content.decode()
    assert "Net loser" in page
    assert 'data-testid="latest-data"' not in page
